"""Time and size of the report for django 6.1.3 (from PyPI): analysis and rendering apart.

    python benchmarks/bench_report.py [--package django==6.1.3] [--out DIR]

Prints: the analysis (facts, graph, contexts, checklist -> assessment document; empty cache),
the HTML rendering (view model, Graphviz diagrams, templates), the Markdown rendering, the
diagrams drawn and by which Graphviz, and the sizes. Targets: rendering under 30 s and
report.html under 5 MB; exit 1 when one is missed. With --out the outputs are kept there.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

RENDER_TARGET_S = 30.0
SIZE_TARGET_BYTES = 5_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="django==6.1.3")
    parser.add_argument("--python-version", default="3.12")
    parser.add_argument("--out", default=None, help="keep report.html/.md/assessment.json here")
    args = parser.parse_args()

    from advisor.analysis import analyze_path
    from advisor.assessment import build_assessment
    from reports.diagrams import DiagramMaker, find_renderer
    from reports.html import render_html
    from reports.markdown import render_json, render_markdown
    from tests.corpora import corpus_root

    name, _, version = args.package.partition("==")
    root = str(corpus_root(name, version, python_version=args.python_version))
    renderer = find_renderer()
    print(f"corpus: {root}")
    print(f"graphviz: {renderer.binary if renderer else 'none (DOT source shown instead)'}")

    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        analysis = analyze_path(root, use_cache=False, cache_dir=cache,
                                repository_facts=True, use_git=False)
        document = build_assessment(analysis)
        analysis_s = time.perf_counter() - start

    start = time.perf_counter()
    page = render_html(document, generated_at=None, renderer=renderer)
    html_s = time.perf_counter() - start
    maker = DiagramMaker(renderer)  # the same diagrams again, counted
    from reports.view import build_view

    view = build_view(document, None, maker)
    drawn = sum(d.svg is not None for d in [view["map"]["diagram"]]
                + [c["diagram"] for c in view["contexts"]])
    start = time.perf_counter()
    markdown = render_markdown(document)
    markdown_s = time.perf_counter() - start

    size = len(page.encode("utf-8"))
    print(f"modules: {len(document['modules'])}, dependencies: {len(document['dependencies'])}, "
          f"contexts: {len(document['contexts'])}, cycles: {len(document['metrics']['cycles'])}")
    print(f"analysis (facts -> assessment document): {analysis_s:8.2f} s")
    print(f"render report.html:                      {html_s:8.2f} s "
          f"(diagrams: {maker.spent_s:.2f} s for {drawn} drawn)")
    print(f"render report.md:                        {markdown_s:8.3f} s")
    print(f"report.html size: {size / 1e6:.2f} MB; report.md: {len(markdown.encode()):,} bytes")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for file, text in (("report.html", page), ("report.md", markdown),
                           ("assessment.json", render_json(document))):
            with open(os.path.join(args.out, file), "w", encoding="utf-8") as fh:
                fh.write(text)
    ok = html_s < RENDER_TARGET_S and size < SIZE_TARGET_BYTES
    print(f"targets: render < {RENDER_TARGET_S:g} s and html < {SIZE_TARGET_BYTES / 1e6:g} MB: "
          + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
