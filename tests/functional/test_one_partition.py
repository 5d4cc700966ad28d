"""One partition, judged by everything (issue 12), through the real CLI.

The contexts the report shows are the contexts the checklist, the verdict, the ranking, the plan
and the contracts judge: one count everywhere, the cycles drawn are the cycles cited, owners and
churn per context when history exists. Every decision reads one judgement model, so switching a
checklist item off or reweighting it changes the score only. Declared packages are a cross-check
(at most three notes), or, with ``contexts = "packages"``, pins.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.readiness import SPECS
from reports import structure
from reports.view import build_view
from tests.functional.cli import advisor
from tests.functional.test_samples import EXPECTED, SAMPLES, materialize

TANGLED = "tangled"


def analyse(root: Path, out: Path, *extra: str) -> dict:
    run = advisor("analyze", root, "-o", out, "--no-cache", "-q", *extra)
    assert run.code == 0, run.err
    document = json.loads((out / "assessment.json").read_text(encoding="utf-8"))
    document["_html"] = (out / "report.html").read_text(encoding="utf-8")
    document["_md"] = (out / "report.md").read_text(encoding="utf-8") \
        if (out / "report.md").exists() else ""
    return document


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, dict]:
    """The three samples as plain files, and marketplace and tangled with their git history."""
    base = tmp_path_factory.mktemp("one")
    out = {}
    for name in EXPECTED:
        shutil.copytree(SAMPLES / name, base / name)
        out[name] = analyse(base / name, base / f"out-{name}")
    for name in ("marketplace", TANGLED):
        root = materialize(name, base / f"git-{name}")
        out[f"{name}+git"] = analyse(root, base / f"out-git-{name}")
    return out


def view_of(document: dict) -> dict:
    clean = {k: v for k, v in document.items() if not k.startswith("_")}
    return build_view(clean)


def context_graph(document: dict):
    index = structure.module_index(document)
    u = structure.units(document, index)
    j = structure.judged(document)
    return structure.context_map(u, structure.context_links(u, index, j), j)


NAMES = sorted(EXPECTED) + ["marketplace+git", "tangled+git"]


@pytest.mark.parametrize("name", NAMES)
def test_one_context_count_everywhere(documents, name):
    doc = documents[name]
    names = sorted(c["name"] for c in doc["contexts"])
    n = len(names)
    assert n >= 1
    rec = doc["recommendation"]
    assert sorted(doc["readiness"]["contexts"]) == names
    assert sorted(c["name"] for c in doc["judgement"]["contexts"]) == names
    assert sorted(k["context"] for k in rec["candidates"]) == names
    assert {m["context"] for m in doc["modules"]} - {None} == set(names)
    assert f" in {n} context(s)" in rec["summary"]
    v = view_of(doc)
    assert dict(v["summary"]["facts"])["contexts"] == str(n)
    assert [c["name"] for c in v["contexts"]] == [c["name"] for c in doc["contexts"]]
    assert sorted(node.name for node in context_graph(doc).nodes) == names
    assert len(re.findall(r'<article class="card context"', doc["_html"])) == n
    assert f"<dt>contexts</dt><dd>{n}</dd>" in doc["_html"]
    judged = {c["name"]: c for c in doc["judgement"]["contexts"]}
    for c in doc["contexts"]:  # each context's lines: its application modules', judged
        assert judged[c["name"]]["lines"] > 0  # an empty package is never a context


@pytest.mark.parametrize("name", NAMES)
def test_the_cycles_drawn_are_the_cycles_cited(documents, name):
    doc = documents[name]
    j, rec = doc["judgement"], doc["recommendation"]
    involved = {c["name"] for c in j["contexts"] if c["in_cycle"]}
    cut = {(e["source"], e["target"]) for cyc in j["cycles"] for e in cyc["cut"]}
    graph = context_graph(doc)
    assert {node.name for node in graph.nodes if node.highlight} == involved
    assert {(lk.source, lk.target) for lk in graph.links if lk.highlight} >= cut
    cycles = next(i for i in doc["readiness"]["items"] if i["id"] == "bound.cycles")
    if cycles["status"] == "measured":
        assert cycles["summary"].startswith(f"{len(involved)} of {len(j['contexts'])} contexts")
    for k in rec["candidates"]:
        assert any("dependency cycle" in b for b in k["blockers"]) == (k["context"] in involved)
    for cyc in j["cycles"]:
        assert set(cyc["contexts"]) <= involved
    if rec["verdict"] == "modularize-first" and involved:
        assert f"{len(involved)} of {len(j['contexts'])} contexts are caught in dependency " \
               "cycles" in rec["summary"]
        for cyc in j["cycles"]:
            assert " <-> ".join(cyc["contexts"]) in rec["summary"]
        step = next(s for s in rec["plan"] if s.get("item") == "bound.cycles")
        assert step["cycles"] == [c["contexts"] for c in j["cycles"]]
        assert step["module_cycles"] == [t["modules"] for t in j["tangles"]]
    cards = {c["name"]: c for c in view_of(doc)["contexts"]}
    assert {c for c, card in cards.items() if card["cycle"]} == involved


def test_tangled_contexts_form_a_cycle(documents):
    """The premise of the weight test below: the tangled sample's contexts are in a cycle."""
    j = documents[TANGLED]["judgement"]
    assert j["cycles"] and any(c["in_cycle"] for c in j["contexts"])


@pytest.mark.parametrize("name", ["marketplace+git", "tangled+git"])
def test_owners_and_churn_are_shown_per_context_when_history_exists(documents, name):
    doc = documents[name]
    assert doc["judgement"]["history"] is True
    for card in view_of(doc)["contexts"]:
        assert card["owners"], card["name"]
        assert re.match(r"\d+ file changes? \(", card["churn"]), card["name"]
    for c in doc["judgement"]["contexts"]:
        assert c["churn"] is not None and c["owners"]


def test_without_history_churn_is_unknown_not_zero(documents):
    for c in documents["tangled"]["judgement"]["contexts"]:
        assert c["churn"] is None and c["cochange"] is None
    assert all(card["churn"] == "" for card in view_of(documents["tangled"])["contexts"])


# --- switching an item off or reweighting it changes the score only --------------------------
def detected(doc: dict, item_id: str) -> dict:
    """Everything but the score: the judgement, the candidates with their evidence, the
    verdict's blocking reasons, the contexts and every other item's findings."""
    rec = doc["recommendation"]
    others = [{k: v for k, v in i.items() if k != "weight"} for i in doc["readiness"]["items"]
              if i["id"] != item_id]
    return {"judgement": doc["judgement"], "candidates": rec["candidates"],
            "verdict": (rec["verdict"], rec["extract_first"]), "blockers": rec["blockers"],
            "contexts": doc["contexts"], "notes": rec["partition_notes"], "items": others,
            "contracts": rec["contracts"]}


@pytest.fixture(scope="module")
def tangled_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("weights") / TANGLED
    shutil.copytree(SAMPLES / TANGLED, root)
    return root


def run_in_process(root: Path, out: Path, config: str, cache: Path) -> dict:
    path = out.parent / f"{out.name}.toml"
    path.write_text(config, encoding="utf-8")
    assert main(["analyze", str(root), "-o", str(out), "-q", "--cache-dir", str(cache),
                 "--config", str(path)]) == 0
    return json.loads((out / "assessment.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def baseline(tangled_root, tmp_path_factory) -> tuple[dict, Path]:
    cache = tmp_path_factory.mktemp("cache")
    out = tmp_path_factory.mktemp("base") / "out"
    return run_in_process(tangled_root, out, "[tool.advisor]\n", cache), cache


@pytest.mark.parametrize("item_id", sorted(SPECS))
def test_switching_an_item_off_or_reweighting_it_changes_the_score_only(
        item_id, baseline, tangled_root, tmp_path, capsys):
    base, cache = baseline
    for weight in (0, 4.5):
        doc = run_in_process(tangled_root, tmp_path / f"w{weight}",
                             f'[tool.advisor.readiness.weights]\n"{item_id}" = {weight}\n', cache)
        assert detected(doc, item_id) == detected(base, item_id), (item_id, weight)
        assert doc["recommendation"]["verdict"] == "modularize-first"
    capsys.readouterr()


def test_with_cycles_switched_off_contexts_in_a_cycle_still_block(baseline, tangled_root,
                                                                  tmp_path, capsys):
    base, cache = baseline
    doc = run_in_process(tangled_root, tmp_path / "off",
                         '[tool.advisor.readiness]\ndisable = ["bound.cycles"]\n', cache)
    capsys.readouterr()
    item = next(i for i in doc["readiness"]["items"] if i["id"] == "bound.cycles")
    assert item["status"] == "disabled"
    rec = doc["recommendation"]
    assert rec["verdict"] == "modularize-first" and rec["extract_first"] is None
    involved = [c["name"] for c in doc["judgement"]["contexts"] if c["in_cycle"]]
    assert involved
    for k in rec["candidates"]:
        if k["context"] in involved:
            assert not k["clean"] and any("dependency cycle" in b for b in k["blockers"])
    assert any(s.get("item") == "bound.cycles" for s in rec["plan"])


# --- declared packages: a cross-check, or pins --------------------------------------------
def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_packages_setting_pins_each_declared_package_and_the_report_shows_them(tmp_path):
    root = tmp_path / TANGLED
    shutil.copytree(SAMPLES / TANGLED, root)
    config = tmp_path / "advisor.toml"
    config.write_text('[tool.advisor.verdict]\ncontexts = "packages"\n', encoding="utf-8")
    doc = analyse(root, tmp_path / "out", "--config", config)
    names = {c["name"] for c in doc["contexts"]}
    assert {"billing", "customers", "inventory", "orders"} <= names
    assert names == set(doc["readiness"]["contexts"]) == {
        c["name"] for c in doc["judgement"]["contexts"]}
    assert doc["readiness"]["contexts_source"] == "packages"
    assert all(c["pinned"] for c in doc["contexts"] if c["name"] in {"billing", "orders"})
    assert doc["recommendation"]["verdict"] == "modularize-first"


def shop(root: Path) -> Path:
    """Three apps of ~120 lines, each two modules calling each other, plus an empty app."""
    files = {"shop/__init__.py": ""}
    for app in ("orders", "billing", "catalog"):
        body = "\n".join(f"def f{i}():\n    return {i}\n" for i in range(20))
        files[f"shop/{app}/__init__.py"] = ""
        files[f"shop/{app}/models.py"] = f"from shop.{app} import service\n" + body + \
            "\ndef use():\n    return service.f1()\n"
        files[f"shop/{app}/service.py"] = f"from shop.{app} import models\n" + body + \
            "\ndef use():\n    return models.f1()\n"
    files["shop/returns/__init__.py"] = ""
    files["shop/returns/models.py"] = ""
    return write(root, files)


def test_declared_packages_merged_or_split_are_noted_in_at_most_three_lines(tmp_path):
    root = shop(tmp_path / "shop")
    config = tmp_path / "advisor.toml"
    config.write_text('[tool.advisor.contexts.pins]\n'
                      'sales = ["shop/orders/*", "shop/billing/*"]\n'
                      'catalog = ["shop/catalog/models.py"]\n'
                      'pricing = ["shop/catalog/service.py"]\n', encoding="utf-8")
    doc = analyse(root, tmp_path / "out", "--config", config)
    notes = doc["recommendation"]["partition_notes"]
    assert 1 <= len(notes) <= 3
    assert any("billing + orders as sales" in n for n in notes), notes
    assert any("catalog over" in n and "pricing" in n for n in notes), notes
    for note in notes:
        assert note in doc["_html"]
    assert '<ul class="note" id="partition-notes">' in doc["_html"]


def test_empty_packages_are_never_contexts_or_candidates(tmp_path):
    root = shop(tmp_path / "shop")
    config = tmp_path / "advisor.toml"
    config.write_text('[tool.advisor.verdict]\ncontexts = "packages"\n', encoding="utf-8")
    doc = analyse(root, tmp_path / "out", "--config", config)
    names = {c["name"] for c in doc["contexts"]}
    assert {"orders", "billing", "catalog"} <= names and "returns" not in names
    assert "returns" not in {k["context"] for k in doc["recommendation"]["candidates"]}
    assert "returns" not in doc["readiness"]["contexts"]
    modules = {m["name"]: m["context"] for m in doc["modules"]}
    assert modules["shop.returns.models"] is None


def test_a_summary_says_when_most_code_is_outside_the_contexts(tmp_path):
    """Four small apps and one big shared module every app uses (the shared kernel): the
    contexts hold a minority of the application lines, and the summary says so."""
    files = {"app/__init__.py": "", "app/common/__init__.py": "",
             "app/common/big.py": "\n".join(f"def g{i}():\n    return {i}\n"
                                            for i in range(1200))}
    for name in ("a", "b", "c", "d"):
        files[f"app/{name}/__init__.py"] = ""
        files[f"app/{name}/one.py"] = (f"from app.common import big\nfrom app.{name} import two\n"
                                      "def run():\n    return big.g1() + two.run()\n" * 1)
        files[f"app/{name}/two.py"] = (f"from app.common import big\nfrom app.{name} import one\n"
                                      "def run():\n    return big.g2()\n"
                                      "def back():\n    return one.run()\n")
    root = write(tmp_path / "app", files)
    doc = analyse(root, tmp_path / "out")
    share = doc["judgement"]["lines"]["share"]
    assert share < 0.7
    assert f"only {share:.0%} of the application lines" in doc["recommendation"]["summary"]
    assert dict(view_of(doc)["summary"]["facts"])["application lines in contexts"] == \
        f"{share:.0%}"
