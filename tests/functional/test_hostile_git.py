"""Git is a reader only (issue 15): the real CLI on crafted ``.git`` directories.

Each test builds a repository in a tmp dir, arms it the way a hostile contributor would (a
partial-clone config whose lazy fetch runs a program, a ``.git`` file or symlink pointing at
another repository, ``mailmap.file`` / ``[include]`` / alternates naming files outside), runs
``advisor analyze`` and checks that nothing ran, nothing outside was opened, the analysed
``.git`` did not change, and the history note says why facts are missing or partial.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from analyzers.gitrunner import GitError, GitRepo, run_git
from analyzers.history import collect_history
from tests.functional.cli import Run, advisor

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")
SECRET = ("Secret Person", "secret@outside.example")
CLEAN_GIT = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str, who: tuple[str, str] = ALICE, day: int = 1) -> str:
    stamp = f"2024-03-{day:02d}T12:00:00Z"
    env = {**os.environ, **CLEAN_GIT, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    cmd = ["git", "-c", f"user.name={who[0]}", "-c", f"user.email={who[1]}", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def make_repo(path: Path, who: tuple[str, str] = ALICE, commits: int = 3) -> Path:
    """app/models.py + app/views.py, changed together in each of ``commits`` commits."""
    (path / "app").mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for n in range(commits):
        for name in ("models", "views"):
            with open(path / "app" / f"{name}.py", "a") as fh:
                fh.write(f"VALUE_{n} = {n}\n")
        (path / "app" / "__init__.py").touch()
        git(path, "add", "-A", who=who, day=n + 1)
        git(path, "commit", "-q", "-m", f"change {n}", who=who, day=n + 1)
    return path


def tree_digest(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: mode and, for files, content hash; for links, target."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if os.path.islink(path):
                out[path] = ("link", os.readlink(path))
            elif os.path.isfile(path):
                out[path] = (st.st_mode, hashlib.sha256(Path(path).read_bytes()).hexdigest())
            else:
                out[path] = (st.st_mode,)
    return out


def analyze(root: Path, out: Path) -> Run:
    run = advisor("analyze", str(root), "-o", str(out), "--no-cache", env=CLEAN_GIT)
    assert run.code == 0, run.err
    return run


def outputs(out: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(out.iterdir()) if p.is_file())


class OpenWatch:
    """inotify on folders (not recursive): the names of entries opened or read in them."""

    IN_ACCESS, IN_OPEN = 0x1, 0x20

    def __init__(self, *folders: Path) -> None:
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            pytest.skip("inotify is not available here")
        for folder in folders:
            if self.libc.inotify_add_watch(self.fd, os.fsencode(folder),
                                           self.IN_OPEN | self.IN_ACCESS) < 0:
                pytest.skip(f"cannot watch {folder}")

    def opened(self) -> list[str]:
        names, data = [], b""
        try:
            while chunk := os.read(self.fd, 65536):
                data += chunk
        except BlockingIOError:
            pass
        finally:
            os.close(self.fd)
        i = 0
        while i < len(data):
            _, _, _, size = struct.unpack_from("iIII", data, i)
            names.append(data[i + 16:i + 16 + size].rstrip(b"\0").decode(errors="replace"))
            i += 16 + size
        return names


# --- 1. code runs: a partial-clone config whose lazy fetch starts the attacker's program -----

def arm_partial_clone(repo: Path, attack: str, marker: Path) -> None:
    """Make ``repo`` a promisor repository with one blob missing and a remote that runs
    ``touch marker`` when git tries to fetch that blob."""
    old_blob = git(repo, "rev-parse", "HEAD~1:app/models.py").strip()
    (repo / ".git" / "objects" / old_blob[:2] / old_blob[2:]).unlink()
    cfg = [("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
           ("remote.origin.promisor", "true")]
    if attack == "ext":
        cfg += [("remote.origin.url", f"ext::sh -c touch% {marker}"), ("protocol.allow", "always")]
    elif attack == "ssh":
        cfg += [("remote.origin.url", "ssh://attacker.invalid/x.git"),
                ("core.sshCommand", f"touch {marker}; false")]
    else:  # a local file:// remote runs its upload-pack program on this machine
        cfg += [("remote.origin.url", f"file://{repo}"),
                ("remote.origin.uploadpack", f"touch {marker}; git-upload-pack")]
    for key, value in cfg:
        git(repo, "config", key, value)


@pytest.mark.parametrize("target", ["root", "subfolder"])
@pytest.mark.parametrize("attack", ["ext", "ssh", "uploadpack"])
def test_partial_clone_config_runs_no_program(tmp_path: Path, attack: str, target: str) -> None:
    repo = make_repo(tmp_path / "repo")
    marker = tmp_path / "pwned"
    arm_partial_clone(repo, attack, marker)
    root = repo if target == "root" else repo / "app"

    run = analyze(root, tmp_path / "out")

    assert not marker.exists(), f"the repository's {attack} program ran"
    assert "partial clone" in run.err
    facts = collect_history(str(root))
    assert not marker.exists()
    assert facts.available and facts.commits == 3
    assert "renames not followed" in facts.note


def _rename_views(repo: Path, day: int = 9) -> None:
    """A commit renaming app/views.py to app/pages.py with one line changed: a rename git finds
    only by comparing the two files' contents."""
    git(repo, "mv", "app/views.py", "app/pages.py")
    with open(repo / "app" / "pages.py", "a") as fh:
        fh.write("RENAMED = True\n")
    git(repo, "commit", "-q", "-am", "rename views", day=day)


def _mark_packs_promisor(repo: Path) -> None:
    """Pack every object and mark the pack as fetched from a promisor remote, as a copy of a
    partial clone has it, without configuring any promisor remote."""
    git(repo, "repack", "-a", "-d", "-q")
    for pack in (repo / ".git" / "objects" / "pack").glob("*.pack"):
        pack.with_suffix(".promisor").touch()


def test_promisor_packs_without_a_promisor_remote_follow_renames(tmp_path: Path) -> None:
    """A copy of a partial clone whose blobs are all there is read in full."""
    repo = make_repo(tmp_path / "repo")
    _rename_views(repo)
    _mark_packs_promisor(repo)
    facts = collect_history(str(repo))
    assert facts.available and facts.renames
    assert facts.file("app/pages.py").commits == 4  # views.py's three, then the rename
    assert facts.file("app/views.py") is None
    assert not facts.note or "partial clone" not in facts.note


def test_promisor_packs_with_a_missing_blob_fall_back_to_names(tmp_path: Path) -> None:
    """Finding the rename needs the old file's contents, which are missing: git is not let
    fetch them; the log is read again without looking for renames."""
    repo = make_repo(tmp_path / "repo")
    _rename_views(repo)
    old_blob = git(repo, "rev-parse", "HEAD~1:app/views.py").strip()
    (repo / ".git" / "objects" / old_blob[:2] / old_blob[2:]).unlink()
    marker = tmp_path / "pwned"
    git(repo, "config", "remote.origin.url", f"ext::sh -c touch% {marker}")
    (repo / ".git" / "objects" / "pack").mkdir(exist_ok=True)
    (repo / ".git" / "objects" / "pack" / "pack-0.promisor").touch()
    before = tree_digest(repo / ".git")
    facts = collect_history(str(repo))
    assert not marker.exists()
    assert tree_digest(repo / ".git") == before
    assert facts.available and facts.commits == 4 and not facts.renames
    assert facts.file("app/pages.py").commits == 1  # the rename is not followed
    assert facts.file("app/views.py").commits == 4
    assert "partial clone" in facts.note


# --- 2. a legitimate blobless clone: read without fetching, nothing written -----------------

def test_blobless_clone_is_read_without_fetching_or_writing(tmp_path: Path) -> None:
    src = make_repo(tmp_path / "src", commits=4)
    git(src, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", "--filter=blob:none", f"file://{src}", str(clone))
    before = tree_digest(clone / ".git")

    run = analyze(clone, tmp_path / "out")
    facts = collect_history(str(clone))

    assert tree_digest(clone / ".git") == before, "the analysed .git changed (fetch, gc, ...)"
    assert "partial clone" in run.err
    assert facts.available is True
    assert facts.commits == 4
    assert facts.authors == (("Alice", 4),)
    assert [f.path for f in facts.files] == ["app/__init__.py", "app/models.py", "app/views.py"]
    assert facts.file("app/models.py").commits == 4
    assert not facts.renames  # no blobs: renames are not looked for
    assert "partial clone" in facts.note and "renames not followed" in facts.note


# --- 3a. a .git file, or symlink, leading to a repository outside the analysed tree ---------

@pytest.mark.parametrize("how", ["gitdir-absolute", "gitdir-relative", "symlink"])
def test_git_indirection_outside_is_not_followed(tmp_path: Path, how: str) -> None:
    outside = make_repo(tmp_path / "outside", who=SECRET)
    secret_head = git(outside, "rev-parse", "HEAD").strip()
    root = tmp_path / "root"
    (root / "app").mkdir(parents=True)
    (root / "app" / "models.py").write_text("import os\n")
    if how == "gitdir-absolute":
        (root / ".git").write_text(f"gitdir: {outside / '.git'}\n")
    elif how == "gitdir-relative":
        (root / ".git").write_text("gitdir: ../outside/.git\n")
    else:
        (root / ".git").symlink_to(outside / ".git")
    watch = OpenWatch(outside / ".git", outside / ".git" / "refs" / "heads")

    run = analyze(root, tmp_path / "out")

    assert watch.opened() == []
    text = outputs(tmp_path / "out")
    assert "Secret Person" not in text and secret_head not in text
    assert json.loads((tmp_path / "out" / "assessment.json").read_text())["target"]["commit"] \
        is None
    assert "outside" in run.err and ".git" in run.err
    facts = collect_history(str(root))
    assert facts.available is False and facts.head is None


def test_subfolder_of_an_enclosing_repository_reads_its_history(tmp_path: Path) -> None:
    """Documented behaviour, kept: a subfolder is analysed with its repository's history."""
    repo = make_repo(tmp_path / "repo", who=BOB)
    head = git(repo, "rev-parse", "HEAD").strip()
    analyze(repo / "app", tmp_path / "out")
    document = json.loads((tmp_path / "out" / "assessment.json").read_text())
    assert document["target"]["commit"] == head
    facts = collect_history(str(repo / "app"))
    assert facts.authors == (("Bob", 3),)
    assert [f.path for f in facts.files] == ["__init__.py", "models.py", "views.py"]


# --- 3b. mailmap.file / mailmap.blob / a symlinked .mailmap -----------------------------------

@pytest.mark.parametrize("how", ["mailmap.file", "mailmap.blob", "symlink"])
def test_mailmap_outside_the_tree_is_ignored(tmp_path: Path, how: str) -> None:
    repo = make_repo(tmp_path / "repo")
    secrets = tmp_path / "outside"
    secrets.mkdir()
    secret = secrets / "secret"
    secret.write_text(f"Secret Line <{ALICE[1]}>\n")
    if how == "mailmap.file":
        git(repo, "config", "mailmap.file", str(secret))
    elif how == "mailmap.blob":
        blob = git(repo, "hash-object", "-w", str(secret)).strip()
        git(repo, "config", "mailmap.blob", blob)
    else:
        (repo / ".mailmap").symlink_to(secret)
    watch = OpenWatch(secrets)

    analyze(repo, tmp_path / "out")
    facts = collect_history(str(repo))

    assert watch.opened() == []
    assert "Secret Line" not in outputs(tmp_path / "out")
    assert facts.authors == (("Alice", 3),)


def test_in_tree_mailmap_still_applies(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".mailmap").write_text(f"Alice Liddell <{ALICE[1]}>\n")
    assert collect_history(str(repo)).authors == (("Alice Liddell", 3),)


# --- 3c. [include] / [includeIf] in .git/config ------------------------------------------------

@pytest.mark.parametrize("section", ["include", 'includeIf "gitdir:/"'])
def test_config_include_is_refused_without_reading_it(tmp_path: Path, section: str) -> None:
    repo = make_repo(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret"
    secret.write_text(f"Secret Line <{ALICE[1]}>\n")
    (outside / "extra.cfg").write_text(f"[mailmap]\n\tfile = {secret}\n[log]\n\tmailmap = true\n")
    with open(repo / ".git" / "config", "a") as fh:
        fh.write(f"[{section}]\n\tpath = {outside / 'extra.cfg'}\n")
    watch = OpenWatch(outside)

    run = analyze(repo, tmp_path / "out")

    assert watch.opened() == []
    assert "Secret Line" not in outputs(tmp_path / "out")
    assert "include" in run.err
    facts = collect_history(str(repo))
    assert facts.available is False and "include" in facts.note


# --- 3d. objects borrowed from a repository outside (objects/info/alternates) -----------------

def test_alternates_outside_are_not_followed(tmp_path: Path) -> None:
    outside = make_repo(tmp_path / "outside", who=SECRET)
    head = git(outside, "rev-parse", "HEAD").strip()
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "models.py").write_text("import os\n")
    git(repo, "init", "-q", "-b", "main")
    (repo / ".git" / "objects" / "info" / "alternates").write_text(
        f"{outside / '.git' / 'objects'}\n")
    git(repo, "update-ref", "refs/heads/main", head)

    run = analyze(repo, tmp_path / "out")

    assert "Secret Person" not in outputs(tmp_path / "out")
    assert "alternates" in run.err
    assert collect_history(str(repo)).available is False


# --- 4. the user's own config is not applied either (a reproducible, program-free git) -------

def test_user_config_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    home = tmp_path / "home"
    home.mkdir()
    secret = home / "secret"
    secret.write_text(f"Global Name <{ALICE[1]}>\n")
    (home / ".gitconfig").write_text(f"[mailmap]\n\tfile = {secret}\n[log]\n\tmailmap = true\n")
    monkeypatch.setenv("HOME", str(home))
    run = advisor("analyze", str(repo), "-o", str(tmp_path / "out"), "--no-cache")
    assert run.code == 0, run.err
    assert "Global Name" not in outputs(tmp_path / "out")
    assert collect_history(str(repo)).authors == (("Alice", 3),)


@pytest.fixture(autouse=True)
def _no_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI subprocess inherits this process's environment: no GIT_DIR and the like."""
    for key in list(os.environ):
        if key.startswith("GIT_"):
            monkeypatch.delenv(key)
    if shutil.which("git") is None:
        pytest.skip("git is not installed")


# --- the runner alone: a second wall behind locate_repository ---------------------------------

@pytest.mark.parametrize("attack", ["ext", "ssh", "uploadpack"])
def test_runner_allows_no_transport_even_when_git_wants_a_missing_blob(
        tmp_path: Path, attack: str) -> None:
    """Were the partial clone missed, a read needing the missing blob fails; nothing runs."""
    repo = make_repo(tmp_path / "repo")
    marker = tmp_path / "pwned"
    arm_partial_clone(repo, attack, marker)
    unguarded = GitRepo(cwd=str(repo), work_tree=str(repo), git_dir=str(repo / ".git"),
                        partial=False)
    with pytest.raises(GitError):
        run_git(unguarded, ["log", "--numstat", "HEAD"])
    assert not marker.exists()


def test_runner_ignores_user_config_and_overrides_program_keys(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    user_config = tmp_path / "user.gitconfig"
    user_config.write_text("[user]\n\tname = From The User Config\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    for key, value in [("core.sshCommand", "touch /tmp/x"), ("core.fsmonitor", "touch /tmp/x"),
                       ("diff.external", "touch /tmp/x"), ("gpg.program", "touch /tmp/x"),
                       ("protocol.allow", "always"), ("core.hooksPath", str(tmp_path)),
                       ("mailmap.file", str(tmp_path / "secret")), ("gc.auto", "1")]:
        git(repo, "config", key, value)
    where = GitRepo(cwd=str(repo), work_tree=str(repo), git_dir=str(repo / ".git"))
    listing = run_git(where, ["config", "--list", "--show-scope"]).decode()
    assert "From The User Config" not in listing
    assert {line.split("\t")[0] for line in listing.splitlines()} == {"local", "command"}

    def effective(key: str) -> str:
        return run_git(where, ["config", "--get", key]).decode().strip()

    assert effective("core.sshCommand") == "false"
    assert effective("core.fsmonitor") == "false"
    assert effective("diff.external") == ""
    assert effective("gpg.program") == "false"
    assert effective("protocol.allow") == "never"
    assert effective("core.hooksPath") == os.devnull
    assert effective("mailmap.file") == os.devnull
    assert effective("gc.auto") == "0"


@pytest.mark.parametrize("link", ["objects", "refs/heads/main"])
def test_symlink_in_git_dir_leading_outside_is_not_followed(tmp_path: Path, link: str) -> None:
    outside = make_repo(tmp_path / "outside", who=SECRET)
    repo = make_repo(tmp_path / "repo", commits=1)
    if link == "objects":  # the outside objects, and a branch naming the outside head
        shutil.rmtree(repo / ".git" / "objects")
        (repo / ".git" / "objects").symlink_to(outside / ".git" / "objects")
        git(repo, "update-ref", "refs/heads/main", git(outside, "rev-parse", "HEAD").strip())
    else:  # a ref file that is the outside repository's
        (repo / ".git" / link).unlink()
        (repo / ".git" / link).symlink_to(outside / ".git" / link)

    run = analyze(repo, tmp_path / "out")

    facts = collect_history(str(repo))
    assert facts.available is False and "symlink" in facts.note
    assert "symlink" in run.err and "Secret Person" not in outputs(tmp_path / "out")
