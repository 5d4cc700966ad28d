"""Folders without ``__init__.py`` inside a package keep their place in the module name.

The case comes from saleor (pinned in benchmarks/truth/saleor.toml): ``saleor/order/migrations/
tasks/`` has no ``__init__.py``, and ``saleor/order/migrations/0210_...py`` imports
``from .tasks.saleor3_22 import ...``. The file was named ``saleor3_22`` (a top-level module) and
the migration's edge landed on ``saleor.order.migrations``.
"""

from __future__ import annotations

import json

from advisor.cli import main
from analyzers.discovery import discover
from analyzers.naming import assign_names

SALEOR_LIKE = {
    "shop/__init__.py": "",
    "shop/orders/__init__.py": "",
    "shop/orders/migrations/__init__.py": "",
    "shop/orders/migrations/0210_fill.py": "from .tasks.v3_22 import fill\n",
    "shop/orders/migrations/tasks/v3_22.py": "def fill():\n    pass\n",
    "shop/orders/jobs.py": "from .migrations.tasks import v3_22\n",
    "shop/channel/__init__.py": "",
    "shop/channel/tasks/__init__.py": "",
    "shop/channel/tasks/v3_22.py": "",
}


def names_for(root, name="repo"):
    found = discover(str(root))
    naming = assign_names([f.path for f in found.files], found.package_dirs, [], name)
    return {p: n for p, (n, _) in naming.names.items()}, naming


def test_a_folder_without_init_inside_a_package_keeps_the_full_name(tree):
    names, naming = names_for(tree(SALEOR_LIKE))
    assert names["shop/orders/migrations/tasks/v3_22.py"] == "shop.orders.migrations.tasks.v3_22"
    assert names["shop/channel/tasks/v3_22.py"] == "shop.channel.tasks.v3_22"
    assert naming.notes == ()  # no clash between the two v3_22 files any more
    assert naming.source_roots == (".",)


def test_nested_folders_and_a_root_package(tree):
    root = tree({"__init__.py": "", "a/__init__.py": "", "a/b/c/d.py": "", "tools/run.py": ""},
                name="mypkg")
    names, _ = names_for(root, "mypkg")
    assert names["a/b/c/d.py"] == "mypkg.a.b.c.d"
    assert names["tools/run.py"] == "mypkg.tools.run"


def test_folders_outside_packages_and_unimportable_folders_stay_as_they_were(tree):
    root = tree({"scripts/deploy.py": "", "shop/__init__.py": "", "shop/test-data/x.py": ""})
    names, _ = names_for(root)
    assert names["scripts/deploy.py"] == "deploy"  # a script folder, not a package
    assert names["shop/test-data/x.py"] == "x"  # 'test-data' cannot be imported by name


def test_relative_imports_land_on_the_file(tree, capsys):
    root = tree(SALEOR_LIKE)
    assert main(["graph", str(root), "--no-cache", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    edges = {(e["source"], e["target"]) for e in document["edges"]}
    target = "shop.orders.migrations.tasks.v3_22"
    assert {("shop.orders.migrations.0210_fill", target), ("shop.orders.jobs", target)} <= edges
    assert not any(t == "shop.orders.migrations" for _, t in edges)
