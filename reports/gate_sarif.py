"""SARIF 2.1.0 for ``advisor check`` (GitHub code scanning and other SARIF consumers).

Rules carry their guidance as help text; results point at the offending line with a URI
relative to the analysed root (``uriBaseId`` ``%SRCROOT%``, resolved by
``originalUriBaseIds``). Only new violations are results; baselined ones are known debt.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

from reports.safe import dump_json

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/" \
               "sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVELS = {"error": "error", "warn": "warning", "off": "none"}


def _root_uri(root: str) -> str:
    path = PurePosixPath(root.replace("\\", "/"))
    uri = path.as_uri() if path.is_absolute() else quote(str(path))
    return uri if uri.endswith("/") else uri + "/"


def _rule(rule: dict) -> dict:
    help_text = rule["guidance"]
    return {
        "id": rule["id"],
        "name": "".join(w.capitalize() for w in rule["id"].replace("/", "-").split("-") if w),
        "shortDescription": {"text": rule["title"]},
        "fullDescription": {"text": rule["description"]},
        "help": {"text": help_text, "markdown": f"**What to do:** {help_text}"},
        "defaultConfiguration": {"enabled": rule["severity"] != "off",
                                 "level": _LEVELS[rule["severity"]]},
        "properties": {"kind": rule["kind"]},
    }


def _result(v: dict, index: dict[str, int]) -> dict:
    result = {
        "ruleId": v["rule"],
        "ruleIndex": index[v["rule"]],
        "level": _LEVELS[v["severity"]],
        "message": {"text": v["message"]},
        "partialFingerprints": {"advisorKey/v1": f"{v['rule']}|{v['key']}"},
        "baselineState": "new",
    }
    if v["path"]:
        physical: dict = {"artifactLocation": {"uri": quote(v["path"]), "uriBaseId": SRCROOT}}
        if v["line"]:
            physical["region"] = {"startLine": v["line"]}
        result["locations"] = [{"physicalLocation": physical}]
    return result


class SarifFormat:
    name = "sarif"

    def sarif(self, document: dict) -> dict:
        rules = document["rules"]
        index = {r["id"]: i for i, r in enumerate(rules)}
        results = [_result(v, index) for v in document["violations"] if v["status"] == "new"]
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": document["tool"]["name"],
                    "version": document["tool"]["version"],
                    "informationUri": "https://pypi.org/project/monolith-advisor/",
                    "rules": [_rule(r) for r in rules],
                }},
                "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(document["root"])}},
                "invocations": [{"executionSuccessful": True}],
                "results": results,
                "properties": {"passed": document["passed"], "metrics": document["metrics"]},
            }],
        }

    def format(self, document: dict) -> str:
        return dump_json(self.sarif(document))
