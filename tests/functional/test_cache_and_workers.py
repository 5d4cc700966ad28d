"""The facts cache and the worker pool, through the analyzers' public entry points."""

from __future__ import annotations

from analyzers import workers
from analyzers.codebase import ScanOptions, collect
from analyzers.workers import default_jobs, parse_many


def test_warm_run_parses_nothing_and_one_change_parses_one_file(tree, tmp_path):
    files = {f"pkg/m{i}.py": f"import pkg.m{(i + 1) % 20}\nX{i} = {i}\n" for i in range(20)}
    root = tree({"pkg/__init__.py": "", **files})
    options = ScanOptions(cache_dir=str(tmp_path / "cache"), jobs=2)
    cold = collect(str(root), options)
    assert cold.stats == {"files_found": 21, "parsed": 21, "from_cache": 0, "transient": 0,
                          "cache_problems": 0}
    warm = collect(str(root), options)
    assert warm.stats == {"files_found": 21, "parsed": 0, "from_cache": 21, "transient": 0,
                          "cache_problems": 0}
    assert warm.modules == cold.modules
    (root / "pkg" / "m3.py").write_text("import pkg.m7\n")
    changed = collect(str(root), options)
    assert changed.stats["parsed"] == 1
    m3 = next(m for m in changed.modules if m.path == "pkg/m3.py")
    assert [i.module for i in m3.source.imports] == ["pkg.m7"]
    uncached = collect(str(root), ScanOptions(use_cache=False, jobs=1))
    assert uncached.modules == changed.modules


def test_time_limit_per_file_is_a_recorded_skip(tree):
    # ~24k lines take over a second to parse; a one-line file, milliseconds: a 0.3 s limit
    # separates them with room for a busy machine
    big = "".join(f"def f{i}(a, b):\n    return [a + b for _ in range({i})]\n"
                  for i in range(12000))
    root = tree({"slow.py": big, "fast.py": "x = 1\n"})
    facts = collect(str(root), ScanOptions(use_cache=False, parse_timeout_s=0.3, jobs=1))
    assert [m.path for m in facts.modules] == ["fast.py"]
    assert [(s.path, s.reason.split(";")[0]) for s in facts.skipped] == [
        ("slow.py", "parsing took longer than 0.3 s")]


def test_bad_files_are_recorded_and_the_rest_is_analysed(tree):
    root = tree({
        "ok.py": "import py2\n",
        "py2.py": "print 'hello'\n",
        "nul.py": b"x = 1\x00\n",
        "latin.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"),
        "bad.py": b"x = '\xff'\n",
        "empty.py": "",
    })
    facts = collect(str(root), ScanOptions(use_cache=False))
    assert [m.path for m in facts.modules] == ["empty.py", "latin.py", "ok.py"]
    reasons = {s.path: s.reason for s in facts.skipped}
    assert set(reasons) == {"bad.py", "nul.py", "py2.py"}
    assert reasons["py2.py"].startswith("syntax error at line 1")
    assert "Python 2" in reasons["py2.py"]
    assert "NUL" in reasons["nul.py"]
    assert "utf-8" in reasons["bad.py"]


def test_memory_limit_per_file_is_a_recorded_skip_and_the_next_file_still_parses():
    # 40 KB of nested lambdas make libcst allocate gigabytes; 256 MB stops it within a second
    nested = "x = " + "lambda: " * 5000 + "0\n"
    results = {}
    parse_many([("lambdas", nested), ("ok", "import os\n")], jobs=1, timeout=60,
               on_result=results.__setitem__, memory_limit_mb=256)
    assert results["ok"][0] is True
    assert results["lambdas"] == (False, "ran out of memory: too complex to parse within 256 MB; "
                                         "skipped (simplify or exclude the file)")


def test_workers_never_outnumber_the_tasks_nor_four_per_core(monkeypatch):
    started = []
    cap = 4 * default_jobs()

    class Counted(workers._Worker):
        def __init__(self, *args, **kwargs):
            started.append(self)
            if len(started) > cap:  # stop before a million processes fill the machine
                raise RuntimeError(f"more than {cap} workers started")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "_Worker", Counted)
    results = {}
    parse_many([("a", "x = 1\n"), ("b", "y = 2\n")], jobs=10**6, timeout=60,
               on_result=results.__setitem__)
    assert sorted(results) == ["a", "b"] and len(started) <= 2
    started.clear()
    tasks = [(f"m{i}", f"x = {i}\n") for i in range(3 * cap)]
    parse_many(tasks, jobs=10**6, timeout=60, on_result=results.__setitem__)
    assert len(results) == 3 * cap + 2 and len(started) <= cap


def test_the_memory_limit_per_worker_shrinks_with_more_jobs_down_to_a_floor():
    limits = [workers.default_memory_limit_mb(jobs) for jobs in (1, 2, 8, 64, 10**6)]
    assert limits == sorted(limits, reverse=True)
    assert limits[0] <= 2048 and limits[-1] == 768


def test_with_nothing_cached_the_parsers_start_while_the_files_are_read(tree, tmp_path,
                                                                        monkeypatch):
    """No cache to hit: the parsers load while the tree is read, and the parse uses those
    (none started after); a snapshot not parsed stops them; a cache that exists starts none
    ahead (a warm run may parse nothing)."""
    from analyzers.codebase import parse_tree, read_tree

    started = []

    class Counted(workers._Worker):
        def __init__(self, *args, **kwargs):
            started.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "_Worker", Counted)
    root = tree({f"m{i}.py": f"X = {i}\n" for i in range(6)})
    cold = ScanOptions(use_cache=False, jobs=2)
    snapshot = read_tree(str(root), cold)
    ahead = list(started)
    assert len(ahead) == 2 and snapshot.workers is not None
    facts = parse_tree(snapshot, cold)
    assert len(facts.modules) == 6 and started == ahead  # the parse used the ones ahead
    assert not any(w.process.is_alive() for w in started)
    snapshot = read_tree(str(root), cold)
    snapshot.release()
    assert snapshot.workers is None and not any(w.process.is_alive() for w in started)
    cached = ScanOptions(cache_dir=str(tmp_path / "cache"), jobs=2)
    collect(str(root), cached)  # creates the cache
    started.clear()
    assert read_tree(str(root), cached).workers is None and started == []
