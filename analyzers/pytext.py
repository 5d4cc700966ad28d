"""Reading Python source as text, cheaply: which call or literal a position sits in, the
argument text of a call, the indented block under a line. The operations detectors read many
files for a few words each; parsing them all would cost ten times more (DESIGN.md). Every walk
is bounded, so no input makes these slower than linear."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

_OPEN, _CLOSE = "([{", ")]}"
# A file can hold thousands of look-alikes (generated code, a hostile tree): each rule reads at
# most this many candidates per file, which bounds the work whatever the input.
CANDIDATES = 300
_CALLEE = re.compile(r"((?:[A-Za-z_]\w*[ \t]*\.[ \t]*)*[A-Za-z_]\w*)[ \t]*\Z")
_DEF = re.compile(r"(?<!\w)def[ \t]+\Z")


@dataclass(frozen=True, slots=True)
class Enclosing:
    """The innermost bracket around a position: ``kind`` is "(", "[" or "{"; ``callee`` the
    dotted name before a "(" ("" for a bare parenthesis); ``start`` the bracket's offset;
    ``definition`` when the parenthesis opens a ``def`` signature."""
    kind: str
    callee: str
    start: int
    definition: bool = False

    @property
    def last(self) -> str:
        return self.callee.rpartition(".")[2]


def capped(items, limit: int = CANDIDATES):
    return islice(items, limit)


_NAME_BEFORE = re.compile(r"[\w.]*\Z")


def name_before(text: str, pos: int) -> str:
    """The dotted name that ends at ``pos`` ("" when none)."""
    return _NAME_BEFORE.search(text[max(0, pos - 80):pos]).group(0)


def line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def enclosing(text: str, pos: int, limit: int = 3000) -> Enclosing | None:
    """The innermost unclosed bracket before ``pos`` (strings are not skipped: a bracket in a
    string literal can mislead it, which only costs a missed hint)."""
    depth = 0
    for i in range(pos - 1, max(-1, pos - 1 - limit), -1):
        c = text[i]
        if c in _CLOSE:
            depth += 1
        elif c in _OPEN:
            if depth == 0:
                if c != "(":
                    return Enclosing(c, "", i)
                head = text[max(0, i - 200):i]
                m = _CALLEE.search(head)
                callee = re.sub(r"\s+", "", m.group(1)) if m else ""
                before = head[:m.start()] if m else head
                return Enclosing("(", callee, i, bool(m and _DEF.search(before)))
            depth -= 1
    return None


def region(text: str, start: int, limit: int = 4000) -> str:
    """The text between the bracket at ``start`` and its match (at most ``limit`` chars)."""
    depth = 0
    for i in range(start, min(len(text), start + limit)):
        depth += (text[i] in _OPEN) - (text[i] in _CLOSE)
        if depth == 0:
            return text[start + 1:i]
    return text[start + 1:start + limit]


def call_args(text: str, start: int, limit: int = 4000) -> str:
    """The argument text of a call whose "(" ends just before ``start``."""
    return region(text, start - 1, limit)


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def block(lines: list[str], head: int, limit: int = 400) -> list[int]:
    """Indices of the non-blank lines of the block under ``lines[head]`` (deeper indented)."""
    base, out = indent(lines[head]), []
    for i in range(head + 1, min(len(lines), head + 1 + limit)):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if indent(lines[i]) <= base:
            break
        out.append(i)
    return out
