"""Output formats of ``advisor check``: one formatter per format, chosen by name.

Every formatter renders the gate *document* (``GateResult.to_document()``, a plain dict) to
text; none imports advisor or analyzers. Paths in the document are relative to the analysed
root; text and GitHub output prepend the document's ``path_prefix`` (where that root sits
relative to the working directory) so editors and GitHub can open the file.

Names, paths and messages come from the analysed repository: in text output every line passes
through ``printable`` (control characters, line breaks and bidi controls shown as escapes), and a
line that would still read as a GitHub Actions workflow command (``::`` or ``##[`` at its start)
has that first character escaped too; JSON output never holds a bare ``NaN`` or ``Infinity``.
"""

from __future__ import annotations

from typing import Protocol

from reports.gate_junit import JunitFormat
from reports.gate_sarif import RepoPaths, SarifFormat
from reports.safe import dump_json, safe_line
from reports.terminal import printable


class GateFormat(Protocol):
    name: str

    def format(self, document: dict) -> str: ...


def display_path(document: dict, path: str | None) -> str | None:
    if path is None:
        return None
    prefix = document.get("path_prefix") or ""
    return f"{prefix.rstrip('/')}/{path}" if prefix and prefix != "." else path


def _label(severity: str) -> str:
    return "warning" if severity == "warn" else "error"


def _new(document: dict) -> list[dict]:
    return [v for v in document["violations"] if v["status"] == "new"]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def summary_line(document: dict) -> str:
    s = document["summary"]
    verdict = "passed" if document["passed"] else "FAILED"
    text = f"advisor check {verdict}: {_plural(s['errors'], 'error')}, " \
           f"{_plural(s['warnings'], 'warning')}"
    if s["baselined"]:
        text += f" ({s['baselined']} known in the baseline)"
    return text


class TextFormat:
    """Grouped by rule; each violation starts with ``path:line:`` so editors can jump to it."""

    name = "text"

    def format(self, document: dict) -> str:
        out: list[str] = []
        new = _new(document)
        for rule in document["rules"]:
            found = [v for v in new if v["rule"] == rule["id"]]
            if not found:
                continue
            out.append(f"{rule['id']} [{_label(rule['severity'])}] {rule['title']}")
            for v in found:
                where = display_path(document, v["path"])
                place = f"{where}:{v['line']}" if where and v["line"] else (where or "(project)")
                out.append(f"{place}: {_label(v['severity'])}: {v['message']}")
            out.append(f"  guidance: {found[0]['guidance']}")
            out.append("")
        baseline = document["baseline"]
        known = document["summary"]["baselined"]
        if baseline["path"] and known:
            out.append(f"baseline {baseline['path']}: {_plural(known, 'known violation')} "
                       "not shown")
        if baseline["stale"]:
            out.append(f"{_plural(len(baseline['stale']), 'baseline entry', 'baseline entries')}"
                       " no longer found (fixed, or the rule is gone); "
                       "'advisor check --update-baseline' removes them:")
            out += [f"  {s['rule']}: {s['key']}" for s in baseline["stale"]]
        for i in baseline["improvements"]:
            subject = "" if i["subject"] == "project" else f" {i['subject']}"
            out.append(f"improved: {i['rule']}{subject} {i['before']:g} -> {i['after']:g}")
        out += [f"note: {n}" for n in document["notes"]]
        out.append(summary_line(document))
        return "\n".join(safe_line(line) for line in out) + "\n"


class JsonFormat:
    """The gate document itself (schema in docs/ci.md)."""

    name = "json"

    def format(self, document: dict) -> str:
        return dump_json(document)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


ANNOTATIONS_PER_LEVEL = 10  # GitHub shows 10 error and 10 warning annotations per step


class GithubFormat:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per new
    violation, escaped as the Actions toolkit does; at most ``ANNOTATIONS_PER_LEVEL`` of each
    level (GitHub drops the rest), then a notice saying how many more and where they are.

    GitHub reads an annotation's file relative to the checkout: when the analysed folder lies
    inside a git repository, paths are relative to that repository's root (right whatever the
    step's working directory), else relative to the working directory."""

    name = "github"

    def format(self, document: dict) -> str:
        titles = {r["id"]: r["title"] for r in document["rules"]}
        in_repository = document.get("source_root", document["root"]) != document["root"]
        paths = RepoPaths(document) if in_repository else None
        out = []
        shown = {"error": 0, "warning": 0}
        hidden = {"error": 0, "warning": 0}
        for v in _new(document):
            level = _label(v["severity"])
            if shown[level] == ANNOTATIONS_PER_LEVEL:
                hidden[level] += 1
                continue
            shown[level] += 1
            path = paths.uri(v["path"]) if paths and v["path"] else \
                display_path(document, v["path"])
            out.append(self._annotation(v, level, titles, path))
        if any(hidden.values()):
            more = " and ".join(_plural(n, f"more {level}") for level, n in hidden.items() if n)
            out.append(f"::notice title=advisor check::{more} not shown as annotations "
                       f"(GitHub shows {ANNOTATIONS_PER_LEVEL} of each per step): see the job "
                       "summary, the SARIF upload in code scanning, or 'advisor check "
                       "--format text'")
        out.append(summary_line(document))
        return "\n".join(out) + "\n"

    @staticmethod
    def _annotation(v: dict, level: str, titles: dict[str, str], path: str | None) -> str:
        props = []
        if path:
            props.append(f"file={_escape_property(printable(path))}")
            if v["line"]:
                props.append(f"line={v['line']}")
        title = printable(titles.get(v["rule"], v["rule"]))
        props.append(f"title={_escape_property(title)} "
                     f"[{_escape_property(printable(v['rule']))}]")
        # one annotation: its two lines are joined by an escaped newline (%0A); any line
        # break inside a name or message is shown as an escape instead
        message = f"{printable(v['message'])}\nGuidance: {printable(v['guidance'])}"
        return f"::{level} {','.join(props)}::{_escape_data(message)}"


FORMATS: dict[str, GateFormat] = {
    f.name: f for f in (TextFormat(), JsonFormat(), SarifFormat(), JunitFormat(), GithubFormat())
}
FORMAT_NAMES = tuple(FORMATS)


def format_gate(name: str, document: dict) -> str:
    return FORMATS[name].format(document)
