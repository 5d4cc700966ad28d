"""Operations items: a full, a partial and a zero score each, from operations facts."""

from __future__ import annotations

import pytest

from analyzers.operations import SuiteStats
from tests.unit.advisor.test_readiness_fixtures import (
    check,
    ev,
    inputs,
    operations,
    three_contexts,
)


def run(item_id: str, **topics):
    return check(item_id, inputs(three_contexts(), operations=operations(**topics)))


@pytest.mark.parametrize("topics, score", [
    ({"ci": [ev("pipeline"), ev("runs_tests", line=9)]}, 1.0),
    ({"ci": [ev("pipeline")]}, 0.5),
    ({"ci": [ev("test_runner", "tox.ini", 0)]}, 0.25),
    ({}, 0.0),
])
def test_ci_runs_tests(topics, score):
    result = run("ops.ci_tests", **topics)
    assert result.score == score
    assert result.advice


@pytest.mark.parametrize("topics, score", [
    ({"containers": [ev("dockerfile", "Dockerfile")]}, 1.0),
    ({"containers": [ev("compose", "docker-compose.yml")]}, 0.5),
    ({}, 0.0),
])
def test_containers(topics, score):
    assert run("ops.containers", **topics).score == score


@pytest.mark.parametrize("topics, score", [
    ({"ci": [ev("deploys", detail="kubectl apply")]}, 1.0),
    ({"iac": [ev("kubernetes", "k8s/api.yaml")]}, 0.5),
    ({}, 0.0),
])
def test_deploy_automation(topics, score):
    assert run("ops.deploy", **topics).score == score


@pytest.mark.parametrize("topics, score", [
    ({"iac": [ev("terraform", "main.tf", 0)]}, 1.0),
    ({"iac": [ev("paas", "Procfile", 0)]}, 0.5),
    ({}, 0.0),
])
def test_infrastructure_as_code(topics, score):
    assert run("ops.iac", **topics).score == score


def test_observability_is_the_fraction_of_signals_present():
    full = run("ops.observability", observability=[ev("tracing"), ev("metrics"), ev("logging"),
                                                   ev("health_check")])
    half = run("ops.observability", observability=[ev("tracing"), ev("health_check")])
    none = run("ops.observability")
    assert (full.score, half.score, none.score) == (1.0, 0.5, 0.0)
    assert "metrics" in half.summary and "metrics" in half.advice


def test_resilience_counts_patterns_and_http_calls_without_timeout_lower_it():
    full = run("ops.resilience", resilience=[ev("retry"), ev("circuit_breaker"), ev("timeout")])
    partial = run("ops.resilience", resilience=[ev("retry"), ev("circuit_breaker"),
                                                ev("timeout"), ev("no_timeout", "a.py", 3)])
    none = run("ops.resilience", resilience=[ev("no_timeout", "a.py", 3)])
    assert full.score == 1.0
    assert partial.score == pytest.approx(0.5)  # 3/3 patterns x 1 timed of 2 calls
    assert none.score == 0.0
    assert "timeout" in partial.advice


@pytest.mark.parametrize("topics, score", [
    ({"config": [ev("env_vars", "app/settings.py"), ev("env_template", ".env.example")]}, 1.0),
    ({"config": [ev("env_vars", "app/settings.py")]}, 0.75),  # no template documents them
    ({"config": [ev("env_vars", "manage.py")]}, 0.0),  # DJANGO_SETTINGS_MODULE only
])
def test_externalised_configuration(topics, score):
    assert run("ops.config", **topics).score == score


def test_test_safety_net_from_ratio_and_coverage_threshold():
    full = run("ops.tests", test_stats=SuiteStats(10, 50, 500, 1000, 80.0))
    partial = run("ops.tests", test_stats=SuiteStats(2, 5, 100, 1000, None))
    zero = run("ops.tests", test_stats=SuiteStats(0, 0, 0, 1000, None))
    assert full.score == 1.0
    assert partial.score == pytest.approx(0.7 * 0.2)
    assert zero.score == 0.0
    assert "coverage" in partial.advice


def test_without_operations_facts_every_item_says_no_data():
    inp = inputs(three_contexts())
    for item in ("ops.ci_tests", "ops.containers", "ops.deploy", "ops.iac", "ops.observability",
                 "ops.resilience", "ops.config", "ops.tests"):
        result = check(item, inp)
        assert result.score is None and result.summary
