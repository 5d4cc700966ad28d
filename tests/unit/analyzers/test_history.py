"""analyzers.history on real git repositories built here with fixed dates and identities."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections import Counter
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

import pytest

from analyzers import gitrunner
from analyzers.cochange import DEFAULT_MAX_PAIRS, PairCounter
from analyzers.history import (
    RECORD,
    CoChange,
    FileHistory,
    GitNotFound,
    collect_history,
    parse_log,
)
from analyzers.mailmap import MAX_MAILMAP_BYTES, Mailmap, read_mailmap

NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
ALICE = ("Alice", "alice@example.com")
BOB_HOME = ("Bob", "bob@home.example")
BOB_WORK = ("Robert B", "bob@work.example")
CAROL = ("Carol", "carol@example.com")
DAVE = ("Dave", "dave@example.com")
MAILMAP = ("Bob Builder <bob@work.example> <bob@home.example>\n"
           "Bob Builder <bob@work.example> <bob@work.example>\n")


def git(repo: Path, *args: str, who: tuple[str, str] = ALICE, day: str = "2024-01-01") -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_DATE=f"{day}T12:00:00Z", GIT_COMMITTER_DATE=f"{day}T12:00:00Z")
    cmd = ["git", "-c", f"user.name={who[0]}", "-c", f"user.email={who[1]}", *args]
    return subprocess.run(cmd, cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout


def write(repo: Path, path: str, lines: int, tag: str = "") -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a") as fh:
        fh.writelines(f"{tag or path} {i}\n" for i in range(lines))


def commit(repo: Path, who: tuple[str, str], day: str, message: str = "change") -> None:
    git(repo, "add", "-A", who=who, day=day)
    git(repo, "commit", "-q", "-m", message, who=who, day=day)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """c0 (2022, outside a one-year window) .. c7, then a merge c8. See test expectations."""
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    write(r, "LICENSE", 1)
    commit(r, DAVE, "2022-01-01")  # c0
    (r / ".mailmap").write_text(MAILMAP)
    write(r, "README.md", 1)
    write(r, "app/models.py", 3)
    write(r, "app/views.py", 2)
    commit(r, ALICE, "2024-01-01")  # c1
    write(r, "app/models.py", 1, "bob")
    write(r, "app/views.py", 1, "bob")
    commit(r, BOB_HOME, "2024-01-02")  # c2
    write(r, "app/models.py", 1, "robert")
    write(r, "app/views.py", 1, "robert")
    commit(r, BOB_WORK, "2024-01-03")  # c3
    git(r, "mv", "app/views.py", "app/api.py")
    write(r, "app/models.py", 1, "rename day")
    commit(r, ALICE, "2024-01-04")  # c4: rename views -> api, plus models
    for i in range(200):
        write(r, f"gen/f{i:03d}.txt", 1)
    commit(r, CAROL, "2024-01-05")  # c5: 200 files, over the co-change cap
    git(r, "checkout", "-q", "-b", "side")
    write(r, "app/api.py", 1, "side")
    write(r, "README.md", 1, "side")
    commit(r, CAROL, "2024-01-06")  # c6 on a side branch
    git(r, "checkout", "-q", "main")
    write(r, "app/models.py", 1, "main")
    commit(r, ALICE, "2024-01-07")  # c7
    git(r, "merge", "-q", "--no-ff", "-m", "merge side", "side", day="2024-01-08")  # c8
    return r


def test_history_counts_authors_renames_merges_and_co_change(repo: Path) -> None:
    facts = collect_history(str(repo), now=NOW)

    assert facts.available is True
    assert facts.note is None
    assert facts.head == git(repo, "rev-parse", "HEAD").strip()
    assert facts.shallow is False
    assert facts.window_days == 365
    assert facts.commits == 7  # c1..c7; c0 is outside the window
    assert facts.merges == 1
    # the two Bob identities are one person through .mailmap; merges credit nobody
    assert facts.authors == (("Alice", 3), ("Bob Builder", 2), ("Carol", 2))
    assert len(facts.files) == 204
    assert [f.path for f in facts.files[:4]] == [".mailmap", "README.md", "app/api.py",
                                                   "app/models.py"]
    assert facts.file("app/views.py") is None  # its history moved to app/api.py
    assert facts.file("LICENSE") is None
    assert facts.file("app/api.py") == FileHistory(
        path="app/api.py", commits=5, authors=(("Alice", 2), ("Bob Builder", 2), ("Carol", 1)),
        first_change="2024-01-01", last_change="2024-01-06")
    assert facts.file("app/models.py") == FileHistory(
        path="app/models.py", commits=5, authors=(("Alice", 3), ("Bob Builder", 2)),
        first_change="2024-01-01", last_change="2024-01-07")
    assert facts.file("README.md") == FileHistory(
        path="README.md", commits=2, authors=(("Alice", 1), ("Carol", 1)),
        first_change="2024-01-01", last_change="2024-01-06")
    assert facts.file("gen/f199.txt") == FileHistory(
        path="gen/f199.txt", commits=1, authors=(("Carol", 1),), first_change="2024-01-05",
        last_change="2024-01-05")
    assert facts.co_changes == (
        CoChange("app/api.py", "app/models.py", 4),
        CoChange("README.md", "app/api.py", 2),
    )
    assert facts.large_commits_ignored == 1


def test_cap_is_a_parameter(repo: Path) -> None:
    facts = collect_history(str(repo), now=NOW, max_files_per_commit=3)
    # c1 touches 4 files and c5 200: both ignored; api+models still share c2, c3, c4
    assert facts.large_commits_ignored == 2
    assert facts.co_changes == (CoChange("app/api.py", "app/models.py", 3),)


def test_window_excludes_old_commits(repo: Path) -> None:
    everything = collect_history(str(repo), now=NOW, window_days=0)
    assert everything.commits == 8
    assert everything.authors == (("Alice", 3), ("Bob Builder", 2), ("Carol", 2), ("Dave", 1))
    assert everything.file("LICENSE").last_change == "2022-01-01"

    recent = collect_history(str(repo), now=NOW, window_days=150)  # since 2024-01-03T00:00Z
    assert recent.commits == 5  # c3..c7
    assert recent.merges == 1
    assert recent.authors == (("Alice", 2), ("Carol", 2), ("Bob Builder", 1))
    assert recent.file("app/api.py").commits == 3  # c3, c4 (rename), c6
    assert recent.file("app/api.py").first_change == "2024-01-03"
    assert recent.file(".mailmap") is None


def test_subdirectory_root_reports_paths_relative_to_it(repo: Path) -> None:
    facts = collect_history(str(repo / "app"), now=NOW)
    assert facts.available is True
    assert [f.path for f in facts.files] == ["api.py", "models.py"]
    assert facts.commits == 6  # c1, c2, c3, c4, c6, c7
    assert facts.merges == 1
    assert facts.authors == (("Alice", 3), ("Bob Builder", 2), ("Carol", 1))
    assert facts.co_changes == (CoChange("api.py", "models.py", 4),)
    assert facts.large_commits_ignored == 0


def test_shallow_clone_is_flagged(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True, capture_output=True)
    facts = collect_history(str(clone), now=NOW)
    assert facts.available is True
    assert facts.shallow is True
    assert facts.note.startswith("shallow clone:")
    # only the tip (the merge, now without parents) is there, showing every file as added
    assert facts.commits == 1
    assert facts.merges == 0
    assert facts.authors == (("Alice", 1),)
    assert len(facts.files) == 205  # LICENSE + the 204 files above
    assert facts.large_commits_ignored == 1
    assert facts.co_changes == ()


def test_not_a_repository(tmp_path: Path) -> None:
    facts = collect_history(str(tmp_path), now=NOW)
    assert facts.available is False
    assert facts.note == "not a git repository: no history, ownership or co-change facts"
    assert (facts.commits, facts.files, facts.head) == (0, (), None)


def test_empty_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    facts = collect_history(str(tmp_path), now=NOW)
    assert facts.available is False
    assert facts.note == "empty git repository (no commits yet): no history facts"


def test_git_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "init", "-q")  # a repository: outside one, git is not even looked for
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    facts = collect_history(str(tmp_path), now=NOW)
    assert facts.available is False
    assert facts.note.startswith("git is not installed")


def test_runner_seam_is_used_for_every_git_call(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    calls = []

    def fake(root: str, args) -> bytes:
        calls.append(args[0])
        raise GitNotFound("git is not installed (no 'git' on PATH)")

    facts = collect_history(str(tmp_path), git=fake)
    assert calls == ["rev-parse"]
    assert facts.available is False


def _log(*commits: tuple[str, str, list[str]]) -> bytes:
    """Fake ``git log`` output: (parents, author, --name-status tokens), newest first."""
    out = []
    for n, (parents, author, entries) in enumerate(commits):
        email = author.lower().replace(" ", ".") + "@x.example"  # one address per author
        out.append(f"{RECORD}{n:040d}\x1f{parents}\x1f{1_700_000_000 + n}\x1f{email}\x1f{author}\0")
        if entries:
            out.append("\n" + "\0".join(entries) + "\0")
    return "".join(out).encode()


def test_parse_log_follows_a_rename_chain_and_path_reuse() -> None:
    out = _log(
        ("p", "Ann", ["A", "src/a.py"]),  # a new file reuses the old name src/a.py
        ("p", "Ann", ["R100", "src/b.py", "src/c.py"]),  # b -> c
        ("p", "Ben", ["R087", "src/a.py", "src/b.py", "M", "other.py"]),  # a -> b
        ("", "Ben", ["A", "src/a.py", "A", "logo.png"]),
    )
    log = parse_log(out)
    assert [(f.path, f.commits, f.first_change, f.last_change) for f in log.files] == [
        ("logo.png", 1, "2023-11-14", "2023-11-14"), ("other.py", 1, "2023-11-14", "2023-11-14"),
        ("src/a.py", 1, "2023-11-14", "2023-11-14"), ("src/c.py", 3, "2023-11-14", "2023-11-14")]
    assert log.files[-1].authors == (("Ben", 2), ("Ann", 1))  # both of a's names, then c
    assert log.commits == 4
    assert log.authors == (("Ann", 2), ("Ben", 2))


def test_parse_log_prefix_and_cap_boundary() -> None:
    three = ["M", "lib/x.py", "M", "lib/y.py", "M", "lib/z.py", "M", "docs/i.md"]
    out = _log(("p", "Ann", three), ("p q", "Ann", []), ("", "Ann", three))
    at_cap = parse_log(out, prefix="lib/", max_files_per_commit=3)
    assert at_cap.merges == 1 and at_cap.commits == 2
    assert [f.path for f in at_cap.files] == ["x.py", "y.py", "z.py"]
    assert at_cap.co_changes == (CoChange("x.py", "y.py", 2), CoChange("x.py", "z.py", 2),
                                 CoChange("y.py", "z.py", 2))
    assert at_cap.large_commits_ignored == 0
    over = parse_log(out, prefix="lib/", max_files_per_commit=2)
    assert over.co_changes == ()
    assert over.large_commits_ignored == 2


def test_window_ends_at_head_by_default(repo: Path) -> None:
    """Without ``now`` the window ends at HEAD's commit, not at today: a repository last changed
    years ago still shows its last active year (the fixture's commits are from 2022-2024)."""
    head_time = collect_history(str(repo), window_days=150)
    assert head_time.commits == collect_history(
        str(repo), now=datetime.fromtimestamp(
            int(subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%ct"],
                               capture_output=True, text=True, check=True).stdout),
            timezone.utc), window_days=150).commits
    assert head_time.commits > 0
    today = collect_history(str(repo), now=datetime.now(timezone.utc), window_days=150)
    assert today.commits == 0


# --- bounds (issue 15): commits read, large commits, the co-change table ----------------------

def test_max_commits_keeps_the_newest_and_says_so(repo: Path) -> None:
    facts = collect_history(str(repo), now=NOW, max_commits=3)
    assert facts.truncated is True
    assert (facts.merges, facts.commits) == (1, 2)  # c8 (the merge), c7, c6: newest first
    assert facts.authors == (("Alice", 1), ("Carol", 1))
    assert "newest 3 commits" in facts.note
    everything = collect_history(str(repo), now=NOW, max_commits=9)
    assert everything.truncated is False and everything.note is None


def test_default_large_commit_cap_is_30_files() -> None:
    def commit_of(k: int) -> bytes:
        return _log(("p", "Ann", [t for i in range(k) for t in ("M", f"f{i:02d}.py")]))

    assert parse_log(commit_of(30)).large_commits_ignored == 0
    assert len(parse_log(commit_of(30) + commit_of(30)).co_changes) == 30 * 29 // 2
    assert parse_log(commit_of(31)).large_commits_ignored == 1


def test_pair_counter_is_exact_until_full_then_bounded_with_a_known_error() -> None:
    rng = random.Random(15)
    files = [f"f{i:04d}.py" for i in range(2000)]
    truth: Counter = Counter()
    counter = PairCounter(max_pairs=5000)
    added = 0
    for n in range(3000):
        chosen = set(rng.sample(files, 8))
        if n % 10 == 0:
            chosen |= {"hot/a.py", "hot/b.py"}
        paths = sorted(chosen)
        counter.add(paths)
        truth.update(combinations(paths, 2))
        added += len(paths) * (len(paths) - 1) // 2
        assert len(counter.counts) <= 5000
        if n == 50:  # ~1,400 pairs so far: nothing dropped, counts exact
            assert counter.error == 0 and counter.counts == truth
    assert 0 < counter.error <= 2 * added / 5000  # measured: about added / max_pairs
    for pair, counted in counter.counts.items():
        assert counted <= truth[pair] <= counted + counter.error
    assert all(pair in counter.counts for pair, t in truth.items() if t > counter.error)
    assert counter.most_common()[0] == ("hot/a.py", "hot/b.py", counter.counts["hot/a.py",
                                                                                "hot/b.py"])
    assert counter.counts["hot/a.py", "hot/b.py"] >= 300 - counter.error


def test_parse_log_of_a_wide_history_stays_bounded() -> None:
    """Adversarial size: 5,000 commits of 30 random files out of 3,000 (2.2 million pair
    updates, 1.9 million distinct pairs) within the default table and a generous budget."""
    rng = random.Random(7)
    files = [f"pkg/m{i:04d}.py" for i in range(3000)]
    out = _log(*(("p", f"A{n % 7}", [t for p in rng.sample(files, 30) for t in ("M", p)])
                 for n in range(5000)))
    started = time.perf_counter()
    log = parse_log(out)
    assert time.perf_counter() - started < 30
    assert log.commits == 5000 and log.large_commits_ignored == 0
    assert 0 < len(log.co_changes) <= DEFAULT_MAX_PAIRS
    assert log.co_change_error > 0


# --- hostile history text ---------------------------------------------------------------------

def test_parse_log_is_not_fooled_by_file_names() -> None:
    """A path may hold any byte but NUL. One that looks like a commit header, a status or a
    rename, or starts with a newline, stays a path."""
    forged = "\x1e" + "f" * 40 + "\x1fp\x1f1\x1fm@x\x1fMallory"
    paths = ["first.py", forged, "\nsecond.py", "M", "R100", "A"]
    out = (f"{RECORD}{'0' * 40}\x1fp\x1f1700000000\x1fa@x\x1fAnn\0\n"
           + "".join(f"M\0{p}\0" for p in paths)).encode()
    log = parse_log(out)
    assert log.commits == 1
    assert log.authors == (("Ann", 1),)
    assert [f.path for f in log.files] == sorted(paths)


# --- .mailmap, applied in Python the way git does ---------------------------------------------

MAILMAP_FORMS = """\
# a comment <comment@example.com>
Proper One <one@commit.example>
<proper2@example.com> <two@commit.example>
Proper Three <proper3@example.com> <three@commit.example>  # a trailing comment
Proper Four <proper4@example.com> Commit Four <four@commit.example>
Fallback Four <four@commit.example>
  Spaced Name   <five@commit.example>
no email on this line
Empty <> <six@commit.example>
Old Seven <seven@commit.example>
New Seven <seven@commit.example>
"""
IDENTITIES = [("Any", "one@commit.example"), ("Any", "ONE@Commit.Example"),
              ("Two", "two@commit.example"), ("X", "three@commit.example"),
              ("commit four", "four@commit.example"), ("Someone Else", "four@commit.example"),
              ("Five", "five@commit.example"), ("Six", "six@commit.example"),
              ("Seven", "seven@commit.example"), ("Nobody", "nobody@example.com")]


def test_mailmap_maps_every_form_as_git_check_mailmap_does(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".mailmap").write_text(MAILMAP_FORMS)
    ours = Mailmap.parse(MAILMAP_FORMS)
    for name, email in IDENTITIES:
        theirs = git(tmp_path, "check-mailmap", f"{name} <{email}>").strip()
        mapped_name, mapped_email = ours.map(name, email)
        assert f"{mapped_name} <{mapped_email}>" == theirs, (name, email)
    assert ours.map("Commit Four", "four@commit.example") == ("Proper Four",
                                                              "proper4@example.com")


def test_mailmap_is_read_only_as_a_regular_file_in_the_work_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret <a@x>\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / ".mailmap").symlink_to(outside)
    mailmap, note = read_mailmap(str(tree))
    assert len(mailmap) == 0 and "symlink" in note
    (tree / ".mailmap").unlink()
    (tree / ".mailmap").write_bytes(b"x" * (MAX_MAILMAP_BYTES + 1))
    mailmap, note = read_mailmap(str(tree))
    assert len(mailmap) == 0 and "larger than" in note


# --- the runner's own bounds -------------------------------------------------------------------

def test_git_output_is_capped(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitrunner, "MAX_OUTPUT_BYTES", 1000)
    facts = collect_history(str(repo), now=NOW)
    assert facts.available is False
    assert facts.note == "git log failed: git log stopped: printed more than 1,000 bytes"


def test_git_time_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # not exec'd: the sleep is a grandchild holding the output pipe open, as a transport
    # program started by git would be; the whole process group must go
    (fake_bin / "git").write_text(f"#!/bin/sh\n{shutil.which('sleep')} 30\n")
    (fake_bin / "git").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake_bin))
    monkeypatch.setattr(gitrunner, "GIT_TIMEOUT_S", 0.5)
    where = gitrunner.GitRepo(cwd=str(tmp_path), work_tree=str(tmp_path),
                              git_dir=str(tmp_path / ".git"))
    started = time.perf_counter()
    with pytest.raises(gitrunner.GitError, match="took longer than 0.5 s"):
        gitrunner.run_git(where, ["log"])
    assert time.perf_counter() - started < 10


# --- reading only the commits that are new since the last read --------------------------------

class _Counting:
    """The real git runner, counting whole-log reads, ``rev-list`` walks and ``--no-walk`` reads
    (with how many commits each asked for)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, repo, args):
        if args[0] == "log" and "--no-walk=unsorted" in args:
            self.calls.append(("new", sum(len(a) == 40 for a in args)))
        elif args[0] in ("log", "rev-list") and "HEAD" in args and "-1" not in args:
            self.calls.append((args[0], 0))
        return gitrunner.run_git(repo, args)


def _grow(repo: Path, step: int) -> None:
    """One more piece of history: commits by people and a bot, a rename, a side branch merged
    (a merge commit with files of its own on both sides), a file deleted."""
    day = f"2024-02-{step + 1:02d}"
    write(repo, "app/models.py", 1, f"s{step}")
    write(repo, f"app/mod{step}.py", 2)
    commit(repo, (ALICE, BOB_HOME, CAROL)[step % 3], day)
    if step % 2:
        git(repo, "mv", "app/models.py", f"app/models_{step}.py")
        commit(repo, DAVE, day)
        git(repo, "mv", f"app/models_{step}.py", "app/models.py")
        write(repo, "app/models.py", 1, "back")
        commit(repo, DAVE, day)
    git(repo, "checkout", "-q", "-b", f"side{step}")
    write(repo, "README.md", 1, f"side{step}")
    write(repo, f"lib/side{step}.py", 1)
    if step % 2:  # else the side branch leaves app/ alone: a subfolder's log drops the merge
        write(repo, f"app/side{step}.py", 1)
    commit(repo, CAROL, day)
    git(repo, "checkout", "-q", "main")
    write(repo, "lib/main.py", 1, f"m{step}")
    write(repo, "app/settings.py", 1, f"m{step}")
    commit(repo, ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"), day)
    git(repo, "merge", "-q", "--no-ff", "-m", f"merge side{step}", f"side{step}", day=day)
    if step == 2:
        git(repo, "rm", "-q", "app/mod1.py")
        commit(repo, BOB_WORK, day)


@pytest.mark.parametrize("where, window_days, max_commits", [
    ("root", 365, 10_000), ("root", 0, 10_000), ("root", 40, 10_000), ("root", 365, 7),
    ("app", 365, 10_000), ("app", 365, 5)])
def test_reading_only_new_commits_equals_reading_the_whole_log(repo: Path, tmp_path: Path,
                                                               where, window_days, max_commits):
    """At each new HEAD (and back at an old one) the facts from the kept commits plus the new
    ones equal those of one whole log: merges, renames, bots, a window sliding with HEAD, the
    newest ``max_commits`` and a subfolder's simplified history included."""
    from analyzers.cache import ResultCache
    from analyzers.history_cache import HistoryCache

    results = ResultCache(str(tmp_path / "cache"))
    store = HistoryCache(results)
    root = repo if where == "root" else repo / "app"
    heads = []
    for step in range(5):
        if step:
            _grow(repo, step)
        heads.append(git(repo, "rev-parse", "HEAD").strip())
        counting = _Counting()
        kw = dict(window_days=window_days, max_commits=max_commits)
        read = collect_history(str(root), cache=store, git=counting, **kw)
        whole = collect_history(str(root), **kw)
        assert read == whole, f"step {step}"
        assert read.commits > 0
        kinds = [kind for kind, _ in counting.calls]
        assert kinds == (["log"] if step == 0 else ["rev-list", "new"]), (step, counting.calls)
    assert whole.merges >= (2 if max_commits > 100 else 1) and whole.bot_commits >= 1
    assert whole.truncated == (max_commits < 100)
    git(repo, "checkout", "-q", heads[2])  # back to an older HEAD, its facts forgotten
    results._db.execute("DELETE FROM results_v1 WHERE key LIKE 'history:%'")
    results._db.commit()
    counting = _Counting()
    read = collect_history(str(root), cache=store, git=counting, window_days=window_days,
                           max_commits=max_commits)
    assert read == collect_history(str(root), window_days=window_days, max_commits=max_commits)
    assert [kind for kind, _ in counting.calls] in (["rev-list"], ["rev-list", "new"])
    results.close()


def test_the_new_commits_are_the_only_ones_read(repo: Path, tmp_path: Path) -> None:
    from analyzers.cache import ResultCache
    from analyzers.history_cache import HistoryCache

    store = HistoryCache(ResultCache(str(tmp_path / "cache")))
    collect_history(str(repo), cache=store)
    write(repo, "app/models.py", 1, "one more")
    commit(repo, ALICE, "2024-03-01")
    write(repo, "app/views2.py", 1)
    commit(repo, BOB_HOME, "2024-03-02")
    counting = _Counting()
    read = collect_history(str(repo), cache=store, git=counting)
    assert counting.calls == [("rev-list", 0), ("new", 2)]
    assert read == collect_history(str(repo))


def test_too_many_new_commits_or_no_kept_ones_read_the_whole_log(repo: Path, tmp_path: Path,
                                                                  monkeypatch) -> None:
    import analyzers.history as history
    from analyzers.cache import ResultCache
    from analyzers.history_cache import HistoryCache

    results = ResultCache(str(tmp_path / "cache"))
    store = HistoryCache(results)
    collect_history(str(repo), cache=store)
    for day in ("2024-03-01", "2024-03-02"):
        write(repo, "app/models.py", 1, day)
        commit(repo, ALICE, day)
    monkeypatch.setattr(history, "MAX_NEW_COMMITS", 1)
    counting = _Counting()
    assert collect_history(str(repo), cache=store, git=counting) == collect_history(str(repo))
    assert [kind for kind, _ in counting.calls] == ["rev-list", "log"]
    results._db.execute("UPDATE results_v1 SET value = X'00' WHERE key LIKE 'history-commits:%'")
    results._db.commit()
    write(repo, "app/models.py", 1, "again")
    commit(repo, ALICE, "2024-03-03")
    counting = _Counting()
    assert collect_history(str(repo), cache=store, git=counting) == collect_history(str(repo))
    assert [kind for kind, _ in counting.calls] == ["log"]  # damaged: read as none kept
    results.close()
