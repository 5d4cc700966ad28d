"""Shared fixtures: small trees written to tmp dirs, and pinned real packages from PyPI."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.corpora import corpus_root


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path):
    """``tree({"pkg/__init__.py": "", ...})`` writes the files and returns the root."""

    def make(files: dict[str, str | bytes], name: str = "repo") -> Path:
        return write_tree(tmp_path / name, files)

    return make


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Tests never share the user's facts cache, and render the same on a CI runner (whose
    repository address would otherwise turn report.md's evidence into links)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    for name in ("ADVISOR_REPO_URL", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "CI_PROJECT_URL",
                 "GITHUB_STEP_SUMMARY"):  # advisor check would append to the CI's own summary
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def django_root():
    return corpus_root("django", "6.1.3", python_version="3.12")


@pytest.fixture(scope="session")
def oscar_root():
    return corpus_root("django-oscar", "4.2.1")


