"""The analysis use case: configuration -> facts -> graph. Returns values, prints nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from advisor.config import AdvisorConfig, load_config
from advisor.errors import InputError
from advisor.fields import MAX_COUNT, real, whole
from advisor.graph import DependencyGraph, build_graph
from analyzers.codebase import NoPythonFiles, Progress, collect
from analyzers.facts import CodebaseFacts
from analyzers.history import HistoryFacts
from analyzers.operations import OperationsFacts
from analyzers.ownership import OwnershipFacts


COMMAND_LINE_MAX_FILE_SIZE_KB = 100_000  # 100 MB: libcst needs ~100x a file's size in memory
COMMAND_LINE_MAX_PARSE_TIMEOUT_S = 3600.0


@dataclass(frozen=True)
class Analysis:
    config: AdvisorConfig
    facts: CodebaseFacts
    graph: DependencyGraph
    history: HistoryFacts | None = None  # None: not asked for (``check``) or ``--no-git``
    operations: OperationsFacts | None = None
    ownership: OwnershipFacts | None = None


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


def validate_sections(config: AdvisorConfig) -> None:
    """Parse the sections the assessment reads, so that an error names its key before any work.
    (The gate validates ``[tool.advisor.gate]`` itself, first thing in ``check``.)"""
    from advisor.contexts import parse_contexts
    from advisor.readiness import parse_config
    from advisor.signals import parse_signals
    from advisor.verdict import parse_verdict

    where = section_location(config)
    for name, parse in (("contexts", parse_contexts), ("signals", parse_signals),
                        ("readiness", parse_config), ("verdict", parse_verdict)):
        parse(config.raw.get(name), where.format(name))


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
) -> Analysis:
    """Facts and graph of the code base at ``path``.

    ``repository_facts`` adds what the full assessment needs beyond code: git history (unless
    ``use_git`` is false), CODEOWNERS and operations evidence. The CI gate leaves them out.

    The command-line values (``cache_dir``, ``jobs``, ``max_file_size_kb``,
    ``parse_timeout_s``) override the settings; only they may raise the two limits above their
    defaults. The cache folder: ``cache_dir``, else ``$ADVISOR_CACHE_DIR``, else the user's own
    ``--config`` file, else ``$XDG_CACHE_HOME/monolith-advisor`` (never the repository's)."""
    root = check_root(path)
    config = load_config(root, config_path)
    if repository_facts:
        validate_sections(config)  # a bad key fails now, not after minutes of parsing
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
    try:
        facts = collect(root, scan, progress) if progress else collect(root, scan)
    except NoPythonFiles:
        raise InputError(f"{path}: no Python files to analyse",
                         "check the path, or the include/exclude globs in [tool.advisor]") from None
    graph = build_graph(facts)
    if not repository_facts:
        return Analysis(config=replace(config, scan=scan), facts=facts, graph=graph)
    from analyzers.history import collect_history
    from analyzers.operations import collect_operations
    from analyzers.ownership import collect_ownership

    if progress:
        progress("history", 0, 1)
    history = (collect_history(root) if use_git else
               HistoryFacts(available=False, note="git history not read (--no-git)"))
    operations = collect_operations(root)
    ownership = collect_ownership(root, [m.path for m in facts.modules], history)
    return Analysis(config=replace(config, scan=scan), facts=facts, graph=graph,
                    history=history, operations=operations, ownership=ownership)
