"""The SVG sanitiser: only shapes, text and titles survive, every value re-escaped."""

from __future__ import annotations

import pytest

from reports.svg import UnsafeSvg, sanitize_svg

HOSTILE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- n0 -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="100pt" height="50pt" viewBox="0 0 100 50" onload="alert(1)">
<script>alert(2)</script>
<style>* { background: url(http://evil.example/x) }</style>
<g id="graph0" class="graph" transform="scale(1 1)">
<title>G</title>
<g id="node1" class="node"><title>n0</title>
<a xlink:href="javascript:alert(3)"><text x="1" y="2">inside a link</text></a>
<ellipse fill="url(http://evil.example/#p)" stroke="black" cx="1" cy="2" rx="3" ry="4"
         onclick="alert(4)" style="fill:red"/>
<text xml:space="preserve" text-anchor="middle" x="1" y="2" font-family="Helvetica,sans-serif"
      font-size="14.00">&lt;img src=x onerror=alert(1)&gt;</text>
</g>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
<image href="http://evil.example/i.png"/>
<use href="#node1"/>
<g class="edge"><title>n0&#45;&gt;n1</title><path fill="none" stroke="black" d="M1,2C3,4 5,6 7,8"/>
<polygon fill="black" stroke="black" points="1,2 3,4 5,6"/></g>
</g>
</svg>"""


def test_only_allowed_elements_and_attributes_survive():
    out = sanitize_svg(HOSTILE)
    for bad in ("<script", "alert(2)", "<style", "onload", "onclick", "<a ", "javascript:",
                "foreignObject", "<image", "<use", "url(", "evil.example", "style=", "<!--",
                "DOCTYPE", "<?xml", "id=\"graph0\"", "inside a link"):
        assert bad not in out, bad
    for good in ("<ellipse", "<path", "<polygon", 'font-family="Helvetica,sans-serif"',
                 'viewBox="0 0 100 50"', 'stroke="black"', 'xml:space="preserve"'):
        assert good in out, good
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_text_comes_out_escaped():
    out = sanitize_svg(HOSTILE)
    assert "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out


def test_titles_are_replaced_by_the_real_names_escaped():
    out = sanitize_svg(HOSTILE, {"n0": "</script><b>x</b>", "n0->n1": 'a "→" b'})
    assert "<title>&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;</title>" in out
    assert '<title>a "→" b</title>' in out
    assert "<title>G</title>" in out  # no mapping: kept


def test_class_and_role_mark_the_inlined_picture():
    out = sanitize_svg(HOSTILE, css_class="diagram")
    assert 'class="diagram"' in out and 'role="img"' in out


@pytest.mark.parametrize("text", ["<svg><g></svg>", "not xml", "<html><body/></html>", ""])
def test_malformed_or_foreign_documents_are_refused(text):
    with pytest.raises(UnsafeSvg):
        sanitize_svg(text)
