"""The real CLI on the sample code bases, whose right answers are known (samples/*/README).

Each sample is analysed twice: as plain files (no history: organisation and churn items report
no data) and as the git repository ``samples/materialize.py`` makes (multi-author history:
teams, churn and co-change become measured). The samples' histories are dated 2021-2024: the
history window ends at HEAD's commit, not today, so they are measured as they are.

``marketplace`` is the full-scale sample ``materialize.py`` grows from the hand-written core in
``samples/marketplace`` (``codegen.py``): its plain copy is written with ``--no-history``. All
runs share one facts cache, so the second run over the same files parses nothing again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.cli import advisor

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXPECTED = {"bookshop": ("monolith-first", None), "tangled": ("modularize-first", None),
            "marketplace": ("extract", "search"), "layered": ("modularize-first", None)}
HISTORY_ITEMS = ("org.teams", "org.overlap", "forces.churn", "bound.cochange")


def analyse(root: Path, out: Path, cache: Path, expected: str | None = None) -> dict:
    run = advisor("analyze", root, "-o", out, "--cache-dir", cache, "-q")
    assert run.code == 0, run.err
    verdict = expected or EXPECTED[root.name][0]
    assert run.out.startswith(f"verdict: {verdict}")
    assert f"contracts: {out / 'advisor-gate.toml'}, {out / 'importlinter.ini'}" in run.out
    document = json.loads((out / "assessment.json").read_text(encoding="utf-8"))
    document["_out"] = out
    return document


def items(document: dict) -> dict[str, dict]:
    return {i["id"]: i for i in document["readiness"]["items"]}


def materialize(name: str, target: Path, *options: str) -> Path:
    done = subprocess.run([sys.executable, str(SAMPLES / "materialize.py"), name, str(target),
                           "-q", *options], check=False, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"materialize.py failed (git missing?): {done.stderr.strip()}")
    return target


@pytest.fixture(scope="session")
def facts_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("facts-cache")


_RUNS: dict[str, dict] = {}  # one run per session: test_plan_follows_verdict imports these
# fixtures, which makes them its own fixtures too (pytest caches per module that defines them)


@pytest.fixture(scope="session")
def plain(tmp_path_factory, facts_cache):
    """Each sample copied out of this repository (so no git history at all), analysed; the
    marketplace at full scale, written without history."""
    if "plain" not in _RUNS:
        base = tmp_path_factory.mktemp("plain")
        out = {}
        for name in EXPECTED:
            root = base / name
            if name == "marketplace":
                materialize(name, root, "--no-history")
            else:
                shutil.copytree(SAMPLES / name, root)
            out[name] = analyse(root, base / f"out-{name}", facts_cache)
        _RUNS["plain"] = out
    return _RUNS["plain"]


@pytest.fixture(scope="session")
def with_history(tmp_path_factory, facts_cache):
    if "git" not in _RUNS:
        base = tmp_path_factory.mktemp("git")
        _RUNS["git"] = {name: analyse(materialize(name, base / name), base / f"out-{name}",
                                      facts_cache) for name in EXPECTED}
    return _RUNS["git"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_gets_its_verdict(plain, name):
    rec = plain[name]["recommendation"]
    assert (rec["verdict"], rec["extract_first"]) == EXPECTED[name]
    assert rec["summary"] and rec["plan"]
    assert 0 <= plain[name]["readiness"]["score"] <= 100
    for item in HISTORY_ITEMS[1:]:
        assert items(plain[name])[item]["status"] == "no-data"
    # team size without history: only CODEOWNERS can tell (marketplace has one)
    assert items(plain[name])["org.teams"]["status"] == ("measured" if name == "marketplace"
                                                         else "no-data")


def test_bookshop_is_small(plain):
    rec = plain["bookshop"]["recommendation"]
    assert rec["rule"] == "small"
    assert "582 lines of application code" in rec["summary"]


def test_marketplace_is_a_code_base_a_tech_lead_would_consider_splitting(plain, with_history):
    """Tens of thousands of application lines across many domains, tests, CI, containers,
    several teams; one domain with its own queue and its own heavy dependency."""
    document = plain["marketplace"]
    lines = document["judgement"]["lines"]["application"]
    assert lines >= 20_000, lines
    assert len(document["recommendation"]["separable_contexts"]) >= 15
    found = items(document)
    for item in ("ops.ci_tests", "ops.containers", "ops.deploy", "forces.scaling",
                 "forces.technology"):
        assert found[item]["score"] == 1.0, (item, found[item]["summary"])
    assert found["forces.scaling"]["summary"] == "own queue or worker pool: search"
    assert found["forces.technology"]["summary"].endswith(
        "confined to one context: elasticsearch in search, numpy in search")
    owners = re.match(r"(\d+) owner team\(s\)", found["org.teams"]["summary"])
    assert owners and int(owners.group(1)) >= 10
    teams = items(with_history["marketplace"])["org.teams"]["summary"]
    active = re.search(r"\((\d+) active author\(s\) in", teams)
    assert active and int(active.group(1)) > 8, teams  # more than one two-pizza team


def test_the_hand_written_core_alone_is_too_small_to_split(tmp_path, facts_cache):
    """samples/marketplace without the generated domains: 2,3xx lines are told to stay one
    deployable, whatever its queue and libraries (the issue this threshold answers)."""
    root = tmp_path / "core"
    shutil.copytree(SAMPLES / "marketplace", root)
    document = analyse(root, tmp_path / "out", facts_cache, "monolith-first")
    rec = document["recommendation"]
    assert rec["rule"] == "small" and "below 10,000" in rec["summary"]


def test_the_generated_marketplace_is_the_same_bytes_every_time(tmp_path):
    """The generator, not a committed tree, is the sample: two runs under different hash
    seeds write the same files, byte for byte."""
    trees = []
    for seed in ("1", "2"):
        target = tmp_path / seed
        done = subprocess.run([sys.executable, str(SAMPLES / "materialize.py"), "marketplace",
                               str(target), "-q", "--no-history"], capture_output=True,
                              text=True, check=False, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        trees.append({p.relative_to(target).as_posix(): p.read_bytes()
                      for p in sorted(target.rglob("*")) if p.is_file()})
    assert len(trees[0]) > 250 and trees[0] == trees[1]


def test_materializing_again_replaces_only_an_earlier_copy_of_the_same_sample(tmp_path):
    """README's first command can run twice: the script replaces a repository it made of the
    same sample before, and nothing else (a folder of yours, another sample's repository)."""
    target = materialize("bookshop", tmp_path / "bookshop")
    (target / "stale.txt").write_text("from an earlier run\n")
    again = subprocess.run([sys.executable, str(SAMPLES / "materialize.py"), "bookshop",
                            str(target), "-q"], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert not (target / "stale.txt").exists() and (target / ".git").is_dir()
    for name, folder in (("tangled", target), ("bookshop", tmp_path / "mine")):
        folder.mkdir(exist_ok=True)
        (folder / "keep.txt").write_text("mine\n")
        done = subprocess.run([sys.executable, str(SAMPLES / "materialize.py"), name,
                               str(folder), "-q"], capture_output=True, text=True, check=False)
        assert done.returncode == 2 and "not an empty directory" in done.stderr
        assert (folder / "keep.txt").read_text() == "mine\n"


def test_marketplace_extracts_search_first_with_a_strangler_plan(plain):
    rec = plain["marketplace"]["recommendation"]
    first = rec["candidates"][0]
    assert first["context"] == "search" and first["clean"]
    assert first["score"] > rec["candidates"][1]["score"]
    assert sorted(first["data"]["tables"]) == ["search_index_state", "search_popularity"]
    assert first["score"] > 2 * rec["candidates"][1]["score"]  # far ahead, not by a hair
    assert any("elasticsearch" in r for r in first["reasons"])
    assert any("search-worker.yaml" in r for r in first["reasons"])
    assert [s["title"] for s in rec["plan"][:6]] == [
        "Enforce the search boundary inside the monolith", "Break the cycles involving search",
        "Introduce the search interface", "Move or replicate search's data",
        "Route traffic to search", "Extract search"]
    assert "Extract search first" in rec["summary"]


def test_tangled_plan_names_the_cycles_and_the_shared_tables(plain):
    """Steps from the judged contexts (the ones the report shows): the top cycle between them
    with the imports to change (file:line), and the tables written from outside their owner
    with those writers' file:line (the owner never among them)."""
    doc = plain["tangled"]
    rec, judged = doc["recommendation"], doc["judgement"]
    # tangled boundaries decide before size: untangling pays off inside one deployable too,
    # and the summary says that no split is in view even then
    assert rec["rule"] == "boundaries"
    assert any(r.startswith("even untangled, no split is in view: 1,") for r in rec["reasons"])
    steps = {s["kind"]: s for s in rec["plan"]}
    assert rec["plan"][0]["kind"] == "cycles"
    cycles = steps["cycles"]
    assert cycles["cycles"] == [c["contexts"] for c in judged["cycles"]] != []
    assert cycles["module_cycles"] == [t["modules"] for t in judged["tangles"]]
    services = {"billing.services", "customers.services", "inventory.services",
                "orders.services"}
    assert any(services <= set(c) for c in cycles["module_cycles"])
    top = max(judged["cycles"], key=lambda c: len(c["contexts"]))
    for cut in top["cut"][:5]:
        assert f"{cut['source']} -> {cut['target']}: " in cycles["detail"]
    written = set(steps["tables"]["tables_written"])
    assert {"billing_invoice", "orders_orderline"} <= written
    # inventory/services.py:34 updates order lines inventory does not own
    assert "inventory/services.py:34" in steps["tables"]["detail"]
    detail = steps["tables"]["detail"]
    for t in doc["readiness"]["data_ownership"]["contested_tables"]:
        if t["table"] not in written:
            continue
        assert f"{t['table']} (owner {t['owner']}) written by " in detail
        part = detail.split(f"{t['table']} (owner {t['owner']}) written by ", 1)[1]
        part = part.split("; ", 1)[0]
        for who, where in t["writers"].items():
            if who == t["owner"]:
                assert not part.startswith(f"{who} at ") and f", {who} at " not in part
            else:
                assert f"{who} at {where[0]}" in part


def test_contract_files_are_written_and_listed(plain):
    for document in plain.values():
        out = document["_out"]
        gate = (out / "advisor-gate.toml").read_text(encoding="utf-8")
        files = document["recommendation"]["contracts"]["files"]
        assert files["advisor-gate.toml"] == gate
        assert (out / "importlinter.ini").read_text(encoding="utf-8") == \
            files["importlinter.ini"]
    tangled = (plain["tangled"]["_out"] / "advisor-gate.toml").read_text(encoding="utf-8")
    assert "# breaks today" in tangled and 'type = "forbidden"' in tangled


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_git_history_keeps_the_verdicts(with_history, name):
    rec = with_history[name]["recommendation"]
    assert (rec["verdict"], rec["extract_first"]) == EXPECTED[name]
    assert items(with_history[name])["org.teams"]["status"] == "measured"


def test_history_items_become_measured(with_history):
    bookshop = items(with_history["bookshop"])
    assert bookshop["org.teams"]["score"] == 0.0
    assert "1 active author(s) in 30 commits" in bookshop["org.teams"]["summary"]
    for name in ("tangled", "marketplace"):
        found = items(with_history[name])
        for item in HISTORY_ITEMS:
            assert found[item]["status"] == "measured", (name, item, found[item]["summary"])
    tangled, market = items(with_history["tangled"]), items(with_history["marketplace"])
    assert "3 active author(s)" in tangled["org.teams"]["summary"]
    # each marketplace context has its own authors (the wiring context shares a few)
    assert market["org.overlap"]["score"] > 0.9 > tangled["org.overlap"]["score"]
    assert market["bound.cochange"]["score"] > tangled["bound.cochange"]["score"]
    assert market["forces.churn"]["summary"].startswith("search takes")
    first = with_history["marketplace"]["recommendation"]["candidates"][0]
    assert first["components"]["benefit.churn"] == 1.0


def test_django_oscar_is_modularize_first(oscar_root, tmp_path):
    """A real Django monolith: apps wired together by get_class/get_model strings and
    cross-app foreign keys. It must not be told to extract anything."""
    run = advisor("analyze", oscar_root, "-o", tmp_path / "out", "--cache-dir",
                  tmp_path / "cache", "-q")
    assert run.code == 0, run.err
    document = json.loads((tmp_path / "out" / "assessment.json").read_text(encoding="utf-8"))
    rec = document["recommendation"]
    assert (rec["verdict"], rec["extract_first"], rec["rule"]) == ("modularize-first", None,
                                                                   "boundaries")
    found = items(document)
    assert found["bound.foreign_keys"]["score"] < 0.5
    assert found["bound.cycles"]["score"] < 0.5
    assert rec["plan"][0]["item"] == "bound.cycles"
    assert {"catalogue", "order", "basket", "checkout"} <= set(document["readiness"]["contexts"])
    assert set(document["readiness"]["contexts"]) == {c["name"] for c in document["contexts"]}
