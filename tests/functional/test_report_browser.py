"""report.html in a real headless Chromium: no console errors, no requests, every section shown.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages separated by NUL bytes on file descriptors 3 and 4), so no websocket client or other
Python package is needed. The page is loaded from a file:// URL; every request the page makes,
every console message, exception, security (CSP) report and JavaScript dialog is recorded.

Screenshots go to the test's tmp folder, and also to $ADVISOR_SCREENSHOTS when that is set.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reports.view import packages
from tests.functional.cli import advisor
from tests.unit.reports.documents import HOSTILE_BILLING, IMG, SCRIPT, real_documents

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                                        "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on PATH (install Debian's 'chromium' package; "
    ".ci/run does)")
SECTIONS = ("summary", "context-map", "contexts", "readiness", "plan", "cycles", "packages",
            "dsm", "notes", "glossary")
# Runs in the child: move the two pipe ends to fds 3 and 4, where Chromium expects them.
_FD_SHIM = ("import fcntl, os, sys\n"
            "a = fcntl.fcntl(int(sys.argv[1]), fcntl.F_DUPFD, 10)\n"
            "b = fcntl.fcntl(int(sys.argv[2]), fcntl.F_DUPFD, 10)\n"
            "os.dup2(a, 3); os.dup2(b, 4); os.close(a); os.close(b)\n"
            "os.execv(sys.argv[3], sys.argv[3:])\n")


class Browser:
    """One headless Chromium with one page; ``events`` holds every event received."""

    def __init__(self, profile: Path, javascript: bool = True) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-default-apps",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self.stderr_path = profile.parent / f"{profile.name}-stderr.log"
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _FD_SHIM, str(to_browser_r), str(from_browser_w), *args],
            pass_fds=(to_browser_r, from_browser_w), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self._stderr)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride", width=1280, height=900,
                  deviceScaleFactor=1, mobile=False)
        if not javascript:
            self.page("Emulation.setScriptExecutionDisabled", value=True)

    def _message(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                return None
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium exited; see {self.stderr_path}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            reply = self._message(deadline - time.monotonic())
            if reply is None:
                break
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(f"no answer to {method}")

    def page(self, method: str, **params) -> dict:
        return self.call(method, session=self.session, **params)

    def wait_for(self, event: str, timeout: float = 60) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._message(deadline - time.monotonic())
            if message is not None:
                self.events.append(message)
                if message.get("method") == event:
                    return
        raise TimeoutError(f"no {event}")

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (message := self._message(max(0.0, deadline - time.monotonic()))) is not None:
            self.events.append(message)

    def open(self, path: Path) -> None:
        self.events.clear()
        self.page("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        self.drain(0.5)

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        size = self.page("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": min(size["width"], 1280),
                "height": min(size["height"], 16000), "scale": 1}
        data = self.page("Page.captureScreenshot", format="png", clip=clip,
                         captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    # --- what the page did ---------------------------------------------------------------
    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def problems(self) -> list[str]:
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning",
                                                                          "assert"):
                out.append(f"console.{params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                out.append(f"log {params['entry']['source']}: {params['entry']['text']}")
            elif method == "Page.javascriptDialogOpening":
                out.append(f"dialog: {params['message']}")
        return out

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._stderr.close()


@pytest.fixture
def browser(tmp_path):
    opened: list[Browser] = []

    def start(javascript: bool = True) -> Browser:
        b = Browser(tmp_path / f"profile-{len(opened)}", javascript=javascript)
        opened.append(b)
        return b

    yield start
    for b in opened:
        b.close()


def keep_screenshot(shot: Path) -> None:
    folder = os.environ.get("ADVISOR_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        shutil.copy(shot, os.path.join(folder, shot.name))


@pytest.fixture(scope="session")
def documents(tmp_path_factory):
    """The documents the real CLI writes for the samples (tests/unit/reports/documents.py)."""
    return real_documents(tmp_path_factory)


def render(tmp_path: Path, source: Path, name: str) -> Path:
    """Through the real CLI: assessment.json -> advisor report -> report.html."""
    out = tmp_path / f"{name}.html"
    run = advisor("report", source, "-o", out, env={"ADVISOR_GOLDEN": "1"})
    assert run.code == 0, run.err
    return out


VISIBLE = """(() => { const out = {};
  for (const id of %s) { const el = document.getElementById(id);
    out[id] = !!el && el.offsetHeight > 0 && getComputedStyle(el).visibility === 'visible'
      && getComputedStyle(el).display !== 'none'; }
  return out; })()"""


def assert_clean(page: Browser, report: Path) -> None:
    assert page.problems() == []
    assert page.requests() == [report.resolve().as_uri()]
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0
    assert page.evaluate(VISIBLE % json.dumps(SECTIONS)) == {s: True for s in SECTIONS}


def test_report_opens_clean_with_every_section_visible(browser, documents, tmp_path):
    doc = documents["marketplace"]
    report = render(tmp_path, documents.path("marketplace"), "report-full")
    page = browser()
    page.open(report)
    assert_clean(page, report)
    assert page.evaluate("document.getElementById('verdict').innerText") == "Extract a service"
    assert page.evaluate("document.querySelectorAll('svg.diagram').length") == 1 + len(
        doc["contexts"])  # the map and one per context
    assert page.evaluate("document.querySelectorAll('svg.chart circle').length") == len(
        packages(doc)["chart"]["points"])
    # The conveniences work: sorting (by name, then by D, twice: descending) and filtering.
    rows = {p["name"]: p for p in doc["metrics"]["packages"]}
    names = ("[...document.querySelectorAll('#packages tbody tr td:first-child')]"
             ".map(c => c.innerText)")
    by_lines = page.evaluate(names)
    assert by_lines == sorted(rows, key=lambda n: (-rows[n]["lines"], n))
    page.evaluate("document.querySelectorAll('#packages thead th')[0].click()")
    by_name = sorted(by_lines, key=str.lower)
    assert page.evaluate(names) == by_name
    page.evaluate("document.querySelectorAll('#packages thead th')[7].click()")
    page.evaluate("document.querySelectorAll('#packages thead th')[7].click()")
    assert page.evaluate(names) == sorted(by_name, key=lambda n: -rows[n]["distance"])
    page.evaluate("""(() => { const f = document.querySelector('#packages input.filter');
        f.value = 'search'; f.dispatchEvent(new Event('input')); })()""")
    assert page.evaluate("[...document.querySelectorAll('#packages tbody tr')]"
                         ".filter(r => r.offsetHeight > 0).length") == sum(
        "search" in n for n in rows) < len(rows)
    assert page.problems() == []
    keep_screenshot(page.screenshot(tmp_path / "report-full.png"))


def test_report_reads_without_javascript(browser, documents, tmp_path):
    report = render(tmp_path, documents.path("marketplace"), "report-nojs")
    page = browser(javascript=False)
    page.open(report)
    assert_clean(page, report)
    assert page.evaluate("document.getElementById('verdict').innerText") == "Extract a service"
    assert page.evaluate("document.querySelectorAll('input.filter').length") == 0
    keep_screenshot(page.screenshot(tmp_path / "report-nojs.png"))


@pytest.mark.parametrize("name", ["tangled", "bookshop"])
def test_each_verdict_opens_clean(browser, documents, tmp_path, name):
    report = render(tmp_path, documents.path(name), f"report-{name}")
    page = browser()
    page.open(report)
    assert_clean(page, report)
    assert page.evaluate("document.getElementById('verdict').innerText") == {
        "tangled": "Modularize first", "bookshop": "Stay a monolith"}[name]
    keep_screenshot(page.screenshot(tmp_path / f"report-{name}.png"))


def test_a_document_without_contexts_renders_every_section(browser, documents, tmp_path):
    report = render(tmp_path, documents.path("empty"), "report-empty")
    page = browser()
    page.open(report)
    assert_clean(page, report)
    assert page.evaluate("document.getElementById('verdict').innerText") == "Stay a monolith"
    text = page.evaluate("document.body.innerText")
    assert "No contexts in this document yet" in text
    keep_screenshot(page.screenshot(tmp_path / "report-empty.png"))


def test_hostile_names_stay_text(browser, documents, tmp_path):
    report = render(tmp_path, documents.path("hostile"), "report-hostile")
    page = browser()
    page.open(report)
    assert_clean(page, report)  # includes: no dialog opened (alert never ran)
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                         ".some(a => a.name.startsWith('on'))).length") == 0
    text = page.evaluate("document.body.innerText")
    assert SCRIPT in text and IMG in text
    svg_text = page.evaluate("[...document.querySelectorAll('svg.diagram')]"
                             ".map(s => s.textContent).join(' ')")
    assert HOSTILE_BILLING in svg_text and IMG in svg_text  # context names on the map
    keep_screenshot(page.screenshot(tmp_path / "report-hostile.png"))


def test_harness_sees_requests_console_errors_and_dialogs(browser, tmp_path):
    """The checks above can fail: a page doing what a report must not is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><title>bad</title><img src='http://127.0.0.1:9/x.png'>"
                   "<script>console.error('boom'); alert('hi');</script>", encoding="utf-8")
    page = browser()
    page.events.clear()
    page.page("Page.navigate", url=bad.resolve().as_uri())
    page.wait_for("Page.javascriptDialogOpening")
    page.page("Page.handleJavaScriptDialog", accept=True)
    page.wait_for("Page.loadEventFired")
    page.drain(0.5)
    problems = "\n".join(page.problems())
    assert "console.error" in problems and "dialog: hi" in problems
    assert "http://127.0.0.1:9/x.png" in page.requests()


@pytest.mark.corpus
def test_django_report_opens_clean(browser, tmp_path, django_root):
    from reports.html import render_html
    from tests.functional.test_report_cli import django_document

    report = tmp_path / "report-django.html"
    report.write_text(render_html(django_document(django_root, tmp_path / "cache")),
                      encoding="utf-8")
    page = browser()
    page.open(report)
    assert_clean(page, report)
    assert page.evaluate("document.querySelectorAll('svg.diagram').length") >= 1
    keep_screenshot(page.screenshot(tmp_path / "report-django.png"))
