"""Run the real ``advisor`` CLI in a subprocess, the way users and CI do.

Every ``assessment.json`` a successful ``advisor analyze`` writes through this runner is checked
against the schema shipped in the package (``advisor.document_schema``, issue 12): so every
document the test suite produces is validated, whatever the test itself looks at.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from advisor.document_schema import schema_errors

DEFAULT_OUTPUT = "advisor-report"  # advisor analyze's default output folder (relative to cwd)
CHECKED: set[Path] = set()  # the assessment.json files checked so far (resolved)


@dataclass
class Run:
    code: int
    out: str
    err: str


def advisor(*args: str, cwd: str | None = None, env: dict | None = None) -> Run:
    full_env = {**os.environ, **(env or {})}
    argv = [str(a) for a in args]
    proc = subprocess.run([sys.executable, "-m", "advisor", *argv], cwd=cwd,
                          capture_output=True, text=True, env=full_env, timeout=600)
    if proc.returncode == 0 and writes_a_document(argv):
        check_written_document(argv, cwd)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def advisor_here(*args, cwd: str | os.PathLike | None = None) -> Run:
    """The real CLI in this process (no interpreter start-up per call), run from ``cwd``:
    exit code, stdout, stderr."""
    from advisor.cli import main

    argv = [str(a) for a in args]
    out, err, before = io.StringIO(), io.StringIO(), os.getcwd()
    os.chdir(cwd or before)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(before)
    if code == 0 and writes_a_document(argv):
        check_written_document(argv, cwd)
    return Run(code, out.getvalue(), err.getvalue())


def writes_a_document(argv: list[str]) -> bool:
    """``advisor [--debug] analyze ...``, not asking for help."""
    command = next((a for a in argv if not a.startswith("-")), None)
    return command == "analyze" and not {"-h", "--help", "--version"} & set(argv)


def output_folder(argv: list[str], cwd: str | os.PathLike | None = None) -> Path:
    """The folder ``advisor analyze ARGV`` writes to: ``-o``/``--output`` or the default."""
    folder = DEFAULT_OUTPUT
    for i, arg in enumerate(argv):
        if arg in ("-o", "--output") and i + 1 < len(argv):
            folder = argv[i + 1]
        elif arg.startswith("--output="):
            folder = arg.partition("=")[2]
        elif arg.startswith("-o") and len(arg) > 2 and not arg.startswith("--"):
            folder = arg[2:]
    return Path(cwd or ".", folder)


def check_written_document(argv: list[str], cwd: str | os.PathLike | None = None) -> None:
    """Fail the calling test when the assessment.json just written does not match the schema
    (or its invariants): the message names every bad field."""
    check_document(output_folder(argv, cwd) / "assessment.json")


def check_document(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    problems = schema_errors(document)
    CHECKED.add(path.resolve())
    assert not problems, f"{path} does not match the schema:\n" + "\n".join(problems[:20])
