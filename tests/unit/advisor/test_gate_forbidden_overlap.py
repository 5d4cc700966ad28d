"""A forbidden contract's exemption is per target, as import-linter's skipping of overlapping
modules is: a module under one target may still not depend on another target."""

from __future__ import annotations

from advisor.gate import run_gate
from tests.unit.advisor.test_gate_rules import NO_CYCLES, analysis_of, found, gate


def contract(**keys) -> dict:
    return {**NO_CYCLES, "contracts": [{"name": "no web", "type": "forbidden", **keys}]}


def test_a_module_under_one_target_may_not_use_another_target():
    a = analysis_of({"shop": [], "shop.core": [], "shop.web": [], "shop.web.views": [
        (3, "shop.web.forms"), (4, "shop.api.client")], "shop.web.forms": [],
        "shop.api": [], "shop.api.client": []})
    result = run_gate(a, gate(contract(source=["shop"], target=["shop.web", "shop.api"])))
    assert found(result, "contract/no-web") == [("shop.web.views -> shop.api.client",
                                                "shop/web/views.py", 4)]


def test_transitive_chains_are_found_per_source_and_target():
    a = analysis_of({"app": [], "app.a": [(2, "app.x")], "app.x": [(5, "app.b")], "app.b": []})
    direct = run_gate(a, gate(contract(source=["app.a"], target=["app.b"])))
    assert found(direct, "contract/no-web") == []
    chained = run_gate(a, gate(contract(source=["app.a"], target=["app.b"], transitive=True)))
    assert found(chained, "contract/no-web") == [("app.a -> app.b", "app/a.py", 2)]
    message = next(v.message for v in chained.violations if v.rule == "contract/no-web")
    assert "indirectly (app.a -> app.x -> app.b)" in message
