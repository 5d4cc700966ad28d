"""The exported contracts say the same in both files: imports only (what import-linter sees),
ignore entries over whole subtrees, and only names import-linter can see in its file."""

from __future__ import annotations

import configparser
import tomllib

from advisor.contract_export import gate_toml, importlinter_ini, propose
from analyzers.facts import DYNAMIC, ImportFact
from tests.unit.advisor.test_readiness_fixtures import graph, imp, inputs, mod, ref


def uses(name, *targets, **kw):
    return mod(name, imports=[imp(t, "f", line=i + 1) for i, t in enumerate(targets)],
               refs=[ref("f", line=10 + i) for i in range(len(targets))], functions=("f",),
               **kw)


def shop(billing_reaches_orders):
    """orders uses billing; billing reaches back into orders through ``billing_reaches_orders``
    (an ImportFact); billing's tests, a package, reach into orders."""
    return graph(
        mod("orders", package=True), uses("orders.service", "billing.api"), uses("orders.api"),
        mod("billing", package=True),
        mod("billing.api", imports=[billing_reaches_orders], functions=("f",)),
        uses("billing.internal"),
        mod("billing.tests", package=True), uses("billing.tests.test_api", "orders.service"),
    )


def contract(g, name="billing does not depend on orders"):
    return {k.name: k for k in propose(inputs(g))}[name]


def test_breaks_today_counts_imports_only():
    assert contract(shop(imp("orders.api", "f"))).violations == 1
    dynamic = ImportFact(1, DYNAMIC, "orders.api")  # importlib.import_module: not for grimp
    assert contract(shop(dynamic)).violations == 0


def test_both_files_ignore_the_same_subtrees_and_the_gate_checks_imports_only():
    inp = inputs(shop(imp("orders.api", "f")))
    table = tomllib.loads(gate_toml(inp))["tool"]["advisor"]["gate"]
    assert all(c["kinds"] == ["import"] for c in table["contracts"])
    gate = next(c for c in table["contracts"] if c["name"] == "billing does not depend on orders")
    assert gate["ignore_imports"] == ["billing.tests -> orders"]
    ini = configparser.ConfigParser()
    ini.read_string(importlinter_ini(inp))
    section = ini["importlinter:contract:billing-does-not-depend-on-orders"]
    assert section["ignore_imports"].split("\n")[1:] == [
        "billing.tests -> orders", "billing.tests -> orders.**", "billing.tests.** -> orders",
        "billing.tests.** -> orders.**"]
    assert section["unmatched_ignore_imports_alerting"] == "none"


def test_names_under_a_folder_without_init_stay_out_of_the_importlinter_file():
    g = graph(mod("shop", package=True), mod("shop.orders", package=True),
              uses("shop.orders.service", "shop.plugins.tax.api"),
              uses("shop.plugins.tax.api"),  # shop/plugins has no __init__.py
              mod("shop.plugins.tax", package=True))
    inp = inputs(g, {"shop.orders.service": "orders", "shop.orders": "orders",
                     "shop.plugins.tax.api": "tax", "shop.plugins.tax": "tax"})
    ini = configparser.ConfigParser()
    ini.read_string(importlinter_ini(inp))
    assert [s for s in ini.sections() if s.startswith("importlinter:contract")] == []
    assert "import-linter cannot see them (a folder without __init__.py on the way): " \
           "shop.plugins" in importlinter_ini(inp)
    assert 'source = ["shop.plugins"]' in gate_toml(inp)  # the gate sees them


def test_a_package_holding_other_contexts_is_no_root_of_its_own_context():
    """``shop.api`` belongs to orders but its sub-package ``shop.api.billing`` to billing: a
    contract naming ``shop.api`` would mean the whole subtree, which import-linter skips where
    it holds the target (saleor: 833 pairs the gate alone reported). Only whole subtrees are
    named, in both files."""
    g = graph(mod("shop", package=True), mod("shop.api", package=True),
              uses("shop.api.orders", "shop.api.billing.views"),
              mod("shop.api.billing", package=True), uses("shop.api.billing.views"),
              mod("shop.orders", package=True), uses("shop.orders.service", "shop.billing.core"),
              mod("shop.billing", package=True), uses("shop.billing.core", "shop.orders.service"))
    part = {"shop.api": "orders", "shop.api.orders": "orders", "shop.orders": "orders",
            "shop.orders.service": "orders", "shop.api.billing": "billing",
            "shop.api.billing.views": "billing", "shop.billing": "billing",
            "shop.billing.core": "billing"}
    contracts = propose(inputs(g, part))
    named = {n for k in contracts for n in (*k.source, *k.target)}
    assert "shop.api" not in named and {"shop.api.orders", "shop.api.billing"} <= named
