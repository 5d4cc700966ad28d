"""Walking a directory tree once, never outside its root: shared by the Python-file discovery and
the repository file tree of the operations detectors.

Each real directory is visited once, at its own path when it has one: links to directories wait
until the plain tree is walked, a link to a directory above itself is a loop, and a link to a
directory already visited is recorded, not followed (folders linking to one another would
otherwise be walked along every path through the links: n folders, n! walks). Whether a link
leaves the root, and what to do with each entry, is the caller's ``visit``.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable

# visit(rel_dir, real_dir, sorted entries) -> (subdirectories, linked directories), each a list
# of (path relative to the root, real path); ``visit`` records its own skips.
Visit = Callable[[str, str, list[os.DirEntry]], tuple[list[tuple[str, str]],
                                                        list[tuple[str, str]]]]
Skip = Callable[[str, str], None]  # (relative path, one-line reason)


def is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def walk_once(real_root: str, visit: Visit, skip: Skip, verb: str = "analysed") -> None:
    """Depth first, in name order. ``verb`` words the note on a link to a visited folder."""
    stack: list[tuple[str, str, frozenset[str]]] = [("", real_root, frozenset({real_root}))]
    linked: deque[tuple[str, str, frozenset[str]]] = deque()
    walked: dict[str, str] = {}  # real dir -> the path it was walked at
    while stack or linked:
        if not stack:
            rel_dir, real_dir, ancestors = linked.popleft()
            if real_dir in walked:
                skip(rel_dir, f"symlink to a folder {verb} at {walked[real_dir] or '.'}; not "
                              "followed again")
                continue
            stack.append((rel_dir, real_dir, ancestors))
        rel_dir, real_dir, ancestors = stack.pop()
        if real_dir in walked:
            continue
        walked[real_dir] = rel_dir
        try:
            with os.scandir(real_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            skip(rel_dir or ".", f"directory not readable: {exc.strerror}")
            continue
        subdirs, links = visit(rel_dir, real_dir, entries)
        for rel, target in links:
            if target in ancestors:
                skip(rel, "symlink loop (links to a directory above itself); not followed")
            else:
                linked.append((rel, target, ancestors | {target}))
        stack.extend((rel, real, ancestors | {real}) for rel, real in reversed(subdirs))
