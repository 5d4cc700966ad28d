"""Parsing in worker processes, with a time and a memory limit per file.

One pathological file (a parser that loops, a stack overflow that kills the process, a few KB that
make the parser allocate gigabytes) costs that file, never the run: the worker is ended, the file is
recorded with the reason, a new worker takes over. Each worker parses one file at a time so the
limits are per file and a worker keeps at most one tree in memory.

Workers are bounded by the tool, not by the analysed repository: never more than there are files
to parse nor than ``max_jobs()``, each under ``RLIMIT_AS``, and each ends when its parent dies,
however it dies (``kill -9`` by a CI time-out included), so none is ever left running.
"""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait

Task = tuple[str, str]  # (key, source text)
Result = tuple[bool, object]  # (True, marshal-ed encoded facts) or (False, reason)

_JOBS_PER_CORE = 4  # above this, more workers only cost memory: parsing is CPU-bound
_MEMORY_CAP_MB = 2048  # per worker; a 1 MB file of ordinary code peaks at ~660 MB
_MEMORY_FLOOR_MB = 768  # never less, even on a small machine with many jobs
_limit_mb: int | None = None  # in a worker: the memory limit it runs under, if one was set


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
        return False, _memory_reason(_limit_mb)
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


def _memory_reason(limit_mb: int | None) -> str:
    # starts with "ran out": analyzers.codebase never caches it (a limit of this run, this machine)
    if limit_mb is None:
        return "ran out of memory while parsing; skipped (free some memory, or exclude the file)"
    return (f"ran out of memory: too complex to parse within {limit_mb} MB; skipped (simplify "
            "or exclude the file)")


def _end_with_parent(parent: int, use_prctl: bool = True) -> None:
    """Make this process end as soon as ``parent`` dies, however it dies.

    The pipe alone cannot tell: a forked worker holds copies of its siblings' pipe ends, so
    after ``kill -9`` of the parent no worker sees the end of its own pipe (before this, orphans
    waited forever). On Linux the kernel sends SIGKILL (``PR_SET_PDEATHSIG``; it fires when the
    thread that started the worker ends, and ``parse_many`` outlives its workers); elsewhere, or
    if that fails, a daemon thread checks every 0.5 s whether the process was handed to a new
    parent. Either way, a parent that died before this call is caught by the check after it."""
    armed = False
    if use_prctl and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            armed = libc.prctl(pr_set_pdeathsig, ctypes.c_ulong(signal.SIGKILL),
                               ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died between fork and prctl
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                         name="advisor-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _limit_memory(limit_mb: int) -> int | None:
    """Cap this process's address space at its current size plus ``limit_mb``; returns the
    limit set, None where none can be (no ``resource`` module, no ``/proc``). ``RLIMIT_AS``
    counts virtual memory, hence the base: what is mapped already (the parser, the memory
    shared with the parent) is not taken from the budget of a file."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        want = mapped + (limit_mb << 20)
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY and soft <= want:  # a lower limit was set already
            return max(0, soft - mapped) >> 20
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, OSError, ValueError, IndexError):
        return None
    return (want - mapped) >> 20


def _serve(conn: Connection, parent: int, limit_mb: int) -> None:
    global _limit_mb
    _end_with_parent(parent)
    # Ctrl-C goes to the whole process group: the parent alone handles it (and ends the
    # workers), so a worker never prints a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import analyzers.pyparse  # noqa: F401 - load the parser before the clock starts

    parse_one("x = 1\n")  # loads the native parser too: mapped before the memory limit is set
    gc.freeze()  # what is loaded stays: the collections below then scan only new objects
    _limit_mb = _limit_memory(limit_mb)
    # From here on, the parent reports every failure in one line: what the native parser
    # prints as it aborts ("memory allocation of 248 bytes failed", a backtrace) is noise, and
    # so is a fault handler's dump inherited from the parent (pytest enables one).
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    # A libcst tree is a million short-lived objects: the cyclic GC would scan them again and
    # again for the few cycles parsing leaves. Collect those every _COLLECT_EVERY files instead
    # (memory stays flat; parsing django this way is ~7% faster).
    gc.disable()
    try:
        conn.send(("ready", _limit_mb))
        done = 0
        while True:
            task = conn.recv()
            if task is None:
                return
            key, text = task
            result = parse_one(text)
            conn.send((key, result))
            done += 1
            if done % _COLLECT_EVERY == 0 or not result[0]:
                gc.collect()  # after a failure too: a MemoryError can leave a tree in cycles
    except (EOFError, OSError):  # the parent closed the pipe: nothing left to do
        return


_START_TIMEOUT = 60.0
_COLLECT_EVERY = 50


class _Worker:
    """A parser process. It starts without blocking: it loads libcst on its own core while the
    parent reads files, and says "ready" when it can take a task."""

    def __init__(self, ctx, limit_mb: int) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_serve, args=(child, os.getpid(), limit_mb),
                                   daemon=True)
        self.process.start()
        child.close()
        self.key: str | None = None
        self.started = time.monotonic()  # while starting: when it was started
        self.limit_mb: int | None = None  # the memory limit it reported, once ready

    def confirm_ready(self) -> None:
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            message = None
        if not (isinstance(message, tuple) and message[0] == "ready"):
            raise RuntimeError("a parser worker process did not start")
        self.limit_mb = message[1]

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


class Parsers:
    """Parser workers started before there is a task for them: they load the parser while the
    caller still reads the files (about a second on two cores, when every file is to be
    parsed). Hand them to ``parse_many``, or ``stop`` them."""

    def __init__(self, jobs: int, memory_limit_mb: int | None = None) -> None:
        self.jobs = max(1, min(jobs, max_jobs()))
        self.limit_mb = memory_limit_mb or default_memory_limit_mb(self.jobs)
        self._workers: list[_Worker] = []
        try:
            for _ in range(self.jobs):
                self._workers.append(_Worker(_context(), self.limit_mb))
        except BaseException:
            self.stop()
            raise

    def take(self) -> list[_Worker]:
        taken, self._workers = self._workers, []
        return taken

    def stop(self) -> None:
        for worker in self.take():
            worker.stop(kill=True)


def parse_many(
    tasks: Iterable[Task],
    jobs: int,
    timeout: float,
    on_result: Callable[[str, Result], None],
    memory_limit_mb: int | None = None,
    started: Parsers | None = None,
) -> None:
    """Parse every task; ``on_result(key, result)`` is called once per task, in completion order.

    ``tasks`` is consumed lazily (read ahead while the workers are busy or starting), so the
    caller reads files while the workers parse. A worker starts only for a task that no idle or
    starting worker will take, up to ``jobs`` (capped by ``max_jobs()``): never more workers than
    tasks. Workers load the parser themselves: the calling process never imports libcst. Each
    worker may use ``memory_limit_mb`` (default: ``default_memory_limit_mb``) beyond its size
    once the parser is loaded; a file that needs more is skipped, its reason says so.
    ``started``: workers started ahead (``Parsers``), used first; stopped if there is nothing
    to parse.
    """
    pending = iter(tasks)
    first = next(pending, None)
    if first is None:
        if started is not None:
            started.stop()
        return
    jobs = max(1, min(jobs, max_jobs()))
    limit_mb = memory_limit_mb or default_memory_limit_mb(jobs)
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

    def discard(worker: _Worker) -> None:  # a crashed or timed-out worker; a new one if needed
        busy.remove(worker)
        workers.remove(worker)
        worker.stop(kill=True)

    completed = False
    starting: list[_Worker] = []
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    if started is not None:
        workers += started.take()
        starting += workers
    try:
        while True:
            while idle and (queued or not exhausted):
                if not queued:
                    prefetch()
                    continue
                worker = idle.pop()
                worker.give(*queued.popleft())
                busy.append(worker)
            while len(queued) > len(starting) and len(workers) < jobs:
                workers.append(_Worker(ctx, limit_mb))
                starting.append(workers[-1])
            if not busy and not queued and exhausted:
                break
            conns = [w.conn for w in busy + starting]
            if not exhausted and len(queued) < 64 and not wait(conns, timeout=0):
                prefetch()  # nothing to collect yet: read ahead instead of blocking
                continue
            now = time.monotonic()
            wait_for = max(0.01, min([w.started + timeout - now for w in busy]
                                     + [w.started + _START_TIMEOUT - now for w in starting],
                                     default=0.01))
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
                        discard(worker)
                        continue
                    on_result(key, result)
                    busy.remove(worker)
                    idle.append(worker)
                elif time.monotonic() - worker.started > timeout:
                    on_result(worker.key, (False, f"parsing took longer than {timeout:g} s; "
                                                  "skipped (raise parse_timeout_s to allow more)"))
                    discard(worker)
        completed = True
    finally:
        # on an error or Ctrl-C, end the workers at once rather than let them finish a file;
        # a worker still starting at the end has nothing to do
        for worker in workers:
            worker.stop(kill=not completed or worker in starting
                        or not worker.process.is_alive())


def _crash_reason(worker: _Worker) -> str:
    worker.process.join(timeout=1)
    code = worker.process.exitcode
    hint = "exclude the file, and please report it"
    if code is not None and code < 0:
        if -code == signal.SIGABRT and worker.limit_mb is not None:
            # the native parser aborts when an allocation fails under the memory limit
            return _memory_reason(worker.limit_mb)
        if -code == signal.SIGKILL:
            return ("ran out of memory: the parser was killed (SIGKILL), most likely by the "
                    "system short of memory; skipped (free some memory, lower --jobs, or "
                    "exclude the file)")
        try:
            how = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
        if -code in (signal.SIGSEGV, signal.SIGBUS):
            hint = "deeply nested code can overflow the parser's stack: simplify or exclude it"
    else:
        how = f"exit code {code}"
    return f"parser crashed ({how}); {hint}"


def max_jobs() -> int:
    """The most workers a run starts, whatever it asks for: ``_JOBS_PER_CORE`` per core."""
    return _JOBS_PER_CORE * default_jobs()


def default_memory_limit_mb(jobs: int) -> int:
    """Memory each of ``jobs`` workers may take for one file: ``_MEMORY_CAP_MB``, less where the
    workers together could not have it (three quarters of the physical memory shared between
    them), never under ``_MEMORY_FLOOR_MB``. Fixed per machine and jobs, not taken from the memory
    free at the moment, so the same files are skipped from one run to the next."""
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    except (AttributeError, ValueError, OSError):
        return _MEMORY_CAP_MB
    return max(_MEMORY_FLOOR_MB, min(_MEMORY_CAP_MB, total_mb * 3 // 4 // max(1, jobs)))


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
