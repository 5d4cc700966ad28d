"""What every ``advisor`` command shares: progress, notes, the common options, the analysis."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click

from reports.terminal import printable

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class _Progress:
    """One self-overwriting status line on stderr, only for a terminal and only after 1 s."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < 1.0:
            return
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{stage:<8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def _note(message: str, quiet: bool = False) -> None:
    """One line on stderr; names from the analysed tree in it are escaped (no ESC, no newline)."""
    if not quiet:
        click.echo(printable(message), err=True)


def _say(message: str) -> None:
    """One line on stdout, escaped like ``_note``."""
    click.echo(printable(message))


_common = [
    click.option("--config", "config_path", type=click.Path(dir_okay=False),
                 help="TOML file with the settings (default: PATH/pyproject.toml [tool.advisor])."),
    click.option("--no-cache", is_flag=True, help="Start from scratch: parse every file "
                 "again and do not read or write the cache (facts, history, clustering, whole "
                 "runs)."),
    click.option("--cache-dir", type=click.Path(file_okay=False),
                 help="Where parsed facts and stage results are cached, so an unchanged "
                      "repository is not analysed twice (default $ADVISOR_CACHE_DIR, else "
                      "$XDG_CACHE_HOME/monolith-advisor, else ~/.cache/monolith-advisor; never a "
                      "folder inside the analysed repository)."),
    click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
                 help="Worker processes for parsing (default: one per core; never more than "
                      "four per core or one per file)."),
    click.option("--max-file-size-kb", type=click.FloatRange(min=1, max=100_000), default=None,
                 help="Skip files larger than this (default 1000 kB; repository settings may "
                      "only lower it)."),
    click.option("--parse-timeout", "parse_timeout", type=click.FloatRange(min=0.1, max=3600),
                 default=None, help="Seconds one file may take to parse (default 60; repository "
                                    "settings may only lower it)."),
    click.option("--quiet", "-q", is_flag=True, help="No progress or notes on stderr."),
]


def common_options(func):
    for option in reversed(_common):
        func = option(func)
    return func


def _analyze(path, config_path, no_cache, cache_dir, jobs, quiet, limits, repository_facts=False,
             use_git=True):
    """``limits``: the command-line ``--max-file-size-kb`` and ``--parse-timeout`` values."""
    from advisor.analysis import analyze_path

    with progress_line(quiet) as progress:
        return analyze_path(path, config_path, use_cache=not no_cache, cache_dir=cache_dir,
                            jobs=jobs, max_file_size_kb=limits.get("max_file_size_kb"),
                            parse_timeout_s=limits.get("parse_timeout"), progress=progress,
                            repository_facts=repository_facts, use_git=use_git)


@contextmanager
def progress_line(quiet: bool) -> Iterator[_Progress]:
    """The progress line of one command, cleared however the command ends."""
    progress = _Progress(not quiet)
    try:
        yield progress
    finally:
        progress.close()


def _report_skips(analysis, quiet: bool) -> None:
    for note in analysis.notes():
        _note(note, quiet)
