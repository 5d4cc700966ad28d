"""Outputs on an untrusted repository (issue 15, items 4 and 7): written only inside the chosen
output folder, never through a link out of it, never over a device or a FIFO; all five files of
``analyze`` or none; a full disk is exit 2 with a hint; names from the tree are printed escaped."""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import main
from tests.functional.cli import advisor
from tests.unit.reports.documents import real_documents

ANALYZE_OUTPUTS = ["advisor-gate.toml", "assessment.json", "importlinter.ini", "report.html",
                   "report.md"]
FAST = ["-q", "-j", "1", "--no-cache", "--no-git"]


@pytest.fixture
def repo(tree):
    return tree({"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "x = 1\n"})


@pytest.fixture(scope="session")
def documents(tmp_path_factory):
    """The documents the real CLI writes for the samples (tests/unit/reports/documents.py)."""
    return real_documents(tmp_path_factory)


@pytest.fixture
def assessment(documents, tmp_path):
    """What ``advisor analyze`` wrote for the marketplace sample."""
    return shutil.copy(documents.path("marketplace"), tmp_path / "assessment.json")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".advisor-")]


def _char_device(path: Path) -> None:
    """A copy of /dev/null (major 1, minor 3): harmless to write to, and shows a replacement."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")


# --- 1. never through a link, never over a device -----------------------------------------------

def test_a_committed_link_as_the_default_output_folder_is_refused(repo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / "advisor-report").symlink_to(elsewhere)
    run = advisor("analyze", ".", *FAST, cwd=repo)
    assert run.code == 2, run.err
    assert run.err.splitlines() == [
        "advisor: error: advisor-report: the default output folder is a symbolic link "
        f"(to {elsewhere}); nothing was written through it (remove the link, or choose the "
        "output folder with -o DIR)"]
    assert list(elsewhere.iterdir()) == []
    chosen = advisor("analyze", ".", "-o", "advisor-report", *FAST, cwd=repo)
    assert chosen.code == 0, chosen.err  # named on the command line: the user's own choice
    assert sorted(p.name for p in elsewhere.iterdir()) == ANALYZE_OUTPUTS


def test_a_link_inside_the_output_folder_is_replaced_not_followed(repo, tmp_path):
    victim = tmp_path / "victim.html"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").symlink_to(victim)
    (out / "report.md").symlink_to(tmp_path / "missing.md")  # a dangling link too
    run = advisor("analyze", repo, "-o", out, *FAST)
    assert run.code == 0, run.err
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / "missing.md").exists()
    for name in ("report.html", "report.md"):
        assert not (out / name).is_symlink() and (out / name).is_file()
    assert (out / "report.html").read_text().startswith("<!doctype html>")


def test_report_replaces_a_link_given_as_output_and_keeps_its_target(assessment, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "report.html").symlink_to(victim)
    run = advisor("report", assessment, cwd=tmp_path)
    assert run.code == 0, run.err
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / "report.html").is_symlink()


def test_a_device_node_as_output_is_refused_and_stays_a_device(assessment, tmp_path):
    device = tmp_path / "null-copy"
    _char_device(device)
    run = advisor("report", assessment, "-o", device)
    assert run.code == 2
    assert run.err.splitlines() == [
        f"advisor: error: {device}: not a regular file (a character device); not replacing it "
        "(choose another output path)"]
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert _temps(tmp_path) == []


def test_a_link_to_a_device_is_refused_too(assessment, tmp_path):
    device = tmp_path / "null-copy"
    _char_device(device)
    (tmp_path / "out.html").symlink_to(device)
    run = advisor("report", assessment, "-o", tmp_path / "out.html")
    assert run.code == 2 and "not a regular file (a link to a character device)" in run.err
    assert (tmp_path / "out.html").is_symlink() and stat.S_ISCHR(os.lstat(device).st_mode)


@pytest.mark.parametrize("command", ["analyze", "check", "graph", "baseline"])
def test_a_fifo_where_an_output_goes_is_refused(command, repo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    fifo = out / ("report.md" if command == "analyze" else "output")
    os.mkfifo(fifo)
    run = advisor(command, repo, "-o", out if command == "analyze" else fifo, *FAST[:-1])
    assert run.code == 2
    assert run.err.splitlines() == [
        f"advisor: error: {fifo}: not a regular file (a FIFO); not replacing it (choose another "
        "output path)"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in out.iterdir()) == [fifo.name]  # nothing else written either


# --- 2. all five outputs or none; a full disk is exit 2 ------------------------------------------

def _fail_staged_write(monkeypatch, nth: int, error: int = errno.ENOSPC) -> list[str]:
    """The first write to the nth staged output file fails as a full disk would."""
    real_write = os.write
    seen: list[str] = []

    def write(fd, data):
        name = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(f"/proc/self/fd/{fd}") \
            else ""
        if os.path.basename(name).startswith(".advisor-"):
            if name not in seen:
                seen.append(name)
            if len(seen) >= nth:
                raise OSError(error, os.strerror(error))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    return seen


@pytest.mark.parametrize("nth", [1, 3, 5])
def test_a_full_disk_leaves_every_previous_output_and_no_temp_file(nth, repo, tmp_path,
                                                                    monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(repo), "-o", str(out), *FAST]) == 0
    before = _snapshot(out)
    assert sorted(before) == ANALYZE_OUTPUTS
    (repo / "app" / "c.py").write_text("import app.a\n")  # every output changes
    capsys.readouterr()
    seen = _fail_staged_write(monkeypatch, nth)
    assert main(["analyze", str(repo), "-o", str(out), *FAST]) == 2
    assert len(seen) == nth
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"advisor: error: {out}/")
    assert err[0].endswith(": No space left on device (free some disk space and run again; "
                           "rerun with --debug for the traceback)")
    assert _snapshot(out) == before
    monkeypatch.undo()
    assert main(["analyze", str(repo), "-o", str(out), *FAST]) == 0
    assert _snapshot(out) != before and sorted(_snapshot(out)) == ANALYZE_OUTPUTS


@pytest.mark.parametrize("error, hint", [
    (errno.EDQUOT, "the disk quota is used up: free some space, or choose another output path"),
    (errno.EROFS, "that file system is read-only: choose another output path"),
    (errno.EACCES, "check the permissions of that path, or choose another one"),
])
def test_other_write_failures_are_exit_2_with_a_hint(error, hint, repo, tmp_path, monkeypatch,
                                                     capsys):
    out = tmp_path / "out"
    _fail_staged_write(monkeypatch, 1, error)
    assert main(["analyze", str(repo), "-o", str(out), *FAST]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and f"({hint}; rerun with --debug" in err[0]
    assert _temps(out) == [] and sorted(p.name for p in out.iterdir()) == []


@pytest.mark.parametrize("command", [["check"], ["graph"], ["baseline"]])
def test_check_graph_and_baseline_write_through_the_same_writer(command, repo, tmp_path,
                                                                monkeypatch, capsys):
    target = tmp_path / "written"
    target.write_text("previous\n")
    _fail_staged_write(monkeypatch, 1)
    assert main([*command, str(repo), "-o", str(target), *FAST[:-1]]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"advisor: error: {target}: No space left on device (free some disk space "
                   "and run again; rerun with --debug for the traceback)"]
    assert target.read_text() == "previous\n" and _temps(tmp_path) == []


def test_a_real_file_size_limit_fails_cleanly_with_the_previous_outputs_kept(repo, tmp_path):
    """RLIMIT_FSIZE makes the kernel refuse the write (EFBIG), as a full disk would (ENOSPC)."""
    out = tmp_path / "out"
    assert advisor("analyze", repo, "-o", out, *FAST).code == 0
    before = _snapshot(out)
    (repo / "app" / "c.py").write_text("import app.a\n")
    # written in the order assessment.json, report.html, ...: the first fits, the second not
    limit = len(before["report.html"]) * 3 // 4
    assert len(before["assessment.json"]) * 3 // 2 < limit

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "advisor", "analyze", str(repo), "-o", str(out),
                           *FAST], capture_output=True, text=True, preexec_fn=limit_file_size,
                          timeout=600)
    assert _snapshot(out) == before  # not a new assessment.json beside the old report.html
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"advisor: error: {out}/report.html: File too large (the file is over the size limit "
        "for this process or file system: raise the limit (ulimit -f), or choose another output "
        "path; rerun with --debug for the traceback)"]


def test_stdout_on_a_full_disk_is_exit_2_with_the_hint(repo, tmp_path):
    full = tmp_path / "full-copy"  # a copy of /dev/full (major 1, minor 7): every write fails
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    with open(full, "w") as stdout:
        proc = subprocess.run([sys.executable, "-m", "advisor", "graph", str(repo), "-q", "-j",
                               "1", "--no-cache"], stdout=stdout, stderr=subprocess.PIPE,
                              text=True, timeout=600)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "advisor: error: writing the output: No space left on device (free some disk space and "
        "run again; rerun with --debug for the traceback)"]
    assert stat.S_ISCHR(os.lstat(full).st_mode)


# --- 3. names from the tree are escaped in what the CLI prints ----------------------------------

HOSTILE_NAME = "a\n::warning file=x::pwned\x1b[31m\x1b]0;title\x07\u202e.py"


def test_file_names_with_newlines_and_escapes_are_printed_escaped(tree, tmp_path):
    root = tree({"app/__init__.py": "", "app/b.py": "import app\n",
                 f"app/{HOSTILE_NAME}": "import app.b\n",
                 f"broken{HOSTILE_NAME}": "def (:\n"})
    out = tmp_path / "out"
    runs = {
        "analyze": advisor("analyze", root, "-o", out, "--no-cache", "-j", "1"),
        "graph": advisor("graph", root, "-o", tmp_path / "g.json", "--no-cache", "-j", "1"),
        "check": advisor("check", root, "-o", tmp_path / "gate.txt", "--no-cache", "-j", "1"),
        "baseline": advisor("baseline", root, "--no-cache", "-j", "1"),
    }
    for command, run in runs.items():
        assert run.code == 0, (command, run.err)
        for stream in (run.out, run.err):
            assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
            assert not [line for line in stream.splitlines() if line.startswith("::")], command
    assert "brokena\\n::warning file=x::pwned\\x1b[31m\\x1b]0;title\\x07\\u202e.py: syntax " \
        "error" in runs["analyze"].err
    skipped = json.loads((out / "assessment.json").read_text())["target"]["files_skipped"]
    assert [s["path"] for s in skipped] == [f"broken{HOSTILE_NAME}"]  # data stays exact


# --- 4. the baseline command replaces a broken baseline -----------------------------------------

def test_baseline_replaces_an_invalid_baseline_at_the_default_path(repo):
    broken = repo / ".advisor-baseline.json"
    broken.write_text("not json at all\n")
    run = advisor("baseline", repo, "-j", "1", "--no-cache")
    assert run.code == 0, run.err
    assert f"note: {broken} was not a valid baseline; replacing it" in run.err
    assert json.loads(broken.read_text())["version"] == 1
    assert advisor("check", repo, *FAST[:-1]).code == 0
