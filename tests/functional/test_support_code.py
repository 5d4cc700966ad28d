"""Support code is support, through the real CLI: a realistic test suite (tests, conftest,
factories, e2e files, test settings, migrations) written INSIDE each app of the three samples
changes neither their contexts nor their verdicts; no test module is ever a member of a context
and no context is named after a support folder; each app's tests are attributed to its context;
tests, fixtures and migrations are never operations, scaling or data-ownership evidence.

The suites are generated from the samples' own modules (read with ``ast``, never imported): each
test module imports the module it tests, one module of another app and the app's factories, and
does what real tests do (requests a health URL without a timeout, routes a task to a queue, reads
environment variables, writes rows, patches collaborators)."""

from __future__ import annotations

import ast
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.functional.cli import advisor

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
APPS = {  # sample -> app folders that get a suite
    "bookshop": ["bookshop", "bookshop/services"],
    "tangled": ["billing", "core", "customers", "inventory", "orders"],
    "marketplace": [f"marketplace/{a}" for a in ("catalog", "orders", "payments", "search",
                                                   "shared")],
}
# Evidence the suites must not change (ops.tests may: the suites are tests).
EVIDENCE_ITEMS = ("ops.containers", "ops.iac", "ops.observability", "ops.resilience",
                  "ops.config", "forces.scaling", "forces.technology", "bound.data_ownership",
                  "bound.foreign_keys", "bound.transactions")
SUPPORT_NAMES = {"tests", "test", "testing", "migrations", "fixtures", "e2e", "conftest"}


def public_names(path: Path) -> tuple[list[str], list[str]]:
    """(functions, classes) a module defines at its top level, read with ast."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)
                 and not n.name.startswith("_")]
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)
               and not n.name.startswith("_")]
    return functions, classes


def dotted(rel: str) -> str:
    return rel[:-3].replace("/", ".") if rel.endswith(".py") else rel.replace("/", ".")


def app_modules(root: Path, app: str) -> dict[str, tuple[list[str], list[str]]]:
    out = {}
    for path in sorted((root / app).glob("*.py")):
        if path.name not in ("__init__.py", "tests.py") and not path.name.startswith("test"):
            functions, classes = public_names(path)
            if functions or classes:
                out[dotted(f"{app}/{path.name}")] = (functions, classes)
    return out


def suite_module(module: str, names: tuple[list[str], list[str]], other: tuple[str, str],
                factories: str, app: str) -> str:
    functions, classes = names
    imported = (functions[:3] + classes[:2]) or classes[:1]
    tests = [textwrap.dedent(f"""\
        def test_{name.lower()}_is_there():
            assert {name} is not None
        """) for name in imported]
    if functions:
        tests.append(textwrap.dedent(f"""\
            def test_{functions[0].lower()}_can_be_patched():
                with mock.patch("{module}.{functions[0]}") as fake:
                    fake.return_value = 42
                    assert fake() == 42
            """))
    tests.append(textwrap.dedent(f"""\
        def test_health_answers():
            response = requests.get(BASE + "/health/")  # a test needs no timeout policy
            assert response.status_code == 200


        def test_work_goes_to_the_right_queue():
            task = mock.Mock()
            task.apply_async(args=[1], queue="checkout_queue", max_retries=5)
            task.apply_async.assert_called_once()


        def test_uses_another_app():
            assert {other[1]} is not None


        class {app.title()}Tests(unittest.TestCase):
            def test_factory_builds(self):
                self.assertIsNotNone(make_{app}())
        """))
    return textwrap.dedent(f"""\
        \"\"\"Tests for {module}.\"\"\"
        import os
        import unittest
        from unittest import mock

        import pytest
        import requests

        from {module} import {", ".join(imported)}
        from {other[0]} import {other[1]}
        from {factories} import make_{app}

        BASE = os.environ.get("TEST_BASE_URL", "http://localhost:8000")
        pytestmark = pytest.mark.filterwarnings("ignore")


        """) + "\n\n".join(tests)


def write_suite(root: Path, sample: str) -> list[str]:
    """Writes the suite; returns the module names it added."""
    added: list[str] = []

    def write(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if rel.endswith(".py"):
            added.append(dotted(rel[:-len("/__init__.py")] + ".py"
                                if rel.endswith("/__init__.py") else rel))

    apps = APPS[sample]
    modules = {app: app_modules(root, app) for app in apps}
    for i, app in enumerate(apps):
        short = app.rpartition("/")[2]
        other_app = apps[(i + 1) % len(apps)]
        other_module, (f, c) = next(iter(modules[other_app].items()))
        other = (other_module, (f + c)[0])
        flat = (root / app / "tests.py").exists()  # an app with tests.py gets test_*.py files
        folder = app if flat else f"{app}/tests"
        if not flat:
            write(f"{folder}/__init__.py", "")
        factories = f"{app}/factories.py" if flat else f"{folder}/factories.py"
        models = next((m for m in modules[app] if m.endswith(".models")), None)
        model = modules[app][models][1][0] if models and modules[app][models][1] else None
        body = textwrap.dedent(f"""\
            import factory
            from faker import Faker

            fake = Faker()


            def make_{short}(**fields):
                return dict(name=fake.name(), **fields)
            """)
        if model:
            body = f"from {models} import {model}\n" + body + textwrap.dedent(f"""\


                class {model}Factory(factory.Factory):
                    class Meta:
                        model = {model}


                def persist(session):
                    session.add({model}())
                    {model}.objects.create(name="x")
                    {model}.objects.filter(pk=1).update(name="y")
                """)
        write(factories, body)
        write(f"{folder}/conftest.py", textwrap.dedent(f"""\
            import pytest
            import sentry_sdk

            from {dotted(factories)} import make_{short}

            sentry_sdk.init(dsn=None)


            @pytest.fixture
            def {short}():
                return make_{short}()
            """))
        for module, names in modules[app].items():
            leaf = module.rpartition(".")[2]
            name = f"{folder}/test_{leaf}.py" if not flat else f"{app}/test_{leaf}_unit.py"
            write(name, suite_module(module, names, other, dotted(factories), short))
        if not flat:
            write(f"{folder}/e2e/__init__.py", "")
            write(f"{folder}/e2e/test_flow.py", textwrap.dedent(f"""\
                import httpx
                import pytest


                @pytest.mark.e2e
                def test_{short}_flow():
                    assert httpx.get("http://localhost/{short}/health", timeout=None)
                """))
            write(f"{folder}/e2e/Dockerfile", "FROM python:3.12-slim\nHEALTHCHECK CMD true\n")
            write(f"{folder}/fixtures/deploy.yaml", textwrap.dedent("""\
                apiVersion: apps/v1
                kind: Deployment
                spec:
                  template:
                    spec:
                      containers:
                        - name: worker
                          livenessProbe:
                            httpGet: {path: /healthz}
                """))
        if sample == "tangled":
            write(f"{app}/migrations/__init__.py", "")
            target = "orders.Order" if app != "orders" else "customers.Customer"
            write(f"{app}/migrations/0001_initial.py", textwrap.dedent(f"""\
                from django.db import migrations, models


                def backfill(apps, schema_editor):
                    Model = apps.get_model("{target.split('.')[0]}", "{target.split('.')[1]}")
                    Model.objects.filter(pk__gt=0).update(pk=1)


                class Migration(migrations.Migration):
                    dependencies = []
                    operations = [
                        migrations.CreateModel(name="Thing", fields=[
                            ("id", models.AutoField(primary_key=True)),
                            ("other", models.ForeignKey(to="{target}",
                                                        on_delete=models.CASCADE)),
                        ]),
                        migrations.RunPython(backfill),
                    ]
                """))
    write("conftest.py", "import pytest\n\n\n@pytest.fixture\ndef anything():\n    return 1\n")
    if sample == "tangled":
        write("tangled/settings_test.py", "import os\n\nfrom tangled.settings import *  # noqa\n\n"
                                          "SECRET = os.environ['TEST_SECRET']\n")
    return sorted(set(added))


def analyse(root: Path, out: Path) -> dict:
    run = advisor("analyze", root, "-o", out, "--no-cache", "-q")
    assert run.code == 0, run.err
    return json.loads((out / "assessment.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """sample -> (document without the suite, document with it, modules the suite added)."""
    base = tmp_path_factory.mktemp("support")
    out = {}
    for sample in APPS:
        plain, suite = base / f"{sample}-plain", base / f"{sample}-suite"
        shutil.copytree(SAMPLES / sample, plain)
        shutil.copytree(SAMPLES / sample, suite)
        added = write_suite(suite, sample)
        out[sample] = (analyse(plain, base / f"out-{sample}-plain"),
                       analyse(suite, base / f"out-{sample}-suite"), added)
    return out


def contexts(doc: dict) -> dict[str, list[str]]:
    return {c["name"]: c["modules"] for c in doc["contexts"]}


@pytest.mark.parametrize("sample", sorted(APPS))
def test_a_test_suite_changes_neither_contexts_nor_verdict(runs, sample):
    plain, suite, added = runs[sample]
    assert len(added) > 10
    assert contexts(suite) == contexts(plain)
    assert suite["metrics"]["proposal"]["kernel"] == plain["metrics"]["proposal"]["kernel"]
    for key in ("verdict", "extract_first", "rule"):
        assert suite["recommendation"].get(key) == plain["recommendation"].get(key), key
    for c, d in zip(suite["contexts"], plain["contexts"]):
        for key in ("lines", "cohesion", "coupling", "depends_on", "api_surface", "tables"):
            assert c[key] == d[key], (c["name"], key)


@pytest.mark.parametrize("sample", sorted(APPS))
def test_support_code_is_never_a_member_nor_a_name(runs, sample):
    _, suite, added = runs[sample]
    members = {m for c in suite["contexts"] for m in c["modules"]}
    assert not members & set(added)
    for c in suite["contexts"]:
        assert not set(c["name"].replace("-", ".").split(".")) & SUPPORT_NAMES, c["name"]
        assert not any(set(m.split(".")) & SUPPORT_NAMES for m in c["modules"]), c["name"]
    context_of = {m["name"]: m["context"] for m in suite["modules"]}
    assert all(context_of[m] is None for m in added)


@pytest.mark.parametrize("sample", sorted(APPS))
def test_each_app_reports_its_own_tests(runs, sample):
    _, suite, _ = runs[sample]
    attributed = {t: c["name"] for c in suite["contexts"] for t in c["tests"]}
    context_of = {m["name"]: m["context"] for m in suite["modules"]}
    for app in APPS[sample]:
        own = [m for m in context_of if m.startswith(dotted(app) + ".")
               and m.count(".") == dotted(app).count(".") + 1 and context_of[m]]
        if not own:
            continue
        counts = {c: sum(context_of[m] == c for m in own) for c in set(context_of[m]
                                                                      for m in own)}
        home = min(counts, key=lambda c: (-counts[c], c))
        tests = [t for t in attributed if t.startswith(dotted(app) + ".")
                 and t.rpartition(".")[2].startswith("test_")]
        assert tests, app
        assert {attributed[t] for t in tests} == {home}, app


@pytest.mark.parametrize("sample", sorted(APPS))
def test_support_code_is_no_operations_scaling_or_data_evidence(runs, sample):
    plain, suite, _ = runs[sample]
    items = {i["id"]: i for i in plain["readiness"]["items"]}
    with_suite = {i["id"]: i for i in suite["readiness"]["items"]}
    for item in EVIDENCE_ITEMS:
        assert with_suite[item]["evidence"] == items[item]["evidence"], item
        assert with_suite[item]["score"] == items[item]["score"], item
    assert suite["readiness"]["data_ownership"] == plain["readiness"]["data_ownership"]
    paths = {e["path"] for i in with_suite.values() for e in i["evidence"]
             if i["id"] in EVIDENCE_ITEMS}
    assert not any("/tests/" in p or "/migrations/" in p or "/e2e/" in p for p in paths)
