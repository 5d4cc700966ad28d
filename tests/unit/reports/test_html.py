"""report.html: one self-contained file, a strict CSP, every section, payloads as text."""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import re
from html.parser import HTMLParser

import jinja2
import markupsafe
import pytest

from reports import html as report_html
from reports.html import content_security_policy, render_html
from tests.unit.reports.documents import (
    HOSTILE_BILLING,
    HOSTILE_ROOT,
    IMG,
    NAMES,
    PAYLOADS,
    QUOTES,
    SCRIPT,
)
from tests.unit.reports.test_diagrams import FakeRenderer

SECTION_IDS = ("summary", "context-map", "contexts", "readiness", "plan", "cycles", "packages",
               "dsm", "notes", "glossary")


def render(document, **kw):
    kw.setdefault("renderer", None)
    return render_html(document, **kw)


@pytest.mark.parametrize("name", [*NAMES, "nothing"])
def test_every_section_is_present_for_every_document(documents, name):
    page = render({"schema_version": "1.0"} if name == "nothing" else documents[name])
    for section in SECTION_IDS:
        assert f'<section id="{section}"' in page, section
    assert page.count('id="verdict"') == 1


def test_csp_allows_only_inline_style_data_images_and_the_hashed_script(documents):
    page = render(documents["marketplace"])
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp is not None
    policy = htmllib.unescape(csp.group(1))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert policy == ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                      f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")
    assert policy == content_security_policy(scripts[0])


@pytest.mark.parametrize("name", NAMES)
def test_nothing_is_loaded_from_anywhere(documents, name):
    page = render(documents[name], renderer=FakeRenderer())
    assert not re.search(r"<(link|iframe|object|embed|img|audio|video|source|base)\b", page)
    assert not re.search(r"\s(src|srcset|href|action|formaction|xlink:href)=\"(?!#)", page)
    assert "@import" not in page and "url(" not in page
    assert not re.search(r"<script[^>]*\ssrc=", page)


def test_svg_diagrams_are_inlined_when_graphviz_works(documents):
    doc = documents["marketplace"]
    page = render(doc, renderer=FakeRenderer())
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1 + len(doc["contexts"]) > 2
    assert "DOT source" not in page


def test_without_graphviz_the_report_shows_the_dot_source_and_why(documents):
    page = render(documents["marketplace"], renderer=None)
    assert "<details class=\"dot-source\">" in page and "digraph G {" in page
    assert "no Graphviz found" in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_appears_escaped_never_as_markup(documents, payload):
    page = render(documents["hostile"], renderer=FakeRenderer())
    assert payload not in page
    assert str(markupsafe.escape(payload)) in page
    assert page.count("<script") == 1  # the report's own
    assert not [a for a in attributes(page) if a.startswith("on")]  # no event handler anywhere


def attributes(page: str) -> list[str]:
    """The name of every attribute of every element of ``page``, as a browser parses it."""
    names: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.extend(name for name, _ in attrs)

    Collector().feed(page)
    return names


def test_the_attribute_check_sees_an_event_handler():
    assert attributes('<p title="x onerror=1">a</p><img src=x onerror=alert(1)>') == [
        "title", "src", "onerror"]


def test_hostile_text_in_diagrams_and_dot_source_is_escaped(documents):
    page = render(documents["hostile"], renderer=None)  # DOT source shown in <pre>
    assert SCRIPT not in page and IMG not in page
    assert "billing&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert str(markupsafe.escape(QUOTES)) in page


def test_hostile_text_survives_in_every_place_the_tree_put_it(documents):
    """Each name the hostile tree supplies, as the page shows it (unescaped back)."""
    page = htmllib.unescape(render(documents["hostile"], renderer=None))
    for where in (f"/{HOSTILE_ROOT}",  # target.root
                  f"shop/{IMG}.py",  # a skipped file
                  f"shop.{IMG}",  # a package (metrics, DSM) and its modules
                  f"shop.orders.{QUOTES}",  # a module
                  IMG, HOSTILE_BILLING,  # context names: map, cards, candidates, plan
                  f"{SCRIPT} (Order)", f"t{QUOTES} (Line)",  # tables on a card
                  f"@shop/{SCRIPT}", f"@{QUOTES}",  # owners from CODEOWNERS
                  f".github/workflows/{IMG}.yml",  # evidence of a checklist item
                  f"heaviest: {HOSTILE_BILLING} -> {IMG}",  # a plan step
                  f"({IMG}, {HOSTILE_BILLING})"):  # the summary names the contexts
        assert where in page, where


def test_the_date_is_shown_only_when_given(documents):
    doc = documents["marketplace"]
    assert "generated 2026-11-25 09:00 UTC" in render(doc, generated_at="2026-11-25 09:00 UTC")
    assert not re.search(r"generated \d{4}-", render(doc))


def test_tool_version_and_commit_are_stated(documents):
    doc = documents["marketplace"]
    page = render(doc)
    assert f"monolith-advisor {doc['tool']['version']}" in page
    assert len(doc["target"]["commit"]) == 40 and doc["target"]["commit"] in page
    assert "commit unknown" in render(documents["empty"])  # read with --no-git


@pytest.mark.parametrize("name", NAMES)
def test_output_is_deterministic(documents, name):
    assert render(documents[name], renderer=FakeRenderer()) == render(
        documents[name], renderer=FakeRenderer())


def test_templates_use_strict_undefined():
    env = report_html.environment()
    assert env.undefined is jinja2.StrictUndefined and env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ view.nothing }}").render(view={})


def test_a_script_that_could_close_its_element_is_refused(documents, monkeypatch):
    monkeypatch.setattr(report_html, "static", lambda name: "x = '</script>';"
                        if name == "report.js" else "")
    with pytest.raises(ValueError, match="must not contain"):
        render(documents["marketplace"])
