"""The report of a large real code base (django 6.1.3 from PyPI), in a real headless Chromium at
1400 px: the context map is readable (its text at least 11 px), no text leaves its box in any
diagram, the page never scrolls sideways, nothing is clipped in the print layout, and the
page logs no error. Plus the same document's Markdown summary stays under a comment's size.

The Chromium driver is the one of ``test_report_browser`` (DevTools protocol on a pipe).
"""

from __future__ import annotations

import json

import pytest

from tests.functional.cli import advisor
from tests.functional.test_report_browser import CHROMIUM, browser, keep_screenshot  # noqa: F401

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on PATH (install Debian's 'chromium' package; "
    ".ci/run does)")
WIDTH = 1400
MIN_LABEL_PX = 11.0

# Every <text> of every diagram node, with its size on screen and whether its box holds it.
_DIAGRAM_TEXT = """
(() => {
  const out = [];
  document.querySelectorAll('svg.diagram').forEach((svg, k) => {
    const map = !!svg.closest('#context-map');
    const view = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width
      ? svg.viewBox.baseVal.width : svg.getBBox().width;
    const scale = svg.getBoundingClientRect().width / view;
    svg.querySelectorAll('g.node').forEach(node => {
      const shape = node.querySelector('polygon, path, ellipse, rect');
      const s = shape ? shape.getBoundingClientRect() : null;
      node.querySelectorAll('text').forEach(t => {
        const r = t.getBoundingClientRect();
        const px = parseFloat(getComputedStyle(t).fontSize || t.getAttribute('font-size'))
          * scale;
        const inside = !s || (r.left >= s.left - 1 && r.right <= s.right + 1 &&
                              r.top >= s.top - 1 && r.bottom <= s.bottom + 1);
        out.push({diagram: k, map: map, text: t.textContent, px: px, inside: inside});
      });
    });
    svg.querySelectorAll('g.edge text').forEach(t => {
      const px = parseFloat(getComputedStyle(t).fontSize || t.getAttribute('font-size'))
        * scale;
      out.push({diagram: k, map: map, edge: true, text: t.textContent, px: px, inside: true});
    });
  });
  return out;
})()
"""
_NO_SIDEWAYS = ("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
# In the print layout: every diagram fits its frame, and no frame scrolls or hides a part.
_CLIPPED = """
(() => {
  const out = [];
  document.querySelectorAll('svg.diagram').forEach((svg, k) => {
    const box = svg.getBoundingClientRect();
    let el = svg.parentElement;
    while (el && el !== document.body) {
      const st = getComputedStyle(el);
      if (st.overflowX !== 'visible' || st.overflowY !== 'visible') {
        const r = el.getBoundingClientRect();
        if (box.right > r.right + 1 || box.bottom > r.bottom + 1 || box.left < r.left - 1 ||
            el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
          out.push(`diagram ${k} clipped by ${el.tagName}.${el.className}`);
        }
      }
      el = el.parentElement;
    }
  });
  return out;
})()
"""


@pytest.fixture(scope="module")
def django_report(django_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("django-report")
    run = advisor("analyze", django_root, "-o", out, "-q", "--no-git")
    assert run.code == 0, run.err
    return out


def test_a_large_report_reads_well_in_a_real_browser(  # noqa: F811 - the browser fixture
        browser, django_report, tmp_path):
    document = json.loads((django_report / "assessment.json").read_text(encoding="utf-8"))
    assert len(document["contexts"]) > 12  # large enough to need a summarised map
    b = browser()
    b.page("Emulation.setDeviceMetricsOverride", width=WIDTH, height=1000, deviceScaleFactor=1,
           mobile=False)
    b.open(django_report / "report.html")
    keep_screenshot(b.screenshot(tmp_path / "django-report.png"))
    assert b.problems() == []
    texts = b.evaluate(_DIAGRAM_TEXT)
    assert texts, "no diagram text found"
    map_texts = [t for t in texts if t["map"]]
    assert map_texts, "the context map was not drawn"
    small = [t for t in map_texts if t["px"] < MIN_LABEL_PX]
    assert small == [], f"map labels under {MIN_LABEL_PX} px: {small[:5]}"
    drawn = {t["text"] for t in map_texts if not t.get("edge")}
    assert len([t for t in drawn if not t.endswith(" lines")]) <= 12  # the top 12; the rest named
    outside = [t for t in texts if not t["inside"]]
    assert outside == [], f"text outside its box: {outside[:5]}"
    width, client = b.evaluate(_NO_SIDEWAYS)
    assert width <= client, f"the page scrolls sideways: {width} > {client}"

    b.page("Emulation.setEmulatedMedia", media="print")
    b.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert b.evaluate(_CLIPPED) == []
    assert b.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    pdf = b.page("Page.printToPDF", printBackground=True)["data"]
    assert len(pdf) > 10_000
    assert b.problems() == []


def test_the_markdown_summary_of_a_large_code_base_fits_a_comment(django_report):
    text = (django_report / "report.md").read_text(encoding="utf-8")
    assert len(text) < 10_000
    assert "### Plan" in text and "### Readiness" in text
