"""``[tool.advisor.readiness]``: strict parsing, weights, switching items off, the total."""

from __future__ import annotations

import pytest

from advisor.config import parse_table
from advisor.errors import ConfigError
from advisor.readiness import ITEMS, evaluate, parse_config
from advisor.readiness.model import DISABLED, GROUPS, MEASURED, NO_DATA
from tests.unit.advisor.test_readiness_fixtures import (
    ev,
    inputs,
    operations,
    three_contexts,
)


def test_at_least_fifteen_items_in_four_groups_with_unique_ids():
    assert len(ITEMS) >= 15
    assert {i.group for i in ITEMS} == set(GROUPS)
    assert len({i.id for i in ITEMS}) == len(ITEMS)
    assert all(i.weight > 0 and i.title for i in ITEMS)


def test_the_sections_are_accepted_by_tool_advisor():
    config = parse_table({"readiness": {"disable": ["org.teams"]}, "verdict": {}}, "x")
    assert config.raw["readiness"] == {"disable": ["org.teams"]}


def test_parse_weights_disable_thresholds():
    config = parse_config({"weights": {"ops.ci_tests": 3}, "disable": ["org.teams"],
                           "thresholds": {"ops.tests": {"ratio": 0.25}}, "min_commits": 5,
                           "min_changes": 3, "heavy_libraries": ["numpy"]})
    assert config.weights == {"ops.ci_tests": 3.0}
    assert config.disabled == {"org.teams"}
    assert config.thresholds == {"ops.tests": {"ratio": 0.25}}
    assert (config.min_commits, config.heavy_libraries) == (5, ("numpy",))
    assert config.min_changes == 3
    assert (parse_config({}).min_commits, parse_config({}).min_changes) == (10, 5)


def test_team_thresholds_are_configurable():
    config = parse_config({"thresholds": {"org.teams": {"team_size": 4, "author_commits": 3}}})
    assert config.thresholds == {"org.teams": {"team_size": 4.0, "author_commits": 3.0}}
    with pytest.raises(ConfigError, match="unknown threshold 'one_team'"):
        parse_config({"thresholds": {"org.teams": {"one_team": 2}}})
    with pytest.raises(ConfigError, match=r"'team_size' must be a number > 0"):
        parse_config({"thresholds": {"org.teams": {"team_size": 0}}})


@pytest.mark.parametrize("raw, message", [
    ({"weight": {}}, "unknown key 'weight'"),
    ({"weights": {"ops.nope": 1}}, "unknown readiness item 'ops.nope'"),
    ({"disable": ["org.team"]}, "unknown readiness item 'org.team'"),
    ({"thresholds": {"ops.tests": {"coverage_min": 3}}}, "unknown threshold 'coverage_min'"),
    ({"weights": {"ops.tests": -1}}, "must be a number >= 0"),
    ({"disable": "org.teams"}, "'disable' must be a list"),
])
def test_configuration_errors_name_the_key(raw, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("raw, message", [
    ({"weights": {"ops.tests": NAN}}, r"'weights': 'ops.tests' must be a number >= 0 and <= 100"),
    ({"weights": {"ops.tests": INF}}, r"'ops.tests' must be a number >= 0 and <= 100 .*not inf"),
    ({"thresholds": {"ops.tests": {"ratio": NAN}}}, r"'ratio' must be a number > 0"),
    ({"thresholds": {"bound.coupling": {"max_share": 0}}},  # divided by: exit 3 before
     r"'max_share' must be a number > 0 and <= 1000000000, not 0"),
    ({"thresholds": {"forces.churn": {"full_ratio": 1}}}, r"'full_ratio' must be a number > 1"),
    ({"thresholds": {"forces.size": {"small_lines": 60000}}},
     r"'small_lines' \(60000\) must be below 'large_lines' \(50000\)"),
    ({"min_commits": 1e300}, r"'min_commits' must be a whole number >= 0 and <= 1000000000"),
    ({"min_commits": 2.5}, r"'min_commits' must be a whole number"),
    ({"min_changes": -1}, r"'min_changes' must be a whole number >= 0"),
])
def test_numbers_are_finite_and_bounded(raw, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_verdict_numbers_are_finite_and_bounded():
    from advisor.verdict import parse_verdict

    with pytest.raises(ConfigError, match=r"'min_benefit' must be a number >= 0 and <= 1, "
                                          r"not nan"):
        parse_verdict({"min_benefit": NAN})
    with pytest.raises(ConfigError, match=r"'min_lines' must be a whole number .*not inf"):
        parse_verdict({"min_lines": INF})
    assert parse_verdict({"min_lines": 2000.0}).min_lines == 2000


def facts():
    return inputs(three_contexts(), operations=operations(
        ci=[ev("pipeline"), ev("runs_tests")], containers=[ev("dockerfile", "Dockerfile")]))


def test_total_is_the_weighted_mean_of_measured_items_only():
    checklist = evaluate(facts())
    measured = [i for i in checklist.items if i.status == MEASURED]
    expected = sum(i.weight * i.score for i in measured) / sum(i.weight for i in measured)
    assert checklist.score == pytest.approx(round(100 * expected, 1))
    assert {i.id for i in checklist.items if i.status == NO_DATA} >= {"org.teams",
                                                                       "forces.churn"}


def test_weights_change_the_total_and_disabled_items_leave_it():
    base = evaluate(facts())
    heavier = evaluate(facts(), parse_config({"weights": {"ops.ci_tests": 20}}))
    assert heavier.score > base.score
    off = evaluate(facts(), parse_config({"disable": ["ops.ci_tests"],
                                          "weights": {"ops.containers": 0}}))
    assert off.item("ops.ci_tests").status == DISABLED
    assert off.item("ops.containers").status == DISABLED
    assert off.score < base.score
    assert off.doc()["items"][0]["score"] is None


def test_thresholds_change_an_items_score():
    inp = inputs(three_contexts(), operations=operations(ci=[ev("pipeline")]))
    default = evaluate(inp).item("forces.size").score
    lenient = evaluate(inp, parse_config({"thresholds": {"forces.size": {"full_contexts": 3}}}))
    assert lenient.item("forces.size").score > default


def test_document_shape():
    doc = evaluate(facts()).doc()
    assert set(doc) == {"score", "groups", "items"}
    item = doc["items"][0]
    assert {"id", "title", "group", "weight", "score", "status", "evidence", "advice"} <= set(item)
    assert all({"path", "line", "detail"} == set(e) for i in doc["items"] for e in i["evidence"])


def test_package_partition_finds_the_domain_packages():
    from advisor.readiness.partition import package_partition
    from tests.unit.advisor.test_readiness_fixtures import graph, mod

    django = graph(*(mod(f"{app}.models") for app in ("orders", "billing", "core")),
                   mod("orders.views"), mod("orders.tests"), mod("shop.settings"),
                   mod("shop.urls"), mod("manage"))
    assert package_partition(django) == {
        "billing.models": "billing", "core.models": None, "manage": None,
        "orders.models": "orders", "orders.tests": None, "orders.views": "orders",
        "shop.settings": None, "shop.urls": None}
    nested = graph(mod("market", package=True), mod("market.app"),
                   mod("market.search.models"), mod("market.search.query"),
                   mod("market.orders.models"), mod("market.shared.db"))
    assert package_partition(nested) == {
        "market": None, "market.app": None, "market.orders.models": "orders",
        "market.search.models": "search", "market.search.query": "search",
        "market.shared.db": None}
    small = graph(mod("shop", package=True), mod("shop.models"), mod("shop.services.catalog"),
                  mod("shop.services.orders"))
    assert set(package_partition(small).values()) == {None, "services"}


def test_min_changes_makes_thin_churn_no_data_and_says_why():
    from tests.unit.advisor.test_readiness_fixtures import history

    h = history({"orders/service.py": {"a": 6}, "billing/api.py": {"a": 3},
                 "shop/api.py": {"b": 3}}, commits=12)  # 12 changes, 3 contexts
    thin = evaluate(inputs(three_contexts(), history=h)).item("forces.churn")
    assert thin.status == NO_DATA
    assert "fewer than 5 per context (min_changes)" in thin.summary
    enough = evaluate(inputs(three_contexts(), history=h, min_changes=4)).item("forces.churn")
    assert enough.status == MEASURED
