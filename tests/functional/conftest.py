"""Every assessment.json an ``advisor analyze`` writes during the session matches the schema,
however the test ran it.

The runner in cli.py checks its own runs as they end; at the end of the session the documents
written otherwise (``advisor.cli.main([...])`` in-process, a raw subprocess) are found in the
session's temporary folders and checked too: an analyze output folder is one that holds both
``assessment.json`` and ``advisor-gate.toml`` (a copy or a hand-made document is not).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.functional.cli import CHECKED, check_document

DEPTH = 3  # basetemp/<test folder>/<...>/<output folder>: where tests put analyze's outputs


def analyze_outputs(base: Path, depth: int = DEPTH) -> list[Path]:
    """The assessment.json of every analyze output folder at most ``depth`` levels under
    ``base`` (links not followed and only regular files read: the tests build hostile trees
    and outputs, FIFOs and devices included)."""
    found, level = [], [base]
    for _ in range(depth + 1):
        deeper = []
        for folder in level:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            files = {e.name for e in entries if e.is_file(follow_symlinks=False)}
            if {"assessment.json", "advisor-gate.toml"} <= files:  # regular files: no FIFO
                found.append(Path(folder) / "assessment.json")
            deeper += [e.path for e in entries if e.is_dir(follow_symlinks=False)]
        level = deeper
    return sorted(found)


@pytest.fixture(scope="session", autouse=True)
def _every_written_document_matches_the_schema(tmp_path_factory):
    yield
    problems = []
    for path in analyze_outputs(tmp_path_factory.getbasetemp()):
        if path.resolve() not in CHECKED:
            try:
                check_document(path)
            except (AssertionError, ValueError) as exc:
                problems.append(str(exc))
    assert not problems, "\n".join(problems)
