"""``printable``: text from the analysed tree made safe for one terminal or log line."""

from __future__ import annotations

import pytest

from reports.terminal import printable


@pytest.mark.parametrize("raw, shown", [
    ("a\n::warning file=x::pwned", "a\\n::warning file=x::pwned"),
    ("red\x1b[31mtext", "red\\x1b[31mtext"),
    ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
    ("back\rover", "back\\rover"),
    ("tab\there", "tab\\there"),
    ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
    ("evil\u202egnp.py", "evil\\u202egnp.py"),
    ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
    ("line\u2028sep\u2029para\x85", "line\\u2028sep\\u2029para\\x85"),
    ("undecodable \udcff", "undecodable \\udcff"),
])
def test_controls_line_breaks_and_bidi_are_escaped_visibly(raw, shown):
    assert printable(raw) == shown
    assert len(printable(raw).splitlines()) == 1


@pytest.mark.parametrize("text", ["shop.orders", "app/views.py: syntax error at line 3",
                                  "café/模块.py", "emoji 😀 and a\u00a0no-break space",
                                  "back\\slash", ""])
def test_ordinary_text_is_left_as_it_is(text):
    assert printable(text) == text
