"""Git history facts: churn, authors and co-change per file, read with the ``git`` CLI.

Everything comes from ONE ``git log`` invocation, parsed in a single pass. Decisions:

* Merges. The log is run without ``-m``/``-c``/``--cc``, so a merge commit lists no file changes:
  merges are counted (``HistoryFacts.merges``) but every file change is attributed exactly once,
  to the commit that made it on its own branch, with that commit's author. ``--first-parent`` is
  not used because it would credit a whole side branch to whoever merged it.
* Renames. ``-M`` detects renames and ``--date-order`` shows every commit before its parents, so
  walking newest to oldest we know, at each rename ``old -> new``, which current path ``new`` has
  become; older changes to ``old`` are credited to that current path. (Paths are tracked, not file
  identities: a file deleted and later re-created under the same name shares that name's history.)
* Authors. ``%aN`` with ``--use-mailmap``: ``.mailmap`` applies, and authors are grouped by
  (mapped) name, as ``git shortlog -s`` does. Merge commits count in ``merges`` only.
* Window. ``--since`` (git compares committer dates); ``first_change``/``last_change`` are author
  dates (when the change was written), as UTC ``YYYY-MM-DD``. ``window_days <= 0``: all history.
* Subdirectory roots. Git then runs with the pathspec ``.`` from the root, so only commits touching
  the root are listed and only files under it are shown; paths are reported relative to the root.
  A file moved into the root from outside starts its history at the move. Git's default history
  simplification then also drops merges that took one side unchanged for that directory.
* Large commits (more files than ``max_files_per_commit``: mass renames, reformatting, vendoring)
  still count for churn but are left out of co-change and counted in ``large_commits_ignored``.

Git is reached only through a runner ``(root, args) -> stdout bytes`` (``run_git`` by default), run
with a scrubbed environment and options that stop repository config from running external
programs (no pager, external diff, textconv, signature checks or fsmonitor).
"""

from __future__ import annotations

import os
import subprocess
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import combinations

GitRunner = Callable[[str, Sequence[str]], bytes]

_SAFE_OPTIONS = ("--no-pager", "-c", "core.fsmonitor=false", "-c", "log.showSignature=false")
_REPO_ENV = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX", "GIT_EXTERNAL_DIFF",
    "GIT_PAGER", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_LITERAL_PATHSPECS",
    "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS",
)
_RECORD = "\x1e"  # starts each commit header
_FIELD = "\x1f"  # separates header fields
_FORMAT = "--format=%x1e%H%x1f%P%x1f%at%x1f%aE%x1f%aN"


class GitError(Exception):
    """git ran and failed; ``str(exc)`` is git's first error line."""


class GitNotFound(GitError):
    """No ``git`` executable on PATH."""


@dataclass(frozen=True, slots=True)
class FileHistory:
    path: str  # posix, relative to the analysed root, as the file is named today
    commits: int  # non-merge commits that changed it inside the window
    authors: tuple[tuple[str, int], ...]  # (author, commits), most commits first, then by name
    lines_added: int  # binary changes count as 0 lines
    lines_deleted: int
    first_change: str  # author date, UTC, YYYY-MM-DD
    last_change: str


@dataclass(frozen=True, slots=True)
class CoChange:
    path_a: str  # path_a < path_b
    path_b: str
    commits: int  # commits (under the size cap) changing both; always >= 2


@dataclass(frozen=True, slots=True)
class HistoryFacts:
    available: bool
    note: str | None = None  # one line: why history is missing or partial
    head: str | None = None  # HEAD commit id
    commits: int = 0  # non-merge commits in the window touching the root
    authors: tuple[tuple[str, int], ...] = ()  # (author, non-merge commits), most first
    files: tuple[FileHistory, ...] = ()  # sorted by path
    co_changes: tuple[CoChange, ...] = ()  # most commits first, then by paths
    shallow: bool = False
    window_days: int = 365
    large_commits_ignored: int = 0
    merges: int = 0  # merge commits in the window (no file changes attributed to them)

    def file(self, path: str) -> FileHistory | None:
        """The history of ``path`` (relative to the root), or None if it did not change."""
        i = bisect_left(self.files, path, key=lambda f: f.path)
        if i < len(self.files) and self.files[i].path == path:
            return self.files[i]
        return None


def run_git(root: str, args: Sequence[str]) -> bytes:
    """Run ``git ARGS`` in ``root`` and return its stdout; raise GitError / GitNotFound."""
    env = {k: v for k, v in os.environ.items() if k not in _REPO_ENV}
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        done = subprocess.run(["git", *_SAFE_OPTIONS, *args], cwd=root, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitNotFound("git is not installed (no 'git' on PATH)") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(lines[0] if lines else f"git {args[0]} exited with {done.returncode}")
    return done.stdout


def collect_history(
    root: str,
    *,
    window_days: int = 365,
    max_files_per_commit: int = 50,
    now: datetime | None = None,
    git: GitRunner = run_git,
) -> HistoryFacts:
    """History facts for the files under ``root`` (a directory in a git work tree, or not).

    The window is the ``window_days`` before ``now``; by default ``now`` is HEAD's commit time,
    so a repository that has been quiet, or an old checkout, still shows its last active year.
    """
    root = os.path.realpath(root)
    if not os.path.isdir(root):
        return HistoryFacts(False, f"not a directory: {root}", window_days=window_days)
    probe = _probe(root, window_days, git)
    if isinstance(probe, HistoryFacts):
        return probe
    prefix, shallow, head = probe
    if now is None:  # the window ends at HEAD: an old checkout still shows its last year
        now = _commit_time(root, head, git)
    args = log_args(window_days, now)
    if prefix:  # only then: a pathspec makes git simplify history and hide most merges
        args += ["--", "."]
    try:
        out = git(root, args)
    except GitError as exc:
        return HistoryFacts(False, f"git log failed: {exc}", head=head, shallow=shallow,
                            window_days=window_days)
    facts = parse_log(out, prefix=prefix, max_files_per_commit=max_files_per_commit)
    note = None
    if shallow:
        note = ("shallow clone: only the fetched commits are counted, and the oldest one shows "
                "every file as added; fetch full history (git fetch --unshallow) for real numbers")
    return HistoryFacts(
        available=True, note=note, head=head, commits=facts.commits, authors=facts.authors,
        files=facts.files, co_changes=facts.co_changes, shallow=shallow,
        window_days=window_days, large_commits_ignored=facts.large_commits_ignored,
        merges=facts.merges,
    )


def _commit_time(root: str, commit: str, git: GitRunner) -> datetime | None:
    try:
        stamp = git(root, ["log", "-1", "--format=%ct", commit]).decode().strip()
        return datetime.fromtimestamp(int(stamp), timezone.utc)
    except (GitError, ValueError):
        return None


def log_args(window_days: int = 365, now: datetime | None = None) -> list[str]:
    """The one ``git log`` invocation ``parse_log`` reads (without the pathspec)."""
    args = ["log", "--numstat", "-z", "-M", "--date-order", "--use-mailmap", "--encoding=UTF-8",
            "--no-relative", "--no-ext-diff", "--no-textconv", "--no-color", _FORMAT]
    if window_days > 0:
        now = now or datetime.now(timezone.utc)
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        since = (now - timedelta(days=window_days)).astimezone(timezone.utc)
        args.append(f"--since={since:%Y-%m-%dT%H:%M:%S}+00:00")
    args.append("HEAD")
    return args


def _probe(root: str, window_days: int, git: GitRunner) -> HistoryFacts | tuple[str, bool, str]:
    """(prefix, shallow, head) of the repository holding ``root``, or an unavailable result."""

    def missing(note: str, **kw) -> HistoryFacts:
        return HistoryFacts(False, note, window_days=window_days, **kw)

    try:
        lines = git(root, ["rev-parse", "--is-inside-work-tree", "--show-prefix",
                           "--is-shallow-repository"]).decode("utf-8", "surrogateescape")
    except GitNotFound as exc:
        return missing(f"{exc}; install git to get history, ownership and co-change facts")
    except GitError as exc:
        if "not a git repository" in str(exc):
            return missing("not a git repository: no history, ownership or co-change facts")
        if "dubious ownership" in str(exc):
            return missing(f"git refuses this repository ({exc}); run 'git config --global "
                           f"--add safe.directory {root}' to allow it")
        return missing(f"git history not readable: {exc}")
    parts = lines.split("\n")
    if len(parts) < 3 or parts[0] != "true":
        return missing("not inside a git work tree (a bare repository or a .git directory)")
    prefix, shallow = parts[1], parts[2] == "true"
    try:
        head = git(root, ["rev-parse", "--verify", "-q", "HEAD^{commit}"]).decode().strip()
    except GitError:
        head = ""
    if not head:
        return missing("empty git repository (no commits yet): no history facts",
                       shallow=shallow)
    return prefix, shallow, head


@dataclass(frozen=True, slots=True)
class ParsedLog:
    commits: int
    merges: int
    authors: tuple[tuple[str, int], ...]
    files: tuple[FileHistory, ...]
    co_changes: tuple[CoChange, ...]
    large_commits_ignored: int


def parse_log(out: bytes, *, prefix: str = "", max_files_per_commit: int = 50) -> ParsedLog:
    """Parse ``git log --numstat -z -M --format=<_FORMAT>`` output, newest commit first.

    ``prefix`` is the root's path inside the repository ("" or ending in "/"): paths outside it
    are dropped and the rest are made relative to it.
    """
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    alias: dict[str, str] = {}  # path in older commits -> path today
    stats: dict[str, list] = {}  # path -> [commits, added, deleted, first_ts, last_ts, Counter]
    authors: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    commits = merges = large = 0
    author = ""
    ts = 0
    changes: dict[str, tuple[int, int]] = {}
    in_commit = False

    def finish() -> None:
        nonlocal commits, large
        commits += 1
        authors[author] += 1
        for path, (added, deleted) in changes.items():
            st = stats.get(path)
            if st is None:
                st = stats[path] = [0, 0, 0, ts, ts, Counter()]
            st[0] += 1
            st[1] += added
            st[2] += deleted
            if ts < st[3]:
                st[3] = ts
            if ts > st[4]:
                st[4] = ts
            st[5][author] += 1
        if len(changes) > max_files_per_commit:
            large += 1
        elif len(changes) > 1:
            pairs.update(combinations(sorted(changes), 2))

    i, n, cut = 0, len(tokens), len(prefix)
    while i < n:
        tok = tokens[i].lstrip("\n")
        i += 1
        if not tok:
            continue
        if tok[0] == _RECORD:
            if in_commit:
                finish()
            _sha, parents, stamp, email, name = tok[1:].split(_FIELD, 4)
            in_commit = " " not in parents  # a merge lists no files: count it, attribute nothing
            if not in_commit:
                merges += 1
            author, ts, changes = name or email, int(stamp or 0), {}
            continue
        added, deleted, path = tok.split("\t", 2)
        if not path:  # rename: "added\tdeleted\t" NUL old NUL new
            old, new = tokens[i], tokens[i + 1]
            i += 2
            path = alias.pop(new, new)
            alias[old] = path
        else:
            path = alias.get(path, path)
        if not path.startswith(prefix):
            continue
        path = path[cut:]
        a = int(added) if added != "-" else 0
        d = int(deleted) if deleted != "-" else 0
        prev = changes.get(path)
        changes[path] = (a, d) if prev is None else (prev[0] + a, prev[1] + d)
    if in_commit:
        finish()

    files = tuple(
        FileHistory(path, st[0], _ranked(st[5]), st[1], st[2], _day(st[3]), _day(st[4]))
        for path, st in sorted(stats.items())
    )
    co = sorted((-c, a, b) for (a, b), c in pairs.items() if c >= 2)
    return ParsedLog(commits, merges, _ranked(authors), files,
                     tuple(CoChange(a, b, -c) for c, a, b in co), large)


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).date().isoformat()
