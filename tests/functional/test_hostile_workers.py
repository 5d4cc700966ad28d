"""Parser workers under hostile input and hostile settings (issue 15): a file built to exhaust
memory costs that file within a bounded peak, workers never outlive the ``advisor`` that started
them however it dies, and a huge ``jobs`` never starts more workers than there are files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from analyzers.codebase import _TRANSIENT

NESTED_LAMBDAS = "x = " + "lambda: " * 5000 + "0\n"  # 40 KB; 4.7 GB in one worker, unbounded


def _state(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a live process, None once it is gone (zombies are gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 2:].split()
    state = fields[0].decode()
    return None if state in ("Z", "X") else (int(fields[1]), state)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            state = _state(int(entry))
            if state is not None and state[0] == pid:
                found.add(int(entry))
    return found


def _start(args: list[str], tmp_path) -> subprocess.Popen:
    out = open(tmp_path / "stdout.txt", "w")  # files, not pipes: os.wait4 reaps the process
    err = open(tmp_path / "stderr.txt", "w")
    with out, err:
        return subprocess.Popen([sys.executable, "-m", "advisor", *map(str, args)],
                                stdout=out, stderr=err, start_new_session=True)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_file_built_to_exhaust_memory_is_skipped_within_a_bounded_peak(tree, tmp_path):
    root = tree({"lambdas.py": NESTED_LAMBDAS, "ok.py": "import os\n", "other.py": "y = 2\n"})
    output = tmp_path / "g.json"
    proc = _start(["graph", root, "--no-cache", "-j", "1", "-o", output], tmp_path)
    try:
        # wait4 gives the peak RSS of the CLI and of every worker it reaped
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        _kill_group(proc)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = (tmp_path / "stderr.txt").read_text()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "memory allocation" not in err, err  # the native parser's dying words stay hidden
    document = json.loads(output.read_text())
    assert sorted(n["path"] for n in document["nodes"]) == ["ok.py", "other.py"]
    reasons = {s["path"]: s["reason"] for s in document["skipped"]}
    assert list(reasons) == ["lambdas.py"]
    assert "too complex to parse within" in reasons["lambdas.py"], reasons
    assert " MB" in reasons["lambdas.py"]
    assert reasons["lambdas.py"].startswith(_TRANSIENT)  # a limit of this run: never cached
    peak_mb = usage.ru_maxrss / 1024
    assert peak_mb < 3 * 1024, f"peak RSS {peak_mb:.0f} MB"


def _slow_tree(tree):
    # ~400 KB each: several seconds per file, so killed workers would have plenty left to do
    body = "".join(f"def f{i}(a, b=None):\n    return [x * {i} for x in range(a) if x]\n"
                   for i in range(6000))
    return tree({f"m{i}.py": f"import m{(i + 1) % 4}\n" + body for i in range(4)})


def test_workers_end_when_advisor_is_killed_with_sigkill(tree, tmp_path):
    root = _slow_tree(tree)
    proc = _start(["analyze", root, "--no-cache", "--no-git", "-j", "2", "-q",
                   "-o", tmp_path / "out"], tmp_path)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2:
            assert proc.poll() is None, (tmp_path / "stderr.txt").read_text()
            assert time.monotonic() < deadline, "the parser workers never started"
            workers = _children(proc.pid)
            time.sleep(0.05)
        time.sleep(1.5)  # the workers have loaded the parser and are parsing
        assert proc.poll() is None
        assert all(_state(pid) is not None for pid in workers)
        os.kill(proc.pid, signal.SIGKILL)  # the CLI alone, as a CI time-out kills it
        proc.wait()
        deadline = time.monotonic() + 3
        while any(_state(pid) is not None for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = [pid for pid in workers if _state(pid) is not None]
    finally:
        _kill_group(proc)  # the workers stayed in the CLI's process group: end any orphan
    assert alive == [], f"parser workers {alive} outlived the killed advisor"


def test_without_prctl_the_fallback_watch_ends_an_orphaned_worker(tmp_path):
    # A parent that forks a "worker" (the portable fallback only) and dies at once.
    script = textwrap.dedent("""
        import os, sys, time
        from analyzers.workers import _end_with_parent
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _end_with_parent(parent, use_prctl=False)
            time.sleep(60)
            os._exit(0)
        print(pid, flush=True)
        os._exit(0)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, start_new_session=True)
    assert run.returncode == 0, run.stderr
    orphan = int(run.stdout)
    try:
        deadline = time.monotonic() + 3
        while _state(orphan) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = _state(orphan) is not None
    finally:
        if _state(orphan) is not None:
            os.kill(orphan, signal.SIGKILL)
    assert not alive, "the orphaned worker kept running"


def test_jobs_far_above_the_files_start_one_worker_per_file_at_most(tree, tmp_path):
    root = tree({"a.py": "import b\n", "b.py": "import c\n", "c.py": "x = 1\n"})
    proc = _start(["graph", root, "--no-cache", "--jobs", "500", "-o", tmp_path / "g.json"],
                  tmp_path)
    seen: set[int] = set()
    started = time.monotonic()
    try:
        while proc.poll() is None and len(seen) <= 3 and time.monotonic() - started < 60:
            seen |= _children(proc.pid)
        elapsed = time.monotonic() - started
    finally:
        _kill_group(proc)  # at once if it started too many: 500 workers would fill memory
        proc.wait()
    assert len(seen) <= 3, f"{len(seen)}+ worker processes for 3 files"
    assert proc.returncode == 0, (tmp_path / "stderr.txt").read_text()
    assert elapsed < 30, f"took {elapsed:.1f} s"
