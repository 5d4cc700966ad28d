"""The work tree's ``.mailmap``, applied in Python instead of by git.

Git would also read ``mailmap.file`` and ``mailmap.blob`` from the repository's config, which an
untrusted repository can point at any file on the machine; history therefore asks git for the
raw ``%an``/``%ae`` and maps them here, with only ``<work tree>/.mailmap``, read when it is a
regular file (never through a symlink, as git itself does not follow it) under a size cap.

The format is git's (``git help gitmailmap``), parsed the way git parses it, line by line:

    Proper Name <commit@email>                               name for that email
    <proper@email> <commit@email>                            email for that email
    Proper Name <proper@email> <commit@email>                both, for that email
    Proper Name <proper@email> Commit Name <commit@email>    both, for that name and email

Names and emails match case-insensitively (ASCII); a line starting with ``#`` is a comment, as
is anything after the last email; a later line for the same key wins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from analyzers.source import Rejected, read_bytes

MAX_MAILMAP_BYTES = 1_000_000
_SPACE = " \t\n\r\f\v"


def _fold(text: str) -> str:
    """Lower-case ASCII letters only, as git's strcasecmp does."""
    return text.encode("utf-8", "surrogateescape").lower().decode("utf-8", "surrogateescape")


@dataclass(slots=True)
class _Entry:
    name: str | None = None
    email: str | None = None
    by_name: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


class Mailmap:
    """Canonical (name, email) for the (name, email) a commit was made with."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def parse(cls, text: str) -> Mailmap:
        mailmap = cls()
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            name1, email1, rest = _name_and_email(line, allow_empty=False)
            name2 = email2 = None
            if rest is not None:
                name2, email2, _ = _name_and_email(rest, allow_empty=True)
            if email1 is not None:
                mailmap._add(name1, email1, name2, email2)
        return mailmap

    def _add(self, new_name: str | None, new_email: str | None, old_name: str | None,
             old_email: str | None) -> None:
        if old_email is None:  # "Name <email>": the only email is the commit's
            old_email, new_email = new_email, None
        entry = self._entries.setdefault(_fold(old_email), _Entry())
        if old_name is None:
            entry.name = new_name or entry.name
            entry.email = new_email or entry.email
        else:
            entry.by_name[_fold(old_name)] = (new_name, new_email)

    def map(self, name: str, email: str) -> tuple[str, str]:
        entry = self._entries.get(_fold(email))
        if entry is None:
            return name, email
        new_name, new_email = entry.name, entry.email
        if entry.by_name:
            new_name, new_email = entry.by_name.get(_fold(name), (new_name, new_email))
        return new_name or name, new_email or email


def _name_and_email(text: str, *, allow_empty: bool) -> tuple[str | None, str | None, str | None]:
    """(name before '<' or None, email inside '<>', what follows '>' or None)."""
    left = text.find("<")
    right = text.find(">", left + 1) if left >= 0 else -1
    if right < 0 or (right == left + 1 and not allow_empty):
        return None, None, None
    name = text[:left].strip(_SPACE) or None
    return name, text[left + 1:right], text[right + 1:] or None


def read_mailmap(work_tree: str) -> tuple[Mailmap, str | None]:
    """The mailmap of ``work_tree`` (a real path) and a note when its ``.mailmap`` is unused."""
    path = os.path.join(work_tree, ".mailmap")
    if not os.path.lexists(path):
        return Mailmap(), None
    if os.path.islink(path):
        return Mailmap(), ".mailmap is a symlink: not followed, author names are as committed"
    try:
        data = read_bytes(path, MAX_MAILMAP_BYTES)
    except Rejected as exc:
        return Mailmap(), f".mailmap not used ({exc})"
    return Mailmap.parse(data.decode("utf-8", "surrogateescape")), None
