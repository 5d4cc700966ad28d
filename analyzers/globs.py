"""Glob matching that cannot backtrack: time linear in the text, whatever the pattern.

Patterns come from the analysed repository (CODEOWNERS, ``exclude`` globs, gate selectors), so
they are untrusted input. Translated to Python regular expressions, a pattern such as
``*a*a*a*a*a*a*a*a*a*a*a*a*b`` makes the backtracking engine try every way of splitting a long
name among the stars: minutes for one file. Here a pattern is instead built, from a few node
constructors, into a Thompson automaton (one state per pattern position) and run over the set of
states it can be in, one character at a time; sets already seen are cached as the states of a
lazily built DFA, so the usual cost is one dict lookup a character. The worst case is
O(len(text) x len(pattern)), and the cache is bounded, per pattern and for all patterns together.
Before the automaton runs, the literal text every match must hold (a fixed prefix, suffix or
infix) is looked for with str methods, which rejects most texts at C speed.

Each pattern syntax (gitignore-like ``exclude`` globs, CODEOWNERS, dotted module selectors) is
translated to nodes where it is read; this module knows only characters (a literal, any, any but
a separator, a bracket class), sequences, repetition and options.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable

# --- pattern nodes -------------------------------------------------------------------------
# A node is a tuple: ("char", predicate), ("seq", nodes), ("star", node) or ("opt", node).
# A predicate is ("lit", c), ("but", sep) (any character except sep), ("any",) or
# ("class", compiled one-character regex, sep) (a bracket expression that never matches sep).

Node = tuple
Pred = tuple


def literal(text: str) -> Node:
    """``text`` exactly."""
    return ("seq", tuple(("char", ("lit", c)) for c in text))


def one_but(sep: str) -> Node:
    """Any one character except ``sep``."""
    return ("char", ("but", sep))


def one() -> Node:
    """Any one character, the separator and line breaks included."""
    return ("char", ("any",))


def one_of(bracket_regex: str, sep: str) -> Node:
    """One character matched by ``bracket_regex``, a regex for exactly one character (such as
    ``[a-c]``, no quantifier, so it cannot backtrack), never ``sep``."""
    return ("char", ("class", re.compile(bracket_regex, re.DOTALL), sep))


def seq(*nodes: Node) -> Node:
    return ("seq", nodes)


def star(node: Node) -> Node:
    """Zero or more repetitions of ``node``."""
    return ("star", node)


def opt(node: Node) -> Node:
    """``node`` or nothing."""
    return ("opt", node)


def _accepts(pred: Pred, ch: str) -> bool:
    kind = pred[0]
    if kind == "lit":
        return ch == pred[1]
    if kind == "but":
        return ch != pred[1]
    if kind == "any":
        return True
    return ch != pred[2] and pred[1].fullmatch(ch) is not None


def _literals(node: Node) -> tuple[str, tuple[str, ...], str]:
    """(prefix, substrings, suffix) every match must have: runs of literal characters at the top
    level of the pattern (not under a ``star`` or ``opt``), a cheap test before the automaton."""
    flat: list[Node] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if item[0] == "seq":
            stack.extend(reversed(item[1]))
        else:
            flat.append(item)
    runs: list[str] = []
    run: list[str] = []
    for item in [*flat, ("end",)]:
        if item[0] == "char" and item[1][0] == "lit":
            run.append(item[1][1])
        else:
            runs.append("".join(run))
            run = []
    prefix, suffix = runs[0], runs[-1] if len(runs) > 1 else ""
    needles = tuple(sorted({r for r in runs[1:-1] if r}, key=len, reverse=True))
    return prefix, needles, suffix


# --- the automaton --------------------------------------------------------------------------

_BUDGET = 20_000
"""Cached DFA cells (set members plus transitions) per pattern before its cache starts over:
bounds memory for adversarial patterns; matching stays correct, only slower, after a reset."""
_TOTAL_BUDGET = 1_000_000
"""Cells cached by all live patterns together (about 100 MB at worst) before every cache starts
over: a CODEOWNERS file of thousands of hostile lines cannot multiply the per-pattern bound."""
_LIVE: weakref.WeakSet[Glob] = weakref.WeakSet()
_total = 0

# A DFA state: (transitions: dict char -> state, accepting, NFA states it stands for)
_State = tuple[dict, bool, frozenset]
_DEAD: _State = ({}, False, frozenset())


class Glob:
    """A compiled pattern; ``fullmatch(text)`` says whether the whole text matches."""

    __slots__ = ("pattern", "_preds", "_outs", "_eps", "_accept", "_start_set", "_states",
                 "_start", "_cells", "_prefix", "_suffix", "_needles", "__weakref__")

    def __init__(self, node: Node, pattern: str = "") -> None:
        self.pattern = pattern
        self._prefix, self._needles, self._suffix = _literals(node)
        self._preds: list[Pred | None] = []  # None: an epsilon (split) state or the accept
        self._outs: list[int] = []  # char state -> next state
        self._eps: list[list[int]] = []  # split state -> next states
        self._accept = self._new(None)
        start = self._build(node, self._accept)
        self._start_set = self._closure((start,))
        self._cells = 0
        self._reset()
        _LIVE.add(self)

    def _new(self, pred: Pred | None) -> int:
        self._preds.append(pred)
        self._outs.append(-1)
        self._eps.append([])
        return len(self._preds) - 1

    def _build(self, node: Node, out: int) -> int:
        """Thompson's construction, back to front: the entry state of ``node`` followed by
        ``out``. Iterative over sequences, so long patterns do not deepen the recursion."""
        kind = node[0]
        if kind == "char":
            state = self._new(node[1])
            self._outs[state] = out
            return state
        if kind == "seq":
            for child in reversed(node[1]):
                out = self._build(child, out)
            return out
        split = self._new(None)
        if kind == "star":
            self._eps[split] = [self._build(node[1], split), out]
        elif kind == "opt":
            self._eps[split] = [self._build(node[1], out), out]
        else:
            raise ValueError(f"unknown glob node {kind!r}")
        return split

    def _closure(self, states: Iterable[int]) -> frozenset:
        """The character states (and the accept state) reachable by epsilon moves."""
        seen: set[int] = set()
        out: set[int] = set()
        stack = list(states)
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            if self._preds[s] is None and s != self._accept:
                stack.extend(self._eps[s])
            else:
                out.add(s)
        return frozenset(out)

    def _reset(self) -> None:
        """Drop the cached DFA but its start state (not counted: it is part of the pattern)."""
        self._count(-self._cells)
        self._start = ({}, self._accept in self._start_set, self._start_set)
        self._states: dict[frozenset, _State] = {self._start_set: self._start}

    def _count(self, cells: int) -> None:
        global _total
        self._cells += cells
        _total += cells

    def __del__(self) -> None:
        global _total
        _total -= getattr(self, "_cells", 0)

    def _intern(self, members: frozenset) -> _State:
        if not members:
            return _DEAD
        state = self._states.get(members)
        if state is None:
            state = ({}, self._accept in members, members)
            self._states[members] = state
            self._count(len(members) + 1)
        return state

    def _advance(self, state: _State, ch: str) -> _State:
        preds, outs = self._preds, self._outs
        nxt = self._closure(outs[s] for s in state[2]
                            if preds[s] is not None and _accepts(preds[s], ch))  # type: ignore
        if _total > _TOTAL_BUDGET:
            for glob in list(_LIVE):
                glob._reset()
        elif self._cells > _BUDGET:
            self._reset()
        target = self._intern(nxt)
        state[0][ch] = target  # (an old state after a reset: dropped with it)
        self._count(1)
        return target

    def fullmatch(self, text: str) -> bool:
        # the pattern's fixed text first, by C string search: most texts fail here
        if not (text.startswith(self._prefix) and text.endswith(self._suffix)):
            return False
        for needle in self._needles:
            if needle not in text:
                return False
        state = self._start
        for ch in text:
            try:
                state = state[0][ch]
            except KeyError:
                state = self._advance(state, ch)
            if state is _DEAD:
                return False
        return state[1]

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

