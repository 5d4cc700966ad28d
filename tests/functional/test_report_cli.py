"""`advisor report` and the reports `advisor analyze` writes, through the real CLI."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.functional.cli import advisor
from tests.unit.reports.documents import IMG, SCRIPT, real_documents

GOLDEN = {"ADVISOR_GOLDEN": "1"}


@pytest.fixture(scope="session")
def documents(tmp_path_factory):
    """The documents the real CLI writes for the samples (tests/unit/reports/documents.py)."""
    return real_documents(tmp_path_factory)


@pytest.fixture
def assessment(documents, tmp_path):
    """What ``advisor analyze`` wrote for the marketplace sample (extract a service)."""
    return shutil.copy(documents.path("marketplace"), tmp_path / "assessment.json")


@pytest.fixture
def no_date_env(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("ADVISOR_GOLDEN", raising=False)


def test_report_renders_html_by_default(assessment, tmp_path):
    out = tmp_path / "out.html"
    run = advisor("report", assessment, "-o", out, env=GOLDEN)
    assert run.code == 0, run.err
    assert run.out == f"report: {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "Extract a service" in page


def test_format_follows_the_output_extension(assessment, tmp_path):
    run = advisor("report", assessment, "-o", tmp_path / "summary.md", env=GOLDEN)
    assert run.code == 0, run.err
    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert text.startswith("## Monolith assessment: Extract a service")
    run = advisor("report", assessment, "-o", tmp_path / "copy.json", env=GOLDEN)
    assert run.code == 0, run.err
    assert json.loads((tmp_path / "copy.json").read_text(encoding="utf-8")) == json.loads(
        assessment.read_text(encoding="utf-8"))


def test_markdown_to_stdout_and_default_file_names(assessment, tmp_path):
    run = advisor("report", assessment, "--format", "markdown", "-o", "-", env=GOLDEN)
    assert run.code == 0, run.err
    assert run.out.startswith("## Monolith assessment") and "report:" not in run.out
    run = advisor("report", assessment, "--format", "markdown", cwd=tmp_path, env=GOLDEN)
    assert run.code == 0, run.err
    assert (tmp_path / "report.md").exists()


def test_the_date_is_stated_unless_golden_or_reproducible(assessment, tmp_path, no_date_env):
    out = tmp_path / "dated.html"
    assert advisor("report", assessment, "-o", out).code == 0
    assert re.search(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", out.read_text("utf-8"))
    for env in (GOLDEN, {"SOURCE_DATE_EPOCH": "1700000000"}):
        for fmt, name in (("html", "r.html"), ("markdown", "r.md")):
            assert advisor("report", assessment, "--format", fmt, "-o", tmp_path / name,
                           env=env).code == 0
            text = (tmp_path / name).read_text("utf-8")
            assert not re.search(r"generated \d{4}-", text) and "UTC" not in text


def test_hostile_document_renders_as_text_in_every_format(documents, tmp_path):
    source = documents.path("hostile")
    assert SCRIPT in source.read_text(encoding="utf-8")  # the tree put it in the document
    for name in ("h.html", "h.md"):
        run = advisor("report", source, "-o", tmp_path / name, env=GOLDEN)
        assert run.code == 0, run.err
        text = (tmp_path / name).read_text("utf-8")
        assert SCRIPT not in text and IMG not in text


@pytest.mark.parametrize("content, message", [
    ("not json", "not a readable assessment document"),
    ("[1, 2]", "no schema_version"),
    ('{"schema_version": "2.0"}', "schema version 2.0 is not supported"),
    ('{"schema_version": "1.0"}', "bad.json: tool: missing (a required field)"),
])
def test_bad_input_is_a_usage_error(tmp_path, content, message):
    source = tmp_path / "bad.json"
    source.write_text(content, encoding="utf-8")
    run = advisor("report", source, "-o", tmp_path / "x.html")
    assert run.code == 2 and message in run.err
    assert not (tmp_path / "x.html").exists()


def test_unknown_format_is_a_usage_error(assessment):
    run = advisor("report", assessment, "--format", "pdf")
    assert run.code == 2 and "pdf" in run.err


def test_analyze_writes_html_and_markdown_that_report_re_renders_identically(tree, tmp_path):
    root = tree({"shop/__init__.py": "",
                 "shop/orders.py": f'"""{SCRIPT}"""\nfrom shop import billing\n',
                 "shop/billing.py": f"NAME = {IMG!r}\nimport shop.orders\n"})
    out = tmp_path / "out"
    run = advisor("analyze", root, "-o", out, "-q", "--no-cache", "-j", "1", env=GOLDEN)
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir() if p.suffix in (".html", ".md", ".json")) == [
        "assessment.json", "report.html", "report.md"]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".advisor-")]
    page = (out / "report.html").read_text("utf-8")
    assert "shop.billing" in page and "Cycles" in page
    for fmt, name in (("html", "report.html"), ("markdown", "report.md")):
        again = tmp_path / f"again-{name}"
        assert advisor("report", out / "assessment.json", "--format", fmt, "-o", again,
                       env=GOLDEN).code == 0
        assert again.read_bytes() == (out / name).read_bytes(), name


def django_document(django_root, cache_dir) -> dict:
    from advisor.analysis import analyze_path
    from advisor.assessment import build_assessment

    analysis = analyze_path(str(django_root), use_cache=False, cache_dir=str(cache_dir),
                            repository_facts=True, use_git=False)
    return build_assessment(analysis)


@pytest.mark.corpus
def test_django_report_renders_under_5_mb(django_root, tmp_path):
    """The render time target (< 30 s) is measured by benchmarks/bench_report.py, not here."""
    from reports.html import render_html
    from reports.markdown import render_markdown

    document = django_document(django_root, tmp_path / "cache")
    page = render_html(document)
    assert len(page.encode("utf-8")) < 5_000_000
    assert page.count("<script") == 1 and 'id="verdict"' in page
    assert render_markdown(document).startswith("## Monolith assessment")
