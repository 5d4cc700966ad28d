"""Module selectors for gate contracts: dotted names and globs over module names.

A pattern is a dotted name whose segments may hold wildcards: ``*`` (or ``?``, ``[ab]``) inside
one segment as in ``fnmatch``, and ``**`` as a whole segment for zero or more segments.
``shop.*.models`` matches ``shop.orders.models``; ``shop.**.models`` also ``shop.models`` and
``shop.a.b.models``.

Container semantics: a module is *selected* by a pattern when the pattern matches the module's
own name or the name of one of its packages (``shop.domain`` selects ``shop.domain.models``).
The names a pattern matches directly are its *roots*. Candidate names are every module and every
package prefix of one (so a namespace package without ``__init__.py`` can be named too).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from functools import lru_cache

from advisor.errors import ConfigError
from analyzers.globs import Glob, Node, literal, one_but, one_of, seq, star


def validate(pattern: str, where: str) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise ConfigError(f"{where}: module patterns must be non-empty strings")
    if pattern.startswith(".") or pattern.endswith(".") or ".." in pattern:
        raise ConfigError(f"{where}: '{pattern}' is not a dotted module name or glob",
                          "write absolute names such as 'shop.domain' or 'shop.*.models'")
    if any(" " in part for part in pattern.split(".")):
        raise ConfigError(f"{where}: '{pattern}' holds a space; module names have none")
    return pattern


_IN_SEGMENT = star(one_but("."))  # fnmatch's "*" within one segment


def _segment(segment: str) -> list[Node]:
    """One segment as ``fnmatch`` reads it: ``*``, ``?``, ``[seq]``/``[!seq]``, an unclosed
    ``[`` literal; no node ever matches the dot."""
    nodes: list[Node] = []
    i, n = 0, len(segment)
    while i < n:
        c = segment[i]
        i += 1
        if c == "*":
            if not nodes or nodes[-1] != _IN_SEGMENT:  # "**" inside a segment is one "*"
                nodes.append(_IN_SEGMENT)
        elif c == "?":
            nodes.append(one_but("."))
        elif c == "[":
            j = i + (i < n and segment[i] == "!")
            j += j < n and segment[j] == "]"
            while j < n and segment[j] != "]":
                j += 1
            if j >= n:
                nodes.append(literal("["))
            else:  # fnmatch's own translation of one bracket: a regex for one character
                nodes.append(one_of(fnmatch.translate(segment[i - 1:j + 1]), "."))
                i = j + 1
        else:
            nodes.append(literal(c))
    return nodes


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Glob:
    """The pattern as a linear-time matcher over ``name + "."``: each segment is matched with
    its dot, and ``**`` is any number of (segment, dot) pairs. A recursive matcher took minutes
    on ``**.**.**.**.**.**.**.**``."""
    nodes = []
    for segment in pattern.split("."):
        if segment == "**":
            nodes.append(star(seq(_IN_SEGMENT, literal("."))))
        else:
            nodes.append(seq(*_segment(segment), literal(".")))
    return Glob(seq(*nodes), pattern)


def matches(pattern: str, name: str) -> bool:
    """Does ``pattern`` match ``name`` itself (no container semantics)?"""
    return _compiled(pattern).fullmatch(name + ".")


def candidates(modules: Iterable[str]) -> list[str]:
    """Every module name and every package prefix of one, sorted."""
    names: set[str] = set()
    for name in modules:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            names.add(".".join(parts[:i]))
    return sorted(names)


_WILD = frozenset("*?[")


class _Index:
    """One list of candidate names with the roots of every pattern asked about it: a name
    without wildcards is one set lookup, a glob is matched against each name once per run
    (exported contracts repeat the same few hundred names in many contracts and ignore
    entries: 25M matches and half of a warm check on a 850k-line repository before)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names  # held, so that the id this index is filed under stays theirs
        self.known = frozenset(names)
        self.roots: dict[str, tuple[str, ...]] = {}

    def of(self, pattern: str) -> tuple[str, ...]:
        found = self.roots.get(pattern)
        if found is None:
            if _WILD.isdisjoint(pattern):
                found = (pattern,) if pattern in self.known else ()
            else:
                found = tuple(n for n in self.names if matches(pattern, n))
            self.roots[pattern] = found
        return found


_INDEXES: dict[int, _Index] = {}  # id(names) -> its index, the few most recent lists


def roots(pattern: str, names: Iterable[str]) -> list[str]:
    """The candidate names ``pattern`` matches directly (in the order of ``names``). A list
    is indexed once and its answers kept: callers must not change it afterwards."""
    if not isinstance(names, list):
        return [n for n in names if matches(pattern, n)]
    index = _INDEXES.get(id(names))
    if index is None or index.names is not names:
        if len(_INDEXES) >= 4:
            del _INDEXES[next(iter(_INDEXES))]
        index = _INDEXES[id(names)] = _Index(names)
    return list(index.of(pattern))


def within(module: str, root: str) -> bool:
    return module == root or module.startswith(root + ".")


def owner(module: str, root_names: set[str] | frozenset[str]) -> str | None:
    """The deepest of ``root_names`` that is ``module`` or one of its packages."""
    name = module
    while name:
        if name in root_names:
            return name
        name = name.rpartition(".")[0]
    return None


class Owners:
    """``owner`` for one set of roots, each module looked up once (a check asks for the same
    few thousand modules over tens of thousands of edges)."""

    def __init__(self, root_names: set[str] | frozenset[str]) -> None:
        self.root_names = root_names
        self._found: dict[str, str | None] = {}

    def __call__(self, module: str) -> str | None:
        try:
            return self._found[module]
        except KeyError:
            found = self._found[module] = owner(module, self.root_names)
            return found
