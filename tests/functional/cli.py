"""Run the real ``advisor`` CLI in a subprocess, the way users and CI do."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Run:
    code: int
    out: str
    err: str


def advisor(*args: str, cwd: str | None = None, env: dict | None = None) -> Run:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "advisor", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=full_env, timeout=600)
    return Run(proc.returncode, proc.stdout, proc.stderr)
