"""Every assessment document the real CLI writes matches the schema shipped in the package
(advisor/schema/assessment.schema.json, contract in docs/assessment.md), and agrees with itself;
``advisor report`` refuses a document that does not, naming the first bad field (exit 2).

The documents: the four samples as plain files (no history), the marketplace sample as the git
repository ``samples/materialize.py`` makes (history: owners, churn, co-change measured), and
small trees: one module, one empty package, files that are skipped, a shop read with
``--no-git``, and a shop whose settings pin the declared packages and switch items off.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.document_schema import DocumentError, schema_errors, validate_document
from tests.conftest import write_tree
from tests.functional.cli import (
    advisor,
    check_document,
    check_written_document,
    output_folder,
    writes_a_document,
)
from tests.functional.conftest import analyze_outputs

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SHOP = {
    "shop/__init__.py": "",
    "shop/catalog/__init__.py": "",
    "shop/catalog/models.py": """
        from django.db import models


        class Product(models.Model):
            name = models.CharField(max_length=80)
        """,
    "shop/orders/__init__.py": "",
    "shop/orders/models.py": """
        from django.db import models


        class Order(models.Model):
            product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE)
        """,
    "shop/orders/services.py": """
        from shop.catalog.models import Product
        from shop.orders.models import Order


        def place(product_id):
            Product.objects.filter(pk=product_id).update(name="sold")
            return Order.objects.create(product_id=product_id)
        """,
}
TREES = {
    "one-module": ({"app.py": "def main():\n    return 1\n"}, ["--no-git"]),
    "empty-package": ({"pkg/__init__.py": ""}, ["--no-git"]),
    "skipped-files": ({"pkg/__init__.py": "", "pkg/ok.py": "import pkg\n",
                       "pkg/py2.py": "print 'hello'\n",
                       "pkg/<img src=x onerror=alert(1)>.py": "exec 'x'\n",
                       "pkg/latin1.py": b"name = '\xe9t\xe9'\n"}, ["--no-git"]),
    "shop-no-git": (SHOP, ["--no-git"]),
    "shop-pinning-packages": ({**SHOP, "pyproject.toml": """
        [tool.advisor.verdict]
        contexts = "packages"
        [tool.advisor.readiness]
        disable = ["ops.iac"]
        weights = { "org.overlap" = 0 }
        """}, ["--no-git"]),
}
SAMPLE_NAMES = ("bookshop", "tangled", "marketplace", "layered")
NAMES = [*SAMPLE_NAMES, "marketplace-history", *TREES]


def _analyse(root: Path, out: Path, *extra: str) -> dict:
    run = advisor("analyze", root, "-o", out, "-q", "--no-cache", *extra)
    assert run.code == 0, run.err
    return json.loads((out / "assessment.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """name -> the assessment.json the real CLI wrote for it."""
    base = tmp_path_factory.mktemp("schema-cli")
    roots: dict[str, tuple[Path, list[str]]] = {}
    for name in SAMPLE_NAMES:
        roots[name] = (Path(shutil.copytree(SAMPLES / name, base / name)), [])
    history = base / "marketplace-history"
    made = subprocess.run([sys.executable, str(SAMPLES / "materialize.py"), "marketplace",
                           str(history), "-q"], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"materialize.py failed (git missing?): {made.stderr.strip()}")
    roots["marketplace-history"] = (history, [])
    for name, (files, extra) in TREES.items():
        roots[name] = (write_tree(base / name, files), extra)
    out = {}
    for name, (root, extra) in roots.items():
        _analyse(root, base / f"out-{name}", *extra)
        out[name] = base / f"out-{name}" / "assessment.json"
    return out


@pytest.fixture(scope="module")
def documents(written) -> dict[str, dict]:
    return {name: json.loads(path.read_text(encoding="utf-8")) for name, path in written.items()}


@pytest.mark.parametrize("name", NAMES)
def test_every_document_the_cli_writes_matches_the_schema(documents, name):
    assert schema_errors(documents[name]) == []


def test_the_documents_cover_the_branches_of_the_schema(documents):
    """The cases above are chosen so the optional and alternative shapes all occur."""
    docs = documents.values()
    assert {d["recommendation"]["verdict"] for d in docs} == {"monolith-first",
                                                             "modularize-first", "extract"}
    assert {i["status"] for d in docs for i in d["readiness"]["items"]} == {
        "measured", "no-data", "disabled"}
    assert {d["readiness"]["contexts_source"] for d in docs} == {"packages", "proposed"}
    assert {d["target"]["commit"] is None for d in docs} == {True, False}
    assert any("notes" in d["readiness"] for d in docs)
    assert any(d["target"]["files_skipped"] for d in docs)
    assert any(d["metrics"]["cycles"] for d in docs)
    assert any(d["readiness"]["data_ownership"]["contested_tables"] for d in docs)
    assert any(not d["contexts"] for d in docs) and any(d["contexts"] for d in docs)


@pytest.mark.parametrize("name", NAMES)
def test_each_document_agrees_with_itself(documents, name):
    """The cross-field invariants of docs/assessment.md that a schema cannot state."""
    d = documents[name]
    modules = [m["name"] for m in d["modules"]]
    known = set(modules)
    contexts = [c["name"] for c in d["contexts"]]
    rec, judged = d["recommendation"], d["readiness"]["contexts"]
    assert len(known) == len(modules) and len(set(contexts)) == len(contexts)
    assert d["target"]["files_analyzed"] == len(modules)
    assert d["target"]["lines"] == sum(m["lines"] for m in d["modules"])
    assert all({e["source"], e["target"]} <= known for e in d["dependencies"])
    assert all(set(cycle) <= known for cycle in d["metrics"]["cycles"])
    for c in d["contexts"]:
        placed = sorted(m["name"] for m in d["modules"] if m["context"] == c["name"])
        assert sorted(c["modules"]) == placed
        assert sorted(m["module"] for m in c["members"]) == placed
    assert all(m["context"] is None or m["context"] in contexts for m in d["modules"])
    assert d["metrics"]["proposal"]["contexts"] == len(contexts)
    assert sorted(r["name"] for r in d["metrics"]["contexts"]) == sorted(contexts)
    assert all(set(members) <= known for members in judged.values())
    assert sorted(k["context"] for k in rec["candidates"]) == sorted(judged)
    # one partition: the contexts shown are the contexts judged, ranked and ordered
    assert sorted(judged) == sorted(contexts) == sorted(
        c["name"] for c in d["judgement"]["contexts"]) == sorted(d["judgement"]["order"])
    assert d["judgement"]["lines"]["in_contexts"] == sum(
        c["lines"] for c in d["judgement"]["contexts"])
    assert set(rec["separable_contexts"]) <= set(judged)
    if rec["verdict"] == "extract":
        assert rec["extract_first"] == rec["candidates"][0]["context"]
    assert [s["order"] for s in rec["plan"]] == list(range(1, len(rec["plan"]) + 1))
    assert all(i["evidence_total"] >= len(i["evidence"]) for i in d["readiness"]["items"])


def test_report_json_re_renders_the_same_valid_document(written, documents, tmp_path):
    for name in ("tangled", "skipped-files"):
        run = advisor("report", written[name], "--format", "json", "-o", "-")
        assert run.code == 0, run.err
        again = json.loads(run.out)
        assert again == documents[name]
        assert schema_errors(again) == []


MUTATIONS = {
    "missing recommendation": (lambda d: d.pop("recommendation"),
                               "recommendation: missing (a required field)"),
    "readiness score 250": (lambda d: d["readiness"].__setitem__("score", 250),
                            "readiness.score: 250 is out of range: expected a value at most 100"),
    "verdict not in the enum": (
        lambda d: d["recommendation"].__setitem__("verdict", "microservices"),
        'recommendation.verdict: expected one of "monolith-first", "modularize-first", '
        '"extract", not "microservices"'),
    "contexts not a list": (lambda d: d.__setitem__("contexts", {"orders": []}),
                            "contexts: expected a list, not an object"),
    "context modules not a list": (lambda d: d["contexts"][1].__setitem__("modules", "orders"),
                                   "contexts[1].modules: expected a list, not a string"),
    "item score NaN": (lambda d: d["readiness"]["items"][0].__setitem__("score", float("nan")),
                       "readiness.items[0].score: expected a JSON number, not nan"),
    "a judged context the document does not show": (
        lambda d: d["judgement"]["contexts"][0].__setitem__("name", "ghost"),
        'judgement.contexts[0].name: "ghost" is not a context of contexts[]'),
    "more than three partition notes": (
        lambda d: d["recommendation"]["partition_notes"].extend(["a", "b", "c"]),
        "recommendation.partition_notes: expected at most 3 item(s), found "),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_broken_real_document_is_rejected_naming_the_field(documents, mutation):
    change, message = MUTATIONS[mutation]
    broken = copy.deepcopy(documents["tangled"])
    change(broken)
    with pytest.raises(DocumentError) as caught:
        validate_document(broken, source="assessment.json")
    assert caught.value.message.startswith(f"assessment.json: {message}")


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_report_refuses_a_broken_document_with_exit_2_naming_the_field(documents, mutation,
                                                                     tmp_path):
    change, message = MUTATIONS[mutation]
    broken = copy.deepcopy(documents["tangled"])
    change(broken)
    source = tmp_path / "assessment.json"
    source.write_text(json.dumps(broken), encoding="utf-8")  # NaN is written as NaN
    run = advisor("report", source, "-o", tmp_path / "report.html")
    assert run.code == 2
    assert run.err.startswith(f"advisor: error: {source}: {message}")
    assert run.err.count("\n") == 1 and "Traceback" not in run.err
    assert not (tmp_path / "report.html").exists()


# --- the suite checks every document it makes: the runner (cli.py) and the session (conftest.py) --

@pytest.mark.parametrize("argv, folder", [
    (["analyze", "repo", "-o", "out", "-q"], "out"),
    (["analyze", "repo", "--output", "out"], "out"),
    (["analyze", "repo", "--output=out"], "out"),
    (["analyze", "repo", "-oout"], "out"),
    (["--debug", "analyze", "repo"], "advisor-report"),
])
def test_the_runner_finds_the_folder_analyze_wrote(argv, folder, tmp_path):
    assert writes_a_document(argv)
    assert output_folder(argv, tmp_path) == tmp_path / folder
    assert not writes_a_document(["analyze", "--help"]) and not writes_a_document(["report"])


def test_the_runner_fails_the_test_on_a_document_the_schema_refuses(tmp_path):
    out = tmp_path / "advisor-report"
    out.mkdir()
    (out / "assessment.json").write_text('{"schema_version": "1.0"}', encoding="utf-8")
    with pytest.raises(AssertionError, match=r"does not match the schema:\ntool: missing"):
        check_written_document(["analyze", "repo"], tmp_path)


def test_the_session_check_finds_analyze_outputs_and_nothing_else(tmp_path):
    """An output folder holds assessment.json and advisor-gate.toml as regular files; copies,
    FIFOs and folders deeper than a test puts its outputs are left alone. (The planted
    document is invalid: checking it here records it, so the session check skips it.)"""
    def folder(*parts: str, gate: bool = True) -> Path:
        path = tmp_path.joinpath(*parts)
        path.mkdir(parents=True)
        if gate:
            (path / "advisor-gate.toml").write_text("", encoding="utf-8")
        return path

    out = folder("test0", "out")
    (out / "assessment.json").write_text("{}", encoding="utf-8")
    (folder("copy", gate=False) / "assessment.json").write_text("{}", encoding="utf-8")
    os.mkfifo(folder("fifo") / "assessment.json")
    (folder("a", "b", "c", "d", "e") / "assessment.json").write_text("{}", encoding="utf-8")
    assert analyze_outputs(tmp_path) == [out / "assessment.json"]
    with pytest.raises(AssertionError, match="does not match the schema"):
        check_document(out / "assessment.json")
