"""The Markdown job summary ``advisor check`` appends to ``$GITHUB_STEP_SUMMARY``.

GitHub shows only ten annotations of each kind per step; the summary is where the rest of the
run is visible: the verdict, new and known violations per rule, the first ``TOP_FINDINGS`` new
findings (errors first) and what changed against the baseline. Paths are relative to the
repository root, as in SARIF. Every name, path and message from the analysed tree goes
through ``md_text`` / ``md_code`` (reports/markdown.py): it shows as text, never as markup, a
link or an @mention.
"""

from __future__ import annotations

from reports.gate_sarif import RepoPaths
from reports.markdown import md_code, md_text

TOP_FINDINGS = 20
STALE_SHOWN = 10
MESSAGE_CHARS = 300
_LABEL = {"error": "error", "warn": "warning", "off": "off"}


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _cut(text: str, limit: int = MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _headline(document: dict) -> list[str]:
    s = document["summary"]
    verdict = "passed" if document["passed"] else "FAILED"
    counts = f"{_plural(s['errors'], 'new error')}, {_plural(s['warnings'], 'new warning')}"
    if s["baselined"]:
        counts += f"; {s['baselined']} known in the baseline"
    return [f"### advisor check {verdict}", "", f"**{counts}**", ""]


def _per_rule(document: dict) -> list[str]:
    new: dict[str, int] = {}
    known: dict[str, int] = {}
    for v in document["violations"]:
        tally = new if v["status"] == "new" else known
        tally[v["rule"]] = tally.get(v["rule"], 0) + 1
    rows = [r for r in document["rules"] if new.get(r["id"]) or known.get(r["id"])]
    if not rows:
        return ["No violation of any rule.", ""]
    out = ["| Rule | Severity | New | Known |", "|---|---|---:|---:|"]
    for r in rows:
        out.append(f"| {md_code(r['id'])} {md_text(r['title'])} | {_LABEL[r['severity']]} | "
                   f"{new.get(r['id'], 0)} | {known.get(r['id'], 0)} |")
    return out + [""]


def _findings(document: dict) -> list[str]:
    fresh = [v for v in document["violations"] if v["status"] == "new"]
    if not fresh:
        return []
    fresh.sort(key=lambda v: v["severity"] != "error")  # stable: errors first, in gate order
    paths = RepoPaths(document)
    out = ["#### New findings", "", "| Where | Rule | Finding |", "|---|---|---|"]
    for v in fresh[:TOP_FINDINGS]:
        where = "(project)"
        if v["path"]:
            uri, line = paths.of(v)
            where = md_code(f"{uri}:{line}")
        out.append(f"| {where} | {md_code(v['rule'])} {_LABEL[v['severity']]} | "
                   f"{md_text(_cut(v['message']))} |")
    out.append("")
    if len(fresh) > TOP_FINDINGS:
        out += [f"…and {len(fresh) - TOP_FINDINGS} more: the SARIF upload shows every one in "
                "code scanning, and `advisor check --format text` lists them.", ""]
    return out


def _baseline(document: dict) -> list[str]:
    baseline = document["baseline"]
    known = document["summary"]["baselined"]
    out = ["#### Baseline", ""]
    if not baseline["path"]:
        return out + ["No baseline: every violation counts as new. "
                      "`advisor baseline PATH` accepts the current state.", ""]
    out.append(f"- {md_code(baseline['path'])}: {_plural(known, 'known violation')} "
               "(not failing)")
    stale = baseline["stale"]
    if stale:
        out.append(f"- {_plural(len(stale), 'entry', 'entries')} no longer found (fixed, or "
                   "the rule is gone); `advisor check --update-baseline` removes them:")
        out += [f"  - {md_code(s['rule'])} {md_text(s['key'])}" for s in stale[:STALE_SHOWN]]
        if len(stale) > STALE_SHOWN:
            out.append(f"  - …and {len(stale) - STALE_SHOWN} more")
    for i in baseline["improvements"]:
        subject = "" if i["subject"] == "project" else f" {md_text(i['subject'])}"
        out.append(f"- improved: {md_code(i['rule'])}{subject} {i['before']:g} → "
                   f"{i['after']:g}")
    if not stale and not baseline["improvements"]:
        out.append("- nothing fixed or improved since the baseline")
    return out + [""]


def render_summary(document: dict) -> str:
    """The job summary of one ``advisor check`` run, as GitHub-flavoured Markdown."""
    out = _headline(document) + _per_rule(document) + _findings(document) + \
        _baseline(document)
    out += [f"> note: {md_text(n)}" for n in document["notes"]]
    return "\n".join(out).rstrip("\n") + "\n\n"
