"""Louvain clustering of the signal graph, made deterministic, with the resolution chosen by a
stated criterion and a confidence per module.

- Determinism: nodes and edges enter the graph sorted, seeds are fixed, and every tie is broken
  by sorted names, so the same input gives the same communities byte for byte.
- Louvain may return a community that is not connected (a known flaw Leiden fixes): such
  communities are split into their connected parts.
- Resolution: chosen by asymptotic surprise (Traag, Aldecoa & Delvenne 2015), not by
  modularity, whose resolution limit merges the small real domains of a big code base. Starting
  at 1, the resolution doubles while the mean surprise of the seed runs grows by more than 0.1%.
  It never goes below 1: a coarser cut would merge domains because they share tables or calls,
  which is what the report must show, not hide. Modularity and seed stability (mean pairwise
  ARI) are reported alongside. Over-splitting is the cheaper error: the contexts stage folds
  layers and merges single-module communities, while an under-split cannot be undone.
- Big graphs: clustering spends a budget of edge visits (edges x runs), so a graph with many
  edges runs fewer seeds per step (at least one; two at the chosen resolution).
- Confidence of a module: the share of the chosen resolution's seed runs in which it lands in the
  "core" of its final community (the seed community that overlaps the final one most).
"""

from __future__ import annotations

import heapq
import marshal
import math
import os
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import astuple, dataclass
from itertools import combinations

from advisor.partition_metrics import ari, modularity

DEFAULT_SEEDS = 5
MAX_RESOLUTION = 64.0
MIN_GAIN = 0.001  # the climb goes on while the surprise grows by more than 0.1%
EDGE_BUDGET = 300_000  # edge visits (edges x Louvain runs) clustering may spend
_FORK_EDGES = 2_000  # from this many edges, seed runs are shared among the cores


@dataclass(frozen=True, slots=True)
class ResolutionScore:
    resolution: float
    runs: int
    communities: float  # mean number of communities
    stability: float  # mean pairwise ARI across seeds (1.0 with one run)
    modularity: float  # mean over seeds, reported, not used to choose
    surprise: float  # mean asymptotic surprise: the criterion


@dataclass(frozen=True)
class Clustering:
    communities: tuple[tuple[str, ...], ...]  # each sorted; sorted by (-size, first member)
    confidence: dict[str, float]
    resolution: float
    scan: tuple[ResolutionScore, ...]
    runs: tuple[tuple[tuple[str, ...], ...], ...] = ()  # the seed partitions at that resolution


def louvain(g, resolution: float, seed: int) -> list[tuple[str, ...]]:
    """One seeded Louvain run, disconnected communities split, sorted deterministically."""
    import networkx as nx

    out = []
    for community in nx.community.louvain_communities(g, weight="weight",
                                                      resolution=resolution, seed=seed):
        out.extend(split_disconnected(g, community))
    return sorted(out, key=lambda c: (-len(c), c[0]))


def split_disconnected(g, community) -> list[tuple[str, ...]]:
    import networkx as nx

    sub = g.subgraph(community)
    return [tuple(sorted(part)) for part in nx.connected_components(sub)]


def _labels(communities: Sequence[Sequence[str]]) -> dict[str, int]:
    return {node: i for i, c in enumerate(communities) for node in c}


def asymptotic_surprise(communities: Sequence[Sequence[str]],
                        edges: Sequence[tuple[str, str, float]], nodes: int) -> float:
    """Asymptotic surprise (Traag, Aldecoa & Delvenne 2015): m · KL(q ‖ ⟨q⟩), q the share of
    edge weight inside communities, ⟨q⟩ the share of node pairs inside them, m the number of
    edges. Unlike modularity it has no resolution limit: small real communities score."""
    total = math.fsum(w for *_, w in edges)
    if nodes < 2 or not edges or total <= 0:
        return 0.0
    where = _labels(communities)
    inside = math.fsum(w for a, b, w in edges if where[a] == where[b])
    q = min(1.0, inside / total)
    p = sum(len(c) * (len(c) - 1) / 2 for c in communities) / (nodes * (nodes - 1) / 2)
    if q <= p or p <= 0:
        return 0.0
    kl = q * math.log(q / p)
    if q < 1:
        kl += (1 - q) * math.log((1 - q) / (1 - p))
    return len(edges) * kl


def _score(edges, nodes: int, resolution: float,
           partitions: list[list[tuple[str, ...]]]) -> ResolutionScore:
    labels = [_labels(p) for p in partitions]
    pairs = list(combinations(labels, 2))
    runs = len(partitions)
    return ResolutionScore(
        resolution=resolution,
        runs=runs,
        communities=round(sum(len(p) for p in partitions) / runs, 2),
        stability=round(sum(ari(a, b) for a, b in pairs) / len(pairs), 4) if pairs else 1.0,
        modularity=round(sum(modularity(lab, edges) for lab in labels) / runs, 4),
        surprise=round(sum(asymptotic_surprise(p, edges, nodes) for p in partitions) / runs, 4),
    )


def _medoid(partitions: list[list[tuple[str, ...]]]) -> list[tuple[str, ...]]:
    """The seed partition that agrees best (mean ARI) with the others; first on ties."""
    if len(partitions) <= 2:
        return partitions[0]
    labels = [_labels(p) for p in partitions]
    best, best_score = 0, -2.0
    for i, a in enumerate(labels):
        score = sum(ari(a, b) for j, b in enumerate(labels) if j != i)
        if score > best_score + 1e-12:
            best, best_score = i, score
    return partitions[best]


def confidence(final: Sequence[Sequence[str]],
               partitions: list[list[tuple[str, ...]]]) -> dict[str, float]:
    """Per node: share of the runs in which it sits in its final community's core."""
    hits: Counter = Counter()
    for p in partitions:
        where = _labels(p)
        for community in final:
            overlap = Counter(where[n] for n in community if n in where)
            if not overlap:
                continue
            top = max(overlap.values())
            core = min(k for k, v in overlap.items() if v == top)
            for n in community:
                if where.get(n) == core:
                    hits[n] += 1
    runs = max(1, len(partitions))
    return {n: round(hits[n] / runs, 4) for c in final for n in c}


def _budget(g, share: float, seeds: int, minimum: int) -> int:
    edges = max(1, g.number_of_edges())
    return max(minimum, min(seeds, int(EDGE_BUDGET * share) // edges))


# the result cache in use (``remembered``): clustering an unchanged graph is a cache hit
_results: ContextVar = ContextVar("clustering_results", default=None)


@contextmanager
def remembered(results_dir: str | None) -> Iterator[None]:
    """Within it, ``cluster`` keeps its results in the cache at ``results_dir`` (None: none)."""
    from analyzers.cache import results_in

    with results_in(results_dir) as cache:
        token = _results.set(cache)
        try:
            yield
        finally:
            _results.reset(token)


def _cache_key(g, seeds: int, resolution: float | None, base_seed: int) -> str:
    """Everything a seeded Louvain run reads: the adjacency in its iteration order (it decides
    the visiting order), the weights, the parameters, networkx's version and this code."""
    from importlib.metadata import version

    from analyzers.cache import code_digest, inputs_digest

    here = os.path.dirname(os.path.abspath(__file__))
    code = code_digest(*(os.path.join(here, f"{name}.py")
                         for name in ("clustering", "partition_metrics")))
    adjacency = tuple((n, tuple((m, d.get("weight", 1.0)) for m, d in g.adj[n].items()))
                      for n in g)
    return inputs_digest(code, version("networkx"), seeds, resolution, base_seed, adjacency)


def _load(blob: bytes) -> Clustering | None:
    try:
        communities, confidence_items, resolution, scan, runs = marshal.loads(blob)
        return Clustering(communities, dict(confidence_items), resolution,
                          tuple(ResolutionScore(*r) for r in scan), runs)
    except (ValueError, EOFError, TypeError):
        return None


def _dump(result: Clustering) -> bytes:
    return marshal.dumps((result.communities, tuple(result.confidence.items()),
                          result.resolution, tuple(astuple(r) for r in result.scan),
                          result.runs))


def cluster(g, seeds: int = DEFAULT_SEEDS, resolution: float | None = None,
            base_seed: int = 0) -> Clustering:
    """Cluster an undirected weighted networkx graph (node names are strings). ``resolution``
    None: climb 1, 2, 4... while the mean asymptotic surprise of the seed runs grows.
    Inside ``remembered``, the result of the same graph and parameters is read back."""
    if g.number_of_nodes() == 0:
        return Clustering((), {}, 1.0, ())
    cache = _results.get()
    if cache is None:
        return _cluster(g, seeds, resolution, base_seed)
    key = _cache_key(g, seeds, resolution, base_seed)
    if (blob := cache.get("clustering", key)) is not None and (kept := _load(blob)):
        return kept
    result = _cluster(g, seeds, resolution, base_seed)
    cache.put("clustering", key, _dump(result))
    return result


def _cluster(g, seeds: int, resolution: float | None, base_seed: int) -> Clustering:
    per_step = _budget(g, 0.25, seeds, 1) if resolution is None else seeds
    edges = [(a, b, d.get("weight", 1.0)) for a, b, d in g.edges(data=True)]
    nodes = g.number_of_nodes()
    results: dict[float, list[list[tuple[str, ...]]]] = {}
    scores: dict[float, ResolutionScore] = {}

    def runs(r: float, seeds: range) -> list[list[tuple[str, ...]]]:
        if g.number_of_edges() < _FORK_EDGES:  # a fork costs more than a small graph's runs
            return [louvain(g, r, base_seed + k) for k in seeds]
        from advisor.forked import fork_map  # the seed runs are independent: one per core

        return fork_map(lambda k: louvain(g, r, base_seed + k), seeds)

    def run(r: float) -> ResolutionScore:
        if r not in scores:
            results[r] = runs(r, range(per_step))
            scores[r] = _score(edges, nodes, r, results[r])
        return scores[r]

    if resolution is not None:
        best = run(resolution)
    else:
        best, r = run(1.0), 1.0
        while r * 2 <= MAX_RESOLUTION:
            nxt = run(r * 2)
            if nxt.surprise <= best.surprise * (1 + MIN_GAIN):
                break
            best, r = nxt, r * 2
    partitions = results[best.resolution]
    wanted = _budget(g, 0.4, seeds, 2) if resolution is None else seeds
    partitions = partitions + runs(best.resolution, range(len(partitions), wanted))
    final = _medoid(partitions)
    return Clustering(
        communities=tuple(final),
        confidence=confidence(final, partitions),
        resolution=best.resolution,
        scan=tuple(scores[r] for r in sorted(scores)),
        runs=tuple(tuple(p) for p in partitions),
    )


def merge_small(labels: Mapping[str, str], neighbours: Mapping[str, Mapping[str, float]],
                min_size: int, keep: Collection[str] = ()) -> dict[str, str | None]:
    """Moves that dissolve communities under ``min_size`` members (labels in ``keep`` stay):
    smallest first (then by label), each joins the community it is most strongly linked to, or
    is left without one (None) when it has no link. Returns module -> new label."""
    current = dict(labels)
    members: dict[str, list[str]] = {}
    for m, lab in sorted(current.items()):
        members.setdefault(lab, []).append(m)
    heap = [(len(ms), lab) for lab, ms in members.items() if len(ms) < min_size and lab not in keep]
    heapq.heapify(heap)
    moves: dict[str, str | None] = {}
    while heap:
        size, lab = heapq.heappop(heap)
        if lab not in members or len(members[lab]) >= min_size:
            continue
        if len(members[lab]) != size:  # grew since it was queued
            heapq.heappush(heap, (len(members[lab]), lab))
            continue
        score: dict[str, float] = {}
        for m in members[lab]:
            for other, w in neighbours.get(m, {}).items():
                if other in current and current[other] != lab:
                    score[current[other]] = score.get(current[other], 0.0) + w
        target = min(score, key=lambda k: (-score[k], k)) if score else None
        for m in members.pop(lab):
            moves[m] = target
            if target is None:
                del current[m]
            else:
                current[m] = target
                members[target].append(m)
    return moves


def contract(nodes: Sequence[str], weights: Mapping[tuple[str, str], float],
             groups: Mapping[str, str], left_out: Collection[str] = ()):
    """The weighted undirected graph to cluster: ``left_out`` nodes dropped, the nodes of each
    group (pins) merged into one node named by the group, isolated nodes removed. Nodes and
    edges go in sorted, so seeded Louvain runs are reproducible."""
    import networkx as nx

    acc: dict[tuple[str, str], float] = {}
    for (a, b), w in sorted(weights.items()):
        if a in left_out or b in left_out:
            continue
        x, y = groups.get(a, a), groups.get(b, b)
        if x != y:
            key = (x, y) if x < y else (y, x)
            acc[key] = acc.get(key, 0.0) + w
    g = nx.Graph()
    g.add_nodes_from(sorted({x for pair in acc for x in pair}))
    g.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(acc.items()))
    return g


# --- refining communities with the package structure -----------------------------------------
def _top(counts: Mapping[str, int]) -> str:
    return min(counts, key=lambda k: (-counts[k], k))


def merge_fragments(labels: Mapping[str, str], home: Mapping[str, str], size: int,
                    keep: Collection[str] = ()) -> dict[str, str]:
    """Splinters: a community under ``size`` members whose main home (the package most of its
    members sit in; fewer dots, then name, on ties) has more members in another community joins
    that community; smallest first. Returns module -> new label."""
    current = dict(labels)
    groups: dict[str, list[str]] = {}
    at_home: dict[str, Counter] = {}
    for m, lab in sorted(current.items()):
        groups.setdefault(lab, []).append(m)
        at_home.setdefault(home[m], Counter())[lab] += 1
    heap = [(len(ms), lab) for lab, ms in groups.items() if len(ms) < size and lab not in keep]
    heapq.heapify(heap)
    moves: dict[str, str] = {}
    while heap:
        n, lab = heapq.heappop(heap)
        if lab not in groups or len(groups[lab]) != n:
            continue
        homes = Counter(home[m] for m in groups[lab])
        main = min(homes, key=lambda h: (-homes[h], h.count("."), h))
        counts = at_home[main]
        target = _top(counts)
        if target == lab or counts[target] <= counts[lab]:
            continue
        for m in groups.pop(lab):
            current[m] = moves[m] = target
            groups[target].append(m)
            at_home[home[m]][lab] -= 1
            at_home[home[m]][target] += 1
        if len(groups[target]) < size and target not in keep:
            heapq.heappush(heap, (len(groups[target]), target))
    return moves


def facades(labels: Mapping[str, str], package: Mapping[str, str],
            inits: Collection[str]) -> dict[str, str]:
    """A package ``__init__`` (in ``inits``) joins the community holding at least half of the
    modules directly in its package (settings that name an app point at its ``__init__``)."""
    direct: dict[str, Counter] = {}
    for m, lab in labels.items():
        if m not in inits:
            direct.setdefault(package[m], Counter())[lab] += 1
    moves = {}
    for m in sorted(inits):
        counts = direct.get(m)
        if m in labels and counts:
            top = _top(counts)
            if counts[top] * 2 >= sum(counts.values()) and top != labels[m]:
                moves[m] = top
    return moves


def place_by_package(labels: Mapping[str, str], unplaced: Collection[str],
                     package: Mapping[str, str]) -> dict[str, str]:
    """Modules without a community join the one holding at least half of the placed modules
    directly in their package (or, if none, below it), trying their own package, then its
    parent; further up, a package says too little about a module."""
    direct: dict[str, Counter] = {}
    below: dict[str, Counter] = {}
    for m, lab in labels.items():
        direct.setdefault(package[m], Counter())[lab] += 1
        parts = m.split(".")
        for cut in range(1, len(parts)):
            below.setdefault(".".join(parts[:cut]), Counter())[lab] += 1
    moves = {}
    for m in sorted(unplaced):
        parts = m.split(".")
        for cut in range(len(parts), max(0, len(parts) - 3), -1):
            prefix = ".".join(parts[:cut])
            counts = direct.get(prefix) or below.get(prefix)
            if counts:
                top = _top(counts)
                if counts[top] * 2 >= sum(counts.values()):
                    moves[m] = top
                break
    return moves
