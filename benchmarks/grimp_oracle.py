"""Correctness oracle: our module-level import edges against grimp's, on real packages.

    python benchmarks/grimp_oracle.py            # django 6.1.3 and django-oscar 4.2.1 from PyPI

Prints precision and recall of internal module -> module import edges and lists every
difference. grimp (a test dependency) only reads the files; nothing is imported or executed.
Edges of kind ``dynamic`` (importlib.import_module) are left out: grimp does not detect them.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CORPORA = [("django", "6.1.3", "3.12", "django"), ("django-oscar", "4.2.1", None, "oscar")]


def grimp_edges(root: str, package: str) -> tuple[set[tuple[str, str]], set[str]]:
    import grimp

    sys.path.insert(0, root)
    try:
        graph = grimp.build_graph(package, cache_dir=None)
    finally:
        sys.path.remove(root)
    edges = {(m, t) for m in graph.modules for t in graph.find_modules_directly_imported_by(m)}
    return edges, set(graph.modules)


def our_edges(root: str, package: str) -> tuple[set[tuple[str, str]], set[str]]:
    from advisor.analysis import analyze_path

    graph = analyze_path(root, use_cache=False).graph
    inside = lambda name: name == package or name.startswith(package + ".")  # noqa: E731
    edges = {(e.source, e.target) for e in graph.edges
             if "import" in e.kinds and inside(e.source) and inside(e.target)}
    return edges, {m for m in graph.modules if inside(m)}


def compare(root: str, package: str) -> dict:
    ours, our_modules = our_edges(root, package)
    theirs, their_modules = grimp_edges(root, package)
    common = ours & theirs
    return {
        "package": package,
        "edges_ours": len(ours),
        "edges_grimp": len(theirs),
        "precision": len(common) / len(ours) if ours else 0.0,
        "recall": len(common) / len(theirs) if theirs else 0.0,
        "only_ours": sorted(ours - theirs),
        "only_grimp": sorted(theirs - ours),
        "modules_only_ours": sorted(our_modules - their_modules),
        "modules_only_grimp": sorted(their_modules - our_modules),
    }


def main() -> int:
    from tests.corpora import corpus_root

    worst = 1.0
    for name, version, python, package in CORPORA:
        root = str(corpus_root(name, version, python_version=python))
        r = compare(root, package)
        worst = min(worst, r["precision"], r["recall"])
        print(f"{name} {version}: {r['edges_ours']} edges (grimp {r['edges_grimp']}), "
              f"precision {r['precision']:.4f}, recall {r['recall']:.4f}")
        for key in ("only_ours", "only_grimp", "modules_only_ours", "modules_only_grimp"):
            for item in r[key]:
                print(f"  {key}: {item}")
    return 0 if worst >= 0.995 else 1


if __name__ == "__main__":
    raise SystemExit(main())
