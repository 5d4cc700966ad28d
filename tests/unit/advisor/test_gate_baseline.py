"""The baseline: what it accepts, how check ratchets against it, and how it tightens."""

from __future__ import annotations

import json

import pytest

from advisor.gate import (
    Baseline,
    BaselineError,
    from_result,
    load_baseline,
    parse_gate,
    render_baseline,
    run_gate,
    tighten,
)
from tests.unit.advisor.test_gate_rules import analysis_of

CYCLE = {"p": [], "p.a": [(1, "p.b")], "p.b": [(2, "p.a")], "p.c": []}
TABLE = {"package-cycles": "off", "propagation-cost": {"max": 0.5, "max_growth": 0.05}}
OFF = {"module-cycles": "off", "package-cycles": "off"}
STABLE = {"package-cycles": "off", "instability": {"max": 0.4, "packages": ["q"]}}


def gate(table=TABLE):
    return parse_gate(table, "cfg")


def test_render_is_sorted_one_entry_per_line_and_round_trips(tmp_path):
    result = run_gate(analysis_of(CYCLE), gate())
    baseline = from_result(result)
    text = render_baseline(baseline)
    assert text == (
        '{\n  "metrics": {\n    "cross-package-edges": {\n      "project": 0\n    },\n'
        '    "propagation-cost": {\n      "project": 0.375\n    }\n  },\n'
        '  "version": 1,\n  "violations": {\n    "module-cycles": [\n'
        '      "p.a -> p.b",\n      "p.b -> p.a"\n    ]\n  }\n}\n')
    path = tmp_path / "b.json"
    path.write_text(text)
    loaded = load_baseline(str(path))
    assert (loaded.violations, loaded.metrics) == (baseline.violations, baseline.metrics)


def test_unchanged_code_passes_and_new_cycle_edge_fails():
    baseline = from_result(run_gate(analysis_of(CYCLE), gate()))
    same = run_gate(analysis_of(CYCLE), gate(), baseline)
    assert not same.failed and same.new == () and len(same.violations) == 2
    assert {v.status for v in same.violations} == {"baselined"}
    grown = {**CYCLE, "p.c": [(7, "p.a")], "p.a": [(1, "p.b"), (3, "p.c")]}
    result = run_gate(analysis_of(grown), gate({"package-cycles": "off"}), baseline)
    assert [(v.key, v.path, v.line) for v in result.new] == [("p.a -> p.c", "p/a.py", 3),
                                                            ("p.c -> p.a", "p/c.py", 7)]


def test_stale_entries_and_improvements_are_reported():
    baseline = from_result(run_gate(analysis_of(CYCLE), gate()))
    fixed = {**CYCLE, "p.b": []}
    result = run_gate(analysis_of(fixed), gate(), baseline)
    assert not result.failed
    assert [(s.rule, s.key) for s in result.stale] == [("module-cycles", "p.a -> p.b"),
                                                       ("module-cycles", "p.b -> p.a")]
    # 4 modules; before: p.a, p.b reach 2 each -> 6/16; after: p.a reaches 2 -> 5/16
    assert [(i.rule, i.subject, i.before, i.after) for i in result.improvements] == [
        ("propagation-cost", "project", 0.375, 0.3125)]


def test_metric_growth_beyond_tolerance_fails_and_within_passes():
    baseline = Baseline(metrics={"propagation-cost": {"project": 0.3}})
    within = run_gate(analysis_of(CYCLE), gate({**OFF, "propagation-cost": {"max_growth": 0.08}}),
                      baseline)
    assert within.violations == ()
    over = run_gate(analysis_of(CYCLE), gate({**OFF, "propagation-cost": {"max_growth": 0.05}}),
                    baseline)
    assert [(v.key, v.message, v.baselinable) for v in over.violations] == [
        ("project: growth", "propagation cost grew from 0.3 to 0.375, more than the allowed "
         "growth 0.05", False)]
    assert over.failed


def test_baselined_metric_breach_passes_only_while_it_gets_no_worse():
    spec = {"p": [], "p.x": [(1, "q.y")], "q": [], "q.y": [(1, "r.z")], "r": [], "r.z": []}
    # q: Ca=1 (p), Ce=1 (r) -> I = 0.5 > 0.4
    result = run_gate(analysis_of(spec), gate(STABLE))
    assert [(v.rule, v.key, v.value) for v in result.violations] == [("instability", "q", 0.5)]
    accepted = from_result(result)
    assert accepted.metrics["instability"] == {"q": 0.5}
    assert run_gate(analysis_of(spec), gate(STABLE), accepted).new == ()
    worse = {**spec, "q.y": [(1, "r.z"), (2, "s.w")], "s": [], "s.w": []}  # I = 2/3
    new = run_gate(analysis_of(worse), gate(STABLE), accepted).new
    assert [(v.key, v.message) for v in new] == [
        ("q", "package q has instability 0.6667, above the maximum 0.4 for a stable package; "
              "the baseline accepted 0.5")]


def test_tighten_drops_fixed_entries_lowers_metrics_and_never_adds():
    baseline = from_result(run_gate(analysis_of(CYCLE), gate()))
    other = {"p": [], "p.a": [], "p.b": [], "p.c": [(4, "p.d")], "p.d": [(5, "p.c")]}
    result = run_gate(analysis_of(other), gate(), baseline)
    assert result.failed  # the new cycle p.c <-> p.d
    tightened = tighten(baseline, result)
    assert tightened.violations == {"module-cycles": ()}
    assert tightened.metrics["propagation-cost"] == {"project": 0.28}  # 1+1+1+2+2 of 25
    worse = Baseline({"module-cycles": ("p.a -> p.b",)},
                     {"propagation-cost": {"project": 0.1}})
    kept = tighten(worse, run_gate(analysis_of(CYCLE), gate(), worse))
    assert kept.violations == {"module-cycles": ("p.a -> p.b",)}
    assert kept.metrics["propagation-cost"] == {"project": 0.1}  # not raised to 0.375


@pytest.mark.parametrize("content, detail", [
    ("{not json", "cannot read it as JSON"),
    ('{"version": 2}', 'expected a JSON object with "version": 1'),
    ('{"version": 1, "violations": {"r": "a -> b"}}', "'violations' must map rule ids"),
    ('{"version": 1, "metrics": {"r": {"project": "high"}}}', "'metrics' must map rule ids"),
])
def test_bad_baselines_are_errors(tmp_path, content, detail):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as err:
        load_baseline(str(path))
    assert err.value.message.startswith(f"{path}: not an advisor baseline ({detail}")
    assert err.value.exit_code == 2


def test_missing_baseline_is_an_error(tmp_path):
    with pytest.raises(BaselineError, match="no such baseline"):
        load_baseline(str(tmp_path / "none.json"))


def test_render_drops_empty_rules():
    text = render_baseline(Baseline({"a": (), "b": ("x -> y",)}, {"m": {}}))
    assert json.loads(text) == {"version": 1, "violations": {"b": ["x -> y"]}, "metrics": {}}


def test_package_growth_names_the_package():
    spec = {"p": [], "p.x": [(1, "q.y")], "q": [], "q.y": [(1, "r.z"), (2, "s.w")], "r": [],
            "r.z": [], "s": [], "s.w": []}  # q: Ca=1, Ce=2 -> I = 0.6667
    table = {**OFF, "instability": {"max_growth": 0.1, "packages": ["q"]}}
    result = run_gate(analysis_of(spec), gate(table), Baseline(metrics={"instability":
                                                                        {"q": 0.5}}))
    assert [(v.key, v.path, v.line, v.message) for v in result.violations] == [
        ("q: growth", "q/__init__.py", 1,
         "instability of q grew from 0.5 to 0.6667, more than the allowed growth 0.1")]
