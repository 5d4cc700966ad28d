"""History facts in the result cache (``analyzers.cache.ResultCache``), keyed by what they are
read from: HEAD (commits never change), the root's prefix in the repository, the window and
limits, the ``.mailmap`` as parsed, whether renames are followed (the inputs
``collect_history`` hands over), and the code that reads them. Analysing the same commit again
then reads no ``git log``.

Beside them, the commits of the last read (``analyzers.history.split_log``'s records, by commit
id), kept by what a record depends on besides its commit (the repository, the root's prefix,
whether renames are looked for) and the code: at a new HEAD only the commits not among them
are read."""

from __future__ import annotations

import marshal
import os
import zlib
from dataclasses import fields

from analyzers.cache import ResultCache, code_digest, inputs_digest
from analyzers.history import CoChange, FileHistory, HistoryFacts

# the code that decides the history facts: part of every key
_HISTORY_CODE = ("history", "history_cache", "cochange", "people", "mailmap", "gitrunner")


class HistoryCache:
    """``analyzers.history.HistoryStore`` over a result cache."""

    def __init__(self, results: ResultCache) -> None:
        here = os.path.dirname(os.path.abspath(__file__))
        self._results = results
        self._code = code_digest(*(os.path.join(here, f"{name}.py") for name in _HISTORY_CODE))

    def _key(self, inputs: tuple) -> str:
        return inputs_digest(self._code, inputs)

    def load(self, inputs: tuple) -> HistoryFacts | None:
        return load(self._results.get("history", self._key(inputs)))

    def save(self, inputs: tuple, facts: HistoryFacts) -> None:
        self._results.put("history", self._key(inputs), dump(facts))

    def load_commits(self, lineage: tuple) -> dict:
        """commit id -> record, as the last read of ``lineage`` kept them ({}: none)."""
        blob = self._results.get("history-commits", self._key(lineage))
        if blob is None:
            return {}
        try:
            records = marshal.loads(zlib.decompress(blob))
        except (ValueError, EOFError, TypeError, zlib.error):
            return {}
        return records if isinstance(records, dict) else {}

    def save_commits(self, lineage: tuple, records: dict) -> None:
        self._results.put("history-commits", self._key(lineage),
                          zlib.compress(marshal.dumps(records), 1))


def dump(facts: HistoryFacts) -> bytes:
    """The facts as ``marshal``-ed plain tuples, in field order."""
    values = {f.name: getattr(facts, f.name) for f in fields(HistoryFacts)}
    values["files"] = tuple(tuple(getattr(fh, f.name) for f in fields(FileHistory))
                            for fh in facts.files)
    values["co_changes"] = tuple((c.path_a, c.path_b, c.commits) for c in facts.co_changes)
    return marshal.dumps(tuple(values.values()))


def load(blob: bytes | None) -> HistoryFacts | None:
    """The facts ``dump`` wrote, or None (no row, or one that does not read back)."""
    if blob is None:
        return None
    try:
        values = dict(zip((f.name for f in fields(HistoryFacts)), marshal.loads(blob),
                          strict=True))
        values["files"] = tuple(FileHistory(*fh) for fh in values["files"])
        values["co_changes"] = tuple(CoChange(*c) for c in values["co_changes"])
        return HistoryFacts(**values)
    except (ValueError, EOFError, TypeError, KeyError):
        return None
