"""Real open-source packages pinned from PyPI, downloaded once into a cache outside the repo.

``pip download --no-deps NAME==VERSION`` then the wheel is unzipped. Nothing is installed,
imported or executed. Without network the tests that need a corpus are skipped with the reason.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("ADVISOR_CORPORA", Path.home() / ".cache" / "advisor-corpora"))


def corpus_root(name: str, version: str, python_version: str | None = None) -> Path:
    """The folder holding the unpacked wheel of NAME==VERSION (its top-level packages)."""
    target = CACHE / f"{name}-{version}"
    if (target / ".complete").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:  # test workers (pytest -n) fetch one at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / ".complete").exists():  # another worker fetched it meanwhile
            return target
        return _fetch(name, version, python_version, target)


def _fetch(name: str, version: str, python_version: str | None, target: Path) -> Path:
    downloads = CACHE / "wheels"
    downloads.mkdir(parents=True, exist_ok=True)
    wheels = [p for p in downloads.glob("*.whl")
              if p.name.lower().startswith(name.replace("-", "_").lower() + f"-{version}-")]
    if not wheels:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "-d", str(downloads), f"{name}=={version}", "-q"]
        if python_version:
            cmd += ["--python-version", python_version]
        result = subprocess.run(cmd, capture_output=True, text=True)
        wheels = [p for p in downloads.glob("*.whl")
                  if p.name.lower().startswith(name.replace("-", "_").lower() + f"-{version}-")]
        if result.returncode != 0 or not wheels:
            pytest.skip(f"{name}=={version} could not be downloaded from PyPI (offline?): "
                        f"{result.stderr.strip().splitlines()[-1:]}")
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheels[0]) as zf:
        zf.extractall(target)
    (target / ".complete").write_text("ok")
    return target
