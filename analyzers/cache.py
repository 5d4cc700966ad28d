"""A persistent cache of per-file facts, keyed by content hash and analyzer version.

One SQLite file (stdlib, atomic, safe with several processes). A parse failure is cached too:
the same bytes fail the same way. Values are the ``marshal``-ed tuples of
``analyzers.encoding`` exactly as the workers send them (parse failures: the reason, UTF-8);
rows from another analyzer version, libcst version or fact-extraction code are never read.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable

import analyzers

_SCHEMA = "CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, ok INTEGER, value BLOB)"


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "monolith-advisor")


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
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, "facts.sqlite3")
        self._tag = _version_tag()
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

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
                f"SELECT key, ok, value FROM facts WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for key, ok, value in rows:
                try:
                    found[keys[key]] = (True, bytes(value)) if ok else (
                        False, bytes(value).decode("utf-8", "replace"))
                except (TypeError, ValueError):
                    continue  # a damaged row is a miss
        return found

    def put_many(self, entries: Iterable[tuple[str, bool, object]]) -> None:
        rows = [(self._key(h), int(ok), v if ok else str(v).encode("utf-8"))
                for h, ok, v in entries]
        if rows:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()
