"""Metrics on small graphs, each value worked out by hand."""

from __future__ import annotations

from advisor.graph import Edge
from advisor.metrics import propagation_cost, strongly_connected


def E(s, t):
    return Edge(s, t, ("import",), 1.0, ())


def test_propagation_cost_chain_by_hand():
    # a -> b -> c: reachability incl. self: a{a,b,c}=3, b{b,c}=2, c{c}=1 -> 6 / 9
    assert propagation_cost(["a", "b", "c"], [E("a", "b"), E("b", "c")]) == 6 / 9


def test_propagation_cost_with_cycle_by_hand():
    # a <-> b, b -> c, d alone: a{a,b,c}=3, b=3, c=1, d=1 -> 8 / 16
    edges = [E("a", "b"), E("b", "a"), E("b", "c")]
    assert propagation_cost(["a", "b", "c", "d"], edges) == 0.5


def test_scc_components():
    adj = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    comps = strongly_connected(adj)
    assert sorted(comps) == [["a", "b", "c"], ["d"], ["e"]]
    # reverse topological: a's cycle comes before d, which depends on it
    assert comps.index(["a", "b", "c"]) < comps.index(["d"])
