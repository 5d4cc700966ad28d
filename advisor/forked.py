"""Independent computations on every core, in forked copies of this process.

After the parse, the analysis runs on one core while the others idle; seeded Louvain runs are
independent of each other and read one large graph, so copies made by ``fork`` (which share the
graph's memory) can each take some. Results come back ``marshal``-ed through a pipe: plain
values only. Anything unusual (no ``fork``, another thread running, a copy that fails or dies)
falls back to computing in this process, so the result never depends on how it was computed.
"""

from __future__ import annotations

import marshal
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _forkable() -> bool:
    # fork copies only the calling thread: with another thread alive (holding a lock, say),
    # the copy could hang; and fork is only safe on Linux among the common platforms
    return sys.platform.startswith("linux") and threading.active_count() == 1


def fork_map(function: Callable[[T], R], items: Sequence[T], jobs: int | None = None) -> list[R]:
    """``[function(x) for x in items]``, the items shared among up to ``jobs`` (default: the
    cores) processes: this one and forked copies. ``function``'s results must be
    ``marshal``-able (tuples, lists, str, numbers)."""
    from analyzers.workers import default_jobs

    jobs = min(jobs or default_jobs(), len(items))
    if jobs < 2 or not _forkable():
        return [function(x) for x in items]
    shares = [list(range(i, len(items), jobs)) for i in range(jobs)]
    children = [_start(function, items, share) for share in shares[1:]]
    results: dict[int, R] = {i: function(items[i]) for i in shares[0]}
    for share, child in zip(shares[1:], children):
        got = _finish(child, len(share))
        for i, value in zip(share, got if got is not None else [function(items[i])
                                                                 for i in share]):
            results[i] = value
    return [results[i] for i in range(len(items))]


def _start(function, items, share) -> tuple[int, int] | None:
    """Fork a copy that computes ``share`` and writes the results to a pipe: (pid, read end),
    or None if no copy could be made."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the copy: compute, write, and leave without running any exit handler
        code = 1
        try:
            os.close(read)
            data = marshal.dumps([function(items[i]) for i in share])
            with os.fdopen(write, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _finish(child: tuple[int, int] | None, expected: int) -> list | None:
    """The results a copy wrote, or None if it wrote nothing usable."""
    if child is None:
        return None
    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        status = 1
    if status != 0:
        return None
    try:
        values = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return values if isinstance(values, list) and len(values) == expected else None
