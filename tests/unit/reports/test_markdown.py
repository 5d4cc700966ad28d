"""The Markdown summary: golden files for fixed documents, and escaping of hostile text.

Update the golden files after an intended change with ADVISOR_UPDATE_GOLDEN=1 and review the
diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reports.markdown import md_code, md_text, render_json, render_markdown
from tests.unit.reports.documents import (
    IMG,
    PAYLOADS,
    SCRIPT,
    empty_document,
    full_document,
    hostile_document,
    modularize_document,
)

GOLDEN = Path(__file__).parent / "golden"
DOCUMENTS = {"full": full_document, "empty": empty_document, "hostile": hostile_document,
             "modularize": modularize_document}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_markdown_matches_the_golden_file(name):
    text = render_markdown(DOCUMENTS[name]())
    golden = GOLDEN / f"summary-{name}.md"
    if os.environ.get("ADVISOR_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_never_reach_the_markdown_as_markup(payload):
    text = render_markdown(hostile_document())
    assert payload not in text
    assert set(re.findall(r"<[^>]*>", text)) == {"<sub>", "</sub>", "<code>", "</code>"}


def test_a_date_is_added_only_when_given():
    assert "2026-11-25" in render_markdown(full_document(), generated_at="2026-11-25 09:00 UTC")
    assert "2026" not in render_markdown(full_document())


def test_failing_items_are_listed_worst_first_and_capped():
    doc = full_document()
    doc["readiness"]["items"] = [{"id": f"i{n}", "title": f"Item {n}", "weight": 1,
                                  "score": n / 100, "advice": "fix"} for n in range(15)]
    text = render_markdown(doc)
    listed = re.findall(r"^- \*\*Item (\d+)\*\*", text, re.MULTILINE)
    assert listed == [str(n) for n in range(10)] and "- …and 5 more" in text


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


def test_json_format_is_the_document_itself():
    doc = hostile_document()
    text = render_json(doc)
    assert json.loads(text) == doc and IMG in text and text.endswith("\n")
