"""A short Markdown summary of the assessment, for pull-request comments and chat.

Verdict, rationale, the plan that follows the verdict, what the checklist argues (gaps to close,
forces for staying one deployable or for extraction), the top candidates and the structure, in
under ``MAX_CHARS`` characters; the HTML report holds the rest. Evidence paths link to the
file at the analysed commit when the repository's web address is known.

Every value from the document passes through ``md_text`` (HTML and Markdown syntax escaped) or
``md_code`` (the same, in a <code> element), so names from the analysed code show as text on
GitHub, GitLab and any CommonMark renderer, and no raw markup from them is ever in the file.
The same functions keep a name from pinging anyone (a zero-width joiner after each ``@``:
``@team`` in a package name mentions nobody in a pull-request comment) and from reordering the
text (control and bidi characters are shown as escapes, ``\\u202e``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from reports import view
from reports.fields import as_dict, as_list, fmt_number, get, integer
from reports.safe import dump_json
from reports.terminal import printable

TOP_CANDIDATES = 5
GAP_ITEMS = 8
PLAN_STEPS = 6
EVIDENCE_LINKS = 3
SUMMARY_CHARS, NOTE_CHARS, STEP_CHARS, REASON_CHARS = 1200, 300, 420, 160
MAX_CHARS = 10_000  # a pull-request comment stays readable (and under the hosts' limits)
_REPO_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~-]+){1,6}/?")
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


def evidence_link(where: str, repo_url: str | None, commit: str) -> str:
    """``path:line`` in code style, linked to the file at ``commit`` when the repository's web
    address is known (``https://host/owner/name``; anything else is not linked)."""
    if not repo_url or not where or not _REPO_URL.fullmatch(repo_url):
        return md_code(where)
    path, _, line = where.partition(":")
    anchor = f"#L{line}" if line.isdigit() else ""
    url = f"{repo_url.rstrip('/')}/blob/{quote(commit or 'HEAD', safe='')}/{quote(path)}{anchor}"
    return f"[{md_code(where)}]({url})"


def _cut(value: str, limit: int) -> str:
    value = _one_line(value)
    return value if len(value) <= limit else value[:limit - 1].rstrip() + "…"


def render_markdown(document: dict, generated_at: str | None = None,
                    repo_url: str | None = None) -> str:
    """The summary for a pull-request comment, under MAX_CHARS characters: verdict, the plan
    that follows it, what the checklist argues (gaps to close, forces for staying or for
    extraction) and the structure. Evidence paths link to the repository when ``repo_url`` is
    known."""
    document = as_dict(document)
    s = view.summary(document)
    r = view.readiness(document)
    meta = view.meta(document, generated_at)

    def entry(head: str, text: str, limit: int, evidence: list[dict]) -> str:
        """One list entry: its head, its text cut at ``limit``, links to its evidence."""
        where = [e["where"] for e in evidence if e["where"]][:EVIDENCE_LINKS]
        return (head + (f": {md_text(_cut(text, limit))}" if text else "")
                + (" — " + ", ".join(evidence_link(w, repo_url, meta["commit"]) for w in where)
                   if where else ""))

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
    lines += [" · ".join(head), "", md_text(_cut(s["text"], SUMMARY_CHARS)), ""]
    if s["notes"]:
        lines += [f"> {md_text(_cut(n['text'] + ' ' + n['rest'], NOTE_CHARS))}"
                  for n in s["notes"]] + [""]

    steps = view.plan(document)
    lines.append("### Plan")
    lines.append("")
    if steps:
        for i, step in enumerate(steps[:PLAN_STEPS], start=1):
            lines.append(entry(f"{i}. **{md_text(step['title'])}**", step["full"], STEP_CHARS,
                               step["evidence"]))
        if len(steps) > PLAN_STEPS:
            lines.append(f"\n…and {len(steps) - PLAN_STEPS} more steps in the report.")
    else:
        lines.append("No plan in this document.")
    lines.append("")

    candidates = view.candidates(document)
    lines.append("### Top candidates" if s["first"] else "### Best ranked for later")
    lines.append("")
    if candidates:
        lines += ["| context | score | why |", "|---|---:|---|"]
        for c in candidates[:TOP_CANDIDATES]:
            why = "; ".join(md_text(_cut(x, REASON_CHARS)) for x in c["reasons"][:3]) or "–"
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
        lines.append(f"{counts['pass']} ready, {counts['partial']} partial, {counts['fail']} "
                     f"{'gap' if counts['fail'] == 1 else 'gaps'}"
                     + (f"; forces: {counts['stay']} for staying one deployable, "
                        f"{counts['extract']} for extraction"
                        if counts["stay"] or counts["extract"] else "")
                     + (f"; {counts['no-data']} without data (left out of the score)"
                        if counts["no-data"] else "") + ".")
        gaps = r["failing"]
        if gaps:
            lines += ["", "Gaps to close before any extraction:" if not s["first"]
                      else "Gaps to close:", ""]
            for item in gaps[:GAP_ITEMS]:
                lines.append(entry(f"- **{md_text(item['title'])}** ({item['score_label']})",
                                   item["advice"], REASON_CHARS, item["evidence"]))
            if len(gaps) > GAP_ITEMS:
                lines.append(f"- …and {len(gaps) - GAP_ITEMS} more")
        for kind, heading in (("stay", "Forces for staying one deployable:"),
                              ("extract", "Forces for extraction:")):
            forces = [i for i in r["all"] if i["status"] == kind]
            if forces:
                lines += ["", heading, ""]
                lines += [f"- **{md_text(i['title'])}**: "
                          f"{md_text(_cut(i['summary'], REASON_CHARS))}" for i in forces]
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
    tail = f"<sub>{footer} · details in report.html</sub>"
    body = "\n".join(lines)
    if len(body) + len(tail) + 1 > MAX_CHARS:  # long names everywhere: keep the head whole
        cut = body[:MAX_CHARS - len(tail) - 80].rsplit("\n", 1)[0]
        body = cut + "\n\n…cut to stay under a comment's size; the rest is in report.html.\n"
    return body + "\n" + tail + "\n"


def render_json(document: dict) -> str:
    """The document itself, as ``advisor analyze`` writes it (a non-finite number as null)."""
    return dump_json(document)
