"""Assessment documents for the report tests, written by the real CLI (issue 12).

Each document is what ``advisor analyze`` writes for a tree, made once per test session on first
use (``real_documents``); reports never see a hand-written document that the tool could not
write. The trees, and what each document holds:

* ``marketplace``: samples/marketplace as the git repository ``samples/materialize.py`` makes.
  Extract a service (search first); owners from CODEOWNERS, churn and co-change from history.
* ``tangled``: samples/tangled as plain files. Modularize first: contexts in a cycle (with the
  dependencies chosen to cut it), module cycles with their breakers, tangles, partition notes.
* ``bookshop``: samples/bookshop as plain files. Stay a monolith (small); one context.
* ``empty``: one module. No context, candidate, cycle or dependency.
* ``hostile``: ``HOSTILE_TREE`` in a folder named with markup: markup and quotes in every name
  a tree can supply (folder, package, module, context, table, owner, workflow and skipped file
  names), so they reach the paths, the context map, the cards, the plan and the summary.

A test that needs a case the CLI cannot write derives it from a real document with ``variant``,
a small documented change after which the document must still match the schema. Tests of how
reports cope with malformed input (``{}``, wrong types) say so; those are not documents.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.document_schema import schema_errors
from tests.conftest import write_tree
from tests.functional.cli import advisor
from tests.hostile import IMG_PAYLOAD, SCRIPT_PAYLOAD

SCRIPT = SCRIPT_PAYLOAD
IMG = IMG_PAYLOAD
QUOTES = "q\"uo'te`s"
PAYLOADS = (SCRIPT, IMG)
SAMPLES = Path(__file__).resolve().parents[3] / "samples"
HOSTILE_ROOT = IMG  # the analysed folder's own name: it is target.root
HOSTILE_BILLING = f"billing{SCRIPT}"  # a context named by a pin of the tree's settings
HOSTILE_TREE = {
    "pyproject.toml": f"""
        [tool.advisor.contexts.pins]
        {HOSTILE_BILLING!r} = ["shop.billing", "shop.billing.*"]
        """,
    ".github/CODEOWNERS": f"/shop/orders/ @shop/{SCRIPT}\n/shop/billing/ @{QUOTES}\n",
    f".github/workflows/{IMG}.yml": """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: pytest
        """,
    "shop/__init__.py": "",
    "shop/orders/__init__.py": "",
    "shop/orders/models.py": f"""
        from django.db import models


        class Order(models.Model):
            total = models.IntegerField()

            class Meta:
                db_table = {SCRIPT!r}


        class Line(models.Model):
            order = models.ForeignKey(Order, on_delete=models.CASCADE)

            class Meta:
                db_table = {"t" + QUOTES!r}
        """,
    "shop/orders/services.py": """
        from shop.billing.invoices import invoice
        from shop.orders.models import Order


        def place(total):
            order = Order.objects.create(total=total)
            invoice(order.pk)
            return order
        """,
    f"shop/orders/{QUOTES}.py": """
        from shop.orders.models import Order


        def count():
            return Order.objects.count()
        """,
    "shop/billing/__init__.py": "",
    "shop/billing/models.py": """
        from django.db import models


        class Invoice(models.Model):
            order_id = models.IntegerField()
        """,
    "shop/billing/invoices.py": """
        from shop.billing.models import Invoice
        from shop.orders.models import Order


        def invoice(order_id):
            Order.objects.filter(pk=order_id).update(total=0)
            return Invoice.objects.create(order_id=order_id)
        """,
    f"shop/{IMG}/__init__.py": "",
    f"shop/{IMG}/models.py": """
        from django.db import models


        class Product(models.Model):
            name = models.CharField(max_length=80)
        """,
    f"shop/{IMG}/search.py": """
        from shop.orders.models import Order


        def popular():
            return Order.objects.filter(total__gt=0).count()
        """,
    f"shop/{IMG}.py": "print 'Python 2: skipped'\n",
}
NAMES = ("marketplace", "tangled", "bookshop", "empty", "hostile")


def _tree(name: str, base: Path) -> tuple[Path, list[str]]:
    """(root, extra analyze options) of the tree behind document ``name``."""
    if name == "marketplace":
        root = base / "marketplace"
        made = subprocess.run([sys.executable, str(SAMPLES / "materialize.py"), "marketplace",
                               str(root), "-q"], capture_output=True, text=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"materialize.py failed (git missing?): {made.stderr.strip()}")
        return root, []
    if name in ("tangled", "bookshop"):
        return Path(shutil.copytree(SAMPLES / name, base / name)), ["--no-git"]
    if name == "empty":
        return write_tree(base / "empty", {"app.py": "def main():\n    return 1\n"}), ["--no-git"]
    if name == "hostile":
        return write_tree(base / "hostile" / HOSTILE_ROOT, HOSTILE_TREE), ["--no-git"]
    raise KeyError(name)


class Documents:
    """``documents["tangled"]``: a fresh copy (tests may change it) of the document the real
    CLI wrote for that tree; ``documents.path(name)``: the assessment.json itself."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._paths: dict[str, Path] = {}
        self._loaded: dict[str, dict] = {}
        self._failed: dict[str, BaseException] = {}  # the same failure (or skip) for each test

    def path(self, name: str) -> Path:
        if name in self._failed:
            raise self._failed[name]
        if name not in self._paths:
            if name not in NAMES:
                raise KeyError(name)
            try:
                self._paths[name] = self._write(name)
            except BaseException as exc:  # pytest's skip and fail outcomes included
                self._failed[name] = exc
                raise
        return self._paths[name]

    def _write(self, name: str) -> Path:
        work = self.base / name
        work.mkdir()
        root, extra = _tree(name, work)
        out = work / "out"
        # the runner also checks the document against the schema
        run = advisor("analyze", root, "-o", out, "-q", "--no-cache", "-j", "1", *extra)
        assert run.code == 0, f"advisor analyze failed on the {name} tree: {run.err}"
        return out / "assessment.json"

    def __getitem__(self, name: str) -> dict:
        if name not in self._loaded:
            self._loaded[name] = json.loads(self.path(name).read_text(encoding="utf-8"))
        return copy.deepcopy(self._loaded[name])

    def folder(self, name: str) -> Path:
        """The folder the document's tree sits in (``target.root`` lies inside it)."""
        self.path(name)
        return self.base / name


_SHARED: list[Documents] = []


def real_documents(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    """One ``Documents`` for the whole session, whichever test module asks first (each
    document is written once, on first use)."""
    if not _SHARED:
        _SHARED.append(Documents(tmp_path_factory.mktemp("real-documents")))
    return _SHARED[0]


def variant(document: dict, change: Callable[[dict], object]) -> dict:
    """``document`` after ``change``, for a case the CLI does not write on the trees above; the
    result must still match the schema, so it is a document the tool could write."""
    out = copy.deepcopy(document)
    change(out)
    problems = schema_errors(out)
    assert not problems, f"the variant is not a valid document: {problems[:3]}"
    return out
