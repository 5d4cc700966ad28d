"""A persistent cache of per-file facts, keyed by content hash and analyzer version.

One SQLite file (stdlib, atomic, safe with several processes). A parse failure is cached too:
the same bytes fail the same way. Values are the ``marshal``-ed tuples of
``analyzers.encoding`` exactly as the workers send them (parse failures: the reason, UTF-8);
rows from another analyzer version, libcst version or fact-extraction code are never read.

Every row carries a digest of its value bound to its key: a damaged row, or a row moved to
another file's key, reads as a miss, so the file is parsed again and the row replaced. The
folder is the user's (``--cache-dir``, ``ADVISOR_CACHE_DIR``, ``XDG_CACHE_HOME``), never the
analysed repository's; the database is never opened through a link (a link, or anything but a
regular file, at its name or its journal's is refused).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import analyzers

_TABLE = "facts_v2"  # v1 ("facts") had no digests: never read, dropped
_SCHEMA = (f"CREATE TABLE IF NOT EXISTS {_TABLE} (key TEXT PRIMARY KEY, ok INTEGER NOT NULL, "
           "value BLOB NOT NULL, digest BLOB NOT NULL)")
DATABASE = "facts.sqlite3"
_JOURNALS = ("-wal", "-shm", "-journal")


class CacheRefused(Exception):
    """The cache folder holds something the cache must not be opened through."""


def default_cache_dir() -> str:
    """``ADVISOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/monolith-advisor``, else
    ``~/.cache/monolith-advisor``: the environment of the user, never the analysed repository."""
    if os.environ.get("ADVISOR_CACHE_DIR"):
        return os.path.expanduser(os.environ["ADVISOR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "monolith-advisor")


def _digest(key: str, ok: int, value: bytes) -> bytes:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass"))
    digest.update(b"\0ok\0" if ok else b"\0failed\0")
    digest.update(value)
    return digest.digest()


def _refuse_links(path: str) -> None:
    """The database and its journals are regular files or absent, never links to elsewhere."""
    for name in (path, *(path + suffix for suffix in _JOURNALS)):
        try:
            mode = os.lstat(name).st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            what = "a symlink" if stat.S_ISLNK(mode) else "not a regular file"
            raise CacheRefused(f"{name} is {what}; the cache is never opened through it")


# The modules whose code decides the per-file facts: their bytes are part of every key, so a
# changed parser never reads facts an older one wrote (ANALYZER_VERSION covers released
# versions; this covers a working tree too).
_FACT_MODULES = ("pyparse", "collectors", "datafacts", "lines", "encoding", "facts")


def _version_tag() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        libcst_version = version("libcst")
    except PackageNotFoundError:  # pragma: no cover - libcst is a hard dependency
        libcst_version = "?"
    digest = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for name in _FACT_MODULES:
        with open(os.path.join(here, f"{name}.py"), "rb") as fh:
            digest.update(fh.read())
    return f"a{analyzers.ANALYZER_VERSION}-cst{libcst_version}-{digest.hexdigest()[:12]}"


class FactsCache:
    def __init__(self, directory: str) -> None:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self.path = os.path.join(directory, DATABASE)
        self._tag = _version_tag()
        self.damaged = 0  # rows read that failed verification (then parsed again, replaced)
        _refuse_links(self.path)
        self._db = sqlite3.connect(self.path, timeout=30)
        try:
            _refuse_links(self.path)  # created by the connect: still no link anywhere
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            self._db.execute("DROP TABLE IF EXISTS facts")
        except BaseException:
            self._db.close()
            raise

    def _key(self, sha256: str) -> str:
        return f"{self._tag}:{sha256}"

    def get_many(self, hashes: Iterable[str]) -> dict[str, tuple[bool, object]]:
        """sha256 -> (ok, encoded facts or error message) for the hashes present."""
        keys = {self._key(h): h for h in hashes}
        found: dict[str, tuple[bool, object]] = {}
        items = list(keys)
        for i in range(0, len(items), 500):
            chunk = items[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, ok, value, digest FROM {_TABLE} "
                f"WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for key, ok, value, digest in rows:
                try:
                    value = bytes(value)
                    if ok not in (0, 1) or _digest(key, ok, value) != bytes(digest):
                        raise ValueError("digest mismatch")
                    found[keys[key]] = (True, value) if ok else (
                        False, value.decode("utf-8", "replace"))
                except (TypeError, ValueError):
                    self.damaged += 1  # a miss: parsed again, and the row replaced
        return found

    def put_many(self, entries: Iterable[tuple[str, bool, object]]) -> None:
        rows = []
        for sha, ok, value in entries:
            key, blob = self._key(sha), value if ok else str(value).encode("utf-8")
            rows.append((key, int(ok), blob, _digest(key, int(ok), blob)))
        if rows:
            with self._db:
                self._db.executemany(f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?, ?)",
                                     rows)

    def close(self) -> None:
        self._db.close()


# --- results of whole stages ------------------------------------------------------------------
_RESULTS = "results_v1"
_RESULTS_SCHEMA = (f"CREATE TABLE IF NOT EXISTS {_RESULTS} (key TEXT PRIMARY KEY, "
                   "value BLOB NOT NULL, digest BLOB NOT NULL)")
_KEEP_PER_KIND = 8  # results kept per kind (history, clustering...): the newest inputs win


def code_digest(*files: str) -> str:
    """A digest of the bytes of the given source files: part of every result key, so results
    written by other code (another version, a working-tree edit) are never read."""
    digest = hashlib.sha256()
    for path in files:
        with open(path, "rb") as fh:
            digest.update(fh.read())
        digest.update(b"\0")
    return digest.hexdigest()


def inputs_digest(*parts: object) -> str:
    """A digest of a stage's inputs given as ``marshal``-able values (tuples, str, numbers)."""
    import marshal

    return hashlib.sha256(marshal.dumps(parts)).hexdigest()


class ResultCache:
    """Results of expensive stages (history, clustering), keyed by ``kind`` and the digest of
    their inputs, in the facts database's own file. Values are bytes (``marshal``-ed plain
    tuples, chosen by the caller); each row carries a digest bound to its key, so a damaged
    row reads as a miss. Only the newest ``_KEEP_PER_KIND`` rows of a kind are kept.

    Every failure (a locked, damaged or refused database) reads as a miss or a skipped write:
    the stage then runs as it would without a cache, so a cache never changes a result."""

    def __init__(self, directory: str) -> None:
        self._facts = FactsCache(directory)  # the same checks: no links, mode 0700
        self._db = self._facts._db
        with self._db:
            self._db.execute(_RESULTS_SCHEMA)

    def get(self, kind: str, key: str) -> bytes | None:
        full = f"{kind}:{key}"
        try:
            row = self._db.execute(f"SELECT value, digest FROM {_RESULTS} WHERE key = ?",
                                   (full,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        value = bytes(row[0])
        return value if _digest(full, 1, value) == bytes(row[1]) else None

    def put(self, kind: str, key: str, value: bytes) -> None:
        full = f"{kind}:{key}"
        try:
            with self._db:
                self._db.execute(f"INSERT OR REPLACE INTO {_RESULTS} VALUES (?, ?, ?)",
                                 (full, value, _digest(full, 1, value)))
                self._db.execute(
                    f"DELETE FROM {_RESULTS} WHERE key LIKE ? AND rowid NOT IN (SELECT rowid "
                    f"FROM {_RESULTS} WHERE key LIKE ? ORDER BY rowid DESC LIMIT ?)",
                    (f"{kind}:%", f"{kind}:%", _KEEP_PER_KIND))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self._facts.close()


def open_results(directory: str | None) -> ResultCache | None:
    """The result cache in ``directory`` (None: the default folder), or None if it cannot be
    opened: then every stage simply runs."""
    try:
        return ResultCache(directory or default_cache_dir())
    except Exception:  # noqa: BLE001 - an unusable cache must not stop the analysis
        return None


@contextmanager
def results_in(directory: str | None) -> Iterator[ResultCache | None]:
    """The result cache in ``directory`` for the time of a ``with`` block, closed after it;
    None inside when ``directory`` is None (no cache wanted) or the cache cannot be opened."""
    results = open_results(directory) if directory else None
    try:
        yield results
    finally:
        if results is not None:
            results.close()
