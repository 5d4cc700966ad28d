"""Table-name rules evaluated: what a ``__tablename__`` rule read by ``analyzers.tablenames`` gives
a mapped class of a given name. Rules are trees of tuples (their shapes are listed there); this
module needs no parser, so the process that builds the data model never loads libcst.
"""

from __future__ import annotations

import re

DYNAMIC = ("dynamic",)
# Flask-SQLAlchemy's automatic name: an underscore before each capital that starts a word
# (``DynamicChallenge`` -> ``dynamic_challenge``, ``HTTPServer`` -> ``http_server``).
SNAKE = ("meth", "lstrip", ("meth", "lower", (
    "sub", r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", ("arg",))), ("const", "_"))

_NESTED_QUANTIFIER = re.compile(r"\)[*+{]|[*+]\??[*+{]")


class Unreadable(Exception):
    """A rule (or a part of one) that cannot be evaluated statically."""


def _regex(pattern: str) -> re.Pattern:
    if len(pattern) > 200 or _NESTED_QUANTIFIER.search(pattern):
        raise Unreadable
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise Unreadable from exc


def _eval(rule: tuple, name: str, env: dict):
    op = rule[0]
    if op == "arg":
        return name
    if op == "const":
        return rule[1]
    if op == "var":
        return env[rule[1]]
    if op == "meth":
        target = _eval(rule[2], name, env)
        args = [_eval(a, name, env) for a in rule[3:]]
        if not isinstance(target, str) or not all(isinstance(a, str) for a in args):
            raise Unreadable
        return getattr(target, rule[1])(*args)
    if op == "join":
        items = _eval(rule[2], name, env)
        if not isinstance(items, list):
            raise Unreadable
        return rule[1].join(items)
    if op in ("sub", "split", "findall"):
        target = _eval(rule[-1], name, env)
        if not isinstance(target, str):
            raise Unreadable
        regex = _regex(rule[1])
        if op == "sub":
            return regex.sub(rule[2], target)
        found = regex.split(target) if op == "split" else regex.findall(target)
        if not all(isinstance(x, str) for x in found):
            raise Unreadable
        return found
    if op == "concat":
        parts = [_eval(p, name, env) for p in rule[1:]]
        if not all(isinstance(p, str) for p in parts):
            raise Unreadable
        return "".join(parts)
    if op == "map":
        _, var, element, source, cond = rule
        items = _eval(source, name, env)
        if isinstance(items, str):
            items = list(items)
        out = []
        for item in items:
            inner = dict(env, **{var: item})
            if cond and not _eval(cond, name, inner):
                continue
            out.append(_eval(element, name, inner))
        return out
    raise Unreadable


def apply_rule(rule: tuple, name: str) -> str | None:
    """The table name ``rule`` gives the class ``name``; None if it cannot be computed."""
    if not rule or rule == DYNAMIC or len(name) > 200:
        return None
    try:
        value = _eval(rule, name, {})
    except (Unreadable, KeyError, IndexError, TypeError, ValueError, re.error, RecursionError):
        return None
    return value if isinstance(value, str) and value else None
