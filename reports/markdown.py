"""A short Markdown summary of the assessment, for pull-request comments and chat.

Verdict, rationale, readiness score and the failing checklist items, the top candidates and the
cycle count; the HTML report holds the rest. Every value from the document passes through
``md_text`` (HTML and Markdown syntax escaped) or ``md_code`` (the same, in a <code> element),
so names from the analysed code show as text on GitHub, GitLab and any CommonMark renderer, and
no raw markup from them is ever in the file. The same functions keep a name from pinging
anyone (a zero-width joiner after each ``@``: ``@team`` in a package name mentions nobody in a
pull-request comment) and from reordering the text (control and bidi characters are shown as
escapes, ``\\u202e``).
"""

from __future__ import annotations

import re

from reports import view
from reports.fields import as_dict, as_list, fmt_number, get, integer
from reports.safe import dump_json
from reports.terminal import printable

TOP_CANDIDATES = 5
FAILING_ITEMS = 10
# What can start markup in GitHub Markdown. Parentheses, braces and "!" make none without an
# (escaped) "[": leaving them plain keeps "context(s)" readable in the raw text of a comment.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~<>])")
_LINE_START = re.compile(r"^(\s*)(?:([+=-])|(\d+)\.(?=\s|$))")  # list items, setext


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


_NO_MENTION = "@\u200d"  # "@" + ZERO WIDTH JOINER: shown as "@", read as no @mention


def md_text(value: str) -> str:
    """Plain text: no HTML, links, emphasis, headings or @mentions survive; entities for & < >;
    control and bidi characters shown as escapes."""
    s = printable(_one_line(value)).replace("&", "&amp;").replace("@", _NO_MENTION)
    s = _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)),
                        s)
    return _LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2)
                                                   else f"{m.group(3)}\\."), s)


def md_code(value: str) -> str:
    """``value`` in code style, as text: an inline <code> element around escaped text.

    Not a backtick code span: a code span would carry the raw characters (``<script>``) into
    the file, where anything that is not a CommonMark renderer (a chat bot, a log, a naive
    converter) could take them for markup. Entities and backslash escapes keep the file free
    of raw markup while every renderer shows the original text; ``|`` is escaped too, so it
    is safe in table cells."""
    return f"<code>{md_text(value)}</code>"


def render_markdown(document: dict, generated_at: str | None = None) -> str:
    document = as_dict(document)
    s = view.summary(document)
    r = view.readiness(document)
    meta = view.meta(document, generated_at)
    lines = [f"## Monolith assessment: {md_text(s['label'])}", ""]
    head = [f"**Verdict:** {md_text(s['label'])}"
            + (f" ({md_code(s['verdict'])})" if s["verdict"] else "")]
    head.append(f"**Readiness:** {md_text(s['score_label'])}")
    if s["first"]:
        head.append(f"**Extract first:** {md_code(s['first'])}")
    else:
        head.append("**Extract first:** none" + (f" (best ranked for later: "
                                                  f"{md_code(s['top']['context'])})"
                                                  if s["top"] else ""))
    lines += [" · ".join(head), "", md_text(s["text"]), ""]
    if s["notes"]:
        lines += [f"> {md_text(n)}" for n in s["notes"]] + [""]

    candidates = view.candidates(document)
    lines.append("### Top candidates")
    lines.append("")
    if candidates:
        lines += ["| context | score | why |", "|---|---:|---|"]
        for c in candidates[:TOP_CANDIDATES]:
            why = "; ".join(md_text(x) for x in c["reasons"]) or "–"
            lines.append(f"| {md_code(c['context'])} | {md_text(c['score'])} | {why} |")
        if len(candidates) > TOP_CANDIDATES:
            lines.append(f"\n…and {len(candidates) - TOP_CANDIDATES} more in the report.")
    else:
        lines.append("No extraction candidates.")
    lines.append("")

    counts = r["counts"]
    lines.append(f"### Readiness: {md_text(s['score_label'])}")
    lines.append("")
    if r["all"]:
        lines.append(f"{counts['pass']} pass, {counts['partial']} partial, {counts['fail']} "
                     f"fail" + (f", {counts['no-data']} without data" if counts["no-data"] else "")
                     + ".")
        if r["failing"]:
            lines += ["", "Failing items:", ""]
            for item in r["failing"][:FAILING_ITEMS]:
                score = "–" if item["score"] is None else f"{item['score']:.2f}"
                entry = f"- **{md_text(item['title'])}** ({score})"
                if item["advice"]:
                    entry += f": {md_text(item['advice'])}"
                where = [e["where"] for e in item["evidence"] if e["where"]][:3]
                if where:
                    entry += " — " + ", ".join(md_code(w) for w in where)
                lines.append(entry)
            if len(r["failing"]) > FAILING_ITEMS:
                lines.append(f"- …and {len(r['failing']) - FAILING_ITEMS} more")
    else:
        lines.append("No readiness items in this assessment yet.")
    lines.append("")

    cycles = [c for c in as_list(get(document, "metrics", "cycles")) if len(as_list(c)) > 1]
    target = as_dict(document.get("target"))
    skipped = len(as_list(target.get("files_skipped")))
    lines.append("### Structure")
    lines.append("")
    lines.append(f"- {len(cycles)} import cycle{'s' if len(cycles) != 1 else ''}"
                 + (f" ({sum(len(as_list(c)) for c in cycles)} modules)" if cycles else ""))
    share = dict(s["facts"]).get("application lines in contexts")
    lines.append(f"- {len(as_list(document.get('contexts')))} contexts"
                 + (f", holding {md_text(share)} of the application lines" if share else ""))
    lines.append(f"- {fmt_number(integer(target.get('files_analyzed')))} files analysed, "
                 f"{fmt_number(integer(target.get('lines')))} lines; {skipped} skipped")
    lines.append("")
    footer = f"{md_text(meta['tool'])} {md_text(meta['version'])}"
    footer += f" · commit {md_code(meta['commit'])}" if meta["commit"] else " · commit unknown"
    if generated_at:
        footer += f" · {md_text(generated_at)}"
    lines.append(f"<sub>{footer} · details in report.html</sub>")
    return "\n".join(lines) + "\n"


def render_json(document: dict) -> str:
    """The document itself, as ``advisor analyze`` writes it (a non-finite number as null)."""
    return dump_json(document)
