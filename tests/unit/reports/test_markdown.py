"""The Markdown summary: golden files for the documents the real CLI writes (documents.py),
and escaping of hostile text.

The golden files follow the analysis too: a change to what ``advisor analyze`` writes for the
samples changes them. Update them after an intended change with ADVISOR_UPDATE_GOLDEN=1 and
review the diff. They hold no date and no path of the test's machine (``target.root`` is not
in the summary; checked below).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reports.markdown import md_code, md_text, render_json, render_markdown
from tests.unit.reports.documents import IMG, NAMES, PAYLOADS, SCRIPT, variant

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", NAMES)
def test_markdown_matches_the_golden_file(documents, name):
    text = render_markdown(documents[name])
    assert str(documents.base) not in text and "/tmp" not in text  # nothing of this machine
    golden = GOLDEN / f"summary-{name}.md"
    if os.environ.get("ADVISOR_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_document():
    assert sorted(p.name for p in GOLDEN.glob("*.md")) == sorted(f"summary-{n}.md"
                                                                 for n in NAMES)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_never_reach_the_markdown_as_markup(documents, payload):
    doc = documents["hostile"]
    assert payload in json.dumps(doc, ensure_ascii=False)  # the tree put it in the document
    text = render_markdown(doc)
    assert payload not in text
    assert set(re.findall(r"<[^>]*>", text)) == {"<sub>", "</sub>", "<code>", "</code>"}


def test_a_date_is_added_only_when_given(documents):
    doc = documents["marketplace"]
    assert "2026-11-25" in render_markdown(doc, generated_at="2026-11-25 09:00 UTC")
    assert "2026-11-25" not in render_markdown(doc)


def test_gaps_are_listed_worst_first_and_capped_and_forces_apart(documents):
    def fifteen_low(d):  # the first 15 items score 0.00 to 0.14; the others 1.0
        for n, item in enumerate(d["readiness"]["items"]):
            score = n / 100 if n < 15 else 1.0
            force = item["group"] == "forces" or item["id"] == "org.teams"
            item.update(status="measured", score=score,
                        argues=("stay" if score < 0.5 else "extract") if force
                        else ("gap" if score < 0.5 else "ready"))

    doc = variant(documents["marketplace"], fifteen_low)
    items = doc["readiness"]["items"][:15]
    gaps = [i["title"] for i in items if i["argues"] == "gap"]
    text = render_markdown(doc)
    block = text.split("Gaps to close", 1)[1].split("\n\n", 2)[1]
    listed = re.findall(r"^- \*\*(.+?)\*\* \(", block, re.MULTILINE)
    assert listed == [md_text(t) for t in gaps[:8]]
    assert f"- …and {len(gaps) - 8} more" in block
    staying = [i["title"] for i in items if i["argues"] == "stay"]
    assert staying and all(f"**{md_text(t)}**" not in block for t in staying)
    assert all(f"**{md_text(t)}**" in text.split("Forces for staying", 1)[1] for t in staying)


@pytest.mark.parametrize("text, expected", [
    ("plain words", "plain words"),
    ("a <b> & c", "a &lt;b&gt; &amp; c"),
    ("*em* _u_ [l](x) `c` | ! #", "\\*em\\* \\_u\\_ \\[l\\](x) \\`c\\` \\| ! \\#"),
    ("![img](x) and (parens)", "!\\[img\\](x) and (parens)"),
    ("- not a list", "\\- not a list"),
    ("1. not a list", "1\\. not a list"),
    ("two\nlines", "two lines"),
])
def test_md_text(text, expected):
    assert md_text(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("a.b", "<code>a.b</code>"),
    ("has `tick`", "<code>has \\`tick\\`</code>"),
    ("a|b", "<code>a\\|b</code>"),
    (SCRIPT, "<code>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>"),
])
def test_md_code(text, expected):
    assert md_code(text) == expected


def test_json_format_is_the_document_itself(documents):
    doc = documents["hostile"]
    text = render_json(doc)
    assert json.loads(text) == doc and IMG in text and text.endswith("\n")
