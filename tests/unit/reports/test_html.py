"""report.html: one self-contained file, a strict CSP, every section, payloads as text."""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import re

import jinja2
import markupsafe
import pytest

from reports import html as report_html
from reports.html import content_security_policy, render_html
from tests.unit.reports.documents import (
    IMG,
    PAYLOADS,
    QUOTES,
    SCRIPT,
    empty_document,
    full_document,
    hostile_document,
)
from tests.unit.reports.test_diagrams import FakeRenderer

SECTION_IDS = ("summary", "context-map", "contexts", "readiness", "plan", "cycles", "packages",
               "dsm", "notes", "glossary")


def render(document, **kw):
    kw.setdefault("renderer", None)
    return render_html(document, **kw)


def test_every_section_is_present_for_full_and_empty_documents():
    for document in (full_document(), empty_document(), {"schema_version": "1.0"}):
        page = render(document)
        for section in SECTION_IDS:
            assert f'<section id="{section}"' in page, section
        assert page.count('id="verdict"') == 1


def test_csp_allows_only_inline_style_data_images_and_the_hashed_script():
    page = render(full_document())
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp is not None
    policy = htmllib.unescape(csp.group(1))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert policy == ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                      f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")
    assert policy == content_security_policy(scripts[0])


def test_nothing_is_loaded_from_anywhere():
    page = render(full_document(), renderer=FakeRenderer())
    assert not re.search(r"<(link|iframe|object|embed|img|audio|video|source|base)\b", page)
    assert not re.search(r"\s(src|srcset|href|action|formaction|xlink:href)=\"(?!#)", page)
    assert "@import" not in page and "url(" not in page
    assert not re.search(r"<script[^>]*\ssrc=", page)


def test_svg_diagrams_are_inlined_when_graphviz_works():
    page = render(full_document(), renderer=FakeRenderer())
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4  # map + 3 contexts
    assert "DOT source" not in page


def test_without_graphviz_the_report_shows_the_dot_source_and_why():
    page = render(full_document(), renderer=None)
    assert "<details class=\"dot-source\">" in page and "digraph G {" in page
    assert "no Graphviz found" in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_appears_escaped_never_as_markup(payload):
    page = render(hostile_document(), renderer=FakeRenderer())
    assert payload not in page
    assert str(markupsafe.escape(payload)) in page
    assert page.count("<script") == 1  # the report's own
    assert not re.search(r"<[^>]*\son\w+\s*=", page)  # no event handler attribute anywhere


def test_hostile_text_in_diagrams_and_dot_source_is_escaped():
    page = render(hostile_document(), renderer=None)  # DOT source shown in <pre>
    assert SCRIPT not in page and IMG not in page
    assert "billing&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert str(markupsafe.escape(QUOTES)) in page


def test_hostile_text_survives_in_every_place_it_was_put():
    page = htmllib.unescape(render(hostile_document(), renderer=None))
    for where in (f"/src/{IMG}", f"{IMG}.py", f"bad {SCRIPT}", f"note {IMG}",
                  f"unresolved {SCRIPT}", f"billing{SCRIPT}", f"place{IMG}", f"t{QUOTES}",
                  f"CI {IMG}", f"ci/{SCRIPT}.yml:12", f"detail {IMG} {QUOTES}",
                  f"advice {SCRIPT}", f"Extract {SCRIPT} now {IMG}", f"step {IMG}",
                  f"extract{IMG}", f"shop.{SCRIPT}"):
        assert where in page, where


def test_the_date_is_shown_only_when_given():
    assert "generated 2026-11-25 09:00 UTC" in render(full_document(),
                                                      generated_at="2026-11-25 09:00 UTC")
    assert "generated" not in render(full_document())


def test_tool_version_and_commit_are_stated():
    page = render(full_document())
    assert "monolith-advisor 9.9.9" in page
    assert "0123456789abcdef0123456789abcdef01234567" in page
    assert "commit unknown" in render(empty_document())


def test_output_is_deterministic():
    assert render(full_document(), renderer=FakeRenderer()) == render(
        full_document(), renderer=FakeRenderer())


def test_templates_use_strict_undefined():
    env = report_html.environment()
    assert env.undefined is jinja2.StrictUndefined and env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ view.nothing }}").render(view={})


def test_a_script_that_could_close_its_element_is_refused(monkeypatch):
    monkeypatch.setattr(report_html, "static", lambda name: "x = '</script>';"
                        if name == "report.js" else "")
    with pytest.raises(ValueError, match="must not contain"):
        render(full_document())
