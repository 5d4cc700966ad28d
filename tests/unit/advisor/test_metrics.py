"""Metrics on small graphs, each value worked out by hand."""

from __future__ import annotations

import pytest

from advisor import metrics
from advisor.graph import DependencyGraph, Edge
from advisor.metrics import (
    core_periphery,
    cycle_breakers,
    feedback_arcs,
    group_metrics,
    omnipresent,
    propagation_cost,
    strongly_connected,
    visibility,
)
from analyzers.facts import DefinitionFact, ModuleFacts, ParsedSource


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


# --- group metrics, hubs, cycle breakers, core and periphery (added with the contexts work) ---
def _graph(edges, classes=None) -> DependencyGraph:
    names = sorted({n for e in edges for n in (e.source, e.target)})
    classes = classes or {}
    modules = {n: ModuleFacts(n.replace(".", "/") + ".py", n, False, "", ParsedSource(
        lines=10, definitions=tuple(DefinitionFact(f"C{i}", i, "class", abstract=a)
                                    for i, a in enumerate(classes.get(n, ())))))
               for n in names}
    return DependencyGraph(modules=modules, edges=tuple(edges), external={})


def W(s, t, w):
    return Edge(s, t, ("import",), w, ())


def test_group_metrics_by_hand():
    # groups X = {a, b}, Y = {c}, Z = {d}; a -> c, b -> c, c -> d, d -> a; kernel k left out
    # X: Ce = {Y} = 1, Ca = {Z} = 1 -> I = 0.5; classes in X: 1 abstract of 2 -> A = 0.5,
    # D = |0.5 + 0.5 - 1| = 0. Y: Ca 1 (X), Ce 1 (Z) -> I 0.5, no classes -> A 0, D 0.5
    g = _graph([E("a", "c"), E("b", "c"), E("c", "d"), E("d", "a"), E("a", "k")],
               classes={"a": (True, False)})
    rows = {r.name: r for r in group_metrics(g, {"a": "X", "b": "X", "c": "Y", "d": "Z"})}
    assert set(rows) == {"X", "Y", "Z"}
    x, y = rows["X"], rows["Y"]
    assert (x.modules, x.ca, x.ce, x.instability, x.abstractness, x.distance) == (
        2, 1, 1, 0.5, 0.5, 0.0)
    assert (y.ca, y.ce, y.instability, y.abstractness, y.distance) == (1, 1, 0.5, 0.0, 0.5)


def test_omnipresent_by_hand():
    # u is used from packages p, q, r (3) and uses none: supplier at threshold 3.
    # c uses p, q, r, s, t, v (6 = 2 x 3) and nobody uses it: client.
    owner = {"u": "k", "p1": "p", "q1": "q", "r1": "r", "s1": "s", "t1": "t", "v1": "v",
             "c": "x"}
    depends = {"p1": ["u"], "q1": ["u"], "r1": ["u"],
               "c": ["p1", "q1", "r1", "s1", "t1", "v1"]}
    suppliers, clients = omnipresent(depends, owner, threshold=3)
    assert suppliers == {"u"} and clients == {"c"}
    assert omnipresent(depends, owner, threshold=4) == (set(), set())


def test_feedback_arcs_cut_the_lightest_arc_of_a_cycle():
    # a -> b (3), b -> c (1), c -> a (2): removing b -> c (the lightest) breaks the cycle
    assert feedback_arcs([("a", "b", 3.0), ("b", "c", 1.0), ("c", "a", 2.0)]) == [
        ("b", "c", 1.0)]


def test_feedback_arcs_two_cycles_by_hand():
    # a <-> b (1 each) and the triangle b -> c -> d -> b with d -> b heavy (5):
    # heaviest first: d->b kept, then a->b, b->a (closes a cycle: cut), b->c, c->d (closes
    # b->c->d->b: cut). Cut: b->a (1) and c->d (1), weight 2
    arcs = [("a", "b", 1.0), ("b", "a", 1.0), ("b", "c", 1.0), ("c", "d", 1.0), ("d", "b", 5.0)]
    assert feedback_arcs(arcs) == [("b", "a", 1.0), ("c", "d", 1.0)]


def test_feedback_arcs_on_big_groups_use_eades_lin_smyth(monkeypatch):
    monkeypatch.setattr(metrics, "GREEDY_LIMIT", 0)
    # the triangle again: out-minus-in weights a: 3-2 = 1, b: 1-3 = -2, c: 2-1 = 1; a goes
    # first (tie with c, by name), then b becomes a source and c a sink: order a, b, c; the
    # backward arc c -> a is cut
    assert feedback_arcs([("a", "b", 3.0), ("b", "c", 1.0), ("c", "a", 2.0)]) == [
        ("c", "a", 2.0)]
    # two cycles: what is left has no cycle
    arcs = [("a", "b", 1.0), ("b", "a", 1.0), ("b", "c", 1.0), ("c", "d", 1.0), ("d", "b", 5.0)]
    cut = set(feedback_arcs(arcs))
    kept = {n: {t for s, t, w in arcs if s == n and (s, t, w) not in cut} for n in "abcd"}
    assert all(len(c) == 1 for c in strongly_connected(kept))
    assert len(cut) == 2


def test_cycle_breakers_per_cycle_group():
    g = _graph([W("a", "b", 3), W("b", "c", 1), W("c", "a", 2), W("x", "y", 1),
                W("y", "x", 4), W("c", "x", 1)])
    breaks = cycle_breakers(g)
    assert [b.modules for b in breaks] == [("a", "b", "c"), ("x", "y")]
    assert [b.cut for b in breaks] == [(("b", "c", 1.0),), (("x", "y", 1.0),)]
    assert [b.cut_weight for b in breaks] == [1.0, 1.0]


def test_visibility_and_core_periphery_by_hand():
    # a -> b -> c -> a (a cycle of 3), d -> a, c -> e, f alone. Reached-by (VFI, self
    # included): a, b, c by {a, b, c, d} = 4; d 1; e 5; f 1. Reaches (VFO): a, b, c reach
    # {a, b, c, e} = 4; d 5; e 1; f 1. The cycle (3 of 6 >= 5%) sets the thresholds 4 and 4:
    # core a, b, c; shared e (VFI 5, VFO 1); control d (VFI 1, VFO 5); periphery f
    nodes = ["a", "b", "c", "d", "e", "f"]
    edges = [E("a", "b"), E("b", "c"), E("c", "a"), E("d", "a"), E("c", "e")]
    vfi, vfo = visibility(nodes, edges)
    assert vfi == {"a": 4, "b": 4, "c": 4, "d": 1, "e": 5, "f": 1}
    assert vfo == {"a": 4, "b": 4, "c": 4, "d": 5, "e": 1, "f": 1}
    cp = core_periphery(nodes, edges)
    assert (cp.architecture, cp.largest_cycle_group, cp.vfi_threshold, cp.vfo_threshold) == (
        "core-periphery", 3, 4, 4)
    assert (cp.core, cp.shared, cp.control, cp.periphery) == (
        ("a", "b", "c"), ("e",), ("d",), ("f",))


def test_core_periphery_without_a_cycle_is_hierarchical():
    # chain a -> b -> c: VFI 1, 2, 3; VFO 3, 2, 1; medians 2 -> thresholds 3 (above median)
    cp = core_periphery(["a", "b", "c"], [E("a", "b"), E("b", "c")])
    assert (cp.architecture, cp.vfi_threshold, cp.vfo_threshold) == ("hierarchical", 3, 3)
    assert (cp.core, cp.shared, cp.control, cp.periphery) == ((), ("c",), ("a",), ("b",))


def test_propagation_cost_unchanged_on_a_diamond():
    # a -> b, a -> c, b -> d, c -> d: a reaches 4, b 2, c 2, d 1 -> 9 / 16
    edges = [E("a", "b"), E("a", "c"), E("b", "d"), E("c", "d")]
    assert propagation_cost("abcd", edges) == pytest.approx(9 / 16)
