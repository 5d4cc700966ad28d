"""The facts cache and the worker pool, through the analyzers' public entry point."""

from __future__ import annotations

from analyzers.codebase import ScanOptions, collect


def test_warm_run_parses_nothing_and_one_change_parses_one_file(tree, tmp_path):
    files = {f"pkg/m{i}.py": f"import pkg.m{(i + 1) % 20}\nX{i} = {i}\n" for i in range(20)}
    root = tree({"pkg/__init__.py": "", **files})
    options = ScanOptions(cache_dir=str(tmp_path / "cache"), jobs=2)
    cold = collect(str(root), options)
    assert cold.stats == {"files_found": 21, "parsed": 21, "from_cache": 0}
    warm = collect(str(root), options)
    assert warm.stats == {"files_found": 21, "parsed": 0, "from_cache": 21}
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
