"""Small real trees for the operations detectors' tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from analyzers.filetree import FileTree


def tree(root: Path, files: dict[str, str]) -> FileTree:
    """Write ``files`` (dedented) under ``root`` and list them as the detectors will."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return FileTree(str(root))
