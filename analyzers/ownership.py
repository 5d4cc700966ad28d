"""Who owns what: CODEOWNERS rules, and authorship shares from git history.

CODEOWNERS follows GitHub's documented syntax: one ``pattern owner...`` rule a line, ``#``
comments, gitignore-style patterns (``*``, ``**``, ``?``, a leading ``/`` anchors to the root, a
trailing ``/`` matches a directory's contents, a pattern ending in ``/*`` matches only the
directory's direct children), and the last matching rule wins; a rule without owners leaves the
path unowned. GitLab's ``[Section]``, ``^[Optional section]`` and ``[Section][2]`` headers are
understood: the last matching rule wins within each section, owners of all sections add up, and a
section's default owners (``[Section] @team``) apply to its rules that name none. Negation
(``!pattern``) and character ranges are not CODEOWNERS syntax and are read literally, as GitHub
does.

Author shares are of people, as history reports them: bots left out and one person's identities
merged (``analyzers.people``). They are per-file facts; naming a context's owner from them is a
decision, taken in ``advisor`` only when the context has enough changes (``min_changes``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from analyzers.globs import Glob, literal, one, one_but, opt, seq, star
from analyzers.history import HistoryFacts
from analyzers.source import OUTSIDE, Rejected, read_inside

CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS",
                        ".gitlab/CODEOWNERS")
"""Searched in this order; the first one found is used (as GitHub and GitLab do)."""

_SECTION = re.compile(r"^\^?\[([^\]]+)\](?:\[\d+\])?\s*(.*)$")
_SPLIT = re.compile(r"(?:\\.|\S)+")  # whitespace-separated, backslash escapes kept together


@dataclass(frozen=True, slots=True)
class OwnerRule:
    pattern: str  # as written (escapes removed)
    owners: tuple[str, ...]  # @user, @org/team or email; () means "no owner"
    line: int  # 1-based line in the CODEOWNERS file
    section: str | None = None  # GitLab section name, None outside sections


@dataclass(frozen=True, slots=True)
class CodeOwners:
    source_path: str  # posix, relative to the analysed root
    rules: tuple[OwnerRule, ...]  # in file order


@dataclass(frozen=True, slots=True)
class FileOwnership:
    path: str  # posix, relative to the analysed root
    owners: tuple[str, ...]  # () when no rule matches (or the matching rule names nobody)
    rule_line: int | None  # line of the deciding rule (the last one, with GitLab sections)
    author_shares: tuple[tuple[str, float], ...] = ()  # from git history, largest first


@dataclass(frozen=True, slots=True)
class OwnershipFacts:
    codeowners: CodeOwners | None  # None: no CODEOWNERS file
    files: tuple[FileOwnership, ...]  # one per given path, sorted by path
    note: str | None = None  # one line, e.g. why CODEOWNERS could not be read

    @property
    def owned_files(self) -> int:
        return sum(1 for f in self.files if f.owners)


def parse_codeowners(text: str, source_path: str = "CODEOWNERS") -> CodeOwners:
    rules: list[OwnerRule] = []
    section: str | None = None
    defaults: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION.match(line)
        if header and _is_section(line.removeprefix("^")):
            section = header.group(1).strip()
            defaults = _owners(_SPLIT.findall(header.group(2)))
            continue
        tokens = _SPLIT.findall(line)
        pattern = re.sub(r"\\(.)", r"\1", tokens[0])
        owners = _owners(tokens[1:]) or (defaults if section is not None else ())
        rules.append(OwnerRule(pattern, owners, number, section))
    return CodeOwners(source_path, tuple(rules))


def _is_section(line: str) -> bool:
    """``[Section]`` vs a pattern such as ``[abc].py @x``: a section header has no path chars
    right after the closing bracket(s)."""
    rest = re.sub(r"^\[[^\]]+\](?:\[\d+\])?", "", line)
    return rest == "" or rest[0].isspace()


def _owners(tokens: list[str]) -> tuple[str, ...]:
    owners = []
    for token in tokens:
        if token.startswith("#"):  # a trailing comment
            break
        owners.append(token)
    return tuple(owners)


def load_codeowners(root: str) -> CodeOwners | None:
    """The first CODEOWNERS file found under ``root``; None if there is none. Raises
    ``Rejected`` if it exists but cannot be read (too big, not a file, a link out of root)."""
    real_root = os.path.realpath(root)
    for rel in CODEOWNERS_LOCATIONS:
        candidate = os.path.join(real_root, *rel.split("/"))
        if not os.path.lexists(candidate):
            continue
        try:
            data = read_inside(real_root, candidate)
        except Rejected as exc:
            outside = str(exc) == OUTSIDE
            raise Rejected(f"{rel} links outside the analysed root; not read" if outside
                           else f"{rel}: {exc}") from None
        return parse_codeowners(data.decode("utf-8", "replace"), rel)
    return None


def owners_for(codeowners: CodeOwners | None, path: str) -> tuple[str, ...]:
    return _decide(codeowners, path)[0]


def _decide(codeowners: CodeOwners | None, path: str) -> tuple[tuple[str, ...], int | None]:
    """(owners, deciding rule line) for a posix path relative to the repository root."""
    if codeowners is None or not codeowners.rules:
        return (), None
    if codeowners.rules[-1].section is None:  # no sections (rules after a header have one)
        for rule in reversed(codeowners.rules):  # the last matching rule decides
            if _pattern_glob(rule.pattern).fullmatch(path):
                return tuple(dict.fromkeys(rule.owners)), rule.line
        return (), None
    winners: dict[str | None, OwnerRule] = {}  # per section: last matching rule
    for rule in codeowners.rules:
        if _pattern_glob(rule.pattern).fullmatch(path):
            winners[rule.section] = rule
    if not winners:
        return (), None
    owners: list[str] = []
    for rule in winners.values():
        owners.extend(o for o in rule.owners if o not in owners)
    return tuple(owners), max(rule.line for rule in winners.values())


@lru_cache(maxsize=4096)
def _pattern_glob(pattern: str) -> Glob:
    """A CODEOWNERS pattern as a linear-time matcher (``analyzers.globs``): the file comes from
    the analysed repository, and a backtracking regex let one line take minutes."""
    anchored = pattern.startswith("/")
    p = pattern.strip("/") if pattern != "/" else ""
    if not p:
        return Glob(star(one()), pattern)
    directory_only = pattern.endswith("/")
    anchored = anchored or "/" in p
    children_only = p.endswith("/*")
    in_part = star(one_but("/"))
    parts = [] if anchored else [opt(seq(star(one()), literal("/")))]
    i = 0
    while i < len(p):
        if p.startswith("**/", i):  # zero or more whole directories
            parts.append(star(seq(one_but("/"), in_part, literal("/"))))
            i += 3
        elif p.startswith("/**", i) and i + 3 == len(p):  # everything below
            parts.append(seq(literal("/"), star(one())))
            i += 3
        elif p.startswith("**", i):  # elsewhere "**" is a plain "*"
            parts.append(in_part)
            i += 2
        else:  # "[", "!" and the rest are literal, as GitHub reads them
            parts.append(in_part if p[i] == "*" else one_but("/") if p[i] == "?"
                         else literal(p[i]))
            i += 1
    if directory_only:
        parts.append(seq(literal("/"), one(), star(one())))
    elif not children_only:
        parts.append(opt(seq(literal("/"), star(one()))))
    return Glob(seq(*parts), pattern)


def author_shares(history: HistoryFacts | None, path: str) -> tuple[tuple[str, float], ...]:
    """(person, share of the file's commits by people in the window), largest first; () if
    unknown or only bots changed it."""
    if history is None or not history.available:
        return ()
    fh = history.file(path)
    if fh is None or fh.commits == 0:
        return ()
    return tuple((name, round(n / fh.commits, 4)) for name, n in fh.authors)


def collect_ownership(root: str, paths: Iterable[str], history: HistoryFacts | None = None, *,
                      codeowners: CodeOwners | None = None) -> OwnershipFacts:
    """Owners of each of ``paths`` (posix, relative to ``root``) and their authorship shares.

    CODEOWNERS patterns are relative to the repository root; when ``root`` is a subdirectory of
    the repository, pass ``codeowners`` (loaded from the repository root) and repository-relative
    paths, or accept that rules are matched against root-relative paths.
    """
    note = None
    if codeowners is None:
        try:
            codeowners = load_codeowners(root)
        except Rejected as exc:
            note = f"CODEOWNERS not read: {exc}"
    files = []
    for path in sorted(set(paths)):
        owners, line = _decide(codeowners, path)
        files.append(FileOwnership(path, owners, line, author_shares(history, path)))
    return OwnershipFacts(codeowners, tuple(files), note)
