"""Git history facts: churn, authors and co-change per file, read with the ``git`` CLI.

Everything comes from one ``git log`` (``log_args``), split into commits (``split_log``) and
folded, newest first, into the facts (``fold_log``). With a cache, the commits of the last read
are kept: at a new HEAD, ``git rev-list`` with the same walk lists the commits, and only those
not kept are read (``git log --no-walk``); the fold over the same commits in the same order
gives the same facts. Decisions:

* Merges. The log is run without ``-m``/``-c``/``--cc``, so a merge commit lists no file changes:
  merges are counted (``HistoryFacts.merges``) but every file change is attributed exactly once,
  to the commit that made it on its own branch, with that commit's author. ``--first-parent`` is
  not used because it would credit a whole side branch to whoever merged it.
* Renames. ``-M`` detects renames and ``--date-order`` shows every commit before its parents, so
  walking newest to oldest we know, at each rename ``old -> new``, which current path ``new`` has
  become; older changes to ``old`` are credited to that current path. (Paths are tracked, not file
  identities: a file deleted and later re-created under the same name shares that name's history.)
* Authors are people, not accounts. Raw ``%an``/``%ae`` are mapped in Python through the work
  tree's ``.mailmap`` (``analyzers.mailmap``; git's own mailmap lookup would honour
  ``mailmap.file``/``mailmap.blob`` from the repository's config, anywhere on disk). Commits by
  automation (``analyzers.people.is_bot``: dependabot[bot], github-actions, renovate, ...) are
  counted in ``bots``/``bot_commits`` only: not in ``commits``, authors, churn or co-change.
  The remaining identities, merge commits' included, are merged into people
  (``analyzers.people.merge_identities``: same email, same GitHub login, same normalised name,
  a first name standing for the one full name it starts), each named as they sign most often.
  Merge commits count in ``merges`` only: they link identities and sign names, nothing else.
* Window. ``--since`` (git compares committer dates); ``first_change``/``last_change`` are author
  dates (when the change was written), as UTC ``YYYY-MM-DD``. ``window_days <= 0``: all history.
  At most ``max_commits`` (10,000) commits are read, the newest; ``truncated`` and the note say
  when that cut the window short.
* Subdirectory roots. A folder inside a work tree is analysed with the history of the enclosing
  repository (the nearest ``.git`` upwards, as git finds it), provided that repository keeps
  everything git reads inside its own work tree (``analyzers.gitrunner.locate_repository``).
  Git then runs with the pathspec ``.`` from the root, so only commits touching
  the root are listed and only files under it are shown; paths are reported relative to the root.
  A file moved into the root from outside starts its history at the move. Git's default history
  simplification then also drops merges that took one side unchanged for that directory.
* Large commits (more files than ``max_files_per_commit``, 30: mass renames, reformatting,
  vendoring) still count for churn but are left out of co-change and counted in
  ``large_commits_ignored``. Co-change pairs are counted in bounded memory
  (``analyzers.cochange``): exact for ordinary histories, within ``co_change_error`` otherwise.
* Names, not lines. The log lists each change's status and paths (``--name-status``), never
  its line counts: nothing here is measured in lines, and diffing every changed file to count
  them cost saleor's year 2.0 s of git against 0.12 s for the names (rename detection, the part
  that reads contents, is the same either way).
* Partial clones (``--filter=blob:none``). Their missing blobs are never asked for (git would
  fetch them, writing into ``.git``): renames are not looked for (``--no-renames``, the one
  part that reads contents), so ``renames`` is False.

Git is reached only through a runner ``(repo, args) -> stdout bytes`` (``run_git`` by default,
see ``analyzers.gitrunner``): pinned to the located repository, user and system config ignored,
no protocol allowed, every program- or file-naming config key overridden.
"""

from __future__ import annotations

import os
import secrets
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol

from analyzers.cochange import DEFAULT_MAX_PAIRS, PairCounter
from analyzers.gitrunner import (
    GitError,
    GitNotFound,
    GitRepo,
    GitRunner,
    locate_repository,
    run_git,
)
from analyzers.mailmap import Mailmap, read_mailmap
from analyzers.people import is_bot, merge_identities

DEFAULT_MAX_COMMITS = 10_000
DEFAULT_MAX_FILES_PER_COMMIT = 30
_FIELD = "\x1f"  # separates header fields
# Starts each commit header. The random part makes it unforgeable by a file name (a path may
# hold any byte but NUL, including \x1e), so a hostile path cannot pose as a commit.
RECORD = "\x1e" + secrets.token_hex(8) + _FIELD
_FORMAT = "--format=%x1e" + RECORD[1:-1] + "%x1f%H%x1f%P%x1f%at%x1f%ae%x1f%an"


@dataclass(frozen=True, slots=True)
class FileHistory:
    path: str  # posix, relative to the analysed root, as the file is named today
    commits: int  # non-merge commits that changed it inside the window
    authors: tuple[tuple[str, int], ...]  # (author, commits), most commits first, then by name
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
    commits: int = 0  # non-merge commits by people in the window touching the root
    authors: tuple[tuple[str, int], ...] = ()  # (person, non-merge commits), most first
    files: tuple[FileHistory, ...] = ()  # sorted by path
    co_changes: tuple[CoChange, ...] = ()  # most commits first, then by paths
    shallow: bool = False
    window_days: int = 365
    large_commits_ignored: int = 0
    merges: int = 0  # merge commits in the window (no file changes attributed to them)
    truncated: bool = False  # more commits in the window than the newest ``max_commits`` read
    renames: bool = True  # renames followed; False in a partial clone (no contents read)
    co_change_error: int = 0  # co-change counts may be low by at most this (0: exact)
    bots: tuple[tuple[str, int], ...] = ()  # (automation account, non-merge commits), most first
    bot_commits: int = 0  # non-merge commits by automation: in no other count

    def file(self, path: str) -> FileHistory | None:
        """The history of ``path`` (relative to the root), or None if it did not change."""
        i = bisect_left(self.files, path, key=lambda f: f.path)
        if i < len(self.files) and self.files[i].path == path:
            return self.files[i]
        return None


class HistoryStore(Protocol):
    """Where facts are kept by the inputs they were read from, and the commits of the last
    read by what they depend on (``analyzers.history_cache``)."""

    def load(self, inputs: tuple) -> HistoryFacts | None: ...

    def save(self, inputs: tuple, facts: HistoryFacts) -> None: ...

    def load_commits(self, lineage: tuple) -> dict[str, Record]: ...

    def save_commits(self, lineage: tuple, records: dict[str, Record]) -> None: ...


# at most this many commits are read by name after the last read; more: the whole log is read
MAX_NEW_COMMITS = 2_000


def collect_history(
    root: str,
    *,
    window_days: int = 365,
    max_files_per_commit: int = DEFAULT_MAX_FILES_PER_COMMIT,
    max_commits: int = DEFAULT_MAX_COMMITS,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    now: datetime | None = None,
    git: GitRunner = run_git,
    cache: HistoryStore | None = None,
) -> HistoryFacts:
    """History facts for the files under ``root`` (a directory in a git work tree, or not).

    The window is the ``window_days`` before ``now``; by default ``now`` is HEAD's commit time,
    so a repository that has been quiet, or an old checkout, still shows its last active year.

    ``cache``: the facts are kept under a digest of everything they are read from (HEAD, the
    root's place in the repository, the window and limits, the ``.mailmap``, this code), so
    analysing the same commit again reads no log. At another HEAD, the commits read last time
    are not read again: ``git rev-list`` lists the window's commits in the log's own order,
    only the commits not seen before are read (``git log --no-walk``), and the facts are
    folded from all of them, newest first, exactly as from one whole log (what git lists for a
    commit depends on that commit alone, given the pathspec and options).
    """
    root = os.path.realpath(root)

    def missing(note: str, **kw) -> HistoryFacts:
        return HistoryFacts(False, note, window_days=window_days, **kw)

    if not os.path.isdir(root):
        return missing(f"not a directory: {root}")
    repo = locate_repository(root)
    if repo is None:
        return missing("not a git repository: no history, ownership or co-change facts")
    if isinstance(repo, str):
        return missing(repo)
    probe = _probe(repo, git)
    if isinstance(probe, str):
        return missing(probe)
    prefix, shallow, head = probe
    if not head:
        return missing("empty git repository (no commits yet): no history facts",
                       shallow=shallow)
    if now is None:  # the window ends at HEAD: an old checkout still shows its last year
        now = _commit_time(repo, head, git)
    renames = not repo.partial
    pathspec = ["--", "."] if prefix else []  # only then: a pathspec makes git simplify history
    mailmap, mailmap_note = read_mailmap(repo.work_tree)
    if cache is None:
        return _read(repo, git, prefix, shallow, head, now, renames, pathspec, window_days,
                     max_files_per_commit, max_commits, max_pairs, mailmap, mailmap_note)
    inputs = (head, prefix, shallow, renames, window_days, now.isoformat() if now else None,
              (max_files_per_commit, max_commits, max_pairs),
              repr(sorted(mailmap._entries.items())), mailmap_note)
    if (kept := cache.load(inputs)) is not None:
        return kept
    # what a commit's record depends on besides the commit: the pathspec (the root's prefix)
    # and whether renames are looked for; the repository, so that two share no slot
    lineage = (repo.work_tree, prefix, renames)
    facts = _read(repo, git, prefix, shallow, head, now, renames, pathspec, window_days,
                  max_files_per_commit, max_commits, max_pairs, mailmap, mailmap_note,
                  (cache, lineage))
    if facts.available:
        cache.save(inputs, facts)
    return facts


def _read(repo, git, prefix, shallow, head, now, renames, pathspec, window_days,
          max_files_per_commit, max_commits, max_pairs, mailmap, mailmap_note,
          store: tuple[HistoryStore, tuple] | None = None) -> HistoryFacts:
    """The log, parsed, with the notes on what limited it. ``store``: (the cache, the lineage
    key) where the commits of the last read are kept; only the commits it lacks are read."""
    def missing(note: str, **kw) -> HistoryFacts:
        return HistoryFacts(False, note, window_days=window_days, **kw)

    records = None
    if store is not None:
        records = _read_new_commits(repo, git, store, window_days, now, max_commits, renames,
                                    pathspec)
    if records is None:
        try:
            out = git(repo, log_args(window_days, now, max_commits=max_commits,
                                     renames=renames) + pathspec)
        except GitError as exc:
            if not (renames and repo.promisor_packs):
                return missing(f"git log failed: {exc}", head=head, shallow=shallow)
            renames = False  # a blob of a copied partial clone is missing: no contents read
            store = None  # these records are not what the lineage's key says
            try:
                out = git(repo, log_args(window_days, now, max_commits=max_commits,
                                         renames=False) + pathspec)
            except GitError as exc2:
                return missing(f"git log failed: {exc2}", head=head, shallow=shallow)
        records = split_log(out)
        if store is not None:
            records = list(records)
    if store is not None:
        cache, lineage = store
        cache.save_commits(lineage, {r[0]: r for r in records if r is not None})
    facts = fold_log(records, prefix=prefix, max_files_per_commit=max_files_per_commit,
                     max_commits=max_commits, max_pairs=max_pairs, mailmap=mailmap)
    notes = []
    if shallow:
        notes.append("shallow clone: only the fetched commits are counted, and the oldest one "
                     "shows every file as added; fetch full history (git fetch --unshallow) for "
                     "real numbers")
    if not renames:
        notes.append("partial clone: history read from file names only, without fetching the "
                     "missing file contents (renames not followed)")
    if facts.truncated:
        notes.append(f"history cut to the newest {max_commits:,} commits of the "
                     f"{window_days}-day window")
    if facts.co_change_error:
        notes.append(f"more than {max_pairs:,} co-changing file pairs: the rarest were dropped "
                     f"and co-change counts may be up to {facts.co_change_error} low")
    if mailmap_note:
        notes.append(mailmap_note)
    return HistoryFacts(
        available=True, note="; ".join(notes) or None, head=head, commits=facts.commits,
        authors=facts.authors, files=facts.files, co_changes=facts.co_changes,
        shallow=shallow, window_days=window_days,
        large_commits_ignored=facts.large_commits_ignored, merges=facts.merges,
        truncated=facts.truncated, renames=renames,
        co_change_error=facts.co_change_error, bots=facts.bots, bot_commits=facts.bot_commits,
    )


def _commit_time(repo: GitRepo, commit: str, git: GitRunner) -> datetime | None:
    try:
        stamp = git(repo, ["log", "-1", "--format=%ct", commit]).decode().strip()
        return datetime.fromtimestamp(int(stamp), timezone.utc)
    except (GitError, ValueError):
        return None


def _read_new_commits(repo, git, store, window_days, now, max_commits, renames, pathspec
                      ) -> list[Record] | None:
    """The records of the log ``log_args`` would give, from the kept records of the last read
    and the commits that are new since; None if there is nothing kept, or too much is new, or
    anything does not add up (then the whole log is read)."""
    cache, lineage = store
    kept = cache.load_commits(lineage)
    if not kept:
        return None
    try:
        listed = git(repo, ["rev-list", *walk_args(window_days, now, max_commits=max_commits),
                            *pathspec]).decode("ascii").split()
    except (GitError, UnicodeDecodeError):
        return None
    new = [sha for sha in listed if sha not in kept]
    if len(new) > MAX_NEW_COMMITS:
        return None
    if new:
        try:
            out = git(repo, log_args(renames=renames, revisions=["--no-walk=unsorted", *new])
                      + pathspec)
        except GitError:
            return None
        read = {r[0]: r for r in split_log(out) if r is not None}
        if sorted(read) != sorted(new):
            return None
        kept = {**kept, **read}
    return [kept[sha] for sha in listed]


def walk_args(window_days: int = 365, now: datetime | None = None, *,
              max_commits: int = DEFAULT_MAX_COMMITS) -> list[str]:
    """The commits the history reads, as ``git log`` options: the window's, newest first
    (``--date-order``), at most ``max_commits`` + 1 (the one more tells that the window was
    cut). ``git rev-list`` given the same lists the same commits, in the same order."""
    args = ["--date-order"]
    if max_commits > 0:
        args.append(f"--max-count={max_commits + 1}")
    if window_days > 0:
        now = now or datetime.now(timezone.utc)
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        since = (now - timedelta(days=window_days)).astimezone(timezone.utc)
        args.append(f"--since={since:%Y-%m-%dT%H:%M:%S}+00:00")
    return [*args, "HEAD"]


def log_args(window_days: int = 365, now: datetime | None = None, *,
             max_commits: int = DEFAULT_MAX_COMMITS, renames: bool = True,
             revisions: list[str] | None = None) -> list[str]:
    """The ``git log`` invocation ``parse_log`` reads (without the pathspec): the commits of
    ``walk_args``, or ``revisions`` when given (``--no-walk`` and the commits to read).

    ``renames=False`` (partial clones) does not look for renames, the one part that reads file
    contents: no blob is needed, so none is fetched."""
    changes = ["--name-status", *(["-M", "-l1000"] if renames else ["--no-renames"])]
    walk = walk_args(window_days, now, max_commits=max_commits) if revisions is None \
        else revisions
    return ["log", *changes, "-z", "--no-use-mailmap", "--encoding=UTF-8", "--no-relative",
            "--no-ext-diff", "--no-textconv", "--no-color", "--no-notes", _FORMAT, *walk]


def _probe(repo: GitRepo, git: GitRunner) -> str | tuple[str, bool, str]:
    """(prefix, shallow, head or "") of ``repo``, or why its history cannot be read."""
    try:
        lines = git(repo, ["rev-parse", "--is-inside-work-tree", "--show-prefix",
                           "--is-shallow-repository"]).decode("utf-8", "surrogateescape")
    except GitNotFound as exc:
        return f"{exc}; install git to get history, ownership and co-change facts"
    except GitError as exc:
        if "not a git repository" in str(exc):
            return "not a git repository: no history, ownership or co-change facts"
        return f"git history not readable: {exc}"
    parts = lines.split("\n")
    if len(parts) < 3 or parts[0] != "true":
        return "not inside a git work tree (a bare repository or a .git directory)"
    prefix, shallow = parts[1], parts[2] == "true"
    try:
        head = git(repo, ["rev-parse", "--verify", "-q", "HEAD^{commit}"]).decode().strip()
    except GitError:
        head = ""
    return prefix, shallow, head


@dataclass(frozen=True, slots=True)
class ParsedLog:
    commits: int
    merges: int
    authors: tuple[tuple[str, int], ...]
    files: tuple[FileHistory, ...]
    co_changes: tuple[CoChange, ...]
    large_commits_ignored: int
    truncated: bool = False
    co_change_error: int = 0
    bots: tuple[tuple[str, int], ...] = ()  # (automation account, commits), most first
    bot_commits: int = 0


_TWO_PATHS = frozenset("RC")  # the --name-status statuses followed by two paths
_ONE_PATH = frozenset("ADMTUXB")


# One commit of the log: (sha, parents, author time, email, name, entries), each entry
# (status, path) or, for a rename or copy, (status, old, new); None for a header git did not
# write (it still counts towards ``max_commits``, as git listed it).
Record = tuple


def parse_log(out: bytes, *, prefix: str = "",
              max_files_per_commit: int = DEFAULT_MAX_FILES_PER_COMMIT, max_commits: int = 0,
              max_pairs: int = DEFAULT_MAX_PAIRS, mailmap: Mailmap | None = None) -> ParsedLog:
    """Parse the output of ``log_args(...)`` (``-z``, headers in ``_FORMAT``), newest first.

    ``prefix`` is the root's path inside the repository ("" or ending in "/"): paths outside it
    are dropped and the rest are made relative to it. ``max_commits`` > 0: commits (merges
    included) after that many are not read, and ``truncated`` says whether there were any.
    Entries are ``--name-status``: a status, then one path, or two (old, new) for a rename.
    Malformed entries are skipped: the log comes from an untrusted repository.
    """
    return fold_log(split_log(out), prefix=prefix, max_files_per_commit=max_files_per_commit,
                    max_commits=max_commits, max_pairs=max_pairs, mailmap=mailmap)


def split_log(out: bytes) -> Iterator[Record]:
    """The commits of a ``log_args`` output, in its order, each on its own: what a commit
    lists depends on that commit alone, so a record read once stands for it in any later log
    (``collect_history`` reads only the commits it has not seen)."""
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    current: Record | None = None
    entries: list[tuple[str, ...]] | None = None  # the current commit's; None: none open
    first = False
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        i += 1
        head = tok.lstrip("\n")
        if head.startswith(RECORD):
            if current is not None:
                yield (*current, tuple(entries))
            current = entries = None
            fields = head[len(RECORD):].split(_FIELD, 4)
            if len(fields) != 5 or not _number(fields[2]):
                yield None  # not a header git wrote: the commit is skipped
                continue
            sha, parents, stamp, email, name = fields
            current, entries, first = (sha, parents, int(stamp), email, name), [], True
            continue
        if first and tok.startswith("\n"):
            tok = tok[1:]  # git puts one newline between a header and its first entry
        first = False
        if not tok or entries is None:
            continue
        status = tok[0]
        if status in _TWO_PATHS:  # "R<score>" NUL old NUL new (or a copy, "C<score>")
            if i + 1 >= n:
                break
            entries.append((status, tokens[i], tokens[i + 1]))
            i += 2
        elif status in _ONE_PATH:  # "M" NUL path (A, D, M, T...)
            if i >= n:
                break
            entries.append((status, tokens[i]))
            i += 1
        # else: not a status git writes: the entry is skipped
    if current is not None:
        yield (*current, tuple(entries))


def fold_log(records: Iterable[Record | None], *, prefix: str = "",
             max_files_per_commit: int = DEFAULT_MAX_FILES_PER_COMMIT, max_commits: int = 0,
             max_pairs: int = DEFAULT_MAX_PAIRS, mailmap: Mailmap | None = None) -> ParsedLog:
    """The facts of ``records`` (``split_log``'s, newest first); arguments as ``parse_log``."""
    mailmap = mailmap or Mailmap()
    # (name, email) as committed -> (name, email) after .mailmap, or None for a bot
    who: dict[tuple[str, str], tuple[str, str] | None] = {}
    bot_name: dict[tuple[str, str], str] = {}
    alias: dict[str, str] = {}  # path in older commits -> path today
    stats: dict[str, list] = {}  # path -> [commits, first_ts, last_ts, Counter]
    authors: Counter[tuple[str, str]] = Counter()  # identity -> non-merge commits
    signed: Counter[tuple[str, str]] = Counter()  # identity -> commits signed, merges included
    bots: Counter[str] = Counter()
    pairs = PairCounter(max_pairs)
    commits = merges = large = 0
    truncated = False
    cut = len(prefix)
    for count, record in enumerate(records, 1):
        if max_commits > 0 and count > max_commits:
            truncated = True
            break
        if record is None:
            continue
        _sha, parents, ts, email, name, entries = record
        key = (name, email)
        if key not in who:
            mapped_name, mapped_email = mailmap.map(name, email)
            mapped = (mapped_name or mapped_email, mapped_email)
            robot = is_bot(name, email) or is_bot(*mapped)
            who[key] = None if robot else mapped
            bot_name[key] = mapped[0]
        author = who[key]
        if author is not None:
            signed[author] += 1
        if " " in parents:  # a merge lists no files: count it, attribute nothing
            merges += 1
            continue
        changes: dict[str, None] = {}  # the paths the commit changed, in order
        for entry in entries:
            if entry[0] == "R":
                path = alias.pop(entry[2], entry[2])
                alias[entry[1]] = path
            else:
                path = entry[-1]
                path = alias.get(path, path)
            if path.startswith(prefix):
                changes[path[cut:]] = None
        if author is None:  # automation: counted for the record, attributed nothing
            bots[bot_name[key]] += 1
            continue
        commits += 1
        authors[author] += 1
        for path in changes:
            st = stats.get(path)
            if st is None:
                st = stats[path] = [0, ts, ts, Counter()]
            st[0] += 1
            if ts < st[1]:
                st[1] = ts
            if ts > st[2]:
                st[2] = ts
            st[3][author] += 1
        if len(changes) > max_files_per_commit:
            large += 1
        elif len(changes) > 1:
            pairs.add(sorted(changes))

    person = merge_identities(signed)

    def people(counts: Counter[tuple[str, str]]) -> tuple[tuple[str, int], ...]:
        merged: Counter[str] = Counter()
        for identity, n in counts.items():
            merged[person[identity]] += n
        return _ranked(merged)

    files = tuple(
        FileHistory(path, st[0], people(st[3]), _day(st[1]), _day(st[2]))
        for path, st in sorted(stats.items())
    )
    co = tuple(CoChange(a, b, c) for a, b, c in pairs.most_common(2))
    return ParsedLog(commits, merges, people(authors), files, co, large, truncated,
                     pairs.error, _ranked(bots), sum(bots.values()))


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).date().isoformat()
