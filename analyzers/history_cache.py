"""History facts in the result cache (``analyzers.cache.ResultCache``), keyed by what they are
read from: HEAD (commits never change), the root's prefix in the repository, the window and
limits, the ``.mailmap`` as parsed, whether line counts are read, and the code that reads them.
Analysing the same commit again then reads no ``git log``."""

from __future__ import annotations

import marshal
import os
from dataclasses import fields
from datetime import datetime

from analyzers.history import CoChange, FileHistory, HistoryFacts
from analyzers.mailmap import Mailmap

# the code that decides the history facts: part of every key
_HISTORY_CODE = ("history", "history_cache", "cochange", "people", "mailmap", "gitrunner")


def history_key(head: str, prefix: str, shallow: bool, line_counts: bool, window_days: int,
                now: datetime | None, limits: tuple[int, ...], mailmap: Mailmap,
                mailmap_note: str | None) -> str:
    from analyzers.cache import code_digest, inputs_digest

    here = os.path.dirname(os.path.abspath(__file__))
    code = code_digest(*(os.path.join(here, f"{name}.py") for name in _HISTORY_CODE))
    return inputs_digest(code, head, prefix, shallow, line_counts, window_days,
                         now.isoformat() if now else None, limits,
                         repr(sorted(mailmap._entries.items())), mailmap_note)


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
