"""Rendering the assessment document to its output formats, and writing files atomically.

No printing here (only ``advisor/cli.py`` prints): these return text or write files.
"""

from __future__ import annotations

import os
import tempfile
import time

REPORT_FORMATS = {"html": ".html", "markdown": ".md", "json": ".json"}


def generated_at() -> str | None:
    """The date a report states; None (no date) for reproducible and golden output."""
    if os.environ.get("SOURCE_DATE_EPOCH") or os.environ.get("ADVISOR_GOLDEN") == "1":
        return None
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def render_outputs(document: dict, formats: tuple[str, ...]) -> dict[str, str]:
    """``document`` rendered in each of ``formats`` (html, markdown, json)."""
    from reports.html import render_html
    from reports.markdown import render_json, render_markdown

    rendered = {}
    for fmt in formats:
        if fmt == "html":
            rendered[fmt] = render_html(document, generated_at=generated_at())
        elif fmt == "markdown":
            rendered[fmt] = render_markdown(document, generated_at=generated_at())
        else:
            rendered[fmt] = render_json(document)
    return rendered


def write_atomic(path: str, text: str) -> None:
    """Write via a temp file in the same folder and rename: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".advisor-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is for others to read
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
