"""Reading files from the analysed tree safely, and source text the way Python would.

Every file taken from the analysed root (sources, ``pyproject.toml``, the baseline, CODEOWNERS,
operations files) is read by ``read_inside``: a regular file (never a device, a FIFO or a
folder), inside the root once links are resolved, opened without blocking and without following
links on the way, and under a size cap checked before a byte is read (a 2 GB sparse file costs
nothing). Files the user names on the command line may be anywhere (``read_named``) but get the
same regular-file, size and non-blocking checks.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import tokenize
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from analyzers.treewalk import is_within

DEFAULT_MAX_FILE_BYTES = 1_000_000
OUTSIDE = "symlink to a location outside the analysed root; not read"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BY_DIR_FD = os.open in os.supports_dir_fd and bool(_NOFOLLOW and _DIRECTORY)


class Rejected(Exception):
    """A file that will not be read; ``str(exc)`` is the one-line reason."""


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    sha256: str


def read_inside(root: str, path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
                too_big: str = "") -> bytes:
    """The bytes of ``path`` (relative to ``root``, or absolute), which must be a regular file
    inside ``root`` once every link is resolved, at most ``max_bytes`` long. ``too_big`` is
    the advice added when it is larger. Raises ``Rejected`` with a one-line reason."""
    return Inside(root).read(path, max_bytes, too_big)


class Inside:
    """``read_inside`` for many files of one root (the root resolved once).

    With ``keep_folders`` > 0 it keeps that many folders open (the most recently used), each
    opened the same way (from its parent, never through a link), so that reading the files of
    one folder opens the folder once instead of every component of every path: on a 4,300-file
    repository that was 25,000 ``open`` and ``close`` calls, a third of a warm run. ``close()``
    (or leaving a ``with`` block, or collection) closes them."""

    def __init__(self, root: str, keep_folders: int = 0) -> None:
        self.root = os.path.realpath(root)
        self._keep = max(0, min(keep_folders, _fd_budget()))
        self._folders: OrderedDict[tuple[str, ...], int] = OrderedDict()
        self._finalizer = weakref.finalize(self, _close_all, self._folders)

    def __enter__(self) -> Inside:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._finalizer()

    def read(self, path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
             too_big: str = "") -> bytes:
        real_root = self.root
        if not _BY_DIR_FD:  # pragma: no cover - not POSIX: the resolved path, last link refused
            return _read(_open(_resolved(real_root, path), _NOFOLLOW), max_bytes, too_big)
        try:  # the common case, a path without links: opened as it is written
            lexical = os.path.normpath(os.path.join(real_root, path))
            if not is_within(lexical, real_root):
                raise _Linked(path)  # outside as written; perhaps not once resolved
            fd = self._open_below(lexical)
        except _Linked:  # through a link: resolved, then opened the same way
            try:
                fd = self._open_below(_resolved(real_root, path))
            except _Linked:  # a link put in place after the resolution
                raise Rejected("changed while being read; not read") from None
        return _read(fd, max_bytes, too_big)

    def _open_below(self, path: str) -> int:
        """Open ``path`` (inside the root) one component at a time from the root, never
        through a link: what is opened is inside the root even if the tree changes meanwhile."""
        rel = os.path.relpath(path, self.root)
        if rel == os.curdir:
            raise Rejected("not a regular file")
        parts = tuple(rel.split(os.sep))
        if not self._keep:
            return _open_below(self.root, parts)
        folder = self._folder(parts[:-1])
        return _open(parts[-1], _NOFOLLOW, folder)

    def _folder(self, parts: tuple[str, ...]) -> int:
        """The kept descriptor of the folder ``parts`` below the root, opened if need be."""
        fd = self._folders.get(parts)
        if fd is not None:
            self._folders.move_to_end(parts)
            return fd
        if parts:
            fd = _open(parts[-1], _DIRECTORY | _NOFOLLOW, self._folder(parts[:-1]))
        else:
            fd = _open(self.root, _DIRECTORY)
        self._folders[parts] = fd
        while len(self._folders) > self._keep:  # the newest, in use, is never the one closed
            os.close(self._folders.popitem(last=False)[1])
        return fd


def _fd_budget() -> int:
    """Folders a reader may keep open: a quarter of the soft descriptor limit."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return 0
    return 1 << 20 if soft == resource.RLIM_INFINITY else soft // 4


def _close_all(folders: OrderedDict) -> None:
    while folders:
        try:
            os.close(folders.popitem()[1])
        except OSError:
            pass


class _Linked(Exception):
    """A component of the path is a symbolic link."""


def _resolved(real_root: str, path: str) -> str:
    real = os.path.realpath(os.path.join(real_root, path))
    if not is_within(real, real_root):
        raise Rejected(OUTSIDE)
    return real


def _open_below(real_root: str, parts: tuple[str, ...]) -> int:
    """Open the file ``parts`` below ``real_root`` one component at a time, closing each
    folder once the next is open."""
    folder = _open(real_root, _DIRECTORY)
    try:
        for part in parts[:-1]:
            inner = _open(part, _DIRECTORY | _NOFOLLOW, folder)
            os.close(folder)
            folder = inner
        return _open(parts[-1], _NOFOLLOW, folder)
    finally:
        os.close(folder)


def read_named(path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES, too_big: str = "") -> bytes:
    """A file the user named (``--config``, ``--baseline``): links followed, since the user chose
    it, but a regular file under the size cap, read without blocking."""
    return _read(_open(path, 0), max_bytes, too_big)


def read_bytes(real_path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """A regular file at a resolved path (a final link refused), at most ``max_bytes``."""
    return _read(_open(real_path, _NOFOLLOW), max_bytes, "")


def _open(path: str, flags: int, dir_fd: int | None = None) -> int:
    try:
        return os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | flags, dir_fd=dir_fd)
    except OSError as exc:
        if flags & _NOFOLLOW and exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(
                path, dir_fd):
            raise _Linked(path) from None
        raise Rejected(f"not readable: {exc.strerror}") from None


def _is_link(path: str, dir_fd: int | None) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path, dir_fd=dir_fd).st_mode)
    except OSError:
        return False


def _read(fd: int, max_bytes: int, too_big: str) -> bytes:
    advice = f"; {too_big}" if too_big else ""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Rejected("not a regular file")
        if st.st_size > max_bytes:
            raise Rejected(f"larger than the file size limit ({st.st_size:,} > {max_bytes:,} "
                           f"bytes){advice}")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise Rejected(f"not readable: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew since fstat, or a special file that reports no size
        raise Rejected(f"larger than the file size limit ({max_bytes:,} bytes){advice}")
    return data


def decode(data: bytes) -> SourceText:
    """Bytes to text the way Python would read them (BOM, coding cookie, default UTF-8)."""
    if b"\x00" in data:
        raise Rejected("contains NUL bytes: binary or corrupt, not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" not in str(exc):
            raise Rejected(f"bad encoding declaration: {exc}") from None
        encoding = "utf-8"  # undeclared and not UTF-8: the decode below says where
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        detail = f"at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise Rejected(
            f"not valid {encoding} text ({detail}); add a '# -*- coding: ... -*-' line "
            "or re-save the file as UTF-8"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceText(text=text, sha256=hashlib.sha256(data).hexdigest())
