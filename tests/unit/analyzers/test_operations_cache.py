"""analyzers.operations_cache: operations evidence is reused only while every file the
detectors read, and the listing they chose them from, is unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import analyzers.operations as operations
from analyzers.cache import ResultCache
from analyzers.operations import collect_operations
from analyzers.operations_cache import OperationsCache, dump, load

FILES = {
    "Dockerfile": "FROM python:3.12\nHEALTHCHECK CMD curl -f http://localhost/health\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
                                "    steps:\n      - run: pytest -q\n",
    "app/__init__.py": "",
    "app/client.py": "import requests\n\ndef get(url):\n    return requests.get(url)\n",
    "tests/test_app.py": "def test_ok():\n    assert True\n",
    "requirements.txt": "requests==2.32.0\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def detections(monkeypatch) -> list[int]:
    runs: list[int] = []
    real = operations._detect
    monkeypatch.setattr(operations, "_detect", lambda *a: runs.append(1) or real(*a))
    return runs


def run(repo: Path, results: ResultCache):
    return collect_operations(str(repo), cache=OperationsCache(results, str(repo), 50_000,
                                                               1_000_000))


def test_codec_round_trips_real_facts(repo):
    facts = collect_operations(str(repo))
    assert facts.ci and facts.containers and facts.resilience  # something to round-trip
    assert load(dump(facts)) == facts


@pytest.mark.parametrize("change", ["edit a file read", "add a file", "remove a file",
                                    "replace a file by a link"])
def test_reused_while_unchanged_and_detected_again_after_any_change(repo, tmp_path, detections,
                                                                    change):
    results = ResultCache(str(tmp_path / "cache"))
    first = run(repo, results)
    assert run(repo, results) == first and len(detections) == 1  # reused
    if change == "edit a file read":
        (repo / "app" / "client.py").write_text(
            "import requests\n\ndef get(url):\n    return requests.get(url, timeout=5)\n")
    elif change == "add a file":
        (repo / "docker-compose.yml").write_text("services:\n  web:\n    build: .\n")
    elif change == "remove a file":
        os.remove(repo / "Dockerfile")
    else:
        os.remove(repo / "requirements.txt")
        os.symlink(tmp_path / "elsewhere.txt", repo / "requirements.txt")
    again = run(repo, results)
    assert len(detections) == 2
    assert again == collect_operations(str(repo))  # what an uncached run finds
    assert again != first
    results.close()


def test_a_damaged_row_is_a_miss(repo, tmp_path, detections):
    import sqlite3

    results = ResultCache(str(tmp_path / "cache"))
    first = run(repo, results)
    results.close()
    with sqlite3.connect(tmp_path / "cache" / "facts.sqlite3") as db:
        db.execute("UPDATE results_v1 SET value = X'00'")
    results = ResultCache(str(tmp_path / "cache"))
    assert run(repo, results) == first and len(detections) == 2
    results.close()


def test_after_an_edit_only_the_edited_file_is_scanned_again(repo, tmp_path, monkeypatch):
    """The per-file results of the last run are kept by content, not by root: a new clone
    with one file edited runs the per-file detectors on that file only, and finds what an
    uncached run finds."""
    import shutil

    import analyzers.runtime as runtime

    scanned: list[str] = []
    real = runtime._config_in
    monkeypatch.setattr(runtime, "_config_in", lambda p, t: scanned.append(p) or real(p, t))
    results = ResultCache(str(tmp_path / "cache"))
    first = run(repo, results)
    assert scanned == ["app/__init__.py", "app/client.py"]  # tests are support code
    (repo / "app" / "other.py").write_text("import os\nKEY = os.environ['KEY']\n")
    scanned.clear()
    second = run(repo, results)
    assert scanned == ["app/other.py"]
    clone = tmp_path / "clone"
    shutil.copytree(repo, clone)
    (clone / "app" / "client.py").write_text("import os\nURL = os.getenv('URL')\n")
    scanned.clear()
    third = run(clone, results)
    assert scanned == ["app/client.py"]
    assert third == collect_operations(str(clone))
    assert [e.path for e in third.config if e.kind == "env_vars"] == ["app/client.py",
                                                                      "app/other.py"]
    assert second != first
    results.close()
