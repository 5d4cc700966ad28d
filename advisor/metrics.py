"""Coupling metrics over the module graph: cycles, propagation cost, package metrics.

Definitions (plain words in the report's glossary):
- Ca (afferent coupling): how many other packages depend on this one.
- Ce (efferent coupling): how many other packages this one depends on.
- instability I = Ce / (Ca + Ce) (0 when both are 0): 0 = everyone leans on it, 1 = it leans on all.
- abstractness A = abstract classes (ABC, Protocol, abstract methods) / classes.
- distance from the main sequence D = |A + I - 1|.
- propagation cost (MacCormack et al.): the share of (module, module) pairs, self included,
  where the first reaches the second through dependencies; the chance that a change in one
  module can ripple to another.
- visibility fan-in / fan-out (VFI, VFO): how many modules reach a module / it reaches, itself
  included; with them, core / shared / control / periphery (MacCormack, Baldwin & Rusnak).
- cycle breakers: per cycle group, a light set of edges whose removal leaves no cycle (a
  feedback arc set by the weighted Eades-Lin-Smyth heuristic, then pruned).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from advisor.graph import DependencyGraph, Edge, package_of


@dataclass(frozen=True, slots=True)
class PackageMetrics:
    name: str
    modules: int
    lines: int
    ca: int
    ce: int
    instability: float
    abstractness: float
    distance: float


def _adjacency(nodes, edges) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {n: set() for n in nodes}
    for e in edges:
        if e.source != e.target:
            adj[e.source].add(e.target)
    return adj


def strongly_connected(adj: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in reverse topological order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in sorted(adj):
        if start in index:
            continue
        work = [(start, iter(sorted(adj[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(adj[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                out.append(sorted(comp))
    return out


def cycles(graph: DependencyGraph, edges: tuple[Edge, ...] | None = None) -> list[list[str]]:
    """Strongly connected components with more than one module, largest first."""
    adj = _adjacency(graph.modules, graph.edges if edges is None else edges)
    comps = [c for c in strongly_connected(adj) if len(c) > 1]
    return sorted(comps, key=lambda c: (-len(c), c))


def propagation_cost(nodes, edges) -> float:
    """Density of the reachability matrix (self included), via SCC condensation and bitsets."""
    adj = _adjacency(nodes, edges)
    n = len(adj)
    if n == 0:
        return 0.0
    return sum(_reach_counts(adj).values()) / (n * n)


def package_metrics(graph: DependencyGraph,
                    edges: tuple[Edge, ...] | None = None) -> list[PackageMetrics]:
    return group_metrics(graph, {name: package_of(m) for name, m in graph.modules.items()},
                         edges)


def group_metrics(graph: DependencyGraph, owner: Mapping[str, str],
                  edges: Iterable[Edge] | None = None) -> list[PackageMetrics]:
    """Ca, Ce, I, A, D for any grouping of modules (packages, contexts). Modules without an
    owner (the shared kernel, unassigned modules) and edges touching them are left out."""
    afferent: dict[str, set[str]] = defaultdict(set)
    efferent: dict[str, set[str]] = defaultdict(set)
    for e in graph.edges if edges is None else edges:
        s, t = owner.get(e.source), owner.get(e.target)
        if s is not None and t is not None and s != t:
            efferent[s].add(t)
            afferent[t].add(s)
    classes: dict[str, int] = defaultdict(int)
    abstract: dict[str, int] = defaultdict(int)
    modules: dict[str, int] = defaultdict(int)
    lines: dict[str, int] = defaultdict(int)
    for name, m in graph.modules.items():
        group = owner.get(name)
        if group is None:
            continue
        modules[group] += 1
        lines[group] += m.lines
        for d in m.source.definitions:
            if d.kind == "class":
                classes[group] += 1
                abstract[group] += d.abstract
    out = []
    for group in sorted(modules):
        ca, ce = len(afferent[group]), len(efferent[group])
        instability = ce / (ca + ce) if ca + ce else 0.0
        abstractness = abstract[group] / classes[group] if classes[group] else 0.0
        out.append(PackageMetrics(group, modules[group], lines[group], ca, ce,
                                  round(instability, 4), round(abstractness, 4),
                                  round(abs(abstractness + instability - 1), 4)))
    return out


def omnipresent(depends: Mapping[str, Iterable[str]], owner: Mapping[str, str],
                threshold: int) -> tuple[set[str], set[str]]:
    """Hubs, as Bunch's "omnipresent" modules, counting distinct other groups (packages):
    suppliers are depended on by at least ``threshold`` groups and by at least as many as they
    depend on; clients depend on at least twice the threshold, and on twice as many groups as
    depend on them."""
    fan_in: dict[str, set[str]] = defaultdict(set)
    fan_out: dict[str, set[str]] = defaultdict(set)
    for source, targets in depends.items():
        for t in targets:
            if owner[source] != owner[t]:
                fan_in[t].add(owner[source])
                fan_out[source].add(owner[t])
    suppliers, clients = set(), set()
    for n in owner:
        fi, fo = len(fan_in[n]), len(fan_out[n])
        if fi >= threshold and fi >= fo:
            suppliers.add(n)
        elif fo >= 2 * threshold and fo >= 2 * fi:
            clients.add(n)
    return suppliers, clients


# --- cycle breaking --------------------------------------------------------------------------
WeightedArc = tuple[str, str, float]
GREEDY_LIMIT = 3000  # arcs in a cycle group up to which each arc is checked (one search each)


@dataclass(frozen=True, slots=True)
class CycleBreak:
    modules: tuple[str, ...]  # one strongly connected component (a cycle group)
    cut: tuple[WeightedArc, ...]  # suggested edges to remove, lightest first
    cut_weight: float


def feedback_arcs(arcs: Iterable[WeightedArc]) -> list[WeightedArc]:
    """A light set of arcs whose removal leaves no cycle, lightest first.

    Up to GREEDY_LIMIT arcs: arcs are kept heaviest first unless they would close a cycle with
    the arcs kept so far; the rest is the cut (every cut arc closes a cycle, so none is wasted).
    Bigger groups: the weighted greedy order of Eades, Lin & Smyth (sinks to the back, sources
    to the front, else the node with the largest out-weight minus in-weight next); the arcs
    pointing backwards in that order are the cut."""
    out_w: dict[str, dict[str, float]] = defaultdict(dict)
    in_w: dict[str, dict[str, float]] = defaultdict(dict)
    for s, t, w in arcs:
        if s != t:
            out_w[s][t] = out_w[s].get(t, 0.0) + w
            in_w[t][s] = in_w[t].get(s, 0.0) + w
    merged = sorted(((s, t, w) for s in out_w for t, w in out_w[s].items()),
                    key=lambda a: (-a[2], a[0], a[1]))
    if len(merged) <= GREEDY_LIMIT:
        kept: dict[str, set[str]] = defaultdict(set)
        cut = []
        for s, t, w in merged:
            if _reaches(kept, t, s):
                cut.append((s, t, w))
            else:
                kept[s].add(t)
        return sorted(cut, key=lambda a: (a[2], a[0], a[1]))
    order = _eades_lin_smyth(out_w, in_w)
    return sorted(((s, t, w) for s, t, w in merged if order[t] < order[s]),
                  key=lambda a: (a[2], a[0], a[1]))


def _eades_lin_smyth(out_w, in_w) -> dict[str, int]:
    nodes = sorted(set(out_w) | set(in_w))
    delta = {n: sum(out_w[n].values()) - sum(in_w[n].values()) for n in nodes}
    outs = {n: len(out_w[n]) for n in nodes}
    ins = {n: len(in_w[n]) for n in nodes}
    alive = set(nodes)
    front: list[str] = []
    back: list[str] = []
    heap = [(-delta[n], n) for n in nodes]
    heapq.heapify(heap)
    sinks = sorted((n for n in nodes if outs[n] == 0), reverse=True)
    sources = sorted((n for n in nodes if ins[n] == 0 and outs[n] > 0), reverse=True)

    def remove(n: str) -> None:
        alive.discard(n)
        for t, w in out_w[n].items():
            if t in alive:
                ins[t] -= 1
                delta[t] += w
                heapq.heappush(heap, (-delta[t], t))
                if ins[t] == 0 and outs[t] > 0:
                    sources.append(t)
        for s, w in in_w[n].items():
            if s in alive:
                outs[s] -= 1
                delta[s] -= w
                heapq.heappush(heap, (-delta[s], s))
                if outs[s] == 0:
                    sinks.append(s)

    while alive:
        if sinks or sources:
            n = sinks.pop() if sinks else sources.pop()
            if n in alive:
                (back if outs[n] == 0 else front).append(n)
                remove(n)
            continue
        d, n = heapq.heappop(heap)
        if n in alive and -d == delta[n]:
            front.append(n)
            remove(n)
    return {n: i for i, n in enumerate(front + back[::-1])}


def _reaches(adj: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, stack = {start}, [start]
    while stack:
        n = stack.pop()
        if n == goal:
            return True
        for t in adj.get(n, ()):
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return False


def cycle_breakers(graph: DependencyGraph,
                   edges: tuple[Edge, ...] | None = None) -> list[CycleBreak]:
    """For every cycle group (largest first) the lightest edges found that break it."""
    chosen = graph.edges if edges is None else edges
    out = []
    for comp in cycles(graph, chosen):
        members = set(comp)
        arcs = [(e.source, e.target, e.weight) for e in chosen
                if e.source in members and e.target in members]
        cut = feedback_arcs(arcs)
        out.append(CycleBreak(tuple(comp), tuple(cut), round(sum(w for *_, w in cut), 4)))
    return out


# --- core and periphery ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CorePeriphery:
    architecture: str  # "core-periphery" or "hierarchical"
    largest_cycle_group: int
    vfi_threshold: int
    vfo_threshold: int
    core: tuple[str, ...]
    shared: tuple[str, ...]
    control: tuple[str, ...]
    periphery: tuple[str, ...]


def visibility(nodes, edges) -> tuple[dict[str, int], dict[str, int]]:
    """(VFI, VFO): modules that reach each module / that it reaches, itself included."""
    adj = _adjacency(nodes, edges)
    reverse: dict[str, set[str]] = {n: set() for n in adj}
    for s, targets in adj.items():
        for t in targets:
            reverse[t].add(s)
    return _reach_counts(reverse), _reach_counts(adj)


def _reach_counts(adj: dict[str, set[str]]) -> dict[str, int]:
    comps = strongly_connected(adj)
    comp_of = {m: i for i, comp in enumerate(comps) for m in comp}
    position = {m: i for i, m in enumerate(sorted(adj))}
    reach = [0] * len(comps)
    for i, comp in enumerate(comps):
        bits = 0
        for m in comp:
            bits |= 1 << position[m]
        for m in comp:
            for t in adj[m]:
                if comp_of[t] != i:
                    bits |= reach[comp_of[t]]
        reach[i] = bits
    return {m: reach[comp_of[m]].bit_count() for m in adj}


def core_periphery(nodes, edges, min_share: float = 0.05) -> CorePeriphery:
    """MacCormack, Baldwin & Rusnak's classification. The thresholds are the VFI and VFO of the
    largest cycle group when it holds at least ``min_share`` of the modules (and two or more):
    a core-periphery system; otherwise just above the median VFI and VFO (hierarchical).
    core: VFI and VFO at or above; shared: VFI only; control: VFO only; periphery: neither."""
    nodes = sorted(nodes)
    vfi, vfo = visibility(nodes, edges)
    biggest = max(strongly_connected(_adjacency(nodes, edges)), key=len, default=[])
    if len(biggest) >= max(2, min_share * len(nodes)):
        architecture, fi, fo = "core-periphery", vfi[biggest[0]], vfo[biggest[0]]
    else:  # above the median (strictly: most modules of a layered system tie at the bottom)
        architecture = "hierarchical"
        fi = sorted(vfi.values())[len(nodes) // 2] + 1 if nodes else 0
        fo = sorted(vfo.values())[len(nodes) // 2] + 1 if nodes else 0
    classes: dict[str, list[str]] = {"core": [], "shared": [], "control": [], "periphery": []}
    for n in nodes:
        high_in, high_out = vfi[n] >= fi, vfo[n] >= fo
        key = ("core" if high_in and high_out else "shared" if high_in
               else "control" if high_out else "periphery")
        classes[key].append(n)
    return CorePeriphery(architecture, len(biggest), fi, fo, *(tuple(classes[k]) for k in
                                                              ("core", "shared", "control",
                                                               "periphery")))
