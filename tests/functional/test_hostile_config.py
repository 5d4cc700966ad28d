"""The analysed repository's settings and files are untrusted input (issue 15, items 2 and 3).

Every file taken from the root goes through one guarded reader (a regular file, inside the root
once links are resolved, under a size cap, opened without blocking); every number in every
``[tool.advisor*]`` section is finite and bounded; a repository may only lower the limits; the
facts cache lives where the user says, is never taken from the repository, and verifies its rows.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.analysis import analyze_path
from advisor.cli import main
from advisor.errors import ConfigError
from analyzers.cache import FactsCache
from analyzers.codebase import ScanOptions, collect
from analyzers.source import decode
from tests.conftest import write_tree

SECRET = "s3cr3t-token-from-outside"
FORBIDDEN = """
[[tool.advisor.gate.contracts]]
name = "domain does not depend on web"
type = "forbidden"
source = ["shop.domain"]
target = ["shop.web"]
"""
EVIL = "import shop.web\n"  # breaks the contract
BENIGN = "X = 1\n"


def shop(root: Path, domain: str = EVIL, pyproject: str | None = FORBIDDEN) -> Path:
    files = {"shop/__init__.py": "", "shop/web.py": "Y = 2\n", "shop/domain.py": domain}
    if pyproject is not None:
        files["pyproject.toml"] = pyproject
    return write_tree(root, files)


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([*map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sparse(path: Path, size: int = 2 * 1024 ** 3) -> None:
    """A file of ``size`` bytes that takes no room on disk (and, read whole, 2x that in RAM)."""
    with open(path, "wb") as fh:
        fh.truncate(size)


# --- 1. one guarded reader -----------------------------------------------------------------

def test_pyproject_linked_outside_the_root_is_refused_unread(tmp_path, capsys):
    outside = tmp_path / "outside.toml"
    outside.write_text(f"[tool.advisor]\n{SECRET} = 1\n")
    root = shop(tmp_path / "repo", pyproject=None)
    (root / "pyproject.toml").symlink_to(outside)
    code, out, err = run(capsys, "check", root, "--no-cache")
    assert code == 2
    assert "pyproject.toml" in err and "outside the analysed root" in err
    assert SECRET not in out + err


def test_pyproject_linked_outside_is_not_applied_silently(tmp_path, capsys):
    outside = tmp_path / "outside.toml"
    outside.write_text('[tool.advisor]\nexclude = ["shop/domain.py"]\n')
    root = shop(tmp_path / "repo", pyproject=None)
    (root / "pyproject.toml").symlink_to(outside)
    code, out, err = run(capsys, "graph", root, "--no-cache")
    assert code == 2 and "outside the analysed root" in err  # was: exit 0, domain left out


def test_pyproject_linked_inside_the_root_is_read(tmp_path, capsys):
    root = shop(tmp_path / "repo", pyproject=None)
    (root / "config").mkdir()
    (root / "config" / "advisor.toml").write_text(FORBIDDEN)
    (root / "pyproject.toml").symlink_to(Path("config") / "advisor.toml")
    code, out, _ = run(capsys, "check", root, "--no-cache")
    assert code == 1 and "shop.domain" in out


def test_sparse_2gb_pyproject_is_refused_without_reading_it(tmp_path, capsys):
    root = shop(tmp_path / "repo", pyproject=None)
    sparse(root / "pyproject.toml")
    start = time.monotonic()
    code, _, err = run(capsys, "check", root, "--no-cache")
    assert code == 2 and "pyproject.toml" in err and "larger than" in err
    assert time.monotonic() - start < 30  # read whole, it took 15 s and 4.2 GB of memory


@pytest.mark.parametrize("kind", ["fifo", "sparse"])
def test_baseline_fifo_or_sparse_fails_fast(tmp_path, kind):
    root = shop(tmp_path / "repo")
    baseline = root / ".advisor-baseline.json"
    if kind == "fifo":
        os.mkfifo(baseline)
    else:
        sparse(baseline)
    proc = subprocess.run([sys.executable, "-m", "advisor", "check", str(root), "--no-cache"],
                          capture_output=True, text=True, timeout=60)  # a FIFO blocked forever
    assert proc.returncode == 2, proc.stderr
    assert ".advisor-baseline.json" in proc.stderr
    assert ("not a regular file" if kind == "fifo" else "larger than") in proc.stderr


def test_config_file_named_by_the_user_may_be_outside_but_must_be_regular(tmp_path, capsys):
    root = shop(tmp_path / "repo", pyproject=None)
    mine = tmp_path / "mine.toml"
    mine.write_text(FORBIDDEN)
    code, out, _ = run(capsys, "check", root, "--no-cache", "--config", mine)
    assert code == 1 and "shop.domain" in out
    os.mkfifo(tmp_path / "pipe.toml")
    code, _, err = run(capsys, "check", root, "--no-cache", "--config", tmp_path / "pipe.toml")
    assert code == 2 and "not a regular file" in err


def test_default_baseline_linked_outside_the_root_is_refused(tmp_path, capsys):
    """NEEDS the CLI wiring (``load_baseline(path, root)`` for the default path)."""
    outside = tmp_path / "accepts-everything.json"
    outside.write_text('{"version": 1, "violations": {"contract/domain-does-not-depend-on-web":'
                       ' ["shop.domain -> shop.web"]}}')
    root = shop(tmp_path / "repo")
    (root / ".advisor-baseline.json").symlink_to(outside)
    code, _, err = run(capsys, "check", root, "--no-cache")
    assert code == 2 and "outside the analysed root" in err


def test_baseline_command_replaces_an_invalid_baseline(tmp_path, capsys):
    """NEEDS the CLI wiring: ``advisor baseline`` must not read the baseline it replaces."""
    root = shop(tmp_path / "repo")
    (root / ".advisor-baseline.json").write_text("not json")
    code, _, err = run(capsys, "baseline", root, "--no-cache")
    assert code == 0, err
    assert '"version": 1' in (root / ".advisor-baseline.json").read_text()
    assert run(capsys, "check", root, "--no-cache")[0] == 0


# --- 2. repository settings are bounded ----------------------------------------------------

@pytest.mark.parametrize("section, text, key, bound", [
    ("", "jobs = 100000", "jobs", "<= 256"),
    ("", "parse_timeout_s = inf", "parse_timeout_s", "<= 60"),
    ("", "parse_timeout_s = nan", "parse_timeout_s", "<= 60"),
    ("", "max_file_size_kb = 1e9", "max_file_size_kb", "<= 1000"),
    (".contexts", "seeds = 100000000", "seeds", "<= 64"),
    (".contexts", "resolution = nan", "resolution", "<= 100"),
    (".contexts", "min_size = 9223372036854775807", "min_size", "<= "),
    (".signals", "calls = inf", "calls", "<= 100"),
    (".readiness", "min_commits = 1e300", "min_commits", "<= "),
    (".readiness.weights", '"ops.ci_tests" = nan', "ops.ci_tests", "<= 100"),
    (".readiness.thresholds", '"ops.tests" = { ratio = -inf }', "ratio", "> 0"),
    (".verdict", "min_benefit = nan", "min_benefit", "<= 1"),
    (".verdict", "min_lines = inf", "min_lines", "<= "),
    (".gate", "propagation-cost = { max_growth = nan }", "max_growth", "<= "),
])
def test_every_number_is_finite_and_bounded(tree, capsys, section, text, key, bound):
    # no Python file: a setting that slipped through ends the run with "no Python files"
    # rather than starting 100,000 workers or allocating 100,000,000 seed runs
    root = tree({"README.md": "", "pyproject.toml": f"[tool.advisor{section}]\n{text}\n"})
    command = ["check"] if section == ".gate" else ["analyze", "-o", root.parent / "out"]
    code, _, err = run(capsys, *command, root, "--no-cache")
    assert code == 2, err
    assert f"'{key}'" in err and bound in err and "pyproject.toml" in err
    assert "internal error" not in err


def test_jobs_are_capped_by_cores_and_files(tree, monkeypatch):
    import analyzers.codebase
    from analyzers.workers import default_jobs

    real = analyzers.codebase.parse_many

    def recording(tasks, jobs, *args, started=None, **kwargs):
        ahead = started.jobs if started is not None else 0  # the workers started while reading
        record.append((jobs, ahead))
        assert max(jobs, ahead) <= default_jobs(), f"{max(jobs, ahead)} workers would start"
        return real(tasks, jobs, *args, started=started, **kwargs)

    record = []
    monkeypatch.setattr(analyzers.codebase, "parse_many", recording)
    root = tree({"a.py": "import b\n", "b.py": "", "c.py": ""})
    facts = collect(str(root), ScanOptions(jobs=200, use_cache=False))
    assert len(facts.modules) == 3
    # was 200 workers (199 processes, +2.1 GB); nothing cached, so they start while reading
    assert record == [(min(3, default_jobs()), min(3, default_jobs()))]


def test_repository_may_only_lower_the_limits(tree, capsys):
    big = "x = [\n" + ("    '" + "a" * 100 + "',\n") * 11_000 + "]\n"  # 1.2 MB
    files = {"big.py": big, "small.py": "import big\n"}
    raised = tree({**files, "pyproject.toml": "[tool.advisor]\nmax_file_size_kb = 5000\n"},
                  name="raised")
    code, _, err = run(capsys, "graph", raised, "--no-cache")
    assert code == 2 and "'max_file_size_kb'" in err and "--max-file-size-kb" in err
    slow = tree({**files, "pyproject.toml": "[tool.advisor]\nparse_timeout_s = 3600\n"},
                name="slow")
    code, _, err = run(capsys, "graph", slow, "--no-cache")
    assert code == 2 and "'parse_timeout_s'" in err and "--parse-timeout" in err
    lowered = tree({**files, "pyproject.toml": "[tool.advisor]\nmax_file_size_kb = 1\n"
                                               "parse_timeout_s = 30\n"}, name="lowered")
    analysis = analyze_path(str(lowered), use_cache=False)
    assert analysis.config.scan.max_file_bytes == 1000
    assert analysis.config.scan.parse_timeout_s == 30
    assert [m.path for m in analysis.facts.modules] == ["small.py"]
    # the command line may raise them, past the repository's lowered values too
    analysis = analyze_path(str(lowered), use_cache=False, max_file_size_kb=3000,
                            parse_timeout_s=120)
    assert (analysis.config.scan.max_file_bytes, analysis.config.scan.parse_timeout_s) == (
        3_000_000, 120)
    assert [m.path for m in analysis.facts.modules] == ["big.py", "small.py"]
    with pytest.raises(ConfigError, match="--max-file-size-kb"):
        analyze_path(str(lowered), use_cache=False, max_file_size_kb=float("nan"))


# --- 3. the facts cache --------------------------------------------------------------------

def test_cache_dir_in_the_repository_settings_is_an_error(tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere" / "cache"
    root = shop(tmp_path / "repo", pyproject=f'[tool.advisor]\ncache_dir = "{elsewhere}"\n')
    code, _, err = run(capsys, "check", root)
    assert code == 2
    assert "'cache_dir'" in err and "--cache-dir" in err and "ADVISOR_CACHE_DIR" in err
    assert not (tmp_path / "elsewhere").exists()


def test_cache_dir_from_a_config_file_of_the_user_and_from_the_environment(tmp_path, monkeypatch):
    root = shop(tmp_path / "repo", pyproject=None)
    mine = tmp_path / "mine.toml"
    mine.write_text(f'[tool.advisor]\ncache_dir = "{tmp_path / "from-config"}"\n')
    analyze_path(str(root), str(mine))
    assert (tmp_path / "from-config" / "facts.sqlite3").is_file()
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "from-env"))
    analyze_path(str(root))
    assert (tmp_path / "from-env" / "facts.sqlite3").is_file()
    inside = root / "advisor.toml"  # named by the user, but the repository's own file
    inside.write_text(f'[tool.advisor]\ncache_dir = "{tmp_path / "x"}"\n')
    with pytest.raises(ConfigError, match="cache_dir"):
        analyze_path(str(root), str(inside))


def test_cache_database_linked_elsewhere_is_not_opened(tmp_path, capsys):
    victim = tmp_path / "victim.sqlite3"
    with sqlite3.connect(victim) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    before = victim.read_bytes()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "facts.sqlite3").symlink_to(victim)
    root = shop(tmp_path / "repo")
    code, _, err = run(capsys, "check", root, "--cache-dir", cache)
    assert code == 1
    assert victim.read_bytes() == before
    assert not Path(f"{victim}-wal").exists() and not Path(f"{victim}-shm").exists()
    assert "facts.sqlite3" in err and "link" in err


def _forge(cache_dir: Path, benign_root: Path, evil_text: str) -> None:
    """Store the facts of a benign file under the hash of ``evil_text``, the way a repository
    that ships its own cache would, through the cache's own API."""
    benign_sha = decode(BENIGN.encode()).sha256
    evil_sha = decode(evil_text.encode()).sha256
    collect(str(benign_root), ScanOptions(cache_dir=str(cache_dir)))
    cache = FactsCache(str(cache_dir))
    try:
        ok, value = cache.get_many([benign_sha])[benign_sha]
        cache.put_many([(evil_sha, ok, value)])
    finally:
        cache.close()


def test_a_cache_inside_the_analysed_repository_is_never_trusted(tmp_path, capsys):
    root = shop(tmp_path / "repo")
    benign = shop(tmp_path / "benign", domain=BENIGN)
    shipped = root / ".cache" / "monolith-advisor"
    _forge(tmp_path / "staging", benign, EVIL)
    shipped.parent.mkdir()
    os.rename(tmp_path / "staging", shipped)
    code, out, err = run(capsys, "check", root, "--cache-dir", shipped)
    assert code == 1 and "shop.domain" in out  # the forbidden import is seen
    assert "inside the analysed" in err


def test_a_row_moved_to_another_key_is_detected(tmp_path, capsys):
    """A row copied from one file's key to another's: the digest binds value and key."""
    cache = tmp_path / "cache"
    benign = shop(tmp_path / "benign", domain=BENIGN)
    collect(str(benign), ScanOptions(cache_dir=str(cache)))
    benign_sha = decode(BENIGN.encode()).sha256
    evil_sha = decode(EVIL.encode()).sha256
    with sqlite3.connect(cache / "facts.sqlite3") as db:
        table = _table(db)
        db.execute(f"UPDATE {table} SET key = replace(key, ?, ?)", (benign_sha, evil_sha))
    db.close()
    code, out, _ = run(capsys, "check", shop(tmp_path / "repo"), "--cache-dir", cache)
    assert code == 1 and "shop.domain" in out


def _table(db: sqlite3.Connection) -> str:
    """The facts table, whatever its schema version calls it."""
    return db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE "
                      "'facts%'").fetchone()[0]


def test_damaged_rows_are_parsed_again_and_repaired(tree, tmp_path, capsys):
    root = tree({"shop/__init__.py": "", "shop/a.py": "import shop.b\n", "shop/b.py": "B = 1\n"})
    options = ScanOptions(cache_dir=str(tmp_path / "cache"))
    cold = collect(str(root), options)
    with sqlite3.connect(tmp_path / "cache" / "facts.sqlite3") as db:
        db.execute(f"UPDATE {_table(db)} SET value = substr(value, 1, 3)")
    db.close()
    code, _, err = run(capsys, "graph", root, "--cache-dir", tmp_path / "cache")
    assert code == 0, err  # was: "no Python files to analyse" on every run, until deleted
    repaired = collect(str(root), options)
    assert repaired.stats == {"files_found": 3, "parsed": 0, "from_cache": 3, "transient": 0,
                              "cache_problems": 0}
    assert repaired.modules == cold.modules and repaired.skipped == ()
