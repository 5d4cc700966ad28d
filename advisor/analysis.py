"""The analysis use case: configuration -> facts -> graph. Returns values, prints nothing."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from advisor.config import AdvisorConfig, load_config
from advisor.errors import InputError
from advisor.fields import MAX_COUNT, Problems, real, whole
from analyzers.codebase import (
    NoPythonFiles,
    Progress,
    ScanOptions,
    Snapshot,
    parse_tree,
    read_tree,
)
from analyzers.facts import CodebaseFacts
from analyzers.history import HistoryFacts
from analyzers.operations import OperationsFacts
from analyzers.ownership import OwnershipFacts

if TYPE_CHECKING:  # networkx is imported only when a graph is built
    from advisor.graph import DependencyGraph


COMMAND_LINE_MAX_FILE_SIZE_KB = 100_000  # 100 MB: libcst needs ~100x a file's size in memory
COMMAND_LINE_MAX_PARSE_TIMEOUT_S = 3600.0


class StageTimes:
    """Wall seconds spent in each stage of one run, in the order the stages ran.

    Filled by ``analyze_path`` and ``build_assessment``; read by ``benchmarks/bench_analyze.py``.
    Nothing is printed: the numbers are only recorded."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class Analysis:
    config: AdvisorConfig
    facts: CodebaseFacts
    graph: DependencyGraph
    history: HistoryFacts | None = None  # None: not asked for (``check``) or ``--no-git``
    operations: OperationsFacts | None = None
    ownership: OwnershipFacts | None = None
    timings: StageTimes = field(default_factory=StageTimes, compare=False, repr=False)
    # where stage results (history, clustering) are kept; None: no cache (--no-cache, or a
    # cache folder inside the analysed repository, which could have shipped it)
    results_dir: str | None = None

    def notes(self) -> tuple[str, ...]:
        """The lines a command prints about the run: files skipped, notes of the analysis."""
        facts, notes = self.facts, []
        if facts.skipped:
            notes.append(f"note: {len(facts.skipped)} file(s) skipped (listed in the output), "
                         f"e.g. {facts.skipped[0].path}: {facts.skipped[0].reason}")
        notes += [f"note: {note}" for note in facts.notes]
        if self.history is not None and self.history.note:
            notes.append(f"note: {self.history.note}")
        return tuple(notes)


def check_root(path: str) -> str:
    if not os.path.exists(path):
        raise InputError(f"{path}: no such directory", "give the path of a repository to analyse")
    if not os.path.isdir(path):
        raise InputError(f"{path}: not a directory", "give the folder that holds the code, "
                                                     "not a single file")
    return os.path.realpath(path)


def section_location(config: AdvisorConfig) -> str:
    """A format template naming a sub-table, e.g. "pyproject.toml [tool.advisor.{}]"."""
    source = config.source or "[tool.advisor]"
    return source.replace("{", "{{").replace("}", "}}").replace("[tool.advisor]",
                                                                "[tool.advisor.{}]")


def load_settings(root: str, config_path: str | None = None) -> AdvisorConfig:
    """``load_config`` with every section parsed too (``validate_sections``), so that every
    command reports all the errors of all the sections at once, before any work."""
    problems = Problems()
    config = load_config(root, config_path, problems)
    validate_sections(config, problems)
    problems.raise_any()
    return config


def validate_sections(config: AdvisorConfig, problems: Problems | None = None) -> None:
    """Parse every section the stages read (gate, signals, contexts, readiness, verdict), so
    that an error names its key before any work; into ``problems``, else raised here."""
    from advisor.contexts import parse_contexts
    from advisor.gate.config import parse_gate
    from advisor.readiness import parse_config
    from advisor.signals import parse_signals
    from advisor.verdict import parse_verdict

    found = problems if problems is not None else Problems()
    where = section_location(config)
    for name, parse in (("signals", parse_signals), ("contexts", parse_contexts),
                        ("readiness", parse_config), ("verdict", parse_verdict),
                        ("gate", parse_gate)):
        if name in config.raw:
            found.value(parse, config.raw[name], where.format(name))
    if problems is None:
        found.raise_any()


def analyze_path(
    path: str,
    config_path: str | None = None,
    *,
    use_cache: bool = True,
    cache_dir: str | None = None,
    jobs: int | None = None,
    max_file_size_kb: float | None = None,
    parse_timeout_s: float | None = None,
    progress: Progress | None = None,
    repository_facts: bool = False,
    use_git: bool = True,
    timings: StageTimes | None = None,
) -> Analysis:
    """Facts and graph of the code base at ``path``.

    ``repository_facts`` adds what the full assessment needs beyond code: git history (unless
    ``use_git`` is false), CODEOWNERS and operations evidence. The CI gate leaves them out.

    The command-line values (``cache_dir``, ``jobs``, ``max_file_size_kb``,
    ``parse_timeout_s``) override the settings; only they may raise the two limits above their
    defaults. The cache folder: ``cache_dir``, else ``$ADVISOR_CACHE_DIR``, else the user's own
    ``--config`` file, else ``$XDG_CACHE_HOME/monolith-advisor`` (never the repository's)."""
    return finish_analysis(start_analysis(
        path, config_path, use_cache=use_cache, cache_dir=cache_dir, jobs=jobs,
        max_file_size_kb=max_file_size_kb, parse_timeout_s=parse_timeout_s, progress=progress,
        repository_facts=repository_facts, use_git=use_git, timings=timings))


@dataclass
class Started:
    """An analysis up to the parse: settings checked, the Python files read
    (``snapshot``), the history and operations evidence being read in the background."""

    path: str  # as the user gave it, for messages
    root: str
    config: AdvisorConfig
    scan: ScanOptions
    snapshot: Snapshot
    timings: StageTimes
    results_dir: str | None
    progress: Progress | None
    use_git: bool
    background: dict[str, _Background] | None

    def background_facts(self) -> tuple[HistoryFacts, OperationsFacts]:
        """The history and the operations evidence, once read (the caller's thread waits)."""
        assert self.background is not None, "started without repository facts"
        with self.timings.stage("history"):
            history = (self.background["history"].result(0) if self.use_git else
                       HistoryFacts(available=False, note="git history not read (--no-git)"))
        with self.timings.stage("operations"):
            operations = self.background["operations"].result(0)
        return history, operations


def start_analysis(path: str, config_path: str | None = None, *, use_cache: bool = True,
                   cache_dir: str | None = None, jobs: int | None = None,
                   max_file_size_kb: float | None = None, parse_timeout_s: float | None = None,
                   progress: Progress | None = None, repository_facts: bool = False,
                   use_git: bool = True, timings: StageTimes | None = None,
                   output_dir: str | None = None) -> Started:
    """Settings, the background readers and the read of every Python file (see
    ``analyze_path``). ``output_dir``: where the reports go, left out of the operations
    evidence when it lies inside the root."""
    root = check_root(path)
    config = load_settings(root, config_path)  # a bad key fails now, not after the parse
    scan = config.scan
    if not use_cache:
        scan = replace(scan, use_cache=False)
    chosen = cache_dir or os.path.expanduser(os.environ.get("ADVISOR_CACHE_DIR", "")) \
        or scan.cache_dir
    if chosen:
        scan = replace(scan, cache_dir=chosen)
    if jobs is not None:
        scan = replace(scan, jobs=whole(jobs, "--jobs", "the command line", 0, MAX_COUNT))
    if max_file_size_kb is not None:
        scan = replace(scan, max_file_bytes=int(1000 * real(
            max_file_size_kb, "--max-file-size-kb", "the command line", 1,
            COMMAND_LINE_MAX_FILE_SIZE_KB)))
    if parse_timeout_s is not None:
        scan = replace(scan, parse_timeout_s=real(
            parse_timeout_s, "--parse-timeout", "the command line", 0.1,
            COMMAND_LINE_MAX_PARSE_TIMEOUT_S))
    timings = timings or StageTimes()
    results_dir = _results_dir(root, scan)
    background = _background(root, repository_facts, use_git, results_dir,
                             (output_dir,) if output_dir else ())
    with timings.stage("parse"):
        snapshot = read_tree(root, scan)
    return Started(path, root, replace(config, scan=scan), scan, snapshot, timings,
                   results_dir, progress, use_git, background)


def finish_analysis(started: Started) -> Analysis:
    """Parse what ``start_analysis`` read, build the graph, take the background facts."""
    timings, progress, root = started.timings, started.progress, started.root
    try:
        with timings.stage("parse"):
            facts = (parse_tree(started.snapshot, started.scan, progress) if progress
                     else parse_tree(started.snapshot, started.scan))
    except NoPythonFiles:
        raise InputError(f"{started.path}: no Python files to analyse",
                         "check the path, or the include/exclude globs in [tool.advisor]") from None
    from advisor.graph import build_graph

    with timings.stage("graph"):
        graph = build_graph(facts)
    if started.background is None:
        return Analysis(config=started.config, facts=facts, graph=graph, timings=timings,
                        results_dir=started.results_dir)
    from analyzers.ownership import collect_ownership

    if progress:
        progress("history", 0, 1)
    # what is left of them once the parse is over
    history, operations = started.background_facts()
    with timings.stage("operations"):
        ownership = collect_ownership(root, [m.path for m in facts.modules], history)
    return Analysis(config=started.config, facts=facts, graph=graph, history=history,
                    operations=operations, ownership=ownership, timings=timings,
                    results_dir=started.results_dir)


def _results_dir(root: str, scan) -> str | None:
    """The facts cache's folder, if the facts cache is used there (see ``collect``)."""
    from analyzers.cache import default_cache_dir
    from analyzers.treewalk import is_within

    folder = scan.cache_dir or default_cache_dir()
    if not scan.use_cache or is_within(os.path.realpath(folder), root):
        return None
    return folder


def read_history(root: str, results_dir: str | None) -> HistoryFacts:
    """``collect_history``, its result kept in the cache at ``results_dir`` (None: no cache)."""
    from analyzers.cache import results_in
    from analyzers.history import collect_history
    from analyzers.history_cache import HistoryCache

    with results_in(results_dir) as results:
        return collect_history(root, cache=HistoryCache(results) if results else None)


def read_operations(root: str, results_dir: str | None,
                    skip: tuple[str, ...] = ()) -> OperationsFacts:
    """``collect_operations``, its result kept in the cache at ``results_dir`` (None: no
    cache) and used again while the files it read are unchanged."""
    from analyzers.cache import results_in
    from analyzers.filetree import MAX_FILE_BYTES, MAX_FILES
    from analyzers.operations import collect_operations
    from analyzers.operations_cache import OperationsCache

    with results_in(results_dir) as results:
        cache = OperationsCache(results, root, MAX_FILES, MAX_FILE_BYTES) if results else None
        return collect_operations(root, cache=cache, skip=skip)


def _background(root: str, repository_facts: bool, use_git: bool, results_dir: str | None,
                skip: tuple[str, ...] = ()) -> dict[str, _Background] | None:
    """The repository facts beyond code, each read in its own thread while the workers parse
    (modules imported here, before any worker forks)."""
    if not repository_facts:
        return None
    import analyzers.cache  # noqa: F401 - imported before any worker forks
    import analyzers.history  # noqa: F401
    import analyzers.history_cache  # noqa: F401
    import analyzers.operations  # noqa: F401
    import analyzers.operations_cache  # noqa: F401

    threads = {"history": _Background((read_history, root, results_dir))} if use_git else {}
    threads["operations"] = _Background((read_operations, root, results_dir, skip))
    return threads


class _Background:
    """Calls run one after the other in a thread, started before the parse: git runs in its own
    process and the parent mostly waits on its parser workers, so the history and the
    operations evidence are read meanwhile. ``result(i)`` hands over the i-th call's value (or
    raises its exception) in the caller's thread."""

    def __init__(self, *calls) -> None:
        import threading

        self._calls = calls
        self._out: list = [None] * len(calls)
        self._thread = threading.Thread(target=self._run, name="advisor-background",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for i, (function, *args) in enumerate(self._calls):
            try:
                self._out[i] = (True, function(*args))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._out[i] = (False, exc)

    def result(self, i: int):
        self._thread.join()
        ok, value = self._out[i]
        if not ok:
            raise value
        return value
