"""Graph-shaped views of the document: units (contexts or packages), the links between them,
their cycles, cycle breakers and the dependency structure matrix.

Pure functions over the document. The report finds no cycle and chooses no cut itself: the
cycles drawn and the dependencies marked for cutting are the ones the document cites (its
``judgement`` for contexts, ``metrics.cycles`` and ``metrics.cycle_breakers`` for modules), so
the picture and the verdict never disagree. A document without them shows no red.
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


@dataclass
class Judged:
    """The document's judgement of its contexts, as far as diagrams need it."""

    involved: set[str] = field(default_factory=set)  # contexts caught in a cycle
    cut: set[tuple[str, str]] = field(default_factory=set)  # context links to cut
    links: dict[tuple[str, str], float] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # providers first
    contexts: dict[str, dict] = field(default_factory=dict)  # name -> its judgement entry
    present: bool = False


def judged(document: dict) -> Judged:
    j = as_dict(document.get("judgement"))
    if not j:
        return Judged()
    out = Judged(present=True, order=strings(j.get("order")))
    for c in (as_dict(x) for x in as_list(j.get("contexts"))):
        name = text(c.get("name"))
        if name:
            out.contexts[name] = c
            if c.get("in_cycle") is True:
                out.involved.add(name)
    for lk in (as_dict(x) for x in as_list(j.get("links"))):
        a, b = text(lk.get("source")), text(lk.get("target"))
        if a and b and a != b:
            out.links[(a, b)] = (number(lk.get("weight")) or 0.0) + out.links.get((a, b), 0.0)
            if lk.get("cut") is True:
                out.cut.add((a, b))
    return out


def context_links(u: Units, index: ModuleIndex, j: Judged) -> dict[tuple[str, str], float]:
    """The links the judgement weighed (framework strings included), else the module
    dependencies summed per unit."""
    if j.present and u.level == "context":
        return {k: w for k, w in sorted(j.links.items()) if k[0] in u.members
                and k[1] in u.members}
    return unit_links(u, index)


@dataclass
class ModuleCycles:
    """The document's module cycles and the edges it suggests cutting (metrics)."""

    members: set[str] = field(default_factory=set)
    cut: set[tuple[str, str]] = field(default_factory=set)


def module_cycles(document: dict) -> ModuleCycles:
    out = ModuleCycles()
    for c in as_list(get(document, "metrics", "cycles")):
        names = strings(c)
        if len(names) > 1:
            out.members.update(names)
    for b in (as_dict(x) for x in as_list(get(document, "metrics", "cycle_breakers"))):
        for e in (as_dict(x) for x in as_list(b.get("cut"))):
            if text(e.get("source")) and text(e.get("target")):
                out.cut.add((text(e.get("source")), text(e.get("target"))))
    return out


def context_map(u: Units, links: dict[tuple[str, str], float], j: Judged | None = None,
                limit: int | None = None) -> Graph:
    """Units sized by lines. Red: the contexts the document's judgement finds in a cycle, and
    the links it chose to cut (marking every link inside a big cycle says nothing). Past
    ``limit`` units, the largest and most coupled are drawn (their share of the lines plus
    their share of the coupling) and the rest are named in a note."""
    j = j or Judged()
    names = list(u.names)
    notes = []
    if limit is not None and len(names) > limit:
        total_lines = sum(u.lines[n] for n in names) or 1
        coupling: dict[str, float] = defaultdict(float)
        for (a, b), w in links.items():
            coupling[a] += w
            coupling[b] += w
        total_coupling = sum(coupling.values()) or 1.0
        ranked = sorted(names, key=lambda n: (-(u.lines[n] / total_lines
                                                + coupling[n] / total_coupling), n))
        names, rest = sorted(ranked[:limit]), sorted(ranked[limit:])
        notes.append(f"drawing the {limit} largest and most coupled of {len(u.names)} "
                     f"{'contexts' if u.level == 'context' else 'packages'}; not drawn: "
                     + ", ".join(rest[:20]) + (f" and {len(rest) - 20} more"
                                               if len(rest) > 20 else ""))
    kept = set(names)
    nodes = [Node(n, float(u.lines[n]), f"{fmt_number(u.lines[n])} lines", n in j.involved)
             for n in names]
    edges = [Link(a, b, w, (a, b) in j.cut) for (a, b), w in links.items()
             if a in kept and b in kept]
    title = "Context map" if u.level == "context" else "Package map"
    return Graph(title, nodes, edges, notes)


def context_internals(name: str, u: Units, index: ModuleIndex, limit: int = 15,
                      cycles: ModuleCycles | None = None) -> Graph:
    """The modules of one context and their dependencies; past ``limit`` modules, the most
    connected ones inside the context (ties: the largest). Red: modules of the document's
    module cycles and the edges it suggests cutting."""
    cycles = cycles or ModuleCycles()
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
    breakers = {(short[a], short[b]) for a, b in cycles.cut if a in members and b in members}
    nodes = [Node(short[m], float(index.lines.get(m, 0)), "", m in cycles.members)
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


def dsm(u: Units, links: dict[tuple[str, str], float], cap: int = MAX_UNITS,
        order: list[str] | None = None) -> dict:
    """Rows use columns. In the document's ``order`` (providers first) upward marks (above the
    diagonal) are cycles; without one, units are sorted by name."""
    names = u.names
    note = ""
    if len(names) > cap:
        names = sorted(sorted(names, key=lambda n: (-u.lines[n], n))[:cap])
        note = f"the {cap} largest of {len(u.names)} {u.level}s"
    chosen = set(names)
    order = [n for n in dict.fromkeys(order or []) if n in chosen]
    order += [n for n in names if n not in set(order)]
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
        cut = given.get(frozenset(inside), [])
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
