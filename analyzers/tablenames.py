"""Table-name rules read statically: what a SQLAlchemy ``declared_attr`` ``__tablename__``
computes from the class name, as a small expression tree that ``analyzers.tablerules.apply_rule``
evaluates for each mapped subclass (the subclasses live in other modules, so the rule travels
as a fact).

Read: ``cls.__name__`` and string literals; string methods (``lower``, ``upper``, ``strip``,
``replace``...); ``"sep".join(...)``; ``re.sub`` / ``re.split`` / ``re.findall`` with literal
patterns; list comprehensions and generator expressions over those; ``+`` and f-strings; calls
to a helper function of the same module whose body assigns and returns such expressions; a call
to a function from elsewhere whose name says snake case (``underscore``, ``to_snake``,
``decamelize``) is taken as Flask-SQLAlchemy's rule. Anything else is ``DYNAMIC``: the table
name is unknown (and the data items say so instead of guessing).

A rule is a tree of tuples of strings (hashable, marshal-able):
``("arg",)`` the class name, ``("const", s)``, ``("meth", name, target, *args)``,
``("join", sep, target)``, ``("sub", pattern, repl, target)``, ``("split", pattern, target)``,
``("findall", pattern, target)``, ``("concat", *parts)``, ``("map", var, element, source,
filter)``, ``("var", name)``. Regular expressions come from the analysed code: they are only
applied to class names (short), and patterns with nested quantifiers (catastrophic backtracking)
are refused.
"""

from __future__ import annotations

import re

import libcst as cst

from analyzers.collectors import dotted_name
from analyzers.tablerules import DYNAMIC, SNAKE, Unreadable

_METHODS = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "replace",
                      "title", "capitalize", "removeprefix", "removesuffix"})
_SNAKE_NAMES = re.compile(r"snake|underscore|decamel", re.IGNORECASE)
_MAX_DEPTH = 4


def _literal(node) -> str:
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - f-string parts have no static value
            value = None
        if isinstance(value, str):
            return value
    raise Unreadable


class _Compiler:
    def __init__(self, functions: dict[str, cst.FunctionDef]) -> None:
        self.functions = functions

    def function(self, func: cst.FunctionDef, args: list[tuple], depth: int) -> tuple:
        """The rule a function returns, its parameters bound to ``args`` (the first parameter
        of a ``declared_attr`` is the class: ``("cls",)``)."""
        if depth > _MAX_DEPTH:
            raise Unreadable
        params = [p.name.value for p in func.params.params]
        if len(params) != len(args):
            raise Unreadable
        env = dict(zip(params, args))
        body = func.body.body if isinstance(func.body, cst.IndentedBlock) else ()
        for stmt in body:
            if type(stmt) is not cst.SimpleStatementLine:
                raise Unreadable
            for small in stmt.body:
                if type(small) is cst.Expr and type(small.value) in (
                        cst.SimpleString, cst.ConcatenatedString):
                    continue  # docstring
                if type(small) is cst.Assign and len(small.targets) == 1 \
                        and type(small.targets[0].target) is cst.Name:
                    env[small.targets[0].target.value] = self.expr(small.value, env, depth)
                    continue
                if type(small) is cst.Return and small.value is not None:
                    return self.expr(small.value, env, depth)
                raise Unreadable
        raise Unreadable

    def expr(self, node, env: dict, depth: int) -> tuple:
        t = type(node)
        if t is cst.Name:
            found = env.get(node.value)
            if found is None or found == ("cls",):
                raise Unreadable
            return found
        if t in (cst.SimpleString, cst.ConcatenatedString):
            return ("const", _literal(node))
        if t is cst.Attribute:
            if type(node.value) is cst.Name and env.get(node.value.value) == ("cls",) \
                    and node.attr.value in ("__name__", "__qualname__"):
                return ("arg",)
            raise Unreadable
        if t is cst.BinaryOperation and type(node.operator) is cst.Add:
            return ("concat", self.expr(node.left, env, depth), self.expr(node.right, env, depth))
        if t is cst.FormattedString:
            parts: list[tuple] = []
            for part in node.parts:
                if type(part) is cst.FormattedStringText:
                    parts.append(("const", part.value))
                elif part.format_spec is None and part.conversion is None:
                    parts.append(self.expr(part.expression, env, depth))
                else:
                    raise Unreadable
            return ("concat", *parts)
        if t in (cst.ListComp, cst.GeneratorExp):
            comp = node.for_in
            if comp.inner_for_in is not None or type(comp.target) is not cst.Name \
                    or len(comp.ifs) > 1:
                raise Unreadable
            var = comp.target.value
            inner = dict(env, **{var: ("var", var)})
            cond: tuple = ()
            if comp.ifs:
                test = comp.ifs[0].test
                if type(test) is not cst.Name or test.value != var:
                    raise Unreadable
                cond = ("var", var)
            return ("map", var, self.expr(node.elt, inner, depth),
                    self.expr(comp.iter, env, depth), cond)
        if t is cst.Call:
            return self.call(node, env, depth)
        raise Unreadable

    def call(self, node: cst.Call, env: dict, depth: int) -> tuple:
        if any(a.keyword is not None or a.star for a in node.args):
            raise Unreadable
        args = [a.value for a in node.args]
        func = node.func
        if type(func) is cst.Attribute:
            method, owner = func.attr.value, func.value
            if type(owner) in (cst.SimpleString, cst.ConcatenatedString) and method == "join" \
                    and len(args) == 1:
                return ("join", _literal(owner), self.expr(args[0], env, depth))
            chain = dotted_name(owner)
            if chain in ("re", "regex") and method in ("sub", "split", "findall"):
                want = 3 if method == "sub" else 2
                if len(args) != want:
                    raise Unreadable
                literals = [_literal(a) for a in args[:-1]]
                return (method, *literals, self.expr(args[-1], env, depth))
            if chain == "str" and method in _METHODS and args:
                return ("meth", method, self.expr(args[0], env, depth),
                        *(("const", _literal(a)) for a in args[1:]))
            if method in _METHODS:
                return ("meth", method, self.expr(owner, env, depth),
                        *(("const", _literal(a)) for a in args))
            if chain is not None and len(args) == 1 and _SNAKE_NAMES.search(method):
                return _with_arg(SNAKE, self.expr(args[0], env, depth))
            raise Unreadable
        if type(func) is cst.Name:
            helper = self.functions.get(func.value)
            if helper is not None:
                return self.function(helper, [self.expr(a, env, depth) for a in args], depth + 1)
            if len(args) == 1 and _SNAKE_NAMES.search(func.value):
                return _with_arg(SNAKE, self.expr(args[0], env, depth))
        raise Unreadable


def _with_arg(rule: tuple, arg: tuple) -> tuple:
    """``rule`` applied to ``arg`` instead of the class name."""
    if rule == ("arg",):
        return arg
    return tuple(_with_arg(x, arg) if type(x) is tuple else x for x in rule)


def tablename_rule(func: cst.FunctionDef, module: cst.Module | None) -> tuple:
    """The rule a ``declared_attr`` ``__tablename__`` function computes, or ``DYNAMIC``."""
    functions = {}
    if module is not None:
        functions = {s.name.value: s for s in module.body if type(s) is cst.FunctionDef}
    try:
        return _Compiler(functions).function(func, [("cls",)], 0)
    except (Unreadable, RecursionError):
        return DYNAMIC
