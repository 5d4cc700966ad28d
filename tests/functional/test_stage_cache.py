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


def count_calls(monkeypatch, functions: dict[str, tuple[object, str]]) -> dict[str, int]:
    """Replace each ``module.attribute`` with a wrapper counting its calls under its key."""
    counts = dict.fromkeys(functions, 0)
    for key, (module, attribute) in functions.items():
        def wrapper(*args, _key=key, _real=getattr(module, attribute), **kwargs):
            counts[_key] += 1
            return _real(*args, **kwargs)
        monkeypatch.setattr(module, attribute, wrapper)
    return counts


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    """How many times history facts were folded from the log's commits (a whole log, or the
    kept commits and the new ones) and Louvain clustering ran."""
    return count_calls(monkeypatch, {"log": (analyzers.history, "fold_log"),
                                     "cluster": (advisor.clustering, "_cluster")})


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


# --- whole runs (advisor.assess) ----------------------------------------------------------------
@pytest.fixture
def runs(monkeypatch) -> dict[str, int]:
    """How many times the facts were parsed (or read from the facts cache) and the assessment
    built: 0 and 0 for a reused run."""
    import advisor.analysis
    import advisor.assessment

    return count_calls(monkeypatch, {"parse": (advisor.analysis, "parse_tree"),
                                     "assess": (advisor.assessment, "build_assessment")})


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_an_unchanged_run_is_reused_whole_and_states_its_own_date(repo, tmp_path, runs,
                                                                   monkeypatch):
    import advisor.outputs

    cache = ("--cache-dir", str(tmp_path / "cache"))
    monkeypatch.setattr(advisor.outputs, "generated_at", lambda: "2026-01-01 09:00 UTC")
    analyze(repo, tmp_path / "cold", *cache)
    assert runs == {"parse": 1, "assess": 1}
    monkeypatch.setattr(advisor.outputs, "generated_at", lambda: "2026-02-02 10:00 UTC")
    analyze(repo, tmp_path / "warm", *cache)
    assert runs == {"parse": 1, "assess": 1}  # reused: neither parsed nor assessed again
    cold, warm = outputs(tmp_path / "cold"), outputs(tmp_path / "warm")
    assert sorted(cold) == sorted(warm) == ["advisor-gate.toml", "assessment.json",
                                           "importlinter.ini", "report.html", "report.md"]
    for name in ("report.html", "report.md"):
        assert b"2026-02-02 10:00 UTC" in warm[name] and b"2026-01" not in warm[name]
        assert warm[name].replace(b"2026-02-02 10:00", b"2026-01-01 09:00") == cold[name]
    assert {k: v for k, v in warm.items() if k.endswith((".json", ".toml", ".ini"))} == \
        {k: v for k, v in cold.items() if k.endswith((".json", ".toml", ".ini"))}
    fresh = analyze(repo, tmp_path / "fresh", "--no-cache")
    assert warm["assessment.json"] == fresh


def _edit_code(repo: Path) -> None:
    with open(next(repo.rglob("models.py")), "a", encoding="utf-8") as fh:
        fh.write("\nimport marketplace.search\n")


def _edit_ci(repo: Path) -> None:
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pytest\n", encoding="utf-8")


def _edit_dockerfile(repo: Path) -> None:
    with open(repo / "Dockerfile", "a", encoding="utf-8") as fh:
        fh.write("HEALTHCHECK CMD curl -f http://localhost/healthz\n")


def _edit_codeowners(repo: Path) -> None:
    with open(repo / ".github" / "CODEOWNERS", "a", encoding="utf-8") as fh:
        fh.write("/marketplace/search/ @acme/search-squad\n")  # a team more


def _edit_settings(repo: Path) -> None:
    with open(repo / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[tool.advisor.verdict]\nmin_lines = 100\n")


def _commit(repo: Path) -> None:
    (repo / "NOTES.txt").write_text("a commit that touches no code\n", encoding="utf-8")
    git(repo, "add", "-A", day=20)
    git(repo, "commit", "-q", "-m", "notes", day=20)


@pytest.mark.parametrize("change", [_edit_code, _edit_ci, _edit_dockerfile, _edit_codeowners,
                                    _edit_settings, _commit])
def test_a_change_to_any_input_is_a_miss_and_the_result_is_the_uncached_one(
        repo, tmp_path, runs, change):
    cache = ("--cache-dir", str(tmp_path / "cache"))
    before = analyze(repo, tmp_path / "before", *cache)
    change(repo)
    after = analyze(repo, tmp_path / "after", *cache)
    assert runs["assess"] == 2, f"{change.__name__}: the run was reused"
    assert after == analyze(repo, tmp_path / "uncached", "--no-cache")
    if change in (_edit_code, _edit_ci, _edit_codeowners, _edit_settings, _commit):
        assert after != before  # the change shows in the document


def test_a_miss_outside_the_code_reuses_the_stage_results(repo, tmp_path, calls, runs):
    """A new file the detectors list (so the run is not reused) changes no code and no
    history: the history and the clustering come from their own cache entries."""
    cache = ("--cache-dir", str(tmp_path / "cache"))
    analyze(repo, tmp_path / "before", *cache)
    (repo / "docs").mkdir()
    (repo / "docs" / "adr-001.md").write_text("# Keep the monolith\n", encoding="utf-8")
    calls.update(log=0, cluster=0)
    after = analyze(repo, tmp_path / "after", *cache)
    assert runs["assess"] == 2 and calls == {"log": 0, "cluster": 0}
    assert after == analyze(repo, tmp_path / "uncached", "--no-cache")


def test_a_run_that_hit_the_time_limit_is_not_kept(tmp_path, runs):
    big = "".join(f"def f{i}(a, b):\n    return [a + b for _ in range({i})]\n"
                  for i in range(12000))
    root = tmp_path / "slow"
    root.mkdir()
    (root / "slow.py").write_text(big, encoding="utf-8")
    (root / "fast.py").write_text("x = 1\n", encoding="utf-8")
    options = ("--cache-dir", str(tmp_path / "cache"), "--parse-timeout", "0.3", "--no-git")
    analyze(root, tmp_path / "one", *options)
    analyze(root, tmp_path / "two", *options)
    assert runs == {"parse": 2, "assess": 2}  # slow.py may parse in time next run


def test_a_run_with_a_diagram_graphviz_failed_to_draw_is_not_kept(repo, tmp_path, runs,
                                                                  monkeypatch):
    import reports.diagrams as diagrams

    def fails(self, dot):
        raise diagrams.DiagramError("dot timed out after 10 s")

    monkeypatch.setattr(diagrams.GraphvizRenderer, "render", fails)
    cache = ("--cache-dir", str(tmp_path / "cache"))
    analyze(repo, tmp_path / "one", *cache)
    assert b"not drawn: dot timed out" in (tmp_path / "one" / "report.html").read_bytes()
    analyze(repo, tmp_path / "two", *cache)
    assert runs["assess"] == 2  # drawn or not next time: not reused


def test_a_run_whose_map_leaves_contexts_out_by_design_is_kept(repo, tmp_path, runs,
                                                                 monkeypatch):
    """A capped map says which contexts are 'not drawn: ...' on every run alike: that is no
    Graphviz failure, and the run is reused (saleor's map names 11 such contexts)."""
    import reports.view

    monkeypatch.setattr(reports.view, "MAP_NODES", 2)
    cache = ("--cache-dir", str(tmp_path / "cache"))
    analyze(repo, tmp_path / "one", *cache)
    assert b"not drawn: " in (tmp_path / "one" / "report.html").read_bytes()
    analyze(repo, tmp_path / "two", *cache)
    assert runs["assess"] == 1


def test_a_cold_run_leaves_the_parser_to_the_workers(tmp_path):
    """The parent of a cold run never loads libcst (0.3 s on each run, at the start, before a
    single file is parsed): only the parser workers do, and the facts they send are plain."""
    import subprocess
    import sys

    code = ("import sys; from advisor.cli import main; "
            "rc = main(['analyze', sys.argv[1], '-o', sys.argv[2], '--no-cache', '-q']); "
            "print(rc, 'libcst' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(SAMPLE), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.stdout.splitlines()[-1] == "0 False", proc.stderr


def test_an_output_folder_inside_the_repository_is_no_evidence(repo, tmp_path, monkeypatch):
    """Reports written inside the analysed tree, under any name (-o), are not listed by the
    operations detectors: the next run reads the same tree and reuses their result."""
    import analyzers.operations as operations

    detected = []
    real = operations._detect
    monkeypatch.setattr(operations, "_detect", lambda *a: detected.append(1) or real(*a))
    cache = ("--cache-dir", str(tmp_path / "cache"))
    out = repo / "docs" / "architecture"
    analyze(repo, out, *cache)
    assert (out / "advisor-gate.toml").exists() and detected == [1]
    analyze(repo, out, *cache)
    assert detected == [1]  # the listing is unchanged although the reports are in it
