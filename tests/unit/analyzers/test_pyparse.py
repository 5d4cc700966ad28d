"""Each import form and context, definitions and name uses, with exact lines."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from analyzers.pyparse import _code_fields, parse_source


def parse(src: str):
    return parse_source(textwrap.dedent(src))


def imports(src: str):
    return [(i.line, i.form, i.module, i.level, i.names, i.asname, i.star, i.contexts)
            for i in parse(src).imports]


def test_plain_and_aliased_imports():
    assert imports("import os\nimport a.b as c, d\n") == [
        (1, "import", "os", 0, (), None, False, ()),
        (2, "import", "a.b", 0, (), "c", False, ()),
        (2, "import", "d", 0, (), None, False, ()),
    ]


def test_from_imports_relative_star_and_parenthesised():
    src = """\
    from . import x
    from ..pkg.sub import (
        y,
        z as w,
    )
    from .mod import *
    """
    assert imports(src) == [
        (1, "from", "", 1, (("x", None),), None, False, ()),
        (2, "from", "pkg.sub", 2, (("y", None), ("z", "w")), None, False, ()),
        (6, "from", "mod", 1, (), None, True, ()),
    ]


def test_contexts_lazy_conditional_type_checking():
    src = """\
    from typing import TYPE_CHECKING
    try:
        import ujson as json
    except ImportError:
        import json
    try:
        import notguarded
    except KeyError:
        pass
    if TYPE_CHECKING:
        from app.models import Order
    else:
        Order = None
    if typing.TYPE_CHECKING:
        import app.types
    def f():
        import app.lazy
        if flag:
            from app import late
    class K:
        import app.in_class
    """
    got = {i.module or i.names[0][0]: i.contexts for i in parse(src).imports}
    assert got == {
        "typing": (),
        "ujson": ("conditional",),
        "json": ("conditional",),
        "notguarded": (),
        "app.models": ("type_checking",),
        "app.types": ("type_checking",),
        "app.lazy": ("lazy",),
        "app": ("conditional", "lazy"),
        "app.in_class": (),
    }


def test_literal_dynamic_imports_only():
    src = """\
    import importlib
    a = importlib.import_module("app.plugins.one")
    b = __import__("app.two")
    c = importlib.import_module(".three", __package__)
    d = importlib.import_module(name)
    e = importlib.import_module(f"app.{x}")
    """
    got = [(i.line, i.module, i.level) for i in parse(src).imports if i.form == "dynamic"]
    assert got == [(2, "app.plugins.one", 0), (3, "app.two", 0), (4, "three", 1)]


def test_definitions_bases_abstract_and_all():
    src = """\
    import abc
    from typing import Protocol
    from app import base
    @decorator
    class A(base.Model, metaclass=abc.ABCMeta):
        pass
    class P(Protocol):
        def m(self): ...
    class C:
        @abc.abstractmethod
        def m(self): ...
    def f():
        inner = 1
    X, (Y, Z) = 1, (2, 3)
    __all__ = ["A", "f"]
    __all__ += ["X"]
    """
    parsed = parse(src)
    defs = [(d.name, d.line, d.kind, d.bases, d.abstract) for d in parsed.definitions]
    assert defs == [
        ("A", 5, "class", ("base.Model",), True),
        ("P", 7, "class", ("Protocol",), True),
        ("C", 9, "class", (), True),
        ("f", 12, "function", (), False),
        ("X", 14, "variable", (), False),
        ("Y", 14, "variable", (), False),
        ("Z", 14, "variable", (), False),
    ]
    assert parsed.dunder_all == ("A", "f", "X")


def test_references_only_for_imported_names_with_kind_and_line():
    src = """\
    from django.db import models
    import app.services as svc
    from app.base import Base
    local = 1
    class Order(Base):
        total = models.DecimalField(max_digits=9)
        def pay(self):
            return svc.billing.charge(self,
                                      amount=local)
    x = models
    """
    refs = [(r.line, r.name, r.kind) for r in parse(src).references]
    assert refs == [
        (5, "Base", "inheritance"),
        (6, "models.DecimalField", "call"),
        (8, "svc.billing.charge", "call"),
        (10, "models", "reference"),
    ]


def test_newer_syntax_parses():
    src = """\
    type Alias[T] = list[T]
    def first[T](xs: list[T]) -> T:
        return xs[0]
    name = "x"
    s = f"{name!r:>{10}} {f'{name}'}"
    """
    assert [(d.name, d.line) for d in parse(src).definitions] == [
        ("Alias", 1), ("first", 2), ("name", 4), ("s", 5)]


def test_syntax_error_raises():
    with pytest.raises(cst.ParserSyntaxError):
        parse_source("print 'hello'\n")


def test_line_count_without_trailing_newline():
    assert parse_source("a = 1\nb = 2").lines == 2
    assert parse_source("").lines == 0


def test_walk_field_order_is_source_order():
    """The walk must meet code in source order (lines of uses rely on it): check every Name of a
    realistic file against libcst's PositionProvider."""
    src = Path(cst.__file__).parent.joinpath("_nodes", "statement.py").read_text()
    module = cst.parse_module(src)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    seen = []
    stack = [module]
    while stack:
        node = stack.pop()
        if type(node) is cst.Name:
            seen.append(positions[node].start)
        children = []
        for name in _code_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, (list, tuple)):
                children.extend(value)
            elif isinstance(value, cst.CSTNode):
                children.append(value)
        stack.extend(reversed(children))
    assert len(seen) > 1000
    out_of_order = [(a, b) for a, b in zip(seen, seen[1:]) if (b.line, b.column) < (a.line, a.column)]
    assert out_of_order == []


def test_lines_agree_with_position_provider():
    src = Path(cst.__file__).parent.joinpath("_nodes", "expression.py").read_text()
    parsed = parse_source(src)
    module = cst.parse_module(src)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    expected_imports = [positions[n].start.line for n, p in positions.items()
                        if isinstance(n, (cst.Import, cst.ImportFrom))]
    assert sorted(i.line for i in parsed.imports) == sorted(expected_imports)
    expected_defs = {n.name.value: positions[n.name].start.line
                     for n in module.body if isinstance(n, (cst.ClassDef, cst.FunctionDef))}
    got_defs = {d.name: d.line for d in parsed.definitions if d.kind != "variable"}
    assert got_defs == expected_defs


def test_ast_line_index_agrees_with_codegen_and_is_used():
    """The cheap ``ast`` index must give the same lines as counting newlines in the libcst tree."""
    from analyzers import lines as L
    from analyzers import pyparse as pp

    text = Path(cst.__file__).parent.joinpath("_nodes", "statement.py").read_text()
    module = cst.parse_module(text)
    imports, symbols, anchors = pp._ImportCollector(), pp._SymbolCollector(), pp._Anchors()
    data = pp.DataCollector()
    pp._walk(module, imports, symbols, anchors, data)
    refs = [r for r in symbols.references if r[2].partition(".")[0] in imports.bound]
    wanted = [(a, n) for a, n, _ in imports.found] + [(a, n) for a, n, _ in symbols.definitions]
    wanted += [(a, n) for a, n, _, _ in refs] + data.anchors_wanted()
    tracked = {a[1] for a, _ in wanted if a[0] == "n"}
    counts = {"i": anchors.imports, "d": anchors.defs, "a": anchors.assigns,
              "s": anchors.strings}
    via_ast = L._from_ast(text, wanted, counts, {n: anchors.names.get(n, 0) for n in tracked})
    assert via_ast is not None, "the ast index was not usable on plain Python 3 code"
    assert len(refs) > 500
    assert via_ast == L.lines_by_codegen(module, wanted)


def test_decorator_and_base_uses_get_their_own_lines():
    src = """\
    from django.contrib import admin
    @admin.register(Group)
    class GroupAdmin(admin.ModelAdmin):
        pass
    """
    refs = [(r.line, r.name, r.kind) for r in parse(src).references]
    assert refs == [(2, "admin.register", "call"), (3, "admin.ModelAdmin", "inheritance")]


def test_parsing_skips_node_validation_for_that_call_only_and_the_facts_are_the_same():
    """``parse_source`` builds the tree without libcst's per-node checks (a parser-built tree
    passes them); the facts equal those of a validated parse, and a hand-built node is still
    checked afterwards, as it was before."""
    import marshal

    import analyzers.pyparse as pyparse
    from analyzers.encoding import encode

    here = Path(__file__).resolve().parents[3]
    files = sorted((here / "samples").rglob("*.py"))[:150] + sorted(
        (here / "analyzers").glob("*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = marshal.dumps(encode(pyparse.parse_source(text)))
        original = pyparse.parse_tree_unvalidated
        pyparse.parse_tree_unvalidated = cst.parse_module
        try:
            checked = marshal.dumps(encode(pyparse.parse_source(text)))
        finally:
            pyparse.parse_tree_unvalidated = original
        assert fast == checked, path
    with pytest.raises(cst.CSTValidationError):  # validation is back on
        cst.Name("not a name")
    assert "__post_init__" in cst.CSTNode.__dict__
