"""String references (Django string foreign keys, ``apps.get_model``, Celery task names) are
edges of kind ``string`` in the gate and in ``advisor graph``, opt-in like a kind filter:
the default graph and gate stay what they were."""

from __future__ import annotations

import json

from advisor.cli import main

FILES = {
    "shop/__init__.py": "",
    "shop/orders/__init__.py": "",
    "shop/orders/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n"
                             "    customer = models.ForeignKey('customers.Customer',\n"
                             "                                 on_delete=models.CASCADE)\n",
    "shop/orders/tasks.py": "def ship():\n    pass\n",
    "shop/customers/__init__.py": "",
    "shop/customers/models.py": "from django.db import models\n\n\n"
                                "class Customer(models.Model):\n    pass\n",
    "shop/customers/tasks.py": "from celery import current_app\n\n\ndef remind():\n"
                               "    current_app.send_task('shop.orders.tasks.ship')\n",
    "shop/reports.py": "from django.apps import apps\n\n"
                       "Customer = apps.get_model('customers', 'Customer')\n",
}
STRING_EDGES = [("shop.customers.tasks", "shop.orders.tasks", [5]),
                ("shop.orders.models", "shop.customers.models", [5]),
                ("shop.reports", "shop.customers.models", [3])]
CONTRACT = """
[[tool.advisor.gate.contracts]]
name = "orders do not know customers"
type = "forbidden"
source = ["shop.orders"]
target = ["shop.customers"]
"""


def graph_edges(root, capsys, *args) -> list[tuple]:
    assert main(["graph", str(root), "-q", *args]) == 0
    doc = json.loads(capsys.readouterr().out)
    return [(e["source"], e["target"], e["kinds"], e["lines"]) for e in doc["edges"]]


def check(root, capsys, gate: str) -> tuple[int, list[tuple]]:
    """(exit code, contract violations); string edges also close a package cycle here
    (customers.tasks names an orders task), which the default kinds never see."""
    (root / "pyproject.toml").write_text(gate)
    code = main(["check", str(root), "--format", "json", "-q"])
    doc = json.loads(capsys.readouterr().out)
    return code, [(v["rule"], v["key"], v["line"]) for v in doc["violations"]
                  if v["rule"].startswith("contract/")]


def test_graph_lists_string_edges_only_when_asked(tree, capsys):
    root = tree(FILES)
    assert graph_edges(root, capsys) == []
    assert graph_edges(root, capsys, "--kinds", "string") == [
        (s, t, ["string"], lines) for s, t, lines in STRING_EDGES]
    assert graph_edges(root, capsys, "--kinds", "import") == []


def test_the_gate_checks_string_edges_when_its_kinds_name_them(tree, capsys):
    root = tree(FILES)
    gate = '[tool.advisor.gate]\nempty-graph = "off"  # no import between modules\n'
    assert check(root, capsys, gate + CONTRACT) == (0, [])
    code, found = check(root, capsys, gate + 'kinds = ["import", "string"]\n' + CONTRACT)
    assert code == 1
    assert found == [("contract/orders-do-not-know-customers",
                      "shop.orders.models -> shop.customers.models", 5)]


def test_a_contracts_kinds_narrow_the_gates(tree, capsys):
    root = tree(FILES)
    gate = ('[tool.advisor.gate]\nkinds = ["import", "string"]\nempty-graph = "off"\n'
            'package-cycles = "off"\n')
    assert check(root, capsys, gate + CONTRACT + 'kinds = ["import"]\n') == (0, [])
    code, found = check(root, capsys, gate + CONTRACT + 'kinds = ["string"]\n')
    assert (code, len(found)) == (1, 1)
