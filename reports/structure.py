"""Graph-shaped views of the document: units (contexts or packages), the links between them,
their cycles, cycle breakers and the dependency structure matrix.

Pure functions over the document's ``modules`` and ``dependencies``; no networkx (reports only
need small graphs: tens of contexts, or the modules of one cycle).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reports.diagrams import Graph, Link, Node
from reports.fields import as_dict, as_list, fmt_number, get, integer, number, strings, text

MAX_UNITS = 40  # package-level fallback: the package depth is chosen to stay under this


@dataclass(frozen=True)
class Dependency:
    source: str
    target: str
    weight: float
    lines: tuple[int, ...]


@dataclass
class Units:
    """Modules grouped into contexts (or, without contexts, packages)."""

    level: str  # "context", "package" or "" (no modules at all)
    names: list[str]  # sorted
    of: dict[str, str]  # module -> unit
    members: dict[str, list[str]]  # unit -> sorted modules
    lines: dict[str, int]  # unit -> lines of code
    unassigned: int = 0  # modules in no context
    depth: int = 0  # package depth, for the package level


@dataclass
class ModuleIndex:
    paths: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    deps: list[Dependency] = field(default_factory=list)


def module_index(document: dict) -> ModuleIndex:
    index = ModuleIndex()
    for m in as_list(document.get("modules")):
        name = text(as_dict(m).get("name"))
        if name:
            index.paths[name] = text(m.get("path"))
            index.lines[name] = integer(m.get("lines")) or 0
    merged: dict[tuple[str, str], Dependency] = {}
    for d in as_list(document.get("dependencies")):
        d = as_dict(d)
        s, t = text(d.get("source")), text(d.get("target"))
        if not s or not t or s == t:
            continue
        w = number(d.get("weight"))
        lines = tuple(n for n in (integer(x) for x in as_list(d.get("lines"))) if n)
        old = merged.get((s, t))
        weight = (w if w is not None else 1.0) + (old.weight if old else 0.0)
        merged[(s, t)] = Dependency(s, t, weight, tuple(sorted(set(lines + (old.lines if old
                                                                           else ())))))
    index.deps = [merged[k] for k in sorted(merged)]
    return index


def _package(name: str, path: str) -> str:
    is_package = path.replace("\\", "/").endswith("/__init__.py") or path == "__init__.py"
    return name if is_package else (name.rpartition(".")[0] or name)


def units(document: dict, index: ModuleIndex) -> Units:
    of: dict[str, str] = {}
    contexts = as_list(document.get("contexts"))
    for c in (as_dict(x) for x in contexts):
        name = text(c.get("name"))
        for module in strings(c.get("modules")):
            if name and module in index.lines:
                of.setdefault(module, name)
    for m in as_list(document.get("modules")):
        name, ctx = text(as_dict(m).get("name")), text(as_dict(m).get("context"))
        if name in index.lines and ctx:
            of.setdefault(name, ctx)
    level, depth = "context", 0
    context_names = {text(as_dict(c).get("name")) for c in contexts} - {""}
    if not context_names and not of:
        level, of, depth = _packages(index)
    names = sorted(set(of.values()) | (context_names if level == "context" else set()))
    members: dict[str, list[str]] = {n: [] for n in names}
    lines: dict[str, int] = {n: 0 for n in names}
    for module, unit in sorted(of.items()):
        members[unit].append(module)
        lines[unit] += index.lines.get(module, 0)
    return Units(level if names else "", names, of, members, lines,
                 unassigned=len(index.lines) - len(of), depth=depth)


def _packages(index: ModuleIndex) -> tuple[str, dict[str, str], int]:
    packages = {m: _package(m, index.paths.get(m, "")) for m in index.lines}
    deepest = max((p.count(".") + 1 for p in packages.values()), default=1)
    best = {m: p.split(".")[0] for m, p in packages.items()}, 1
    for depth in range(2, deepest + 1):
        of = {m: ".".join(p.split(".")[:depth]) for m, p in packages.items()}
        if len(set(of.values())) > MAX_UNITS:
            break
        best = of, depth
    return "package", best[0], best[1]


def unit_links(u: Units, index: ModuleIndex) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = defaultdict(float)
    for d in index.deps:
        a, b = u.of.get(d.source), u.of.get(d.target)
        if a and b and a != b:
            out[(a, b)] += d.weight
    return dict(sorted(out.items()))


def strongly_connected(nodes: list[str], edges) -> list[list[str]]:
    """Tarjan's SCCs, iterative; emitted sinks first (providers before their users)."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        if a in succ and b in succ:
            succ[a].append(b)
    for targets in succ.values():
        targets.sort()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for start in sorted(succ):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on_stack.add(v)
            recurse = False
            for j in range(i, len(succ[v])):
                w = succ[v][j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


def eades_order(nodes: list[str], weights: dict[tuple[str, str], float]) -> list[str]:
    """An order in which most edge weight points forward (weighted Eades-Lin-Smyth): sinks go
    last, sources first, then the node with the most outgoing minus incoming weight."""
    remaining = set(nodes)
    succ: dict[str, set[str]] = defaultdict(set)
    pred: dict[str, set[str]] = defaultdict(set)
    for (a, b) in weights:
        if a in remaining and b in remaining and a != b:
            succ[a].add(b)
            pred[b].add(a)
    left: list[str] = []
    right: list[str] = []

    def delta(v: str) -> float:
        out_w = sum(weights[(v, w)] for w in succ[v] if w in remaining)
        in_w = sum(weights[(w, v)] for w in pred[v] if w in remaining)
        return out_w - in_w

    while remaining:
        changed = True
        while changed:
            changed = False
            for v in sorted(remaining):
                if not any(w in remaining for w in succ[v]):
                    right.append(v)
                    remaining.discard(v)
                    changed = True
                elif not any(w in remaining for w in pred[v]):
                    left.append(v)
                    remaining.discard(v)
                    changed = True
        if remaining:
            v = max(sorted(remaining), key=delta)
            left.append(v)
            remaining.discard(v)
    return left + right[::-1]


def feedback_edges(nodes: list[str], weights: dict[tuple[str, str], float]) -> list[tuple]:
    """A small set of edges whose removal leaves no cycle, light edges preferred: the edges
    pointing backward in ``eades_order``. Returns (source, target, weight), lightest first."""
    order = {v: i for i, v in enumerate(eades_order(nodes, weights))}
    back = [(a, b, w) for (a, b), w in weights.items()
            if a in order and b in order and order[a] > order[b]]
    return sorted(back, key=lambda e: (e[2], e[0], e[1]))


def context_map(u: Units, links: dict[tuple[str, str], float]) -> Graph:
    """Units sized by lines. Red: units in a cycle, and the links whose removal would leave
    no cycle (the suggested breakers; marking every link inside a big cycle says nothing)."""
    cyclic = {n for comp in strongly_connected(u.names, links) if len(comp) > 1 for n in comp}
    breakers = {(a, b) for a, b, _ in feedback_edges(u.names, links)}
    nodes = [Node(n, float(u.lines[n]), f"{fmt_number(u.lines[n])} lines, "
                  f"{len(u.members[n])} modules", n in cyclic) for n in u.names]
    edges = [Link(a, b, w, (a, b) in breakers) for (a, b), w in links.items()]
    title = "Context map" if u.level == "context" else "Package map"
    return Graph(title, nodes, edges)


def context_internals(name: str, u: Units, index: ModuleIndex, limit: int = 15) -> Graph:
    """The modules of one context and their dependencies; past ``limit`` modules, the most
    connected ones inside the context (ties: the largest)."""
    members = set(u.members.get(name, []))
    notes = []
    if len(members) > limit:
        degree: dict[str, float] = defaultdict(float)
        for d in index.deps:
            if d.source in members and d.target in members:
                degree[d.source] += d.weight
                degree[d.target] += d.weight
        ranked = sorted(members, key=lambda m: (-degree[m], -index.lines.get(m, 0), m))
        notes.append(f"showing the {limit} most connected of {len(members)} modules")
        members = set(ranked[:limit])
    prefix = _common_prefix(sorted(members))
    short = {m: m[len(prefix) + 1:] if prefix and m.startswith(prefix + ".") else m
             for m in members}
    if len(set(short.values())) < len(short):
        short = {m: m for m in members}
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for d in index.deps:
        if d.source in members and d.target in members:
            weights[(short[d.source], short[d.target])] += d.weight
    cyclic = {n for comp in strongly_connected(sorted(short.values()), weights)
              if len(comp) > 1 for n in comp}
    breakers = {(a, b) for a, b, _ in feedback_edges(sorted(short.values()), weights)}
    nodes = [Node(short[m], float(index.lines.get(m, 0)), "", short[m] in cyclic)
             for m in sorted(members)]
    links = [Link(a, b, w, (a, b) in breakers) for (a, b), w in sorted(weights.items())]
    return Graph(f"Modules of {name}", nodes, links, notes)


def _common_prefix(names: list[str]) -> str:
    if not names:
        return ""
    parts = [n.split(".") for n in names]
    common = []
    for column in zip(*parts):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return ".".join(common)


def dsm(u: Units, links: dict[tuple[str, str], float], cap: int = MAX_UNITS) -> dict:
    """Rows use columns; providers first, so upward marks (above the diagonal) are cycles."""
    names = u.names
    note = ""
    if len(names) > cap:
        names = sorted(sorted(names, key=lambda n: (-u.lines[n], n))[:cap])
        note = f"the {cap} largest of {len(u.names)} {u.level}s"
    order = [n for comp in strongly_connected(names, links)
             for n in reversed(eades_order(comp, links))]
    heaviest = max((w for (a, b), w in links.items() if a in order and b in order), default=1.0)
    rows = []
    for i, a in enumerate(order):
        cells = []
        for j, b in enumerate(order):
            w = links.get((a, b), 0.0)
            shade = 0 if not w else 1 + min(3, int(4 * w / heaviest))
            cells.append({"value": "" if not w else fmt_number(w, 0), "shade": shade,
                          "upward": bool(w) and j > i, "diagonal": i == j,
                          "title": f"{a} uses {b}: weight {fmt_number(w, 1)}" if w else ""})
        rows.append({"name": a, "index": i + 1, "cells": cells})
    upward = sum(c["upward"] for r in rows for c in r["cells"])
    return {"level": u.level, "names": order, "rows": rows, "note": note, "upward": upward}


def cycle_views(document: dict, index: ModuleIndex, cap: int = 25,
                shown_modules: int = 40) -> dict:
    cycles = [strings(c) for c in as_list(get(document, "metrics", "cycles"))]
    cycles = [c for c in cycles if len(c) > 1]
    given = {}  # the document's own breakers (metrics.cycle_breakers), by module set
    for b in (as_dict(x) for x in as_list(get(document, "metrics", "cycle_breakers"))):
        cut = [(text(e.get("source")), text(e.get("target")), number(e.get("weight")) or 0.0)
               for e in (as_dict(x) for x in as_list(b.get("cut")))]
        given[frozenset(strings(b.get("modules")))] = sorted(
            [e for e in cut if e[0] and e[1]], key=lambda e: (e[2], e[0], e[1]))
    lines = {(d.source, d.target): d.lines for d in index.deps}
    entries = []
    for members in cycles[:cap]:
        inside = set(members)
        weights = {(d.source, d.target): d.weight for d in index.deps
                   if d.source in inside and d.target in inside}
        cut = given.get(frozenset(inside))
        if cut is None:
            cut = feedback_edges(sorted(inside), weights)
        breakers = [{"source": a, "target": b, "weight": fmt_number(w, 1),
                     "where": _where(index, a, lines.get((a, b), ()))} for a, b, w in cut[:5]]
        preview = " \u2192 ".join(members[:3]) + (" \u2026" if len(members) > 3 else "")
        entries.append({"size": len(members), "modules": members[:shown_modules],
                        "preview": preview,
                        "more": max(0, len(members) - shown_modules), "breakers": breakers,
                        "cuts": len(cut), "known": bool(weights) or bool(cut)})
    return {"count": len(cycles), "entries": entries, "more": max(0, len(cycles) - cap),
            "modules": sum(len(c) for c in cycles)}


def _where(index: ModuleIndex, module: str, lines: tuple[int, ...]) -> str:
    path = index.paths.get(module) or module
    return f"{path}:{lines[0]}" if lines else path
