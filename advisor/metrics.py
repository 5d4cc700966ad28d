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
"""

from __future__ import annotations

from collections import defaultdict
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
    comps = strongly_connected(adj)  # reverse topological: successors come first
    comp_of = {m: i for i, comp in enumerate(comps) for m in comp}
    position = {m: i for i, m in enumerate(sorted(adj))}
    reach = [0] * len(comps)
    for i, comp in enumerate(comps):
        bits = 0
        for m in comp:
            bits |= 1 << position[m]
        for m in comp:
            for t in adj[m]:
                j = comp_of[t]
                if j != i:
                    bits |= reach[j]
        reach[i] = bits
    total = sum(reach[comp_of[m]].bit_count() for m in adj)
    return total / (n * n)


def package_metrics(graph: DependencyGraph,
                    edges: tuple[Edge, ...] | None = None) -> list[PackageMetrics]:
    owner = {name: package_of(m) for name, m in graph.modules.items()}
    afferent: dict[str, set[str]] = defaultdict(set)
    efferent: dict[str, set[str]] = defaultdict(set)
    for e in graph.edges if edges is None else edges:
        s, t = owner[e.source], owner[e.target]
        if s != t:
            efferent[s].add(t)
            afferent[t].add(s)
    classes: dict[str, int] = defaultdict(int)
    abstract: dict[str, int] = defaultdict(int)
    modules: dict[str, int] = defaultdict(int)
    lines: dict[str, int] = defaultdict(int)
    for name, m in graph.modules.items():
        pkg = owner[name]
        modules[pkg] += 1
        lines[pkg] += m.lines
        for d in m.source.definitions:
            if d.kind == "class":
                classes[pkg] += 1
                abstract[pkg] += d.abstract
    out = []
    for pkg in sorted(modules):
        ca, ce = len(afferent[pkg]), len(efferent[pkg])
        instability = ce / (ca + ce) if ca + ce else 0.0
        abstractness = abstract[pkg] / classes[pkg] if classes[pkg] else 0.0
        out.append(PackageMetrics(pkg, modules[pkg], lines[pkg], ca, ce, round(instability, 4),
                                  round(abstractness, 4),
                                  round(abs(abstractness + instability - 1), 4)))
    return out
