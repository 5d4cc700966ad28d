"""Context-level gate rules, with contexts from [tool.advisor.gate.contexts] (what advisor
analyze proposes in advisor-gate.toml)."""

from __future__ import annotations

import json

from tests.functional.cli import advisor

GATE = """\
[tool.advisor.gate]
module-cycles = "off"
package-cycles = "off"
cross-context-edges = { max = 1 }

[tool.advisor.gate.contexts]
orders = ["shop.orders"]
billing = ["shop.billing"]
"""
FILES = {
    "src/shop/__init__.py": "",
    "src/shop/orders/__init__.py": "",
    "src/shop/orders/service.py": "from shop.billing import api\n\n\ndef place():\n"
                                  "    return api.charge()\n",
    "src/shop/billing/__init__.py": "",
    "src/shop/billing/api.py": "def charge():\n    return 1\n",
    "src/shop/billing/refunds.py": "def refund():\n    return 2\n",
}


def test_contexts_without_a_cycle_pass(tree):
    root = tree({**FILES, "pyproject.toml": GATE})
    run = advisor("check", root, "--format", "json", "-q")
    assert run.code == 0, run.out + run.err
    doc = json.loads(run.out)
    assert doc["violations"] == []


def test_a_new_cycle_between_contexts_fails_at_the_import_line(tree):
    root = tree({**FILES, "pyproject.toml": GATE,
                 "src/shop/billing/refunds.py": "from shop.orders import service\n\n\n"
                                                "def refund():\n    return service.place()\n"})
    run = advisor("check", root, "-q")
    assert run.code == 1, run.err
    assert "context-cycles [error] No new context cycles" in run.out
    assert ("src/shop/billing/refunds.py:1: error: context billing depends on orders" in run.out)
    assert "cross-context-edges" in run.out  # 2 cross-context dependencies, above the max 1


def test_context_patterns_that_match_nothing_are_config_errors(tree):
    root = tree({**FILES, "pyproject.toml": GATE.replace('"shop.billing"', '"shop.biling"')})
    run = advisor("check", root)
    assert run.code == 2
    assert "'shop.biling' matches no module" in run.err and "did you mean" in run.err


def test_cross_context_edges_needs_contexts(tree):
    gate = "[tool.advisor.gate]\ncross-context-edges = { max = 1 }\n"
    run = advisor("check", tree({**FILES, "pyproject.toml": gate}))
    assert run.code == 2 and "no contexts to count between" in run.err
