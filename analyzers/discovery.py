"""Finding the Python files under a root, without ever leaving it.

Symlinks are resolved before anything is opened: a link whose target lies outside the root is
recorded as skipped and never read; a directory link that leads back to a directory already on the
walk is a loop and is recorded too, and every real directory is walked once, at its own path when
it has one (a link to a folder walked elsewhere is recorded, not followed). Nothing here opens a
file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from analyzers.facts import SkippedFile
from analyzers.globs import Glob, literal, one, one_but, opt, seq, star
from analyzers.treewalk import is_within, walk_once

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        "node_modules", "__pycache__", "site-packages", "build", "dist", "venv", "env",
        "htmlcov", "advisor-report",
    }
)
"""Directory names skipped by default, besides hidden directories (``.git``, ``.venv``, ``.tox``
...), ``*.egg-info`` and any directory holding a ``pyvenv.cfg`` (a virtualenv)."""

PYTHON_SUFFIXES = (".py",)


@dataclass(frozen=True, slots=True)
class DiscoveredFile:
    path: str  # posix, relative to the root, as reached (through in-root links, if any)
    real_path: str  # absolute, symlinks resolved; always inside the root


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[DiscoveredFile, ...]
    package_dirs: frozenset[str]  # posix dirs (relative) that hold an __init__.py
    skipped: tuple[SkippedFile, ...]


@lru_cache(maxsize=512)
def _glob(pattern: str) -> Glob:
    """gitignore-like globs: ``*`` within a path part, ``**`` across parts; a pattern without a
    slash matches a file or directory name at any depth. Matched by ``analyzers.globs`` in time
    linear in the path (the pattern comes from the analysed repository's config)."""
    pattern = pattern.strip().rstrip("/")
    anything_then_slash = opt(seq(star(one()), literal("/")))
    out = [] if "/" in pattern else [anything_then_slash]
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append(anything_then_slash)
            i += 3
        elif pattern.startswith("**", i):
            out.append(star(one()))
            i += 2
        else:
            c = pattern[i]
            out.append(star(one_but("/")) if c == "*" else one_but("/") if c == "?"
                       else literal(c))
            i += 1
    out.append(opt(seq(literal("/"), star(one()))))  # a directory's contents
    return Glob(seq(*out), pattern)


def matches_any(path: str, patterns: tuple[str, ...]) -> bool:
    return any(_glob(p).fullmatch(path) for p in patterns)


def discover(
    root: str,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    default_excludes: bool = True,
) -> Discovery:
    """Walk ``root`` (an existing directory) and list its Python files in sorted order."""
    real_root = os.path.realpath(root)
    files: list[DiscoveredFile] = []
    skipped: list[SkippedFile] = []
    package_dirs: set[str] = set()

    def visit(rel_dir: str, real_dir: str, entries: list[os.DirEntry]):
        names = {e.name for e in entries}
        if "__init__.py" in names:
            package_dirs.add(rel_dir)
        subdirs: list[tuple[str, str]] = []
        links: list[tuple[str, str]] = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                skipped.append(SkippedFile(rel, f"not readable: {exc.strerror}"))
                continue
            if not _encodable(entry.name):
                # bytes that are not UTF-8 (os.fsdecode keeps them as lone surrogates): such a
                # name is no importable module, and it could not be written to JSON or HTML
                if is_dir and not is_link:
                    if not _excluded_dir(entry.name, rel, exclude, default_excludes, entry.path):
                        skipped.append(SkippedFile(_printable(rel), _BAD_NAME + "; its files "
                                                   "were not searched"))
                elif entry.name.endswith(PYTHON_SUFFIXES):
                    skipped.append(SkippedFile(_printable(rel), _BAD_NAME))
                continue
            if is_link:
                target = os.path.realpath(entry.path)
                if not os.path.exists(target):
                    if entry.name.endswith(PYTHON_SUFFIXES):
                        skipped.append(SkippedFile(rel, "broken symlink"))
                    continue
                is_dir = os.path.isdir(target)
                if not is_dir and not entry.name.endswith(PYTHON_SUFFIXES):
                    continue
                if not is_within(target, real_root):
                    skipped.append(SkippedFile(
                        rel, "symlink to a location outside the analysed root; not read"))
                    continue
                if is_dir:
                    if _excluded_dir(entry.name, rel, exclude, default_excludes, target):
                        continue
                    links.append((rel, target))
                    continue
                real_file = target
            elif is_dir:
                if _excluded_dir(entry.name, rel, exclude, default_excludes, entry.path):
                    continue
                subdirs.append((rel, os.path.join(real_dir, entry.name)))
                continue
            else:
                if not entry.name.endswith(PYTHON_SUFFIXES):
                    continue
                real_file = os.path.join(real_dir, entry.name)
            if exclude and matches_any(rel, exclude):
                continue
            if include and not matches_any(rel, include):
                continue
            files.append(DiscoveredFile(rel, real_file))
        return subdirs, links

    walk_once(real_root, visit, lambda rel, reason: skipped.append(SkippedFile(rel, reason)))
    files.sort(key=lambda f: f.path)
    skipped.sort(key=lambda s: s.path)
    return Discovery(tuple(files), frozenset(package_dirs), tuple(skipped))


_BAD_NAME = "name is not valid UTF-8 (shown with U+FFFD); rename it to analyse it"


def _encodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(path: str) -> str:
    return os.fsencode(path).decode("utf-8", "replace")


def _excluded_dir(name: str, rel: str, exclude: tuple[str, ...], default_excludes: bool,
                  path: str) -> bool:
    if default_excludes:
        if name.startswith(".") or name in DEFAULT_EXCLUDED_DIRS or name.endswith(".egg-info"):
            return True
        if os.path.exists(os.path.join(path, "pyvenv.cfg")):
            return True
    return bool(exclude) and matches_any(rel, exclude)
