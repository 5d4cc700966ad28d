"""``advisor analyze`` on a small Django-style shop: the contexts it writes are the domains."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.functional.cli import advisor

MODELS = {"orders": ("Order", ["customers.Customer", "catalog.Product"]),
          "billing": ("Invoice", ["orders.Order"]),
          "catalog": ("Product", []),
          "customers": ("Customer", [])}


def shop_tree() -> dict[str, str]:
    """Four apps with models, services, selectors and layers (views, forms, admin, urls,
    migrations), a REST layer package ``shop/api/<app>.py``, a shared money helper, settings."""
    files = {
        "shop/__init__.py": "",
        "shop/settings.py": "INSTALLED_APPS = [\n" + "".join(
            f'    "shop.{d}",\n' for d in MODELS) + ']\nROOT_URLCONF = "shop.urls"\n',
        "shop/urls.py": "from django.urls import include, path\n\nurlpatterns = [\n" + "".join(
            f'    path("{d}/", include("shop.{d}.urls")),\n' for d in MODELS) + "]\n",
        "shop/core/__init__.py": "",
        "shop/core/money.py": "def fmt(amount):\n    return f'{amount:.2f}'\n",
        "shop/api/__init__.py": "",
    }
    for d, (model, fks) in MODELS.items():
        low = model.lower()
        fk = "".join(f'    {t.split(".")[1].lower()} = models.ForeignKey("{t}", '
                     "on_delete=models.CASCADE)\n" for t in fks)
        files |= {
            f"shop/{d}/__init__.py": "",
            f"shop/{d}/apps.py": "from django.apps import AppConfig\n\n\n"
                                 f"class Config(AppConfig):\n    name = 'shop.{d}'\n",
            f"shop/{d}/models.py": f"from django.db import models\n\n\nclass {model}(models.Model):"
                                   f"\n    name = models.CharField(max_length=50)\n{fk}",
            f"shop/{d}/services.py": textwrap.dedent(f"""\
                from shop.core.money import fmt
                from shop.{d}.models import {model}


                def create_{low}(name):
                    return fmt({model}.objects.create(name=name).pk)


                def list_{low}s():
                    return list({model}.objects.filter(name__isnull=False))
                """),
            f"shop/{d}/selectors.py": textwrap.dedent(f"""\
                from shop.{d}.models import {model}
                from shop.{d}.services import list_{low}s


                def count():
                    return {model}.objects.count() + len(list_{low}s())
                """),
            f"shop/{d}/views.py": textwrap.dedent(f"""\
                from shop.core.money import fmt
                from shop.{d} import selectors, services
                from shop.{d}.forms import {model}Form


                def index(request):
                    return fmt(selectors.count())


                def create(request):
                    return services.create_{low}({model}Form(request.POST).data["name"])
                """),
            f"shop/{d}/forms.py": f"from django import forms\n\nfrom shop.{d}.models import "
                                  f"{model}\n\n\nclass {model}Form(forms.ModelForm):\n"
                                  f"    class Meta:\n        model = {model}\n",
            f"shop/{d}/urls.py": f"from django.urls import path\n\nfrom shop.{d} import views\n\n"
                                 "urlpatterns = [path('', views.index)]\n",
            f"shop/{d}/admin.py": f"from django.contrib import admin\n\nfrom shop.{d}.models "
                                  f"import {model}\n\nadmin.site.register({model})\n",
            f"shop/{d}/migrations/__init__.py": "",
            f"shop/{d}/migrations/0001_initial.py": "from django.db import migrations\n\n\n"
                                                    "class Migration(migrations.Migration):\n"
                                                    "    operations = []\n",
            f"shop/api/{d}.py": textwrap.dedent(f"""\
                from shop.{d} import selectors, services


                def get(request):
                    return selectors.count()


                def post(request):
                    return services.create_{low}(request.data["name"])
                """),
        }
    files["shop/billing/services.py"] += textwrap.dedent("""\


        from shop.orders.models import Order


        def bill(order_id):
            return Order.objects.get(pk=order_id)
        """)
    return files


def analyze(root, out, *extra, env=None):
    run = advisor("analyze", root, "-o", out, "-q", *extra, env=env)
    assert run.code == 0, run.err
    return json.loads((out / "assessment.json").read_text())


def test_contexts_are_the_domains(tree, tmp_path):
    root = tree(shop_tree())
    doc = analyze(root, tmp_path / "out")
    contexts = {c["name"]: set(c["modules"]) for c in doc["contexts"]}
    modules = [m["name"] for m in doc["modules"]]
    for d in MODELS:
        expected = {m for m in modules if (m == f"shop.{d}" or m.startswith(f"shop.{d}."))
                    and ".migrations" not in m}
        assert contexts[d] == expected | {f"shop.api.{d}"}, d
    assert doc["metrics"]["proposal"]["kernel"] == ["shop.core.money"]
    context_of = {m["name"]: m["context"] for m in doc["modules"]}
    # a migration is support: attributed to its app's context, never a member of one
    assert context_of["shop.orders.migrations.0001_initial"] is None
    assert context_of["shop.api.billing"] == "billing"
    assert context_of["shop.core.money"] is None
    orders = next(c for c in doc["contexts"] if c["name"] == "orders")
    assert orders["migrations"] == ["shop.orders.migrations",
                                    "shop.orders.migrations.0001_initial"]
    assert orders["tables"] == [{"model": "Order", "module": "shop.orders.models",
                                 "table": "orders_order"}]
    assert {"module": "shop.orders.models", "symbol": "Order"}.items() <= next(
        s for s in orders["api_surface"] if s["symbol"] == "Order").items()
    assert all(0 <= m["confidence"] <= 1 for m in orders["members"])


def test_metrics_are_in_the_document(tree, tmp_path):
    doc = analyze(tree(shop_tree()), tmp_path / "out")
    metrics = doc["metrics"]
    assert {"cycles", "cycle_breakers", "propagation_cost", "core_periphery", "packages",
            "contexts", "modularity", "proposal"} <= set(metrics)
    assert {"orders", "billing", "catalog", "customers"} <= {r["name"]
                                                             for r in metrics["contexts"]}
    proposal = metrics["proposal"]
    for key in ("structural_modularity", "icp", "ifn", "ned", "conductance",
                "cross_context_edge_share", "mojofm_vs_packages"):
        assert isinstance(proposal[key], (int, float)), key
    assert 0 < metrics["modularity"] < 1


def test_same_tree_gives_byte_identical_contexts_whatever_the_hash_seed(tree, tmp_path):
    root = tree(shop_tree())
    first = analyze(root, tmp_path / "a", "--no-cache", env={"PYTHONHASHSEED": "1"})
    second = analyze(root, tmp_path / "b", "--no-cache", env={"PYTHONHASHSEED": "2"})
    for key in ("contexts", "metrics"):
        assert json.dumps(first[key]) == json.dumps(second[key]), key


def test_pins_from_the_configuration_are_respected(tree, tmp_path):
    files = shop_tree() | {"pyproject.toml": textwrap.dedent("""\
        [tool.advisor.contexts.pins]
        sales = ["shop/orders/*", "shop/billing/*"]
        """)}
    doc = analyze(tree(files), tmp_path / "out")
    contexts = {c["name"]: set(c["modules"]) for c in doc["contexts"]}
    assert {"shop.orders.models", "shop.billing.services"} <= contexts["sales"]
    sales = next(c for c in doc["contexts"] if c["name"] == "sales")
    assert "shop.billing.migrations" not in contexts["sales"]  # support is never pinned in
    assert "shop.billing.migrations" in sales["migrations"]
    assert "orders" not in contexts and "billing" not in contexts
    assert next(c for c in doc["contexts"] if c["name"] == "sales")["pinned"] is True


def test_unknown_signal_key_is_a_configuration_error(tree, tmp_path):
    root = tree(shop_tree() | {"pyproject.toml": "[tool.advisor.signals]\nimprots = 1.0\n"})
    run = advisor("analyze", root, "-o", tmp_path / "out", "-q")
    assert run.code == 2
    assert "unknown key 'improts'" in run.err and "[tool.advisor.signals]" in run.err


WIRING_FILES = {
    "shop/wsgi.py": "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
                    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n'
                    "application = get_wsgi_application()\n",
    "manage.py": "import os\nimport sys\n\n\ndef main():\n"
                 '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n'
                 "    from django.core.management import execute_from_command_line\n"
                 "    execute_from_command_line(sys.argv)\n",
}


def test_wiring_is_plumbing_not_a_context(tree, tmp_path):
    """Settings, root urls, wsgi, manage.py and the project package are composition roots:
    they own no table and only wire the domains, so they are in no context."""
    files = shop_tree() | WIRING_FILES
    files["shop/settings.py"] += 'WSGI_APPLICATION = "shop.wsgi.application"\n'
    doc = analyze(tree(files), tmp_path / "out")
    contexts = {c["name"]: set(c["modules"]) for c in doc["contexts"]}
    assert sorted(contexts) == sorted(MODELS)
    members = set().union(*contexts.values())
    for m in ("shop", "shop.settings", "shop.urls", "shop.wsgi", "manage"):
        assert m not in members, m


@pytest.mark.parametrize("sample, wiring", [
    ("tangled", ("tangled", "tangled.settings", "tangled.urls", "tangled.wsgi", "manage")),
    ("marketplace", ("marketplace", "marketplace.app", "marketplace.worker"))])
def test_the_samples_wiring_is_in_no_context(tmp_path, sample, wiring):
    root = tmp_path / sample
    shutil.copytree(Path(__file__).resolve().parents[2] / "samples" / sample, root)
    doc = analyze(root, tmp_path / "out", "--no-cache")
    assert sample not in {c["name"] for c in doc["contexts"]}
    members = {m for c in doc["contexts"] for m in c["modules"]}
    assert not members & set(wiring)
