"""Louvain made deterministic, the resolution criterion, confidence and community refinement."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from advisor import clustering
from advisor.clustering import (
    asymptotic_surprise,
    cluster,
    confidence,
    contract,
    facades,
    louvain,
    merge_fragments,
    merge_small,
    place_by_package,
    split_disconnected,
)


def cliques(sizes: list[int], bridge: float = 0.1) -> nx.Graph:
    """Cliques named g0.n0... joined in a ring by light edges."""
    g = nx.Graph()
    for k, size in enumerate(sizes):
        members = [f"g{k}.n{i}" for i in range(size)]
        g.add_weighted_edges_from((a, b, 1.0) for i, a in enumerate(members)
                                  for b in members[i + 1:])
        g.add_edge(members[0], f"g{(k + 1) % len(sizes)}.n1", weight=bridge)
    return g


def test_louvain_is_deterministic_and_sorted():
    g = cliques([5, 4, 6])
    first, second = louvain(g, 1.0, 3), louvain(g, 1.0, 3)
    assert first == second
    assert [len(c) for c in first] == [6, 5, 4]
    assert all(list(c) == sorted(c) for c in first)


def test_disconnected_communities_are_split():
    g = nx.Graph([("a", "b"), ("c", "d"), ("b", "x")])
    assert sorted(split_disconnected(g, {"a", "b", "c", "d"})) == [("a", "b"), ("c", "d")]


def test_asymptotic_surprise_by_hand():
    # two triangles and a bridge, unit weights: m = 7, q = 6/7 inside; pairs inside 3 + 3 of
    # C(6, 2) = 15 -> p = 0.4; S = 7 (q ln(q/p) + (1-q) ln((1-q)/(1-p)))
    edges = [("a", "b", 1.0), ("b", "c", 1.0), ("a", "c", 1.0), ("d", "e", 1.0),
             ("e", "f", 1.0), ("d", "f", 1.0), ("c", "d", 1.0)]
    q, p = 6 / 7, 0.4
    expected = 7 * (q * math.log(q / p) + (1 - q) * math.log((1 - q) / (1 - p)))
    assert asymptotic_surprise([("a", "b", "c"), ("d", "e", "f")], edges, 6) == pytest.approx(
        expected)
    # one community holding everything: q = p = 1 -> no surprise
    assert asymptotic_surprise([tuple("abcdef")], edges, 6) == 0.0


def test_cluster_finds_the_cliques_with_full_confidence():
    g = cliques([6, 5, 7, 4])
    result = cluster(g)
    assert sorted(len(c) for c in result.communities) == [4, 5, 6, 7]
    assert set(result.confidence.values()) == {1.0}
    assert result.scan[0].resolution == 1.0
    assert result.resolution in {s.resolution for s in result.scan}
    # the climb doubles while the surprise grows by more than 0.1%, and stops after that
    steps = [s.resolution for s in result.scan]
    assert steps == [2.0 ** k for k in range(len(steps))]
    chosen = steps.index(result.resolution)
    assert all(b.surprise > a.surprise * 1.001
               for a, b in zip(result.scan[:chosen], result.scan[1:chosen + 1]))
    assert len(steps) == chosen + 2
    assert result.scan[-1].surprise <= result.scan[chosen].surprise * 1.001


def test_cluster_is_reproducible_and_seeded():
    g = cliques([6, 5, 7, 4], bridge=0.9)
    assert cluster(g, base_seed=4) == cluster(g, base_seed=4)


def test_big_graphs_run_fewer_seeds(monkeypatch):
    monkeypatch.setattr(clustering, "EDGE_BUDGET", 10)  # every graph is big now
    result = cluster(cliques([4, 4]))
    assert all(s.runs == 1 for s in result.scan)
    assert len(result.runs) == 2  # the chosen resolution still gets two seeds


def test_a_fixed_resolution_is_used_as_given():
    result = cluster(cliques([4, 4, 4]), seeds=3, resolution=0.7)
    assert result.resolution == 0.7 and [s.runs for s in result.scan] == [3]


def test_confidence_is_the_share_of_runs_in_the_core():
    final = [("a", "b", "c"), ("d", "e")]
    runs = [[("a", "b", "c"), ("d", "e")],
            [("a", "b"), ("c", "d", "e")],  # c left a's core, joined d's
            [("a", "b", "c", "d", "e")]]  # one community: the core of both
    assert confidence(final, runs) == {"a": 1.0, "b": 1.0, "c": 0.6667,  # 2/3, rounded
                                       "d": 1.0, "e": 1.0}


def test_contract_merges_groups_and_drops_left_out_and_isolated():
    weights = {("a", "b"): 1.0, ("a", "p1"): 2.0, ("b", "p2"): 0.5, ("p1", "p2"): 9.0,
               ("a", "k"): 4.0, ("z", "k"): 1.0}
    g = contract(["a", "b", "k", "p1", "p2", "z"], weights, {"p1": "pin:x", "p2": "pin:x"},
                 left_out={"k"})
    assert sorted(g.nodes) == ["a", "b", "pin:x"]
    assert g["a"]["pin:x"]["weight"] == 2.0 and g["b"]["pin:x"]["weight"] == 0.5


def test_merge_small_joins_the_strongest_neighbour_or_leaves_alone():
    labels = {"a": "X", "b": "X", "c": "Y", "d": "Z", "e": "W", "f": "W"}
    neighbours = {"c": {"a": 1.0, "e": 0.5}, "d": {}, "e": {"c": 0.5}, "a": {"c": 1.0}}
    moves = merge_small(labels, neighbours, min_size=2, keep={"W"})
    assert moves == {"c": "X", "d": None}
    assert merge_small(labels, neighbours, min_size=1) == {}


def test_merge_fragments_sends_splinters_home():
    # home package p holds 4 modules in A and 2 in B: B (2 < 3 members) is a splinter of A;
    # C's members live in q, where C is the biggest: it stays
    labels = {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B", "c1": "C"}
    home = {m: "p" for m in labels} | {"c1": "q"}
    assert merge_fragments(labels, home, size=3) == {"b1": "A", "b2": "A"}
    assert merge_fragments(labels, home, size=3, keep={"B"}) == {}


def test_package_facades_and_placement():
    package = {"p": "p", "p.a": "p", "p.b": "p", "p.c": "p", "q": "q", "q.x": "q",
               "q.y": "q", "r.s": "r", "t": "t", "t.u": "t", "t.v": "t"}
    labels = {"p": "S", "p.a": "A", "p.b": "A", "p.c": "B", "q.x": "A", "q.y": "B", "t.u": "A",
              "t.v": "B"}
    # p's own modules: A twice, B once -> the facade joins A; t is a tie (1 of 2 is half)
    assert facades(labels, package, {"p", "t"}) == {"p": "A"}
    # q has no context; its own modules split 1-1 -> half is enough -> A (by name)
    # r.s: nothing in r -> nothing below r -> left unplaced
    assert place_by_package(labels, ["q", "r.s"], package) == {"q": "A"}


def test_seed_runs_shared_among_cores_give_the_same_clustering(monkeypatch):
    import random

    rnd = random.Random(3)
    g = nx.Graph()
    for block in range(12):  # 12 dense blocks of 30 nodes, sparsely linked: > 2,000 edges
        members = [f"b{block:02d}.m{i:02d}" for i in range(30)]
        g.add_weighted_edges_from((a, b, 1.0) for a in members for b in members
                                  if a < b and rnd.random() < 0.4)
    g.add_weighted_edges_from((f"b{i:02d}.m00", f"b{(i + 1) % 12:02d}.m01", 0.5)
                              for i in range(12))
    assert g.number_of_edges() >= clustering._FORK_EDGES
    shared = clustering.cluster(g)
    monkeypatch.setattr(clustering, "_FORK_EDGES", 10 ** 9)  # every run in this process
    assert clustering.cluster(g) == shared
    assert len(shared.communities) == 12
