"""The verdict rule, the candidate ranking, the plan and the summary, on small code bases."""

from __future__ import annotations

import pytest

from advisor.errors import ConfigError
from advisor.plan import recommendation
from advisor.readiness import evaluate
from advisor.verdict import (
    EXTRACT,
    MODULARIZE,
    MONOLITH,
    VerdictConfig,
    decide,
    parse_verdict,
)
from analyzers.operations import SuiteStats
from tests.unit.advisor.test_readiness_fixtures import (
    ev,
    graph,
    history,
    imp,
    inputs,
    mod,
    model,
    operations,
    ref,
    write,
)

READY = {
    "ci": [ev("pipeline"), ev("runs_tests"), ev("deploys")],
    "containers": [ev("dockerfile", "Dockerfile")], "iac": [ev("terraform", "main.tf")],
    "observability": [ev("tracing"), ev("metrics"), ev("logging"), ev("health_check")],
    "resilience": [ev("retry"), ev("circuit_breaker"), ev("timeout")],
    "config": [ev("env_vars", "app/settings.py"), ev("env_template", ".env.example")],
    "boundaries": [ev("contract", "pyproject.toml")],
    "test_stats": SuiteStats(10, 50, 3000, 6000, 80.0),
}


def uses(name, *targets, lines=1000, **kw):
    return mod(name, imports=[imp(t, "f", line=i + 1) for i, t in enumerate(targets)],
               refs=[ref("f", line=20 + i) for i in range(len(targets))], functions=("f",),
               lines=lines, **kw)


def shop(*, cycle=False, shared_table=False, lines=2500, heavy=True):
    """Contexts search, orders, catalog: search -> catalog, orders -> catalog (heavier); search
    has its own table and uses numpy. ``cycle``: catalog also imports orders and search (no
    calls: the lighter direction). ``shared_table``: catalog writes orders' table."""
    catalog_imports = [imp(t, "f") for t in (["orders.api", "search.api"] if cycle else [])]
    catalog_imports += [imp("orders.models", "Order")] if shared_table else []
    return graph(
        uses("search.api", "catalog.api", lines=lines,
             models=[model("Hit")], access=[write("Hit", 30)]),
        mod("search.ranking", imports=[imp("numpy")] if heavy else [], lines=lines),
        mod("orders.api", imports=[imp("catalog.api", "f")], refs=[ref("f", 5), ref("f", 6)],
            functions=("f",), lines=lines),
        mod("orders.models", models=[model("Order")], lines=lines),
        mod("catalog.api", lines=lines, functions=("f",), imports=catalog_imports,
            access=[write("Order", 40)] if shared_table else []),
    )


def judged(g, ops=None, **kw):
    inp = inputs(g, operations=operations(**(READY if ops is None else ops)), **kw)
    checklist = evaluate(inp)
    return inp, checklist, decide(inp, checklist)


SCALING = {**READY, "messaging": [ev("worker", "deploy/search-worker.yaml", 20,
                                     "worker process: celery -A app worker -Q search-index")]}


def test_extract_the_clean_candidate_with_the_most_benefit():
    _inp, _checklist, decision = judged(shop(), SCALING)
    assert (decision.verdict, decision.extract_first, decision.rule) == (EXTRACT, "search",
                                                                         "extract")
    first = decision.candidates[0]
    assert first.context == "search" and first.clean
    assert first.components["benefit.scaling"] == 1.0
    assert first.components["benefit.technology"] == 1.0
    assert any("only it uses numpy" in r for r in first.reasons)
    assert first.score > decision.candidates[1].score


def test_the_extraction_plan_is_a_strangler_fig_with_the_candidates_details():
    inp, checklist, decision = judged(shop(), SCALING)
    rec = recommendation(decision, inp, checklist)
    titles = [s["title"] for s in rec["plan"]]
    assert titles[:6] == ["Enforce the search boundary inside the monolith",
                          "Break the cycles involving search", "Introduce the search interface",
                          "Move or replicate search's data", "Route traffic to search",
                          "Extract search"]
    search = rec["candidates"][0]
    assert search["data"]["tables"] == ["search_hit"]
    assert [(e["source"], e["target"]) for e in search["edges_to_cut"]] == [("search.api",
                                                                              "catalog.api")]
    catalog = next(c for c in rec["candidates"] if c["context"] == "catalog")
    assert {(s["module"], s["symbol"]) for s in catalog["api_surface"]} == {("catalog.api", "f")}
    assert "Extract search first" in rec["summary"] and "numpy" in rec["summary"]
    assert [s["order"] for s in rec["plan"]] == list(range(1, len(rec["plan"]) + 1))


def test_a_small_code_base_stays_a_monolith():
    _, _, decision = judged(shop(lines=100), SCALING)
    assert (decision.verdict, decision.rule, decision.extract_first) == (MONOLITH, "small", None)
    assert "below 10,000" in decision.reasons[0]


def test_one_team_stays_a_monolith_when_history_says_so():
    h = history({"search/api.py": {"maya": 20}, "orders/api.py": {"maya": 5, "tom": 5}})
    _, _, decision = judged(shop(), SCALING, history=h)
    assert (decision.verdict, decision.rule) == (MONOLITH, "one-team")
    assert "2 active author(s)" in decision.reasons[0]
    more = history({"search/api.py": {a: 5 for a in "abcde"}, "orders/api.py": {
        a: 5 for a in "fghi"}})  # 9 people: more than a two-pizza team
    assert judged(shop(), SCALING, history=more)[2].verdict == EXTRACT


def test_fewer_than_two_separable_contexts_stays_a_monolith():
    g = graph(uses("search.api", "search.core", lines=12000), mod("search.core", lines=100),
              mod("tiny.x", lines=50))
    _, _, decision = judged(g, SCALING)
    assert (decision.verdict, decision.rule) == (MONOLITH, "contexts")
    assert "1 separable context(s)" in decision.reasons[0]


def test_operations_not_ready_means_modularize_first_with_ranked_fixes():
    inp, checklist, decision = judged(shop(), {"ci": [ev("pipeline")]})
    assert (decision.verdict, decision.rule) == (MODULARIZE, "operations")
    assert "CI does not run the tests" in decision.reasons[0]
    rec = recommendation(decision, inp, checklist)
    kinds = [s["kind"] for s in rec["plan"]]
    assert "ci" in kinds and kinds[-2:] == ["gate", "later"]  # the gate needs CI that tests
    later = rec["plan"][-1]["conditions"]
    assert {"condition": "CI runs the tests", "value": "no", "met": False} in later
    assert rec["extract_first"] is None


def test_tangled_boundaries_mean_modularize_first_naming_cycles_and_shared_tables():
    inp, checklist, decision = judged(shop(cycle=True, shared_table=True), SCALING)
    assert (decision.verdict, decision.rule) == (MODULARIZE, "boundaries")
    rec = recommendation(decision, inp, checklist)
    steps = {s["kind"]: s for s in rec["plan"]}
    cycles = steps["cycles"]
    assert cycles["cycles"] == [["catalog", "orders", "search"]]
    assert "catalog -> orders: " in cycles["detail"]  # the lighter direction
    assert "catalog -> search: " in cycles["detail"]
    tables = steps["tables"]
    assert tables["tables_written"][0] == "orders_order"
    assert "orders_order (owner orders) written by catalog at catalog/api.py:40" \
        in tables["detail"]  # the owner itself is never listed as a writer
    assert rec["plan"][0]["item"] == "bound.cycles"
    assert "orders_order" in rec["summary"]


def test_clean_and_ready_but_no_force_keeps_the_modular_monolith():
    _, _, decision = judged(shop(heavy=False), READY)
    assert (decision.verdict, decision.rule) == (MONOLITH, "no-force")


def test_thresholds_are_configurable():
    inp, checklist, _ = judged(shop(lines=100), SCALING)
    assert decide(inp, checklist, VerdictConfig(min_lines=200, min_context_lines=10)).verdict \
        == EXTRACT


def test_verdict_configuration_is_strict():
    assert parse_verdict({"min_lines": 5000, "contexts": "proposed"}) == VerdictConfig(
        min_lines=5000, contexts="proposed")
    with pytest.raises(ConfigError, match="unknown key 'min_line'"):
        parse_verdict({"min_line": 5000})
    with pytest.raises(ConfigError, match="'min_benefit' must be a number"):
        parse_verdict({"min_benefit": "high"})
    with pytest.raises(ConfigError, match="'contexts' must be one of"):
        parse_verdict({"contexts": "clusters"})


def test_contexts_in_a_cycle_block_extraction_even_with_the_cycles_item_switched_off():
    """The ranking reads the judgement model, not the cycles item's result: switched off, the
    item leaves the score, the cycle still blocks (it used to read the item's facts)."""
    from advisor.readiness import ReadinessConfig

    inp = inputs(shop(cycle=True), operations=operations(**SCALING))
    for config in (ReadinessConfig(weights={"bound.cycles": 0.0}),
                   ReadinessConfig(disabled=frozenset({"bound.cycles"}))):
        checklist = evaluate(inp, config)
        assert checklist.item("bound.cycles").status == "disabled"
        decision = decide(inp, checklist)
        assert (decision.verdict, decision.extract_first) == (MODULARIZE, None)
        assert decision.blockers[0].startswith("boundaries tangled: no context is clean")
        search = next(k for k in decision.candidates if k.context == "search")
        assert not search.clean and "in a dependency cycle with catalog, orders" in \
            search.blockers


@pytest.mark.parametrize("item_id", ["bound.cycles", "org.ownership", "forces.churn",
                                     "forces.scaling", "forces.technology", "bound.cochange"])
def test_candidates_do_not_change_when_an_item_is_switched_off(item_id):
    from advisor.readiness import ReadinessConfig

    h = history({"search/api.py": {"a": 9, "b": 1}, "orders/api.py": {"c": 5},
                 "catalog/api.py": {"d": 4, "e": 3}},
                co=[("search/api.py", "orders/api.py", 2)])
    inp = inputs(shop(cycle=True), operations=operations(**SCALING), history=h)
    before = decide(inp, evaluate(inp)).candidates
    after = decide(inp, evaluate(inp, ReadinessConfig(weights={item_id: 0.0}))).candidates
    assert after == before
