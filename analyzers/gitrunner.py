"""Git as a reader only: which repository git may read for a folder, and one hardened runner.

The analysed tree is untrusted (see the trust model in DESIGN.md), and so is its ``.git``: its
config can name programs (``core.sshCommand``, ``core.fsmonitor``, a remote's ``uploadpack``,
an ``ext::`` URL that a lazy fetch of a missing blob runs), name files outside the tree
(``mailmap.file``, ``[include]``, ``objects/info/alternates``) or be itself outside the tree (a
``.git`` file or symlink). Two layers keep git a reader:

1. ``locate_repository`` finds the repository in Python, before git runs, and refuses one git
   would read outside its work tree: a ``.git`` file, symlink or ``commondir`` leading outside,
   a config with ``[include]``/``[includeIf]`` (git would read the included file before any
   command line option could stop it), alternates, or a symlink in ``.git`` pointing outside.
   It also spots a partial clone, whose missing blobs must never be asked for.
2. ``run_git`` runs git pinned to that repository (``GIT_DIR``/``GIT_WORK_TREE``: no discovery,
   no ``core.worktree``), with the system and user config ignored, every protocol refused (so a
   lazy fetch fails before any transport program starts), and every config key that names a
   program or an outside file overridden on the command line, which beats repository config.

Git's ownership check (``safe.directory``) only guards discovery; with the repository given
explicitly git reads a folder owned by someone else, which is what an analyser of downloaded
trees needs, and is safe here because nothing the repository configures can run.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analyzers.source import Rejected, read_bytes

MAX_CONFIG_BYTES = 1_000_000
MAX_REFS_CHECKED = 100_000
GIT_TIMEOUT_S = 600
_POSIX = os.name == "posix"
MAX_OUTPUT_BYTES = 256 << 20  # 10,000 commits of 30 files print about 13 MB

_NEVER = "never"
_PROTOCOLS = ("file", "git", "ssh", "http", "https", "ftp", "ftps", "ext", "fd")
# Command-line config beats the repository's. Programs: a harmless value or none at all;
# files: /dev/null; writes: off; protocols: none.
_OVERRIDES = (
    ("core.fsmonitor", "false"), ("core.hooksPath", os.devnull), ("core.sshCommand", "false"),
    ("core.gitProxy", "none"), ("core.askPass", ""), ("core.editor", "false"),
    ("core.pager", "cat"), ("core.alternateRefsCommand", ""),
    ("core.attributesFile", os.devnull), ("core.excludesFile", os.devnull),
    ("core.deltaBaseCacheLimit", "96m"), ("core.bigFileThreshold", "512m"),
    ("credential.helper", ""), ("diff.external", ""), ("diff.orderFile", os.devnull),
    ("diff.renames", "true"), ("diff.renameLimit", "1000"), ("diff.algorithm", "myers"),
    ("gpg.program", "false"), ("gpg.openpgp.program", "false"), ("gpg.x509.program", "false"),
    ("gpg.ssh.program", "false"), ("gpg.ssh.defaultKeyCommand", "false"),
    ("gpg.ssh.allowedSignersFile", os.devnull), ("gpg.ssh.revocationFile", os.devnull),
    ("log.showSignature", "false"), ("log.mailmap", "false"), ("log.follow", "false"),
    ("log.showRoot", "true"), ("mailmap.file", os.devnull), ("mailmap.blob", ""),
    ("uploadpack.packObjectsHook", ""), ("submodule.recurse", "false"),
    ("fetch.recurseSubmodules", "false"), ("fetch.writeCommitGraph", "false"),
    ("gc.auto", "0"), ("gc.autoDetach", "false"), ("maintenance.auto", "false"),
    ("color.ui", "never"), ("i18n.logOutputEncoding", "UTF-8"),
    ("protocol.allow", _NEVER), *((f"protocol.{p}.allow", _NEVER) for p in _PROTOCOLS),
)
_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_SYSTEM": os.devnull, "GIT_CONFIG_GLOBAL": os.devnull,
    "HOME": os.devnull, "XDG_CONFIG_HOME": os.devnull, "GIT_ATTR_NOSYSTEM": "1",
    "GIT_NO_LAZY_FETCH": "1", "GIT_ALLOW_PROTOCOL": "", "GIT_PROTOCOL_FROM_USER": "0",
    "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "", "GIT_SSH_COMMAND": "false",
    "GIT_PROXY_COMMAND": "", "GIT_OPTIONAL_LOCKS": "0", "GIT_LITERAL_PATHSPECS": "1",
    "GIT_PAGER": "cat", "LC_ALL": "C",
}
_INCLUDE = re.compile(rb"\[\s*include", re.IGNORECASE)
_PARTIAL = re.compile(rb"partialclone|promisor", re.IGNORECASE)


class GitError(Exception):
    """git ran and failed; ``str(exc)`` is git's first error line."""


class GitNotFound(GitError):
    """No ``git`` executable on PATH."""


@dataclass(frozen=True, slots=True)
class GitRepo:
    """A repository git may read: every path is real (symlinks resolved)."""

    cwd: str  # the analysed folder: git runs here, so pathspecs are relative to it
    work_tree: str  # the folder holding ``.git``: the analysed folder or one enclosing it
    git_dir: str  # inside ``work_tree``
    partial: bool = False  # a partial clone: blobs may be missing, never ask git for them
    # packs marked as fetched from a promisor remote, but no promisor remote configured (a copy
    # of a partial clone): git cannot fetch, and blobs are usually all there; if one is missing,
    # history is read again from file names only
    promisor_packs: bool = False


GitRunner = Callable[[GitRepo, Sequence[str]], bytes]


class _Refused(Exception):
    """The repository would make git read outside its work tree; ``str(exc)`` says why."""


def enclosing_work_tree(root: str) -> str | None:
    """The nearest folder at or above ``root`` (a real path) holding a ``.git``, found the way
    git finds it; nothing in it is read. None when there is none."""
    folder = root
    while not os.path.lexists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder


def locate_repository(root: str) -> GitRepo | str | None:
    """The repository holding ``root`` (a real path) that git may read, found the way git
    finds it (the nearest ``.git`` upwards); a one-line reason (str) if it must not be read;
    None if there is none."""
    work_tree = enclosing_work_tree(root)
    if work_tree is None:
        return None
    try:
        git_dir = _git_dir(work_tree)
        common = _common_dir(work_tree, git_dir)
        partial = _check_config(work_tree, git_dir, common)
        _check_objects(common)
        for folder in dict.fromkeys((git_dir, common)):
            _check_links(work_tree, folder)
    except _Refused as exc:
        return f"no git history read: {exc}"
    except OSError as exc:
        return f"no git history read: {exc.filename or work_tree}: {exc.strerror}"
    return GitRepo(cwd=root, work_tree=work_tree, git_dir=git_dir, partial=partial,
                   promisor_packs=_has_promisor_packs(common))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _git_dir(work_tree: str) -> str:
    entry = os.path.join(work_tree, ".git")
    mode = os.lstat(entry).st_mode
    if stat.S_ISDIR(mode):
        return entry
    if stat.S_ISLNK(mode):
        target, what = os.path.realpath(entry), f"{entry} is a symlink"
    elif stat.S_ISREG(mode):
        text = _small_file(entry, 4096).decode("utf-8", "surrogateescape").strip()
        if not text.startswith("gitdir:"):
            raise _Refused(f"{entry} is a file but not a 'gitdir:' link")
        target = os.path.realpath(os.path.join(work_tree, text[7:].strip()))
        what = f"{entry} is a 'gitdir:' link"
    else:
        raise _Refused(f"{entry} is neither a folder nor a file")
    if not _inside(target, work_tree):
        raise _Refused(f"{what} to {target}, outside its work tree: not followed")
    return target


def _common_dir(work_tree: str, git_dir: str) -> str:
    pointer = os.path.join(git_dir, "commondir")
    if not os.path.lexists(pointer):
        return git_dir
    text = _small_file(pointer, 4096).decode("utf-8", "surrogateescape").strip()
    common = os.path.realpath(os.path.join(git_dir, text))
    if not _inside(common, work_tree):
        raise _Refused(f"{pointer} leads to {common}, outside the work tree: not followed")
    return common


def _check_config(work_tree: str, git_dir: str, common: str) -> bool:
    """Refuse includes; True if the config makes this a partial clone."""
    partial = False
    candidates = (os.path.join(common, "config"), os.path.join(git_dir, "config.worktree"),
                  os.path.join(common, "config.worktree"))
    for path in dict.fromkeys(candidates):
        if not os.path.lexists(path):
            continue
        data = _small_file(path, MAX_CONFIG_BYTES)
        if _INCLUDE.search(data):
            raise _Refused(f"{path} includes other files ([include] or [includeIf]), which git "
                           "would read wherever they are; remove the include to read history")
        partial = partial or bool(_PARTIAL.search(data))
    return partial


def _check_objects(common: str) -> None:
    info = os.path.join(common, "objects", "info")
    for name in ("alternates", "http-alternates"):
        if os.path.lexists(os.path.join(info, name)):
            raise _Refused(f"{os.path.join(info, name)} borrows objects from another repository; "
                           "run 'git repack -a -d' and delete that file to read history")


def _check_links(work_tree: str, git_dir: str) -> None:
    """No symlink among what git reads in ``git_dir`` (its top level, refs, info, objects and
    packs) may lead outside the work tree. Loose objects are not listed (git opens each by
    name, and checks what it reads is an object)."""
    seen = 0
    stack = [git_dir]
    for sub in ("refs", "info", "objects", os.path.join("objects", "pack"),
                os.path.join("objects", "info")):
        path = os.path.join(git_dir, sub)
        if os.path.isdir(path) and not os.path.islink(path):
            stack.append(path)
    while stack:
        folder = stack.pop()
        recurse = _inside(folder, os.path.join(git_dir, "refs"))
        with os.scandir(folder) as entries:
            for entry in entries:
                seen += 1
                if seen > MAX_REFS_CHECKED:
                    raise _Refused(f"{git_dir} holds more than {MAX_REFS_CHECKED:,} refs and "
                                   "files to check; run 'git pack-refs --all' to read history")
                if entry.is_symlink():
                    if folder == git_dir and entry.name == "hooks":
                        continue  # hooks never run here (core.hooksPath is overridden)
                    target = os.path.realpath(entry.path)
                    if not _inside(target, work_tree):
                        raise _Refused(f"{entry.path} is a symlink to {target}, outside the "
                                       "work tree: not followed")
                elif recurse and entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)


def _has_promisor_packs(common: str) -> bool:
    try:
        return any(name.endswith(".promisor")
                   for name in os.listdir(os.path.join(common, "objects", "pack")))
    except OSError:
        return False


def _small_file(path: str, limit: int) -> bytes:
    try:
        return read_bytes(path, limit)
    except Rejected as exc:
        raise _Refused(f"{path}: {exc}") from None


def git_command(args: Sequence[str]) -> list[str]:
    """The full command line for ``git ARGS`` with every override in front."""
    overrides = [item for key, value in _OVERRIDES for item in ("-c", f"{key}={value}")]
    return ["git", "--no-pager", "--no-optional-locks", *overrides, *args]


def git_environment(repo: GitRepo) -> dict[str, str]:
    """This process's environment without any GIT_* variable, plus the pinned repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(_ENV, GIT_DIR=repo.git_dir, GIT_WORK_TREE=repo.work_tree)
    return env


def run_git(repo: GitRepo, args: Sequence[str]) -> bytes:
    """Run ``git ARGS`` read-only in ``repo`` and return its stdout; raise GitError.

    At most ``MAX_OUTPUT_BYTES`` of output and ``GIT_TIMEOUT_S`` seconds: past either, git is
    killed and GitError says which bound stopped it."""
    cmd = git_command(args)
    cmd[3:3] = ["-c", f"safe.directory={repo.work_tree}"]
    try:
        code, out, err = _bounded_run(cmd, repo.cwd, git_environment(repo))
    except FileNotFoundError:
        raise GitNotFound("git is not installed (no 'git' on PATH)") from None
    if code is None:
        raise GitError(f"git {args[0]} stopped: {err.decode()}")
    if code != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
        raise GitError((errors or lines or [f"git {args[0]} exited with {code}"])[0])
    return out


def _bounded_run(cmd: list[str], cwd: str, env: dict[str, str]) -> tuple[int | None, bytes,
                                                                            bytes]:
    """(exit code, stdout, stderr head); exit code None if a bound stopped it (stderr: which)."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=_POSIX)
    err = bytearray()
    stopped: list[str] = []

    def kill() -> None:  # git and anything it started (which may hold the pipes open)
        try:
            if _POSIX:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass

    def drain() -> None:  # keep the head of stderr, never let git block on a full pipe
        for line in proc.stderr:
            if len(err) < 65_536:
                err.extend(line)

    def expire() -> None:
        stopped.append(f"took longer than {GIT_TIMEOUT_S} s")
        kill()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    timer = threading.Timer(GIT_TIMEOUT_S, expire)
    timer.start()
    out = bytearray()
    try:
        while chunk := proc.stdout.read(1 << 16):
            out += chunk
            if len(out) > MAX_OUTPUT_BYTES:
                stopped.append(f"printed more than {MAX_OUTPUT_BYTES:,} bytes")
                break
    finally:
        timer.cancel()
        if stopped or proc.poll() is None:
            kill()
        code = proc.wait()
        reader.join()
        proc.stdout.close()
        proc.stderr.close()
    if stopped:
        return None, b"", stopped[0].encode()
    return code, bytes(out), bytes(err)
