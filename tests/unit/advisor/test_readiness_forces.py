"""Forces items: independent scaling, technology needs, uneven churn, size."""

from __future__ import annotations

import pytest

from tests.unit.advisor.test_readiness_fixtures import (
    check,
    ev,
    graph,
    history,
    imp,
    inputs,
    mod,
    operations,
    three_contexts,
)


def scaling(*messaging):
    return check("forces.scaling", inputs(three_contexts(),
                                          operations=operations(messaging=messaging)))


def test_scaling_full_when_a_context_has_its_own_worker_pool():
    result = scaling(ev("worker", "deploy/k8s/worker.yaml", 18,
                        "worker process: celery -A app worker -Q default"),
                     ev("worker", "deploy/k8s/billing-worker.yaml", 20,
                        'worker process: celery", "-A", "app", "worker", "-Q", "billing-jobs",'))
    assert result.score == 1.0
    assert result.facts["contexts"] == ["billing"]
    assert result.evidence[0].path == "deploy/k8s/billing-worker.yaml"


def test_scaling_full_when_a_context_routes_tasks_to_its_own_queue():
    result = scaling(ev("queues", "orders/service.py", 7, "queue='bulk-import'"))
    assert result.score == 1.0 and result.facts["contexts"] == ["orders"]


def test_scaling_partial_when_workers_are_shared():
    result = scaling(ev("worker", "docker-compose.yml", 11,
                        "worker process: celery -A app worker -Q default"))
    assert result.score == 0.5 and result.facts["contexts"] == []


def test_scaling_zero_without_workers():
    assert scaling().score == 0.0


def tech_graph(uses: dict[str, list[str]]):
    """uses: module -> third-party imports."""
    g = three_contexts()
    modules = [m for n, m in g.modules.items() if n not in uses]
    modules += [mod(n, imports=[imp(lib) for lib in libs]) for n, libs in uses.items()]
    return graph(*modules)


@pytest.mark.parametrize("uses, score", [
    ({"billing.api": ["numpy", "elasticsearch"]}, 1.0),
    ({"billing.api": ["numpy", "pandas"], "shop.api": ["pandas"]}, 0.5),
    ({"billing.api": ["numpy"], "shop.api": ["numpy"]}, 0.0),
    ({"core.util": ["numpy"], "billing.api": ["numpy"]}, 0.0),  # the kernel uses it too
    ({"billing.api": ["requests"]}, 0.0),  # not a specialised library
])
def test_technology_needs_confined_to_one_context(uses, score):
    result = check("forces.technology", inputs(tech_graph(uses)))
    assert result.score == score


def test_technology_ignores_tests_and_names_the_context():
    g = graph(*three_contexts().modules.values(),
              mod("billing.ranking", imports=[imp("numpy")]),
              mod("tests.test_ranking", imports=[imp("numpy")]))
    result = check("forces.technology", inputs(g))
    assert result.score == 1.0 and result.facts["confined"] == {"numpy": "billing"}


PATHS = {"orders": "orders/service.py", "billing": "billing/api.py", "shop": "shop/api.py"}


@pytest.mark.parametrize("changes, score", [
    ({"orders": 16, "billing": 2, "shop": 2}, 0.7),  # 80% of the changes: 2.4x an even share
    ({"orders": 10, "billing": 6, "shop": 4}, 0.25),  # 50%: 1.5x (full at 3x)
    ({"orders": 6, "billing": 6, "shop": 6}, 0.0),
])
def test_uneven_churn(changes, score):
    h = history({PATHS[c]: {"dev": n} for c, n in changes.items()})
    result = check("forces.churn", inputs(three_contexts(), history=h))
    assert result.score == pytest.approx(score)
    assert result.facts["top"] == "orders" or score == 0.0


def test_churn_without_history_is_no_data():
    assert check("forces.churn", inputs(three_contexts())).score is None


def test_size_full_partial_zero():
    big = graph(*[mod(f"{c}.core", lines=20_000) for c in ("a", "b", "c", "d")])
    assert check("forces.size", inputs(big)).score == 1.0
    partial = check("forces.size", inputs(three_contexts()))  # 600 lines, 3 contexts
    assert partial.score == pytest.approx((0 + 2 / 3) / 2)
    one = check("forces.size", inputs(graph(mod("shop.api"), mod("shop.views"))))
    assert one.score == 0.0
    assert partial.facts == {"lines": 600, "contexts": 3}
