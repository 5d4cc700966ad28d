"""Rendering the assessment document to its output formats, and writing files safely.

No printing here (only the ``advisor/cli`` package prints): these return text or write files.

Writing runs in a folder that may come from an untrusted repository (the default
``advisor-report`` in the working directory, the baseline next to the code), so a write never
goes through a link and never replaces anything but a regular file: each file is staged as a
temp file beside its target and renamed over it (a rename replaces a link, it does not follow
it). A run's files are all staged before any is renamed, so a failure (a full disk) leaves the
previous set whole.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from collections.abc import Mapping

from advisor.errors import AdvisorError

REPORT_FORMATS = {"html": ".html", "markdown": ".md", "json": ".json"}
# the proposed boundaries as contracts, written beside the reports
GATE_FILE, IMPORTLINTER_FILE = "advisor-gate.toml", "importlinter.ini"


def generated_at() -> str | None:
    """The date a report states; None (no date) for reproducible and golden output."""
    if os.environ.get("SOURCE_DATE_EPOCH") or os.environ.get("ADVISOR_GOLDEN") == "1":
        return None
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def repository_url() -> str | None:
    """The repository's web address, for links in report.md: ``$ADVISOR_REPO_URL``, else what
    GitHub Actions (``$GITHUB_SERVER_URL/$GITHUB_REPOSITORY``) or GitLab CI
    (``$CI_PROJECT_URL``) say. Never read from the analysed repository (its git config could
    name any address)."""
    env = os.environ
    if env.get("ADVISOR_REPO_URL"):
        return env["ADVISOR_REPO_URL"]
    if env.get("GITHUB_SERVER_URL") and env.get("GITHUB_REPOSITORY"):
        return f"{env['GITHUB_SERVER_URL'].rstrip('/')}/{env['GITHUB_REPOSITORY']}"
    return env.get("CI_PROJECT_URL") or None


def render_outputs(document: dict, formats: tuple[str, ...],
                   date: str | None = None) -> dict[str, str]:
    """``document`` rendered in each of ``formats`` (html, markdown, json). The reports state
    ``date`` if given, else ``generated_at()``. The formats are rendered side by side on the
    cores (``advisor.forked``: the JSON of a large code base takes as long as its HTML)."""
    from advisor.forked import fork_map

    stated = date or generated_at()
    texts = fork_map(lambda fmt: _render(document, fmt, stated), formats)
    return dict(zip(formats, texts))


def _render(document: dict, fmt: str, stated: str | None) -> str:
    from reports.html import render_html
    from reports.markdown import render_json, render_markdown

    if fmt == "html":
        return render_html(document, generated_at=stated)
    if fmt == "markdown":
        return render_markdown(document, generated_at=stated, repo_url=repository_url())
    return render_json(document)


class OutputError(AdvisorError):
    """An output path the tool will not write to: a device, a FIFO, a linked default folder."""


_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))
# links that name an open file of a process (/dev/stdout): replacing one would break it for all
_PROCESS_FILES = ("/proc/", "/dev/fd/")


def _not_regular(path: str, what: str, hint: str = "choose another output path") -> OutputError:
    return OutputError(f"{path}: not a regular file ({what}); not replacing it", hint)


def check_target(path: str) -> None:
    """Raise unless ``path`` is free, a regular file, or a link to one (the link is replaced).

    Other file system errors are left to the write, which names the path that failed.
    """
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if stat.S_ISLNK(mode):
        if os.readlink(path).startswith(_PROCESS_FILES):
            raise _not_regular(path, "a link to an open file of a process",
                               "for stdout, leave out -o ('-o -' with 'advisor report')")
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return  # a dangling link: replaced like any other
        if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
            return  # replaced: a rename does not follow the link
        raise _not_regular(path, "a link to " + _kind(mode))
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if not stat.S_ISREG(mode):
        raise _not_regular(path, _kind(mode))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def check_default_folder(folder: str) -> None:
    """The default output folder sits in the working directory, often the analysed repository:
    a link there (committed by anyone) must not send the outputs elsewhere."""
    if os.path.islink(folder):
        raise OutputError(f"{folder}: the default output folder is a symbolic link (to "
                          f"{os.readlink(folder)}); nothing was written through it",
                          "remove the link, or choose the output folder with -o DIR")


def write_files(files: Mapping[str, str]) -> None:
    """Write every ``{path: text}`` or none: stage all as temp files, then rename them all.

    On any failure the temp files are removed and the previous files stay as they were. An
    ``OSError`` from the file system names the file it was writing.
    """
    for path in files:
        check_target(path)
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    staged: list[tuple[str, str]] = []
    try:
        for path, data in encoded.items():
            _stage(path, data, staged)
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _naming(exc, path) from exc
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass  # already renamed, or never fully made
        raise


def write_atomic(path: str, text: str) -> None:
    """One file written via a temp file and a rename: readers never see half a file."""
    write_files({path: text})


def _stage(path: str, data: bytes, staged: list[tuple[str, str]]) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".advisor-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _naming(exc, path) from exc
    staged.append((tmp, path))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)  # some file systems (NFS, quotas) report a full disk only here
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a report is for others to read
    except OSError as exc:
        raise _naming(exc, path) from exc
    finally:
        os.close(fd)


def _naming(exc: OSError, path: str) -> OSError:
    """The same error (same errno, same subclass), naming the output rather than a temp file."""
    return OSError(exc.errno, exc.strerror or str(exc), path)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# write errors the user can fix even when Python does not say which file failed (stdout)
_USER_FIXABLE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EACCES,
                           errno.EPERM})


def user_fixable(exc: OSError) -> bool:
    """A full disk, a quota, a read-only or forbidden place: the user's to fix, not a bug."""
    return exc.errno in _USER_FIXABLE


def os_error_hint(exc: OSError) -> str:
    """What to do about a file system error on an output path, in a few words."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "a file stands where a folder is needed: choose another output path"
    if isinstance(exc, IsADirectoryError):
        return "a folder stands where a file is needed: choose another output path"
    if isinstance(exc, PermissionError):
        return "check the permissions of that path, or choose another one"
    return _HINTS.get(exc.errno, "check that path")


_HINTS = {
    errno.ENOSPC: "free some disk space and run again",
    errno.EDQUOT: "the disk quota is used up: free some space, or choose another output path",
    errno.EROFS: "that file system is read-only: choose another output path",
    errno.EFBIG: "the file is over the size limit for this process or file system: raise the "
                 "limit (ulimit -f), or choose another output path",
}
