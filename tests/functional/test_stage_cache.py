"""Stage results in the cache (history by commit, clustering by signal graph) never change a
result: a warm ``advisor analyze`` writes the cold run's assessment.json byte for byte, and
reads neither the git log nor runs Louvain again; a new commit, or a damaged row, is a miss."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import advisor.clustering
import analyzers.history
from advisor.cli import main
from tests.functional.test_hostile_git import git

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "marketplace"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The marketplace sample in a git repository of three commits."""
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".git"))
    git(root, "init", "-q", "-b", "main")
    modules = sorted(p for p in root.rglob("*.py") if p.name != "__init__.py")
    for day, chunk in enumerate((modules[::3], modules[1::3], modules[2::3]), start=1):
        for path in chunk[:6]:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"\nCHANGED_ON_DAY_{day} = {day}\n")
        git(root, "add", "-A", day=day)
        git(root, "commit", "-q", "-m", f"day {day}", day=day)
    return root


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    """How many times the git log was parsed and Louvain clustering ran."""
    counts = {"log": 0, "cluster": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(analyzers.history, "parse_log",
                        counting("log", analyzers.history.parse_log))
    monkeypatch.setattr(advisor.clustering, "_cluster",
                        counting("cluster", advisor.clustering._cluster))
    return counts


def analyze(root: Path, out: Path, *options: str) -> bytes:
    assert main(["analyze", str(root), "-o", str(out), "-q", *options]) == 0
    return (out / "assessment.json").read_bytes()


def test_warm_run_reads_no_log_runs_no_clustering_and_writes_the_same_document(
        repo, tmp_path, calls):
    cache = ("--cache-dir", str(tmp_path / "cache"))
    uncached = analyze(repo, tmp_path / "uncached", "--no-cache")
    assert calls["log"] == 1 and calls["cluster"] >= 1
    calls.update(log=0, cluster=0)
    cold = analyze(repo, tmp_path / "cold", *cache)
    assert calls["log"] == 1 and calls["cluster"] >= 1
    calls.update(log=0, cluster=0)
    warm = analyze(repo, tmp_path / "warm", *cache)
    assert calls == {"log": 0, "cluster": 0}
    assert warm == cold == uncached


def test_a_new_commit_reads_the_history_again(repo, tmp_path, calls):
    cache = ("--cache-dir", str(tmp_path / "cache"))
    before = analyze(repo, tmp_path / "before", *cache)
    with open(next(repo.rglob("models.py")), "a", encoding="utf-8") as fh:
        fh.write("\nLATER = 1\n")
    git(repo, "commit", "-q", "-a", "-m", "later", day=9)
    calls.update(log=0, cluster=0)
    after = analyze(repo, tmp_path / "after", *cache)
    assert calls["log"] == 1
    assert after != before
    assert after == analyze(repo, tmp_path / "uncached", "--no-cache")


def test_a_damaged_result_is_a_miss(repo, tmp_path, calls):
    cache = tmp_path / "cache"
    cold = analyze(repo, tmp_path / "cold", "--cache-dir", str(cache))
    with sqlite3.connect(cache / "facts.sqlite3") as db:
        changed = db.execute("UPDATE results_v1 SET value = X'00'").rowcount
    assert changed >= 2  # the history and at least one clustering
    calls.update(log=0, cluster=0)
    again = analyze(repo, tmp_path / "again", "--cache-dir", str(cache))
    assert calls["log"] == 1 and calls["cluster"] >= 1
    assert again == cold
