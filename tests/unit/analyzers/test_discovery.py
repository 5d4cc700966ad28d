from __future__ import annotations

import os

from analyzers.discovery import discover, matches_any


def paths(found):
    return [f.path for f in found.files]


def test_default_excludes_hidden_venv_and_build(tree):
    root = tree({
        "app/__init__.py": "", "app/a.py": "",
        ".git/hooks/x.py": "", ".tox/py/x.py": "", "node_modules/x.py": "",
        "build/lib/app/a.py": "", "venv2/pyvenv.cfg": "", "venv2/lib/x.py": "",
        "app.egg-info/x.py": "", "notes.txt": "", "app/__pycache__/a.py": "",
    })
    found = discover(str(root))
    assert paths(found) == ["app/__init__.py", "app/a.py"]
    assert found.package_dirs == frozenset({"app"})


def test_include_and_exclude_globs(tree):
    root = tree({"src/app/__init__.py": "", "src/app/a.py": "", "src/app/tests/t.py": "",
                 "scripts/run.py": ""})
    assert paths(discover(str(root), exclude=("tests",))) == [
        "scripts/run.py", "src/app/__init__.py", "src/app/a.py"]
    assert paths(discover(str(root), include=("src/**",), exclude=("**/a.py",))) == [
        "src/app/__init__.py", "src/app/tests/t.py"]


def test_glob_semantics():
    assert matches_any("a/b/c.py", ("c.py",))
    assert matches_any("a/b/c.py", ("b",))
    assert not matches_any("a/bb/c.py", ("b",))
    assert matches_any("a/b/c.py", ("a/**/c.py",))
    assert matches_any("a/c.py", ("a/**/c.py",))
    assert not matches_any("x/a/c.py", ("a/*.py",))


def test_symlinks_outside_root_and_loops_are_skipped_not_read(tree, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("import os\n")
    root = tree({"app/__init__.py": "", "app/a.py": ""})
    os.symlink(outside / "secret.py", root / "app" / "leak.py")
    os.symlink(outside, root / "app" / "leakdir")
    os.symlink(root / "app", root / "app" / "loop")
    os.symlink(root / "app" / "a.py", root / "app" / "alias.py")
    os.symlink(root / "missing.py", root / "app" / "broken.py")
    found = discover(str(root))
    assert paths(found) == ["app/__init__.py", "app/a.py", "app/alias.py"]
    reasons = {s.path: s.reason for s in found.skipped}
    assert set(reasons) == {"app/leak.py", "app/leakdir", "app/loop", "app/broken.py"}
    assert "outside the analysed root" in reasons["app/leak.py"]
    assert "outside the analysed root" in reasons["app/leakdir"]
    assert "loop" in reasons["app/loop"]
    assert all(str(outside) not in f.real_path for f in found.files)
