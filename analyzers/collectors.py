"""The import and symbol collectors fed by the walk in ``analyzers.pyparse``, and the context
bits that walk carries. One collector per family of facts; none of them walks the tree itself."""

from __future__ import annotations

import libcst as cst

from analyzers.facts import (
    CONDITIONAL,
    DYNAMIC,
    FROM,
    IMPORT,
    LAZY,
    TYPE_CHECKING,
)

# Context bits carried down the walk.
_LAZY = 1
_CONDITIONAL = 2
_TYPE_CHECKING = 4
_NESTED = 8  # inside a def, class or lambda: no longer a module-level definition
_BASE = 16  # this very node is a class base (not passed on to children)

_CONTEXT_NAMES = ((_LAZY, LAZY), (_CONDITIONAL, CONDITIONAL), (_TYPE_CHECKING, TYPE_CHECKING))

def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    parts.append(node.value)
    parts.reverse()
    return ".".join(parts)


_IMPORT_ERRORS = frozenset(
    {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
)
_IMPORT_TYPES = tuple(
    t for t in (cst.Import, cst.ImportFrom, getattr(cst, "LazyImport", None),
                getattr(cst, "LazyImportFrom", None)) if t is not None
)


def _catches_import_error(handler_type: cst.BaseExpression | None) -> bool:
    if handler_type is None:  # bare except
        return True
    if type(handler_type) is cst.Tuple:
        candidates = [element.value for element in handler_type.elements]
    else:
        candidates = [handler_type]
    for expr in candidates:
        name = dotted_name(expr)
        if name is not None and name.rpartition(".")[2] in _IMPORT_ERRORS:
            return True
    return False


def _is_type_checking(test: cst.BaseExpression) -> bool:
    name = dotted_name(test)
    return name is not None and name.rpartition(".")[2] == "TYPE_CHECKING"


def _contexts(ctx: int) -> tuple[str, ...]:
    return tuple(sorted(name for bit, name in _CONTEXT_NAMES if ctx & bit))


def _string_value(node: cst.CSTNode) -> str | None:
    if type(node) is cst.SimpleString:
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class _Anchors:
    """Where facts sit, as ordinals the line locator can look up (see ``analyzers.lines``):
    ("i", k) the k-th import statement, ("d", k) the k-th def/class, ("a", k) the k-th
    assignment, ("s", k) the k-th string literal, ("n", name, k) the k-th use of ``name`` as
    an expression."""

    def __init__(self) -> None:
        self.imports = 0
        self.defs = 0
        self.assigns = 0
        self.strings = 0
        self.names: dict[str, int] = {}

    def name(self, value: str) -> tuple:
        k = self.names.get(value, 0)
        self.names[value] = k + 1
        return ("n", value, k)


class _ImportCollector:
    """Import statements of every form, and literal dynamic imports."""

    def __init__(self) -> None:
        self.found: list[tuple[tuple, cst.CSTNode, dict]] = []  # (anchor, node, fields)
        self.bound: dict[str, None] = {}  # local names bound by imports (ordered set)

    def on_import(self, node: cst.CSTNode, ctx: int, anchor: tuple) -> None:
        contexts = _contexts(ctx | (_LAZY if node.__class__.__name__.startswith("Lazy") else 0))
        if isinstance(node, (cst.ImportFrom,)) or node.__class__.__name__ == "LazyImportFrom":
            module = dotted_name(node.module) if node.module is not None else ""
            level = len(node.relative)
            if isinstance(node.names, cst.ImportStar):
                self.found.append((anchor, node, dict(form=FROM, module=module or "",
                                                      level=level, star=True,
                                                      contexts=contexts)))
                return
            names = []
            for alias in node.names:
                name = dotted_name(alias.name) or ""
                asname = dotted_name(alias.asname.name) if alias.asname is not None else None
                names.append((name, asname))
                self.bound[asname or name] = None
            self.found.append((anchor, node, dict(form=FROM, module=module or "", level=level,
                                                  names=tuple(names), contexts=contexts)))
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            asname = dotted_name(alias.asname.name) if alias.asname is not None else None
            self.bound[asname or name.partition(".")[0]] = None
            self.found.append((anchor, node, dict(form=IMPORT, module=name, asname=asname,
                                                  contexts=contexts)))

    def on_call(self, node: cst.Call, func_name: str, ctx: int, anchor: tuple,
                root: cst.CSTNode) -> None:
        last = func_name.rpartition(".")[2]
        if last not in ("import_module", "__import__") or not node.args:
            return
        target = _string_value(node.args[0].value)
        if not target:
            return
        level = len(target) - len(target.lstrip("."))
        if level:
            package = node.args[1].value if len(node.args) > 1 else None
            if package is None or dotted_name(package) not in ("__package__", "__name__"):
                return
        module = target[level:]
        if (level == 0 and not module) or (
                module and not all(p.isidentifier() for p in module.split("."))):
            return  # not a module name (an f-string piece, a URL, markup...)
        self.found.append((anchor, root, dict(form=DYNAMIC, module=module, level=level,
                                              contexts=_contexts(ctx))))


class _SymbolCollector:
    """Module-level definitions, ``__all__``, and uses of names (calls, bases, references)."""

    def __init__(self) -> None:
        self.definitions: list[tuple[tuple, cst.CSTNode, dict]] = []  # (anchor, node, fields)
        self.references: list[tuple[tuple, cst.CSTNode, str, str]] = []  # (..., chain, kind)
        self.dunder_all: list[str] | None = None

    def on_def(self, node: cst.FunctionDef | cst.ClassDef, ctx: int, anchor: tuple) -> None:
        if ctx & _NESTED:
            return
        if type(node) is cst.ClassDef:
            bases = tuple(b for b in (dotted_name(arg.value) for arg in node.bases) if b)
            self.definitions.append((anchor, node.name,
                                     dict(name=node.name.value, kind="class", bases=bases,
                                          abstract=_is_abstract(node, bases))))
        else:
            self.definitions.append((anchor, node.name,
                                     dict(name=node.name.value, kind="function")))

    def on_assign(self, node: cst.CSTNode, ctx: int, anchor: tuple) -> None:
        if ctx & _NESTED:
            return
        targets = (
            [t.target for t in node.targets] if type(node) is cst.Assign else [node.target]
        )
        for target in targets:
            for name_node in _target_names(target):
                if name_node.value == "__all__":
                    self._collect_all(node.value, extend=type(node) is cst.AugAssign)
                else:
                    self.definitions.append((anchor, node, dict(name=name_node.value,
                                                                kind="variable")))

    def on_type_alias(self, node: cst.CSTNode, ctx: int, anchor: tuple) -> None:
        if not ctx & _NESTED:
            self.definitions.append((anchor, node, dict(name=node.name.value, kind="variable")))

    def _collect_all(self, value: cst.BaseExpression | None, extend: bool) -> None:
        if type(value) not in (cst.List, cst.Tuple):
            return
        names = [_string_value(e.value) for e in value.elements]
        if any(n is None for n in names):
            return
        self.dunder_all = (self.dunder_all or []) + names if extend else names

    def on_reference(self, anchor: tuple, root: cst.CSTNode, chain: str, kind: str) -> None:
        self.references.append((anchor, root, chain, kind))


def _target_names(target: cst.CSTNode):
    if type(target) is cst.Name:
        yield target
    elif type(target) in (cst.Tuple, cst.List):
        for element in target.elements:
            yield from _target_names(element.value)


def _is_abstract(node: cst.ClassDef, bases: tuple[str, ...]) -> bool:
    if any(b.rpartition(".")[2] in ("ABC", "Protocol") for b in bases):
        return True
    for kw in node.keywords:
        if (dotted_name(kw.value) or "").rpartition(".")[2] == "ABCMeta":
            return True
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if type(stmt) is cst.FunctionDef:
            for dec in stmt.decorators:
                if (dotted_name(dec.decorator) or "").rpartition(".")[2].startswith("abstract"):
                    return True
    return False


_TypeAliasT = getattr(cst, "TypeAlias", None)


