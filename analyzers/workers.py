"""Parsing in worker processes, with a time limit per file.

One pathological file (a parser that loops, a stack overflow that kills the process) costs that
file, never the run: the worker is ended, the file is recorded with the reason, a new worker takes
over. Each worker parses one file at a time so the time limit is per file and a worker keeps at
most one tree in memory.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait

Task = tuple[str, str]  # (key, source text)
Result = tuple[bool, object]  # (True, marshal-ed encoded facts) or (False, reason)


def parse_one(text: str) -> Result:
    """Parse in this process. Returns (True, facts as ``marshal`` bytes of
    ``analyzers.encoding``: what the cache stores, cheap to send) or (False, one-line reason)."""
    import marshal

    import libcst

    from analyzers.encoding import encode
    from analyzers.pyparse import parse_source

    try:
        return True, marshal.dumps(encode(parse_source(text)))
    except libcst.ParserSyntaxError as exc:
        if _python_accepts(text):
            return False, ("valid Python that the parser (libcst) cannot read, a limitation of "
                           "libcst (e.g. thousands of implicitly concatenated strings); skipped")
        message = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
        hint = ""
        if "print " in text or "except " in text and ", e:" in text:
            hint = " (Python 2 code? only Python 3 is analysed)"
        return False, f"syntax error at line {exc.raw_line}, column {exc.raw_column}: {message}{hint}"
    except RecursionError:
        return False, "too deeply nested to parse"
    except MemoryError:
        return False, "ran out of memory while parsing"
    except Exception as exc:  # noqa: BLE001 - a parser bug must cost one file, not the run
        return False, f"parser failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"


def _python_accepts(text: str) -> bool:
    """Whether this Python's own parser reads ``text``: tells a libcst limitation from a real
    syntax error (only asked once libcst has failed)."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _serve(conn: Connection) -> None:
    # Ctrl-C goes to the whole process group: the parent alone handles it (and ends the
    # workers), so a worker never prints a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import analyzers.pyparse  # noqa: F401 - load the parser before the clock starts

    # A libcst tree is a million short-lived objects: the cyclic GC would scan them again and
    # again for the few cycles parsing leaves. Collect those every _COLLECT_EVERY files instead
    # (memory stays flat; parsing django this way is ~7% faster).
    gc.disable()
    try:
        conn.send("ready")
        done = 0
        while True:
            task = conn.recv()
            if task is None:
                return
            key, text = task
            conn.send((key, parse_one(text)))
            done += 1
            if done % _COLLECT_EVERY == 0:
                gc.collect()
    except (EOFError, OSError):  # the parent is gone (pipe closed): nothing left to do
        return


_START_TIMEOUT = 60.0
_COLLECT_EVERY = 50


class _Worker:
    """A parser process. It starts without blocking: it loads libcst on its own core while the
    parent reads files, and says "ready" when it can take a task."""

    def __init__(self, ctx) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.key: str | None = None
        self.started = time.monotonic()  # while starting: when it was started

    def confirm_ready(self) -> None:
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            message = None
        if message != "ready":
            raise RuntimeError("a parser worker process did not start")

    def give(self, key: str, text: str) -> None:
        self.key, self.started = key, time.monotonic()
        self.conn.send((key, text))

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def parse_many(
    tasks: Iterable[Task],
    jobs: int,
    timeout: float,
    on_result: Callable[[str, Result], None],
) -> None:
    """Parse every task; ``on_result(key, result)`` is called once per task, in completion order.

    ``tasks`` is consumed lazily (read ahead while the workers are busy or starting), so the
    caller reads files while the workers parse. Workers start only when the first task arrives,
    and load the parser themselves: the calling process never imports libcst.
    """
    pending = iter(tasks)
    first = next(pending, None)
    if first is None:
        return
    ctx = _context()
    workers: list[_Worker] = []
    queued: deque[Task] = deque([first])
    exhausted = False

    def prefetch() -> None:
        nonlocal exhausted
        task = next(pending, None)
        if task is None:
            exhausted = True
        else:
            queued.append(task)

    completed = False
    try:
        starting = [_Worker(ctx) for _ in range(max(1, jobs))]
        workers.extend(starting)
        idle: list[_Worker] = []
        busy: list[_Worker] = []
        while True:
            while idle and (queued or not exhausted):
                if not queued:
                    prefetch()
                    continue
                worker = idle.pop()
                worker.give(*queued.popleft())
                busy.append(worker)
            if not busy and not queued and exhausted:
                break
            conns = [w.conn for w in busy + starting]
            if not exhausted and len(queued) < 64 and not wait(conns, timeout=0):
                prefetch()  # nothing to collect yet: read ahead instead of blocking
                continue
            now = time.monotonic()
            wait_for = max(0.01, min([w.started + timeout - now for w in busy]
                                     + [w.started + _START_TIMEOUT - now for w in starting]))
            ready = wait(conns, timeout=wait_for)
            for worker in list(starting):
                if worker.conn in ready:
                    worker.confirm_ready()
                    starting.remove(worker)
                    idle.append(worker)
                elif time.monotonic() - worker.started > _START_TIMEOUT:
                    raise RuntimeError("a parser worker process did not start")
            for worker in list(busy):
                if worker.conn in ready:
                    try:
                        key, result = worker.conn.recv()
                    except (EOFError, OSError):
                        on_result(worker.key, (False, _crash_reason(worker)))
                        busy.remove(worker)
                        starting.append(_replace(workers, worker, ctx))
                        continue
                    on_result(key, result)
                    busy.remove(worker)
                    idle.append(worker)
                elif time.monotonic() - worker.started > timeout:
                    on_result(worker.key, (False, f"parsing took longer than {timeout:g} s; "
                                                  "skipped (raise parse_timeout_s to allow more)"))
                    busy.remove(worker)
                    starting.append(_replace(workers, worker, ctx))
        completed = True
    finally:
        # on an error or Ctrl-C, end the workers at once rather than let them finish a file
        for worker in workers:
            worker.stop(kill=not completed or not worker.process.is_alive())


def _crash_reason(worker: _Worker) -> str:
    worker.process.join(timeout=1)
    code = worker.process.exitcode
    hint = "exclude the file, and please report it"
    if code is not None and code < 0:
        try:
            how = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
        if -code in (signal.SIGSEGV, signal.SIGBUS):
            hint = "deeply nested code can overflow the parser's stack: simplify or exclude it"
        elif -code == signal.SIGKILL:
            hint = "the system may have run out of memory: free some, or exclude the file"
    else:
        how = f"exit code {code}"
    return f"parser crashed ({how}); {hint}"


def _replace(workers: list[_Worker], worker: _Worker, ctx) -> _Worker:
    worker.stop(kill=True)
    workers.remove(worker)
    replacement = _Worker(ctx)
    workers.append(replacement)
    return replacement


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
