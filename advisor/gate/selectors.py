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


def validate(pattern: str, where: str) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise ConfigError(f"{where}: module patterns must be non-empty strings")
    if pattern.startswith(".") or pattern.endswith(".") or ".." in pattern:
        raise ConfigError(f"{where}: '{pattern}' is not a dotted module name or glob",
                          "write absolute names such as 'shop.domain' or 'shop.*.models'")
    if any(" " in part for part in pattern.split(".")):
        raise ConfigError(f"{where}: '{pattern}' holds a space; module names have none")
    return pattern


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split("."))


def _match(pat: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    if not pat:
        return not parts
    head, rest = pat[0], pat[1:]
    if head == "**":
        return any(_match(rest, parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _match(rest, parts[1:])


def matches(pattern: str, name: str) -> bool:
    """Does ``pattern`` match ``name`` itself (no container semantics)?"""
    return _match(_compiled(pattern), tuple(name.split(".")))


def candidates(modules: Iterable[str]) -> list[str]:
    """Every module name and every package prefix of one, sorted."""
    names: set[str] = set()
    for name in modules:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            names.add(".".join(parts[:i]))
    return sorted(names)


def roots(pattern: str, names: Iterable[str]) -> list[str]:
    """The candidate names ``pattern`` matches directly."""
    return [n for n in names if matches(pattern, n)]


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
