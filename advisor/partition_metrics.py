"""Quality of a partition of modules into contexts, and agreement between two partitions.

A partition is a mapping ``module -> label``. Edge lists are ``(source, target, weight)``;
an edge with an end outside the partition (a kernel or unassigned module) is left out, because
the shared kernel is shared by design and says nothing about the boundaries between contexts.

Structure (higher is better unless said):
- modularity Q (Newman): Σ_c [L_c / m - γ (d_c / 2m)²] on the weighted undirected graph.
- SM, structural modularity (Jin et al., FoSCI): mean cohesion of the contexts minus mean
  coupling between pairs of contexts, where cohesion_i = μ_i / N_i² (μ_i: dependency edges inside
  i, N_i its modules) and coupling_ij = σ_ij / (2 N_i N_j) (σ_ij: edges between i and j).
- ICP, inter-call percentage (lower is better): share of the use weight (calls and references)
  that crosses contexts.
- IFN, interface number (lower is better): mean number of symbols a context exposes to others.
- NED, non-extreme distribution (lower is better): share of modules in contexts whose size is
  outside [5, 20] modules (Mono2Micro's bounds).
- conductance φ(C) = cut(C) / min(vol(C), vol(rest)) (lower is better).
- cross-context edge share (lower is better): dependency edges (counted, not weighted) whose
  ends lie in different contexts.

Agreement with a reference partition:
- NMI with the arithmetic-mean normalisation 2 I(A;B) / (H(A) + H(B)) (1.0 when both are one
  cluster); ARI (Hubert & Arabie); both over the modules the two partitions share.
- MoJoFM(A, B) = (1 - mno(A, B) / max mno(any, B)) × 100 (Wen & Tzerpos 2004): mno is the least
  number of Move and Join operations turning A into B, computed exactly: every cluster of A keeps
  its largest group of objects sharing a B cluster ("tag"); the kept groups are matched to
  distinct tags by a maximum bipartite matching, unmatched clusters are joined.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from advisor.graph import DependencyGraph, Resolver

Partition = Mapping[str, str]
WeightedEdges = Iterable[tuple[str, str, float]]

NED_BOUNDS = (5, 20)





# --- structure -------------------------------------------------------------------------------
def modularity(partition: Partition, edges: WeightedEdges, resolution: float = 1.0) -> float:
    """Newman modularity of an undirected weighted graph (parallel edges add up)."""
    internal: dict[str, float] = defaultdict(float)
    degree: dict[str, float] = defaultdict(float)
    m = 0.0
    for a, b, w in edges:
        if a not in partition or b not in partition:
            continue
        m += w
        degree[partition[a]] += w
        degree[partition[b]] += w
        if partition[a] == partition[b]:
            internal[partition[a]] += w
    if m == 0:
        return 0.0
    return sum(internal[c] / m - resolution * (degree[c] / (2 * m)) ** 2 for c in degree)


def structural_modularity(partition: Partition, edges: Iterable[tuple[str, str]]) -> float:
    sizes = Counter(partition.values())
    k = len(sizes)
    if k == 0:
        return 0.0
    inside: dict[str, int] = defaultdict(int)
    between: dict[tuple[str, str], int] = defaultdict(int)
    for a, b, *_ in edges:
        if a == b or a not in partition or b not in partition:
            continue
        ca, cb = partition[a], partition[b]
        if ca == cb:
            inside[ca] += 1
        else:
            between[min(ca, cb), max(ca, cb)] += 1
    cohesion = sum(inside[c] / sizes[c] ** 2 for c in sizes) / k
    if k == 1:
        return cohesion
    coupling = sum(s / (2 * sizes[a] * sizes[b]) for (a, b), s in between.items())
    return cohesion - coupling / (k * (k - 1) / 2)


def inter_call_percentage(partition: Partition, edges: WeightedEdges) -> float:
    total = cross = 0.0
    for a, b, w in edges:
        if a == b or a not in partition or b not in partition:
            continue
        total += w
        if partition[a] != partition[b]:
            cross += w
    return cross / total if total else 0.0


def interface_number(interfaces: Mapping[str, int]) -> float:
    """Mean symbols exposed per context (``interfaces``: context -> exposed symbols)."""
    return sum(interfaces.values()) / len(interfaces) if interfaces else 0.0


def non_extreme_distribution(partition: Partition, bounds: tuple[int, int] = NED_BOUNDS) -> float:
    sizes = Counter(partition.values())
    n = sum(sizes.values())
    if not n:
        return 0.0
    ok = sum(s for s in sizes.values() if bounds[0] <= s <= bounds[1])
    return 1 - ok / n


def conductance(partition: Partition, edges: WeightedEdges) -> dict[str, float]:
    """φ per context; 0.0 for a context whose volume (or the rest's) is 0."""
    cut: dict[str, float] = defaultdict(float)
    volume: dict[str, float] = defaultdict(float)
    for a, b, w in edges:
        if a == b or a not in partition or b not in partition:
            continue
        ca, cb = partition[a], partition[b]
        volume[ca] += w
        volume[cb] += w
        if ca != cb:
            cut[ca] += w
            cut[cb] += w
    total = sum(volume.values())
    out = {}
    for c in sorted(set(partition.values())):
        denominator = min(volume[c], total - volume[c])
        out[c] = cut[c] / denominator if denominator > 0 else 0.0
    return out


def cross_edge_share(partition: Partition, edges: Iterable[tuple[str, str]]) -> float:
    total = cross = 0
    for a, b, *_ in edges:
        if a == b or a not in partition or b not in partition:
            continue
        total += 1
        cross += partition[a] != partition[b]
    return cross / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Boundary:
    cohesion: float  # share of the context's signal weight that stays inside (1.0 if none)
    coupling: float  # share of dependency edges touching it that cross its boundary
    depends_on: tuple[tuple[str, int], ...]  # (other context, module dependencies), by name


def boundaries(partition: Partition, weighted: WeightedEdges,
               dependencies: Iterable[tuple[str, str]],
               depends: Iterable[tuple[str, str]] = ()) -> dict[str, Boundary]:
    """Per context: cohesion from the weighted signal edges, coupling from the dependency
    edges, and the other contexts it depends on (``depends``: directed module pairs)."""
    w_in: Counter = Counter()
    w_out: Counter = Counter()
    for a, b, w in weighted:
        ca, cb = partition.get(a), partition.get(b)
        if ca is None or cb is None:
            continue
        if ca == cb:
            w_in[ca] += w
        else:
            w_out[ca] += w
            w_out[cb] += w
    e_in: Counter = Counter()
    e_cross: Counter = Counter()
    for a, b in dependencies:
        ca, cb = partition.get(a), partition.get(b)
        if ca is None or cb is None or a == b:
            continue
        if ca == cb:
            e_in[ca] += 1
        else:
            e_cross[ca] += 1
            e_cross[cb] += 1
    uses: dict[str, Counter] = defaultdict(Counter)
    for a, b in depends:
        ca, cb = partition.get(a), partition.get(b)
        if ca is not None and cb is not None and ca != cb:
            uses[ca][cb] += 1
    out = {}
    for c in sorted(set(partition.values())):
        weight, edges = w_in[c] + w_out[c], e_in[c] + e_cross[c]
        out[c] = Boundary(round(w_in[c] / weight, 4) if weight else 1.0,
                          round(e_cross[c] / edges, 4) if edges else 0.0,
                          tuple(sorted(uses[c].items())))
    return out


# --- agreement -------------------------------------------------------------------------------
def _common(a: Partition, b: Partition) -> list[str]:
    return sorted(set(a) & set(b))


def _entropy(counts: Iterable[int], n: int) -> float:
    return -sum(c / n * math.log(c / n) for c in counts if c)


def nmi(a: Partition, b: Partition) -> float:
    nodes = _common(a, b)
    n = len(nodes)
    if n == 0:
        return 0.0
    joint = Counter((a[x], b[x]) for x in nodes)
    ca, cb = Counter(a[x] for x in nodes), Counter(b[x] for x in nodes)
    ha, hb = _entropy(ca.values(), n), _entropy(cb.values(), n)
    if ha == 0 and hb == 0:
        return 1.0
    mutual = sum(c / n * math.log(c * n / (ca[x] * cb[y])) for (x, y), c in joint.items())
    return max(0.0, min(1.0, 2 * mutual / (ha + hb)))


def ari(a: Partition, b: Partition) -> float:
    nodes = _common(a, b)
    n = len(nodes)
    if n < 2:
        return 1.0

    def pairs(k: int) -> float:
        return k * (k - 1) / 2

    joint = sum(pairs(c) for c in Counter((a[x], b[x]) for x in nodes).values())
    sa = sum(pairs(c) for c in Counter(a[x] for x in nodes).values())
    sb = sum(pairs(c) for c in Counter(b[x] for x in nodes).values())
    expected = sa * sb / pairs(n)
    top = (sa + sb) / 2
    if top == expected:
        return 1.0
    return (joint - expected) / (top - expected)


def _max_matching(adj: dict[str, list[str]]) -> int:
    """Maximum bipartite matching of clusters to tags (Kuhn's augmenting paths, iterative)."""
    owner: dict[str, str] = {}  # tag -> cluster
    matched = 0
    for left in sorted(adj):
        seen: set[str] = set()
        stack = [(left, iter(adj[left]))]
        chosen: list[str] = []  # chosen[i]: the tag stack[i] takes if the path augments
        while stack:
            _, tags = stack[-1]
            tag = next((t for t in tags if t not in seen), None)
            if tag is None:
                stack.pop()
                if chosen:
                    chosen.pop()
                continue
            seen.add(tag)
            chosen.append(tag)
            if tag in owner:
                stack.append((owner[tag], iter(adj[owner[tag]])))
                continue
            for (cluster, _), t in zip(stack, chosen):
                owner[t] = cluster
            matched += 1
            break
    return matched


def mojo(a: Partition, b: Partition) -> int:
    """mno(A, B): the fewest Move and Join operations that turn A into B."""
    nodes = _common(a, b)
    tags: dict[str, Counter] = defaultdict(Counter)
    for x in nodes:
        tags[a[x]][b[x]] += 1
    kept = 0
    adj: dict[str, list[str]] = {}
    for cluster, counter in tags.items():
        best = max(counter.values())
        kept += best
        adj[cluster] = sorted(t for t, c in counter.items() if c == best)
    groups = _max_matching(adj)
    return (len(nodes) - kept) + (len(tags) - groups)


def max_mojo(b: Partition, nodes: Iterable[str] | None = None) -> int:
    """max over every partition A of mno(A, B) = N - g, with g grown over B's sorted sizes."""
    keep = set(b) if nodes is None else set(nodes) & set(b)
    sizes = sorted(Counter(b[x] for x in keep).values())
    g = 0
    for size in sizes:
        if g < size:
            g += 1
    return len(keep) - g


def mojofm(a: Partition, b: Partition) -> float:
    nodes = _common(a, b)
    worst = max_mojo(b, nodes)
    if worst == 0:
        return 100.0
    return (1 - mojo(a, b) / worst) * 100


# --- interfaces ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ApiSymbol:
    """A symbol of one context that other contexts use."""

    module: str
    symbol: str
    uses: int  # from-imports of the name plus uses of it, from other contexts
    used_by: tuple[str, ...]  # those contexts, "(no context)" for kernel or unassigned users


def api_surface(graph: DependencyGraph, context_of: dict[str, str], resolver: Resolver,
                ignore: Collection[str] = ()) -> dict[str, tuple[ApiSymbol, ...]]:
    """Symbols of each context used from other contexts: from-imports of a name, and uses of a
    name (calls, references, bases) resolved to the module defining it. Users in ``ignore``
    (support code: a symbol only tests use is no API) are left out."""
    uses: Counter = Counter()
    users: dict[tuple[str, str], set[str]] = defaultdict(set)

    def count(user: str, module: str | None, symbol: str | None) -> None:
        if module is None or symbol is None or module not in context_of:
            return
        if context_of[module] == context_of.get(user):
            return
        uses[module, symbol] += 1
        users[module, symbol].add(context_of.get(user) or "(no context)")

    for name, module in graph.modules.items():
        if name in ignore:
            continue
        binds = resolver.bindings(module)
        for fact in module.source.imports:
            if fact.form == "from" and not fact.star:
                base = resolver.absolute(module, fact)
                for n, _ in fact.names:
                    if base and base in graph.modules and f"{base}.{n}" not in graph.modules:
                        count(name, resolver.symbol(base, n), n)
        for ref in module.source.references:
            parts = ref.name.split(".")
            bound = binds.get(parts[0])
            if bound is None:
                continue
            target, symbol = bound
            if symbol is None:
                current = resolver.nearest(target) if resolver.is_internal(target) else None
                rest = parts[1:] if current == target else []
                while rest and current and f"{current}.{rest[0]}" in graph.modules:
                    current, rest = f"{current}.{rest[0]}", rest[1:]
                symbol = rest[0] if rest else None
                target = current
            if target in graph.modules:
                count(name, resolver.symbol(target, symbol) if symbol else None, symbol)
    out: dict[str, list[ApiSymbol]] = defaultdict(list)
    for (module, symbol), n in uses.items():
        out[context_of[module]].append(ApiSymbol(module, symbol, n,
                                                 tuple(sorted(users[module, symbol]))))
    return {c: tuple(sorted(v, key=lambda s: (-s.uses, s.module, s.symbol)))
            for c, v in out.items()}
