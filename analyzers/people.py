"""People, not accounts: which commit identities are automation, and which are one person.

History reads each commit's author as a ``(name, email)`` identity (after ``.mailmap``). Two
questions turn identities into people:

* **Is it a bot?** ``is_bot``: a ``[bot]`` suffix (GitHub apps: ``dependabot[bot]``), a known
  automation account (dependabot, renovate, github-actions, pre-commit-ci, weblate, snyk,
  greenkeeper, allcontributors, copilot ...), a ``*-bot`` / ``bot-*`` service account, or an
  automation address (``noreply@github.com``, ``action@github.com``, ``support@dependabot.com``,
  a ``noreply``/``no-reply`` mailbox outside GitHub's personal ``users.noreply.github.com``).
  A personal GitHub noreply address (``ID+login@users.noreply.github.com``) is a person unless
  its login is a bot's.
* **Which identities are the same person?** ``merge_identities`` joins identities that share an
  email (case-insensitive), a GitHub login (``ID+login@users.noreply.github.com`` and
  ``login@users.noreply.github.com`` are the same account), or a normalised name (``name_key``:
  case, accents, punctuation and spacing ignored, so "pankaj-basnet" is "Pankaj Basnet"), and
  a one-word name with the one full name it starts, when exactly one does ("Mikail" and "Mikail
  Kocak"; with a "Sam Jones" and a "Sam Smith", "Sam" stays apart). The joins are
  transitive. Placeholders (an empty, ``localhost`` or ``example.com`` email, names such as
  "root" or "unknown") join nothing: strangers share them. A person is named by the name they
  used on most commits (merges included: they are signed too); a tie goes to the fuller name
  (more words, then longer, then the one with capitals and accents).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping

GITHUB_NOREPLY = "users.noreply.github.com"

# Normalised (``name_key``) names and GitHub logins of automation accounts.
BOT_NAMES = frozenset({
    "allcontributors", "all contributors", "all contributors bot", "autofix ci", "codecov",
    "copilot", "crowdin", "crowdin bot", "deepsource autofix", "dependabot",
    "dependabot preview", "github", "github action", "github actions", "github actions bot",
    "github merge queue", "gitlab bot", "greenkeeper", "greenkeeperio bot", "hosted weblate",
    "imgbot", "imgbotapp", "lgtm com", "mend bolt", "mergify", "pre commit ci",
    "pre commit ci lite", "pyup bot", "pyup io bot", "renovate", "renovate bot", "renovatebot",
    "restyled io", "semantic release bot", "snyk", "snyk bot", "sourcery ai", "transifex",
    "transifex bot", "weblate", "whitesource bolt",
})
# Whole addresses of automation (and, below, its mailboxes and domains).
BOT_EMAILS = frozenset({
    "noreply@github.com", "action@github.com", "actions@github.com",
    "github-actions@github.com", "support@dependabot.com", "bot@renovateapp.com",
    "noreply@weblate.org", "hosted@weblate.org", "bot@noreply.github.com",
})
_BOT_MAILBOXES = frozenset({"noreply", "no-reply", "donotreply", "do-not-reply"})
_BOT_DOMAINS = ("dependabot.com", "renovateapp.com", "pre-commit.ci")
_SERVICE = re.compile(r"(?:^|[-_])bot$|^bot[-_]", re.IGNORECASE)  # "*-bot", "bot-*", "x_bot"

# Names and emails that strangers share: never a reason to join two identities.
_PLACEHOLDER_NAMES = frozenset({
    "", "admin", "administrator", "anonymous", "dev", "developer", "git", "none", "root", "test",
    "ubuntu", "unknown", "user", "vagrant", "your name", "name", "me",
})
_PLACEHOLDER_DOMAINS = frozenset({"localhost", "localdomain", "(none)", "none", "example.com"})
_FIRST_NAME = 3  # shortest one-word name that may stand for a full name ("Al" may not)
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                       "œ": "oe", "ı": "i", "ß": "ss"})
_NOT_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """``name`` with case, accents, punctuation and spacing folded: "Pēteris  Caune" ->
    "peteris caune", "pankaj-basnet" -> "pankaj basnet"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_FOLD)
    return _NOT_WORD.sub(" ", text).strip()


def github_login(email: str) -> str | None:
    """The GitHub login of a ``[ID+]login@users.noreply.github.com`` address, lower-cased."""
    local, _, domain = email.strip().lower().rpartition("@")
    if domain != GITHUB_NOREPLY or not local:
        return None
    return local.rpartition("+")[2] or None


def is_bot(name: str, email: str) -> bool:
    """Is ``name <email>`` an automation account rather than a person?"""
    address = email.strip().lower()
    login = github_login(address)
    for handle in (name, login or ""):
        if "[bot]" in handle.lower() or _SERVICE.search(handle.strip()):
            return True
        if name_key(handle) in BOT_NAMES:
            return True
    if login is not None:
        return False  # a personal GitHub address: a person unless the login says bot
    local, _, domain = address.rpartition("@")
    return (address in BOT_EMAILS or "[bot]" in local or local in _BOT_MAILBOXES
            or any(domain == d or domain.endswith("." + d) for d in _BOT_DOMAINS))


def _email_key(email: str) -> str | None:
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or domain in _PLACEHOLDER_DOMAINS or domain.endswith(".local") \
            or local == "root":
        return None
    return address


def _signature(name_and_uses: tuple[str, int]) -> tuple:
    """Most used, then fuller: more words, longer, more capitals and accents, then by text."""
    name, uses = name_and_uses
    return (uses, len(name.split()), len(name),
            sum(ch.isupper() or not ch.isascii() for ch in name), name)


def merge_identities(identities: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], str]:
    """``(name, email) -> commits`` to ``(name, email) -> the person's name`` (see the module
    docstring for the joins and the name chosen). Deterministic for a given mapping."""
    keys = sorted(identities)
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[tuple[str, str], int] = {}
    named = [name_key(name) for name, _ in keys]
    for i, (_, email) in enumerate(keys):
        for key in (("email", _email_key(email)), ("login", github_login(email)),
                    ("name", None if named[i] in _PLACEHOLDER_NAMES else named[i])):
            if key[1] is not None:
                join(i, first.setdefault(key, i))
    full_names: dict[str, set[str]] = defaultdict(set)  # first word -> full names
    for key in named:
        words = key.split()
        if len(words) > 1 and key not in _PLACEHOLDER_NAMES:
            full_names[words[0]].add(key)
    for i, key in enumerate(named):  # "Mikail" is "Mikail Kocak" when no other Mikail signs
        if " " not in key and len(key) >= _FIRST_NAME and key not in _PLACEHOLDER_NAMES \
                and len(full_names.get(key, ())) == 1:
            join(i, first["name", next(iter(full_names[key]))])
    used: dict[int, Counter[str]] = defaultdict(Counter)
    for i, (name, _) in enumerate(keys):
        used[root(i)][name] += identities[keys[i]]
    chosen = {r: max(names.items(), key=_signature)[0] for r, names in used.items()}
    return {k: chosen[root(i)] for i, k in enumerate(keys)}
