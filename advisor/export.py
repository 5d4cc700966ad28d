"""The dependency graph as a document: JSON (contract in DESIGN.md). Its DOT rendering is
``reports.dot.to_dot`` (the graphviz package lives in reports only)."""

from __future__ import annotations

import json
from collections import defaultdict

from advisor.graph import DependencyGraph, Edge, package_of


def edge_dict(e: Edge) -> dict:
    """One module dependency as both the graph export and the assessment document write it."""
    return {"source": e.source, "target": e.target, "kinds": list(e.kinds), "weight": e.weight,
            "lines": list(e.lines), "tags": list(e.tags)}


def graph_document(graph: DependencyGraph, edges: tuple[Edge, ...], level: str = "module") -> dict:
    if level == "package":
        return _package_document(graph, edges)
    return {
        "level": "module",
        "nodes": [
            {
                "id": name,
                "path": m.path,
                "lines": m.lines,
                "external": list(graph.external.get(name, ())),
            }
            for name, m in graph.modules.items()
        ],
        "edges": [edge_dict(e) for e in edges],
    }


def _package_document(graph: DependencyGraph, edges: tuple[Edge, ...]) -> dict:
    owner = {name: package_of(m) for name, m in graph.modules.items()}
    lines: dict[str, int] = defaultdict(int)
    paths: dict[str, str] = {}
    members: dict[str, int] = defaultdict(int)
    external: dict[str, set[str]] = defaultdict(set)
    for name, m in graph.modules.items():
        pkg = owner[name]
        lines[pkg] += m.lines
        members[pkg] += 1
        external[pkg].update(graph.external.get(name, ()))
        if m.is_package or pkg == name:
            paths[pkg] = m.path.rsplit("/", 1)[0] if m.is_package else m.path
        else:
            paths.setdefault(pkg, m.path.rsplit("/", 1)[0])
    acc: dict[tuple[str, str], list] = {}
    for e in edges:
        s, t = owner[e.source], owner[e.target]
        if s == t:
            continue
        entry = acc.setdefault((s, t), [set(), 0.0, 0])
        entry[0].update(e.kinds)
        entry[1] += e.weight
        entry[2] += 1
    return {
        "level": "package",
        "nodes": [
            {"id": pkg, "path": paths[pkg], "lines": lines[pkg], "modules": members[pkg],
             "external": sorted(external[pkg])}
            for pkg in sorted(lines)
        ],
        "edges": [
            {"source": s, "target": t, "kinds": sorted(kinds), "weight": weight,
             "module_edges": count}
            for (s, t), (kinds, weight, count) in sorted(acc.items())
        ],
    }


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"

