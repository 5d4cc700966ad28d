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



def shape(document: dict, depth: int | None = None, focus: str | None = None,
          cycles_only: bool = False) -> dict:
    """A graph document cut down to what can be drawn, in this order:

    * ``depth``: every node folded into its first ``depth`` dotted parts (``shop.orders.models``
      -> ``shop.orders`` at depth 2); lines and modules summed, edges between the same folded
      nodes merged (weights summed, kinds joined), edges inside one node dropped;
    * ``focus``: the node named (or the nodes inside that package) and their direct
      neighbours, both ways;
    * ``cycles_only``: the nodes in dependency cycles, with the edges inside each cycle.

    Raises ``ValueError`` when ``focus`` names no node."""
    import networkx as nx

    nodes = {n["id"]: dict(n) for n in document["nodes"]}
    edges = [dict(e) for e in document["edges"]]
    if depth is not None:
        fold = {n: ".".join(n.split(".")[:depth]) for n in nodes}
        merged: dict[str, dict] = {}
        for n, node in nodes.items():
            into = merged.setdefault(fold[n], {"id": fold[n], "path": node["path"], "lines": 0,
                                               "modules": 0, "external": set()})
            into["lines"] += node.get("lines", 0)
            into["modules"] += node.get("modules", 1)
            into["external"].update(node.get("external", ()))
            if n == fold[n]:
                into["path"] = node["path"]
        nodes = {k: dict(v, external=sorted(v["external"])) for k, v in sorted(merged.items())}
        joined: dict[tuple[str, str], dict] = {}
        for e in edges:
            s, t = fold[e["source"]], fold[e["target"]]
            if s == t:
                continue
            into = joined.setdefault((s, t), {"source": s, "target": t, "kinds": set(),
                                              "weight": 0.0, "module_edges": 0})
            into["kinds"].update(e["kinds"])
            into["weight"] += e["weight"]
            into["module_edges"] += e.get("module_edges", 1)
        edges = [dict(v, kinds=sorted(v["kinds"])) for _, v in sorted(joined.items())]
    if focus is not None:
        centre = {n for n in nodes if n == focus or n.startswith(focus + ".")}
        if not centre:
            raise ValueError(focus)
        keep = set(centre)
        for e in edges:
            if e["source"] in centre:
                keep.add(e["target"])
            if e["target"] in centre:
                keep.add(e["source"])
        nodes = {n: v for n, v in nodes.items() if n in keep}
        edges = [e for e in edges if e["source"] in keep and e["target"] in keep
                 and (e["source"] in centre or e["target"] in centre)]
    if cycles_only:
        g = nx.DiGraph((e["source"], e["target"]) for e in edges)
        scc = {n: i for i, c in enumerate(nx.strongly_connected_components(g)) if len(c) > 1
               for n in c}
        nodes = {n: v for n, v in nodes.items() if n in scc}
        edges = [e for e in edges
                 if e["source"] in scc and scc[e["source"]] == scc.get(e["target"])]
    out = dict(document, nodes=list(nodes.values()), edges=edges)
    out.update({k: v for k, v in (("depth", depth), ("focus", focus)) if v is not None})
    if cycles_only:
        out["cycles_only"] = True
    return out
