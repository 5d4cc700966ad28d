"""SARIF 2.1.0 for ``advisor check``, in the subset GitHub code scanning ingests.

Code scanning resolves every ``artifactLocation.uri`` against the root of the repository and
ignores ``originalUriBaseIds``, so each URI here is relative to the document's
``source_root`` (the repository holding the analysed folder, or ``--sarif-root``); the
``%SRCROOT%`` base is still declared for other SARIF readers. Every result has a location: a
finding about the whole project points at the configuration file that sets its rule (line 1)
when that file lies inside the source root, else at the analysed root's first file. Rules
carry their guidance as help text and a ``helpUri`` to their section of docs/ci.md. Only new
violations are results; baselined ones are known debt.

GitHub rejects an upload over its limits, so the renderer keeps under them: at most
``MAX_RESULTS`` results (errors first; the rest are counted in the run's properties), rule names
of at most 255 and descriptions of at most 1024 characters, default levels ``note``,
``warning`` or ``error`` only.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from urllib.parse import quote

from reports.safe import dump_json

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/" \
               "sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000  # per run; code scanning rejects a file with more
NAME_CHARS, DESCRIPTION_CHARS = 255, 1024
_LEVELS = {"error": "error", "warn": "warning"}
_SEVERITY_ORDER = {"error": 0, "warn": 1}


def _root_uri(root: str) -> str:
    path = PurePosixPath(root.replace("\\", "/"))
    uri = path.as_uri() if path.is_absolute() else quote(str(path))
    return uri if uri.endswith("/") else uri + "/"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _inside(path: str, root: str) -> str | None:
    """``path`` (absolute) relative to ``root``, posix; None when it lies outside."""
    rel = posixpath.relpath(path.replace("\\", "/"), root.replace("\\", "/"))
    return None if rel == ".." or rel.startswith("../") else rel


class RepoPaths:
    """Turns the document's root-relative paths into URIs relative to the source root."""

    def __init__(self, document: dict) -> None:
        root = document["root"]
        source_root = document.get("source_root") or root
        self.prefix = _inside(root, source_root) or "."
        config = document.get("config_file")
        first = document.get("first_file")
        # where a project-wide finding is shown: the settings file, if the repository has it
        self.fallback: tuple[str | None, int | None] = (None, None)
        if config and _inside(config, source_root):
            self.fallback = (_inside(config, source_root), 1)
        elif first:
            self.fallback = (self.uri(first), 1)

    def uri(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.prefix, path))

    def of(self, violation: dict) -> tuple[str | None, int | None]:
        """Where ``violation`` is, relative to the source root: its own file and line, else
        (a project-wide finding) the configuration file or the analysed root's first file."""
        if violation["path"]:
            return self.uri(violation["path"]), violation["line"] or 1
        return self.fallback


def _rule(rule: dict) -> dict:
    help_text = rule["guidance"]
    out = {
        "id": rule["id"],
        "name": _cut("".join(w.capitalize() for w in rule["id"].replace("/", "-").split("-")
                             if w), NAME_CHARS),
        "shortDescription": {"text": _cut(rule["title"], DESCRIPTION_CHARS)},
        "fullDescription": {"text": _cut(rule["description"], DESCRIPTION_CHARS)},
        "help": {"text": help_text, "markdown": f"**What to do:** {help_text}"},
        # a rule that is off reports nothing; "note" is the lowest level code scanning takes
        "defaultConfiguration": {"enabled": rule["severity"] != "off",
                                 "level": _LEVELS.get(rule["severity"], "note")},
        "properties": {"kind": rule["kind"]},
    }
    if rule.get("help_uri"):
        out["helpUri"] = rule["help_uri"]
    return out


def _result(v: dict, index: dict[str, int], places: RepoPaths) -> dict:
    result = {
        "ruleId": v["rule"],
        "ruleIndex": index[v["rule"]],
        "level": _LEVELS[v["severity"]],
        "message": {"text": v["message"]},
        "partialFingerprints": {"advisorKey/v1": f"{v['rule']}|{v['key']}"},
        "baselineState": "new",
    }
    uri, line = places.of(v)
    if uri:
        result["locations"] = [{"physicalLocation": {
            "artifactLocation": {"uri": quote(uri), "uriBaseId": SRCROOT},
            "region": {"startLine": line}}}]
    return result


class SarifFormat:
    name = "sarif"

    def sarif(self, document: dict) -> dict:
        rules = document["rules"]
        index = {r["id"]: i for i, r in enumerate(rules)}
        places = RepoPaths(document)
        new = [v for v in document["violations"] if v["status"] == "new"]
        kept = sorted(new, key=lambda v: _SEVERITY_ORDER[v["severity"]])[:MAX_RESULTS]
        kept_ids = {id(v) for v in kept}
        results = [_result(v, index, places) for v in new if id(v) in kept_ids]
        properties: dict = {"passed": document["passed"], "metrics": document["metrics"]}
        if len(new) > len(kept):
            properties["omitted_results"] = len(new) - len(kept)
        tool = document["tool"]
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": tool["name"],
                    "version": tool["version"],
                    **({"informationUri": tool["url"]} if tool.get("url") else {}),
                    "rules": [_rule(r) for r in rules],
                }},
                "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(
                    document.get("source_root") or document["root"])}},
                "invocations": [{"executionSuccessful": True}],
                "results": results,
                "properties": properties,
            }],
        }

    def format(self, document: dict) -> str:
        return dump_json(self.sarif(document))
