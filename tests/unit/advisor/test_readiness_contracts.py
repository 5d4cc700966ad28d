"""The proposed boundaries exported as gate and import-linter contracts."""

from __future__ import annotations

import configparser
import tomllib

from advisor.analysis import Analysis
from advisor.config import AdvisorConfig
from advisor.contract_export import context_roots, gate_toml, importlinter_ini, propose
from advisor.gate import parse_gate, run_gate
from analyzers.facts import CodebaseFacts
from tests.unit.advisor.test_readiness_fixtures import graph, imp, inputs, mod, ref


def uses(name, *targets, **kw):
    return mod(name, imports=[imp(t, "f", line=i + 1) for i, t in enumerate(targets)],
               refs=[ref("f", line=10 + i) for i in range(len(targets))], functions=("f",),
               **kw)


def shop():
    """orders -> billing.api (allowed today), billing -> orders.api lightly (a cycle to cut);
    core is the kernel and must not depend on contexts; a test reaches into billing."""
    return graph(
        mod("orders", package=True), uses("orders.service", "billing.api", "billing.api"),
        uses("orders.api"),
        mod("billing", package=True), mod("billing.api", imports=[imp("orders.api", "f")],
                                           functions=("f",)),
        uses("billing.internal"),
        mod("stock", package=True), uses("stock.api", "core.util"),
        uses("core.util"),
        uses("tests.test_billing", "billing.internal"),
    )


def test_roots_are_the_highest_packages_holding_only_the_context():
    inp = inputs(shop())
    assert context_roots(inp, "orders") == ("orders",)
    assert context_roots(inp, "stock") == ("stock",)


def test_forbidden_contracts_keep_todays_direction_and_cut_the_cycle():
    contracts = {k.name: k for k in propose(inputs(shop()))}
    billing = contracts["billing does not depend on orders, stock"]
    assert billing.source == ("billing",) and billing.target == ("orders", "stock")
    assert billing.violations == 1  # billing.api -> orders.api: the lighter side of the cycle
    assert contracts["orders does not depend on stock"].violations == 0
    assert contracts["the shared kernel does not depend on any context"].source == ("core.util",)


def test_public_interface_is_todays_surface_and_tests_are_ignored():
    contracts = {k.name: k for k in propose(inputs(shop()))}
    billing = contracts["billing is used only through api"]
    assert billing.target == ("billing",) and billing.interface == ("api",)
    assert billing.violations == 0
    assert billing.ignore == (("tests", "billing"),)


def test_the_gate_snippet_is_valid_gate_configuration_and_finds_the_cycle_edge():
    g = shop()
    text = gate_toml(inputs(g))
    table = tomllib.loads(text)["tool"]["advisor"]["gate"]
    config = parse_gate(table, "advisor-gate.toml")
    assert {r.kind for r in config.contracts} == {"contract"}
    result = run_gate(Analysis(AdvisorConfig(), CodebaseFacts("/repo", tuple(g.modules.values())),
                               g), config)
    broken = {(v.rule, v.key) for v in result.violations if v.rule.startswith("contract/")}
    assert {rule for rule, _ in broken} == {"contract/billing-does-not-depend-on-orders-stock"}
    assert "# breaks today: 1 module dependencies" in text
    assert 'ignore_imports = ["tests -> billing"]' in text


def test_the_importlinter_file_has_root_packages_and_forbidden_contracts():
    parser = configparser.ConfigParser()
    parser.read_string(importlinter_ini(inputs(shop())))
    assert parser["importlinter"]["root_packages"].split() == ["billing", "core", "orders",
                                                               "stock"]
    contracts = [s for s in parser.sections() if s.startswith("importlinter:contract:")]
    assert "importlinter:contract:billing-does-not-depend-on-orders-stock" in contracts
    section = parser["importlinter:contract:billing-does-not-depend-on-orders-stock"]
    assert section["type"] == "forbidden"
    assert section["source_modules"].split() == ["billing"]
    assert section["forbidden_modules"].split() == ["orders", "stock"]
    assert section["allow_indirect_imports"] == "True"
    assert all(parser[s]["type"] == "forbidden" for s in contracts)


def test_contracts_over_the_names_budget_are_left_out_and_said_so(monkeypatch):
    """The forbidden contracts between contexts name contexts x roots modules; past a budget
    linear in the modules the largest are left out, and both files say which and why."""
    import advisor.contract_export as export

    full = {k.name for k in propose(inputs(shop()))}
    assert {"orders does not depend on stock",
            "billing does not depend on orders, stock"} <= full  # 2 and 3 names
    monkeypatch.setattr(export, "NAMES_FLOOR", 2)
    monkeypatch.setattr(export, "NAMES_PER_MODULE", 0)
    contracts = propose(inputs(shop()))
    names = {k.name for k in contracts}
    assert "orders does not depend on stock" in names  # the smallest boundary fits
    assert not any(n.startswith(("billing does not", "stock does not")) for n in names)
    assert contracts.left_out == ("billing", "stock")
    assert "the shared kernel does not depend on any context" in names  # not a context pair
    gate, ini = gate_toml(inputs(shop()), contracts), importlinter_ini(inputs(shop()), contracts)
    tomllib.loads(gate)
    configparser.ConfigParser().read_string(ini)
    for text, mark in ((gate, "#"), (ini, ";")):
        assert f"{mark} left out: no 'does not depend on' contract for 2 context(s), " \
               "billing, stock:" in text
        assert "more than 2 modules in all" in text
