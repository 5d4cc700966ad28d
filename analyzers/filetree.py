"""The files of a repository, listed once, read on demand, never outside the root; and the
``Evidence`` (path, line, detail) that detectors over those files hand out."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from analyzers.facts import SkippedFile
from analyzers.source import Inside, Rejected
from analyzers.treewalk import is_within, walk_once

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 50_000
_VISIBLE_HIDDEN_DIRS = frozenset({".github", ".gitlab", ".circleci"})
# hidden folders that hold container definitions (.devcontainer, .docker, ...) are read too
_CONTAINER_DIR = re.compile(r"(?i)container|docker")
# advisor-report: this tool's own default output folder is no evidence of anything
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "advisor-report"})


@dataclass(frozen=True, slots=True)
class Evidence:
    path: str  # posix, relative to the analysed root
    line: int  # 1-based; 0 for "the whole file"
    detail: str  # one line, for people
    kind: str = ""  # machine-readable sub-topic, e.g. "runs_tests", "no_timeout", "retry"


class FileTree:
    """The regular files under ``root``, in sorted order, each real file once (under the first
    path the walk reaches it by); text read on demand, at most ``max_bytes`` a file."""

    def __init__(self, root: str, *, max_files: int = MAX_FILES,
                 max_bytes: int = MAX_FILE_BYTES, skip: tuple[str, ...] = ()) -> None:
        self.root = os.path.realpath(root)
        # folders not listed, by real path: where this run writes its reports
        self._skip = frozenset(os.path.realpath(p) for p in skip)
        self.max_bytes = max_bytes
        self.skipped: list[SkippedFile] = []
        self.truncated = False
        self._real: dict[str, str] = {}
        self._texts: dict[str, str | None] = {}
        # path -> sha256 of the bytes read, or "rejected: <reason>": what the detectors read
        self.reads: dict[str, str] = {}
        # per-file results (``memo``): those an earlier run kept, and those of this run
        self.kept: dict[tuple, object] = {}
        self.made: dict[tuple, object] = {}
        # its folders stay open while the detectors read (closed when the tree is collected)
        self._reader = Inside(self.root, keep_folders=128)
        self._walk(max_files)
        self.paths = tuple(sorted(self._real))
        self.listing = self._listing_digest()  # before any read adds to ``skipped``

    def _inside(self, real: str) -> bool:
        return is_within(real, self.root)

    def _walk(self, max_files: int) -> None:
        """Depth first in name order, each real folder and each real file once
        (``analyzers.treewalk``)."""
        listed: set[str] = set()

        def visit(rel_dir: str, real_dir: str, entries: list[os.DirEntry]):
            subdirs, links = [], []
            for entry in entries:
                if self.truncated:
                    break
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                is_link = entry.is_symlink()
                real = os.path.realpath(entry.path) if is_link else entry.path
                if not self._inside(real):
                    self.skipped.append(SkippedFile(
                        rel, "symlink to a location outside the analysed root; not read"))
                elif os.path.isdir(real):
                    if not _skip_dir(entry.name, real) and real not in self._skip:
                        (links if is_link else subdirs).append((rel, real))
                elif os.path.isfile(real) and real not in listed:  # a file once, by real path
                    if len(self._real) >= max_files:
                        self.truncated = True
                        break
                    self._real[rel] = real
                    listed.add(real)
            return ([], []) if self.truncated else (subdirs, links)

        walk_once(self.root, visit, lambda rel, reason: self.skipped.append(
            SkippedFile(rel, reason)), verb="listed")

    def read(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                data = self._reader.read(self._real[path], self.max_bytes)
                self._texts[path] = data.decode("utf-8", "replace")
                self.reads[path] = hashlib.sha256(data).hexdigest()
            except Rejected as exc:
                self.skipped.append(SkippedFile(path, str(exc)))
                self._texts[path] = None
                self.reads[path] = f"rejected: {exc}"
        return self._texts[path]

    def _listing_digest(self) -> str:
        """A digest of what the walk found: every path, where it really lives, what was
        skipped and whether the listing was cut short. With the digests of the files read
        (``reads``), it is the whole input of a detector run over this tree."""
        digest = hashlib.sha256(b"truncated" if self.truncated else b"whole")
        for path in self.paths:
            digest.update(f"\0{path}\0{self._real[path]}".encode("utf-8", "surrogatepass"))
        for skip in self.skipped:
            digest.update(f"\1{skip.path}\0{skip.reason}".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def memo(self, tag: str, path: str, text: str, compute, *extra):
        """``compute(path, text)`` for the file at ``path`` as read now (``text``, what
        ``read`` gave): taken from ``kept`` when an earlier run computed it from the same bytes,
        tag and ``extra`` (anything else it depends on), else computed. Either way it lands in
        ``made``, for the next run. ``compute`` must depend on nothing else and return plain
        ``marshal``-able values (``None`` is never kept)."""
        key = (tag, path, self.reads[path], extra)
        value = self.kept.get(key)
        if value is None:
            value = compute(path, text)
        self.made[key] = value
        return value

    def evidence(self, tag: str, path: str, text: str, compute, *extra) -> list[Evidence]:
        """``memo`` for a per-file detector: ``compute(path, text)`` returns evidence."""
        rows = self.memo(tag, path, text, lambda p, t: tuple(
            (e.path, e.line, e.detail, e.kind) for e in compute(p, t)), *extra)
        return [Evidence(*row) for row in rows]

    def unchanged(self, reads: dict[str, str]) -> bool:
        """Whether every file in ``reads`` (path -> what ``reads`` recorded) reads the same
        now; the files are read (and kept) on the way."""
        for path, recorded in reads.items():
            if path not in self._real:
                return False
            self.read(path)
            if self.reads.get(path) != recorded:
                return False
        return True

    def real_path(self, path: str) -> str:
        """Where a listed file really lives, relative to the root (a link's target)."""
        return os.path.relpath(self._real[path], self.root).replace(os.sep, "/")

    def named(self, predicate) -> Iterator[tuple[str, str]]:
        """(path, text) of the readable files whose path satisfies ``predicate``."""
        for path in self.paths:
            if predicate(path) and (text := self.read(path)) is not None:
                yield path, text

    def python(self) -> Iterator[tuple[str, str]]:
        return self.named(lambda p: p.endswith(".py"))


def _skip_dir(name: str, real: str) -> bool:
    if (name.startswith(".") and name not in _VISIBLE_HIDDEN_DIRS
            and not _CONTAINER_DIR.search(name)):
        return True
    if name in _SKIPPED_DIRS or name.endswith(".egg-info"):
        return True
    return any(os.path.exists(os.path.join(real, m)) for m in ("pyvenv.cfg", "conda-meta"))


def _base(path: str) -> str:
    return path.rpartition("/")[2]


def _hits(regex: re.Pattern[str], text: str, needles: tuple[str, ...] = ()
          ) -> Iterator[tuple[int, re.Match[str]]]:
    """(1-based line, match) for every match, in order. ``needles``: plain substrings one of
    which every match contains; a file holding none is skipped without running the regex
    (substring search is ~50x faster than a regex starting with ``\b(a|b)``)."""
    if needles and not any(n in text for n in needles):
        return
    line, pos = 1, 0
    for m in regex.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        yield line, m


def _dist_name(requirement: str) -> str:
    m = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    return re.sub(r"[-_.]+", "-", m.group(0)).lower() if m else ""


def _sorted(items) -> tuple[Evidence, ...]:
    return tuple(sorted(set(items), key=lambda e: (e.path, e.line, e.kind, e.detail)))
