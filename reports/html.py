"""One self-contained HTML file from an assessment document.

Inline CSS, inline SVG and one small inline script, nothing fetched: a Content-Security-Policy
meta tag allows only inline styles, ``data:`` images and that script (by its SHA-256 hash).
Rendering is pure: the caller passes the date to show (``generated_at``, or None in golden /
reproducible mode) and may pass the Graphviz renderer (tests pass a fake or None).
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache, lru_cache
from importlib import resources

import jinja2
from markupsafe import Markup

from reports.diagrams import DiagramMaker, Renderer, find_renderer
from reports.view import build_view

_DEFAULT = object()


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def static(name: str) -> str:
    return resources.files("reports").joinpath("static", name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def content_security_policy(script: str) -> str:
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src '{script_hash(script)}'; base-uri 'none'; form-action 'none'")


def render_html(document: dict, generated_at: str | None = None,
                renderer: Renderer | None | object = _DEFAULT) -> str:
    """The report as one HTML string. ``renderer``: the Graphviz seam (default: ``dot`` or
    ``graphviz-pure`` when installed; None draws no diagram and shows the DOT source)."""
    if renderer is _DEFAULT:
        renderer = find_renderer()
    view = build_view(document, generated_at, DiagramMaker(renderer))  # type: ignore[arg-type]
    script = static("report.js")
    if "</" in script:
        raise ValueError("report.js must not contain '</' (it is inlined in a <script> element)")
    return environment().get_template("report.html").render(
        view=view, style=Markup(static("report.css")), script=Markup(script),
        csp=content_security_policy(script))
