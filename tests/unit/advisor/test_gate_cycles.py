"""Cycle rules: every edge on a cycle is found, each shown loop is a real simple loop through
that edge, and a dense tangle is checked in time that does not grow with edges x modules."""

from __future__ import annotations

import random
import time

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.advisor.test_gate_rules import analysis_of, gate

from advisor.gate import run_gate

MODULE_ONLY = {"package-cycles": "off"}


def cycle_findings(spec: dict[str, list]) -> dict[str, list[str]]:
    result = run_gate(analysis_of(spec), gate(MODULE_ONLY))
    out = {}
    for v in result.violations:
        if v.rule == "module-cycles":
            out[v.key] = v.message.split("closing the cycle ", 1)[1].split(" -> ")
    return out


def spec_of(edges: set[tuple[int, int]], n: int) -> dict[str, list]:
    return {f"m{i}": [(j + 1, f"m{j}") for j in sorted({t for s, t in edges if s == i})]
            for i in range(n)}


@settings(max_examples=150, deadline=None)
@given(n=st.integers(2, 12), data=st.data())
def test_every_edge_on_a_cycle_is_found_with_a_simple_loop_through_it(n, data):
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = {(s, t) for s, t in data.draw(st.sets(pairs, max_size=n * 3)) if s != t}
    found = cycle_findings(spec_of(edges, n))
    g = nx.DiGraph([(f"m{s}", f"m{t}") for s, t in edges])
    component = {m: i for i, comp in enumerate(nx.strongly_connected_components(g))
                 for m in comp}
    expected = {f"{s} -> {t}" for s, t in g.edges if component[s] == component[t]}
    assert set(found) == expected
    for key, loop in found.items():
        s, t = key.split(" -> ")
        assert loop[0] == s and loop[1] == t and loop[-1] == s
        shown = loop[:-2] if "..." in loop else loop[:-1]
        assert len(shown) == len(set(shown)), loop  # no module twice
        assert len(loop) <= 9
        for a, b in zip(shown, loop[1:len(shown) + 1] if "..." not in loop else shown[1:]):
            assert g.has_edge(a, b), (key, loop)


def test_mutual_imports_show_as_the_two_step_loop():
    found = cycle_findings({"a": [(1, "b"), (2, "c")], "b": [(1, "a"), (2, "c")],
                            "c": [(1, "a")]})
    assert found["a -> b"] == ["a", "b", "a"]
    assert found["c -> a"] == ["c", "a", "c"]


def test_a_long_ring_is_shown_cut_short():
    n = 30
    found = cycle_findings({f"m{i:02d}": [(1, f"m{(i + 1) % n:02d}")] for i in range(n)})
    assert len(found) == n
    assert found["m05 -> m06"] == ["m05", "m06", "m07", "m08", "m09", "m10", "m11", "...",
                                   "m05"]


def test_dense_tangle_is_checked_within_a_time_budget():
    # 3,000 modules importing 6 others each: a search per edge target (3,000 searches over
    # the whole tangle) took about 40 s; two searches in all take well under a second
    rnd = random.Random(7)
    n = 3000
    spec = {f"m{i:04d}": [(k + 1, f"m{j:04d}") for k, j in
                          enumerate(sorted(set(rnd.sample(range(n), 6)) - {i}))]
            for i in range(n)}
    analysis = analysis_of(spec)
    start = time.perf_counter()
    result = run_gate(analysis, gate(MODULE_ONLY))
    elapsed = time.perf_counter() - start
    assert sum(1 for v in result.violations if v.rule == "module-cycles") > 15_000
    assert elapsed < 10.0, f"{elapsed:.1f} s"
