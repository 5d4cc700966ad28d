"""The real CLI on hostile and broken input (issue 9): it completes, lists every file it could
not analyse with the reason, never reads outside the root, never runs the code, escapes what it
shows, writes the same bytes for the same input, and stops cleanly on Ctrl-C or a bad path."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import markupsafe
import pytest

from advisor.cli import main
from advisor.outputs import write_atomic
from tests.functional.cli import advisor
from tests.hostile import (
    HUGE_BYTES,
    IMG_PAYLOAD,
    INSIDE_IMPORT,
    PAYLOAD_NAME,
    SCRIPT_PAYLOAD,
    SVG_NAME,
    WEIRD_NAME,
    build_hostile_corpus,
)

REPRODUCIBLE = {"SOURCE_DATE_EPOCH": "0"}  # reports state no date: byte-identical output
DEEP_REASONS = ("parser crashed (killed by SIGSEGV)", "too deeply nested to parse",
                "parsing took longer than")

# --- watching the outside folder for any open() while the CLI runs -------------------------
IN_ACCESS, IN_OPEN = 0x1, 0x20


class OpenWatch:
    """inotify on folders: records every open or read of anything in them (names + masks)."""

    def __init__(self, folders: list[Path]) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            pytest.skip("inotify is not available here")
        for folder in folders:
            if libc.inotify_add_watch(self.fd, os.fsencode(folder), IN_OPEN | IN_ACCESS) < 0:
                pytest.skip(f"cannot watch {folder}")

    def events(self) -> list[tuple[str, int]]:
        found = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return found
            i = 0
            while i < len(data):
                _, mask, _, size = struct.unpack_from("iIII", data, i)
                name = data[i + 16:i + 16 + size].rstrip(b"\0").decode(errors="replace")
                found.append((name, mask))
                i += 16 + size

    def close(self) -> None:
        os.close(self.fd)


@dataclass
class Runs:
    corpus: object
    analyze_cold: object
    analyze_warm: object
    graph_json: object
    graph_dot: object
    graph_package_dot: object
    clean_analyze: object
    outside_events: list
    out_cold: Path
    out_warm: Path
    clean_out: Path


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    base = tmp_path_factory.mktemp("hostile")
    corpus = build_hostile_corpus(base)
    cache = base / "cache"
    env = {**REPRODUCIBLE, "XDG_CACHE_HOME": str(base / "xdg")}
    watch = OpenWatch([corpus.outside, corpus.outside / "pkg"])
    try:
        common = ["--cache-dir", cache]
        cold = advisor("analyze", corpus.root, "-o", base / "out1", *common, cwd=base,
                       env={**env, "PYTHONHASHSEED": "1"})
        warm = advisor("analyze", corpus.root, "-o", base / "out2", *common, cwd=base,
                       env={**env, "PYTHONHASHSEED": "2"})
        graph_json = advisor("graph", corpus.root, *common, cwd=base, env=env)
        graph_dot = advisor("graph", corpus.root, "--format", "dot", *common, cwd=base, env=env)
        package_dot = advisor("graph", corpus.root, "--format", "dot", "--level", "package",
                              *common, cwd=base, env=env)
        events = watch.events()
    finally:
        watch.close()
    clean = base / "clean"
    (clean / "app").mkdir(parents=True)
    (clean / "app" / "__init__.py").write_text("")
    (clean / "app" / "core.py").write_text("import app\n")
    clean_run = advisor("analyze", clean, "-o", base / "clean-out", *common, cwd=base, env=env)
    return Runs(corpus, cold, warm, graph_json, graph_dot, package_dot, clean_run, events,
                base / "out1", base / "out2", base / "clean-out")


def _assessment(out: Path) -> dict:
    return json.loads((out / "assessment.json").read_text(encoding="utf-8"))


def _skipped(out: Path) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in _assessment(out)["target"]["files_skipped"]}


def _all_output(runs: Runs) -> dict[str, str]:
    texts = {}
    for name in ("analyze_cold", "analyze_warm", "graph_json", "graph_dot", "graph_package_dot"):
        run = getattr(runs, name)
        texts[f"{name} stdout"] = run.out
        texts[f"{name} stderr"] = run.err
    for out in (runs.out_cold, runs.out_warm):
        for path in sorted(out.iterdir()):
            texts[str(path)] = path.read_text(encoding="utf-8")
    return texts


# --- 1. completes, and says what it skipped and why -------------------------------------------

def test_analyze_and_graph_complete_with_exit_0_and_no_traceback(runs):
    for name in ("analyze_cold", "analyze_warm", "graph_json", "graph_dot", "graph_package_dot",
                 "clean_analyze"):
        run = getattr(runs, name)
        assert (name, run.code) == (name, 0), run.err
        assert "Traceback" not in run.err, (name, run.err)
    written = {p.name for p in runs.out_cold.iterdir()}
    assert {"assessment.json", "report.html"} <= written
    assert [name for name in written if name.startswith(".advisor-")] == []  # no temp files


def test_every_bad_file_is_listed_with_its_reason(runs):
    corpus = runs.corpus
    document = _assessment(runs.out_cold)
    skipped = {s["path"]: s["reason"] for s in document["target"]["files_skipped"]}
    for path, word in sorted(corpus.skipped.items()):
        assert path in skipped, f"{path!r} is not listed as skipped"
        assert word in skipped[path], (path, skipped[path])
    deep_skipped = {p for p in corpus.skipped_or_analysed if p in skipped}
    for path in deep_skipped:
        assert skipped[path].startswith(DEEP_REASONS), (path, skipped[path])
    assert set(skipped) == set(corpus.skipped) | deep_skipped
    analysed = {m["path"] for m in document["modules"]}
    assert analysed == corpus.analysed | (corpus.skipped_or_analysed - deep_skipped)
    assert document["target"]["files_analyzed"] == len(analysed)
    assert all("\n" not in reason for reason in skipped.values())


def test_relative_imports_beyond_the_top_level_package_are_listed_as_problems(runs):
    problems = [(p["path"], p["line"]) for p in _assessment(runs.out_cold)["problems"]
                if "climbs above the top-level package" in p["detail"]]
    assert problems == [("app/beyond.py", 1), ("app/beyond.py", 2), ("top_level.py", 1),
                        ("top_level.py", 2)]


def test_the_size_limit_is_a_recorded_skip_with_what_to_do(runs):
    size = (runs.corpus.root / "app" / "huge.py").stat().st_size
    assert size > HUGE_BYTES
    skipped = _skipped(runs.out_cold)
    assert skipped["app/huge.py"] == (
        f"larger than the file size limit ({size:,} > 1,000,000 bytes); raise the limit "
        "with --max-file-size-kb to analyse it")


def test_graph_json_lists_the_same_skips_as_the_assessment(runs):
    graph = json.loads(runs.graph_json.out)
    assert graph["skipped"] == _assessment(runs.out_cold)["target"]["files_skipped"]
    assert {n["path"] for n in graph["nodes"]} == {
        m["path"] for m in _assessment(runs.out_cold)["modules"]}


def test_deep_nesting_costs_its_file_not_the_run(runs):
    """5,000 levels of (), [] and {} crash libcst's native parser in the worker (SIGSEGV) on
    this platform; the worker is replaced and every other file is still analysed."""
    skipped = _skipped(runs.out_cold)
    for path in sorted(runs.corpus.skipped_or_analysed):
        assert path in skipped, f"{path} was parsed: CPython itself refuses 200 levels"
        assert skipped[path].startswith(DEEP_REASONS), skipped[path]
        if skipped[path].startswith("parser crashed"):
            assert skipped[path] == (
                "parser crashed (killed by SIGSEGV); deeply nested code can overflow the "
                "parser's stack: simplify or exclude it")


def _mesh(root: Path, n: int) -> None:
    """n folders, each holding one module and a link to every other folder."""
    for i in range(n):
        (root / f"f{i:02d}").mkdir(parents=True)
        (root / f"f{i:02d}" / f"m{i:02d}.py").write_text("x = 1\n")
    for i in range(n):
        for j in range(n):
            if i != j:
                (root / f"f{i:02d}" / f"to{j:02d}").symlink_to(Path("..") / f"f{j:02d}")


def test_folders_linking_to_one_another_are_each_walked_once(tmp_path):
    """12 folders linked every way: along every path that is ~1.3e9 walks (the run never
    ends); each folder once is 12 directory listings."""
    from analyzers.discovery import discover

    _mesh(tmp_path / "repo", 12)
    start = time.monotonic()
    found = discover(str(tmp_path / "repo"))
    assert time.monotonic() - start < 5
    assert [f.path for f in found.files] == [f"f{i:02d}/m{i:02d}.py" for i in range(12)]
    assert len(found.skipped) == 12 * 11
    assert {s.reason.split(" at ")[0] for s in found.skipped} == {"symlink to a folder analysed"}


def test_the_repository_file_tree_lists_each_folder_once(tmp_path, monkeypatch):
    from analyzers import filetree

    _mesh(tmp_path / "repo", 6)
    listed = []
    real_scandir = os.scandir

    def counting(path):
        listed.append(path)
        return real_scandir(path)

    monkeypatch.setattr(filetree.os, "scandir", counting)
    tree = filetree.FileTree(str(tmp_path / "repo"))
    assert len(tree.paths) == 6
    assert len(listed) == 7  # the root and the six folders (it is 1,957)


# --- 2. never runs the code, never leaves the root ---------------------------------------------

def test_nothing_under_the_root_is_executed(runs):
    assert not runs.corpus.marker.exists()
    # the evil modules would have deleted their own folder and exited
    assert (runs.corpus.root / "app" / "evil.py").is_file()
    assert (runs.corpus.root / "setup.py").is_file()


def test_files_outside_the_root_are_never_opened(runs):
    assert runs.outside_events == []


def test_the_open_watch_sees_a_read(tmp_path):
    """The control for the test above: an open() in a watched folder is seen."""
    (tmp_path / "f.py").write_text("x = 1\n")
    watch = OpenWatch([tmp_path])
    try:
        (tmp_path / "f.py").read_text()
        events = watch.events()
    finally:
        watch.close()
    assert ("f.py", IN_OPEN) in events


def test_imports_of_outside_files_never_reach_any_output(runs):
    texts = _all_output(runs)
    # control: an import in a file inside the root does reach the outputs
    assert INSIDE_IMPORT in texts[str(runs.out_cold / "assessment.json")]
    assert INSIDE_IMPORT in runs.graph_json.out
    for secret in runs.corpus.never_in_output:
        assert [name for name, text in texts.items() if secret in text] == []


# --- 3. payloads are escaped in every format -----------------------------------------------------

RAW_MARKUP = (SCRIPT_PAYLOAD, IMG_PAYLOAD, "<script>alert", "<img src", "<svg onload",
              "onerror=alert(1)>", "<ird>")


def test_html_report_shows_payloads_as_text(runs):
    html = (runs.out_cold / "report.html").read_text(encoding="utf-8")
    for raw in RAW_MARKUP:
        assert raw not in html, raw
    # the payloads are there, as text
    assert str(markupsafe.escape(f"app/{PAYLOAD_NAME}")) in html
    assert str(markupsafe.escape(SVG_NAME[:-3])) in html
    # the only <script> elements are the report's own
    clean = (runs.clean_out / "report.html").read_text(encoding="utf-8")
    assert html.count("<script") == clean.count("<script")
    assert re.findall(r"<script[^>]*>", html) == re.findall(r"<script[^>]*>", clean)


def test_markdown_report_shows_payloads_as_text(runs):
    markdown = (runs.out_cold / "report.md").read_text(encoding="utf-8")
    for raw in RAW_MARKUP:
        assert raw not in markdown, raw


def test_json_outputs_are_valid_and_keep_names_exactly(runs):
    document = _assessment(runs.out_cold)
    graph = json.loads(runs.graph_json.out)
    names = {m["name"] for m in document["modules"]}
    assert {f"app.{WEIRD_NAME[:-3]}", SVG_NAME[:-3], "app.new\nline", "app.数据"} <= names
    assert {n["id"] for n in graph["nodes"]} == names
    assert SVG_NAME[:-3] in json.dumps(graph, ensure_ascii=False)  # kept, as data


def _graphviz() -> str | None:
    return shutil.which("dot") or shutil.which("graphviz-pure") or next(
        (p for p in [os.path.join(os.path.dirname(sys.executable), "graphviz-pure")]
         if os.path.exists(p)), None)


def test_dot_output_is_valid_graphviz_with_every_name_intact(runs):
    """Graphviz reads every quoted name back as ``reports.dot.node_id`` writes it (in an ID only
    \\" is an escape: doubled backslashes stay doubled, control characters stay escapes)."""
    from reports.dot import node_id

    binary = _graphviz()
    if binary is None:
        pytest.skip("no Graphviz binary (dot or graphviz-pure)")
    ids = {node_id(n["id"]) for n in json.loads(runs.graph_json.out)["nodes"]}
    proc = subprocess.run([binary, "-Tsvg"], input=runs.graph_dot.out.encode("utf-8"),
                          capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    titles = re.findall(r'class="node">\s*<title>(.*?)</title>', proc.stdout.decode("utf-8"),
                        re.DOTALL)
    assert sorted(unescape(t) for t in titles) == sorted(ids)
    proc = subprocess.run([binary, "-Tsvg"], input=runs.graph_package_dot.out.encode("utf-8"),
                          capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


# --- 4. determinism and atomic outputs ----------------------------------------------------------

def test_same_input_gives_byte_identical_outputs(runs):
    """Cold cache vs warm cache, different hash seeds: the same bytes."""
    names = sorted(p.name for p in runs.out_cold.iterdir())
    assert {"assessment.json", "report.html"} <= set(names)
    assert names == sorted(p.name for p in runs.out_warm.iterdir())
    for name in names:
        assert (runs.out_cold / name).read_bytes() == (runs.out_warm / name).read_bytes(), name


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "assessment.json"
    target.write_text("previous\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(str(target), "new text that cannot be encoded: \udcff")
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assessment.json"]


@pytest.fixture
def small_repo(tree):
    return tree({"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "x = 1\n"})


def _fail_rendering(monkeypatch):
    import reports.html

    def broken(*args, **kwargs):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(reports.html, "render_html", broken)


def test_rendering_that_fails_after_analysis_leaves_the_previous_report(
        small_repo, tmp_path, monkeypatch, capsys):
    out = tmp_path / "report-dir"
    assert main(["analyze", str(small_repo), "-o", str(out), "-j", "1", "-q"]) == 0
    before = (out / "report.html").read_bytes()
    (small_repo / "app" / "c.py").write_text("import app.a\n")
    _fail_rendering(monkeypatch)
    capsys.readouterr()
    assert main(["analyze", str(small_repo), "-o", str(out), "-j", "1", "-q"]) == 3
    assert (out / "report.html").read_bytes() == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".advisor-")]
    err = capsys.readouterr().err
    assert err.splitlines() == ["advisor: internal error: RuntimeError: rendering failed (rerun "
                                "with --debug for the traceback, and please report it)"]


def test_rendering_that_fails_leaves_the_previous_assessment_too(
        small_repo, tmp_path, monkeypatch):
    out = tmp_path / "report-dir"
    assert main(["analyze", str(small_repo), "-o", str(out), "-j", "1", "-q"]) == 0
    before = (out / "assessment.json").read_bytes()
    (small_repo / "app" / "c.py").write_text("import app.a\n")
    _fail_rendering(monkeypatch)
    assert main(["analyze", str(small_repo), "-o", str(out), "-j", "1", "-q"]) == 3
    assert (out / "assessment.json").read_bytes() == before


# --- 5. Ctrl-C, and errors users see ------------------------------------------------------------

def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2:].split()
            if int(fields[2]) == pgid:
                members.append(int(entry))
    return members


def test_ctrl_c_while_parsing_exits_130_at_once_without_traceback_or_leftovers(tmp_path):
    body = "".join(f"def f{i}(a, b=None):\n    return [x * {i} for x in range(a) if x]\n"
                   for i in range(1500))
    root = tmp_path / "big"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    for i in range(60):
        (root / "pkg" / f"m{i}.py").write_text(f"import pkg.m{(i + 1) % 60}\n" + body)
    # Ctrl-C as a terminal sends it: SIGINT handled by default in the CLI, even when this test
    # runs under a launcher that ignores it (a background job of a non-interactive shell does)
    proc = subprocess.Popen([sys.executable, "-m", "advisor", "graph", str(root), "--no-cache",
                             "-j", "2", "-o", str(tmp_path / "g.json")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while len(_group_members(proc.pid)) < 3:  # the CLI and its two parser workers
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the parser workers never started"
            time.sleep(0.05)
        time.sleep(1.0)  # well into parsing (the tree takes several seconds)
        assert proc.poll() is None
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    assert elapsed < 5, f"took {elapsed:.1f} s to stop"
    assert "Traceback" not in err
    assert err.strip().splitlines() == ["advisor: interrupted"]
    assert _group_members(proc.pid) == []
    assert not (tmp_path / "g.json").exists()


def test_an_output_path_blocked_by_a_file_is_one_line_with_the_path_and_the_fix(small_repo,
                                                                                 tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    outdir = tmp_path / "taken" / "report"
    run = advisor("analyze", small_repo, "-o", outdir, "-q", cwd=tmp_path)
    assert run.code == 2
    assert run.err.splitlines() == [
        f"advisor: error: {outdir}: Not a directory (a file stands where a folder is needed: "
        "choose another output path; rerun with --debug for the traceback)"]
    debug = advisor("--debug", "analyze", small_repo, "-o", outdir, "-q", cwd=tmp_path)
    assert debug.code == 2
    assert debug.err.startswith("Traceback (most recent call last):")
    assert "NotADirectoryError" in debug.err
    assert debug.err.splitlines()[-1] == run.err.splitlines()[0]


def test_an_internal_error_is_one_line_and_debug_shows_the_traceback(small_repo, monkeypatch,
                                                                     capsys):
    import advisor.graph

    def broken(facts):
        raise ValueError("graph exploded\nsecond line of detail")

    monkeypatch.setattr(advisor.graph, "build_graph", broken)
    assert main(["graph", str(small_repo), "-j", "1", "-q"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "advisor: internal error: ValueError: graph exploded (rerun with --debug for the "
        "traceback, and please report it)"]
    assert main(["--debug", "graph", str(small_repo), "-j", "1", "-q"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert 'raise ValueError("graph exploded' in err
    assert err.splitlines()[-1].startswith("advisor: internal error: ValueError: graph exploded")


def test_a_corrupted_cache_file_is_named_in_a_note_and_the_analysis_still_runs(small_repo,
                                                                             tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "facts.sqlite3").write_bytes(b"this is not a database\n" * 200)
    run = advisor("graph", small_repo, "--cache-dir", cache, cwd=tmp_path)
    reference = advisor("graph", small_repo, "--no-cache", cwd=tmp_path)
    assert run.code == 0 and reference.code == 0
    assert run.out == reference.out
    notes = [line for line in run.err.splitlines() if "facts cache" in line]
    assert notes == [
        f"note: the facts cache {cache} is unusable (DatabaseError: file is not a database); "
        "analysed without it (delete it, or pass --cache-dir, to start a new one)"]
    assert (cache / "facts.sqlite3").read_bytes() == b"this is not a database\n" * 200
