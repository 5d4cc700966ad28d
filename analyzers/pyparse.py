"""One libcst parse per file, one cheap walk over it, and the facts that walk finds.

Why not ``CSTVisitor`` and metadata providers: a generic visit costs ~70% of the parse itself and
``PositionProvider`` about twice the parse (measured on django). Instead:

* ``_walk`` descends only into fields that can hold code (never whitespace or punctuation), in
  source order, with an explicit stack (no recursion limit on deeply nested expressions);
* collectors fed by that one walk each own one family of facts: imports and symbols
  (``analyzers.collectors``), data and framework strings (``analyzers.datafacts``);
* line numbers come from ``analyzers.lines``: facts are anchored by ordinals (k-th import,
  k-th use of a name), looked up in a cheap ``ast`` index, with a codegen fallback.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from analyzers.collectors import (
    _BASE,
    _CONDITIONAL,
    _IMPORT_TYPES,
    _LAZY,
    _NESTED,
    _TYPE_CHECKING,
    _Anchors,
    _catches_import_error,
    _ImportCollector,
    _is_type_checking,
    _SymbolCollector,
    _TypeAliasT,
    dotted_name,
)
from analyzers.datafacts import DataCollector
from analyzers.facts import (
    CALL,
    INHERITANCE,
    REFERENCE,
    DefinitionFact,
    ImportFact,
    ParsedSource,
    ReferenceFact,
)
from analyzers.lines import locate_lines

# Fields that never hold code.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "comma", "semicolon", "header", "footer", "leading_lines",
        "lines_after_decorators", "newline", "colon", "first_colon", "second_colon", "equal",
        "dot", "operator", "lbracket", "rbracket", "lbrace", "rbrace", "asynchronous",
        "trailing_comma", "trailing_whitespace", "leading_whitespace", "empty_lines",
        "separator", "default_indent", "default_newline", "encoding", "has_trailing_newline",
        "comment", "posonly_ind", "indent", "relative", "star", "whitespace", "first_line",
        "last_line", "prefix", "quote", "start", "end", "conversion",
    }
)

# Dataclass field order is not always source order; these are.
# Names that ``ast`` keeps as plain strings (parameter, keyword, attribute, except-as, global,
# match-capture names) are left out, so the walk meets exactly the names ``ast.Name`` holds.
_SOURCE_ORDER: dict[str, tuple[str, ...]] = {
    "Arg": ("value",),
    "Attribute": ("value",),
    "Param": ("annotation", "default"),
    "Global": (),
    "Nonlocal": (),
    "MatchAs": ("pattern",),
    "MatchStar": (),
    "MatchMapping": ("elements",),
    "MatchKeywordElement": ("pattern",),
    "TypeVar": ("bound",),
    "TypeVarTuple": (),
    "ParamSpec": (),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "ExceptHandler": ("type", "body"),
    "ExceptStarHandler": ("type", "body"),
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "IfExp": ("body", "test", "orelse"),
    "MatchCase": ("pattern", "guard", "body"),
    "Parameters": ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
    "TypeAlias": ("name", "type_parameters", "value"),
}

_FIELDS: dict[type, tuple[str, ...]] = {}


def _code_fields(node_type: type) -> tuple[str, ...]:
    fields = _FIELDS.get(node_type)
    if fields is None:
        fields = _SOURCE_ORDER.get(node_type.__name__)
        if fields is None:
            fields = tuple(
                f.name
                for f in dataclasses.fields(node_type)
                if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
            )
        _FIELDS[node_type] = fields
    return fields


def _root_name(node: cst.CSTNode) -> cst.Name:
    while type(node) is cst.Attribute:
        node = node.value
    return node


def _string_parts(node: cst.ConcatenatedString) -> list[cst.CSTNode]:
    parts, stack = [], [node]
    while stack:
        current = stack.pop()
        if type(current) is cst.ConcatenatedString:
            stack += [current.right, current.left]
        else:
            parts.append(current)
    return parts


_UPPER_SETTING = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")


def _walk(module: cst.Module, imports: _ImportCollector, symbols: _SymbolCollector,
          anchors: _Anchors, data: DataCollector) -> None:
    """Visit every code-bearing node once, in source order, carrying the import context.

    Every Name in an expression position is counted in ``anchors`` (even when it is not a use
    of an import) so that the k-th occurrence here is the k-th ``ast.Name`` there."""
    stack: list[tuple[cst.CSTNode, int]] = [(module, 0)]
    pop, push = stack.pop, stack.append
    seq = (list, tuple)
    NameT, AttributeT, CallT = cst.Name, cst.Attribute, cst.Call
    StringT, ConcatT = cst.SimpleString, cst.ConcatenatedString
    marks = data.marks
    while stack:
        node, ctx = pop()
        t = type(node)
        base, ctx = ctx & _BASE, ctx & ~_BASE
        if t is NameT or t is AttributeT:
            chain = dotted_name(node)
            if chain is not None:
                anchor = anchors.name(chain.partition(".")[0])
                root = _root_name(node)
                symbols.on_reference(anchor, root, chain, INHERITANCE if base else REFERENCE)
                if id(root) in marks:
                    marks[id(root)] = anchor
                continue
            # e.g. ``f().attr``: the chain starts at a call, descend into it
        elif t is CallT:
            chain = dotted_name(node.func)
            if chain is not None:
                root = _root_name(node.func)
                anchor = anchors.name(root.value)
                symbols.on_reference(anchor, root, chain, CALL)
                imports.on_call(node, chain, ctx, anchor, root)
                data.on_call(node, chain, ctx >> 8, root)
                if id(root) in marks:
                    marks[id(root)] = anchor
                for arg in reversed(node.args):
                    push((arg, ctx))
                continue
            if type(node.func) is AttributeT:
                data.on_chained_call(node)
        elif t is StringT:
            data.on_string(node, ("s", anchors.strings))
            anchors.strings += 1
            continue
        elif t is ConcatT:
            parts = _string_parts(node)
            if all(type(p) is StringT for p in parts):  # one constant for ``ast`` too
                data.on_string(node, ("s", anchors.strings))
                anchors.strings += 1
            else:  # an f-string for ``ast``: only its expressions hold names
                for part in reversed(parts):
                    if type(part) is not StringT:
                        push((part, ctx))
            continue
        elif t in _IMPORT_TYPES:
            imports.on_import(node, ctx, ("i", anchors.imports))
            anchors.imports += 1
            continue
        elif t is cst.FunctionDef:
            symbols.on_def(node, ctx, ("d", anchors.defs))
            anchors.defs += 1
            tx = data.transaction_of([d.decorator for d in node.decorators])
            body_ctx = ctx | _LAZY | _NESTED
            push((node.body, (body_ctx & 0xFF) | (tx << 8) if tx else body_ctx))
            if node.returns is not None:
                push((node.returns, ctx))
            push((node.params, ctx))
            for dec in reversed(node.decorators):
                push((dec, ctx))
            continue
        elif t is cst.ClassDef:
            if not ctx & _NESTED:
                data.on_class(node, node.name,
                              tuple(b for b in (dotted_name(a.value) for a in node.bases) if b))
                if id(node.name) in marks:
                    marks[id(node.name)] = ("d", anchors.defs)
            symbols.on_def(node, ctx, ("d", anchors.defs))
            anchors.defs += 1
            push((node.body, ctx | _NESTED))
            for kw in reversed(node.keywords):
                push((kw.value, ctx))
            for base in reversed(node.bases):
                push((base.value, ctx | _BASE))
            for dec in reversed(node.decorators):
                push((dec, ctx))
            continue
        elif t is cst.Lambda:
            push((node.body, ctx | _LAZY | _NESTED))
            push((node.params, ctx))
            continue
        elif t is cst.If:
            if _is_type_checking(node.test):
                if node.orelse is not None:
                    push((node.orelse, ctx | _CONDITIONAL))
                push((node.body, ctx | _TYPE_CHECKING))
            else:
                if node.orelse is not None:
                    push((node.orelse, ctx | _CONDITIONAL))
                push((node.body, ctx | _CONDITIONAL))
            push((node.test, ctx))
            continue
        elif t is cst.Try or t is getattr(cst, "TryStar", None):
            guarded = any(_catches_import_error(h.type) for h in node.handlers)
            if node.finalbody is not None:
                push((node.finalbody, ctx))
            if node.orelse is not None:
                push((node.orelse, ctx))
            for handler in reversed(node.handlers):
                push((handler, ctx | _CONDITIONAL))
            push((node.body, ctx | _CONDITIONAL if guarded else ctx))
            continue
        elif t is cst.With:
            tx = data.transaction_of([item.item for item in node.items])
            push((node.body, (ctx & 0xFF) | (tx << 8) if tx else ctx))
            for item in reversed(node.items):
                push((item, ctx))
            continue
        elif t is cst.Match:
            for case in reversed(node.cases):
                push((case, ctx | _CONDITIONAL))
            push((node.subject, ctx))
            continue
        elif t is _TypeAliasT:
            symbols.on_type_alias(node, ctx, ("a", anchors.assigns))
            anchors.assigns += 1
        elif t is cst.Assign or t is cst.AnnAssign or t is cst.AugAssign:
            symbols.on_assign(node, ctx, ("a", anchors.assigns))
            if id(node) in marks:
                marks[id(node)] = ("a", anchors.assigns)
            anchors.assigns += 1
            if t is cst.Assign and len(node.targets) == 1 \
                    and type(node.targets[0].target) is NameT and type(node.value) is CallT:
                data.on_bind(node.targets[0].target.value, node.value)
            if not ctx & _NESTED:  # INSTALLED_APPS = [...] and INSTALLED_APPS += [...]
                target = node.targets[0].target if t is cst.Assign else node.target
                if type(target) is NameT and _UPPER_SETTING.issuperset(target.value):
                    data.on_settings_assign(node, target.value)
            # a plain name being (re)bound is counted, but it is not a use of the name
            if t is cst.Assign:
                children = []
                for target in node.targets:
                    if type(target.target) is NameT:
                        anchors.name(target.target.value)
                    else:
                        children.append(target.target)
                children.append(node.value)
            else:
                children = []
                if type(node.target) is NameT:
                    anchors.name(node.target.value)
                else:
                    children.append(node.target)
                children += [c for c in (getattr(node, "annotation", None), node.value)
                             if c is not None]
            for child in reversed(children):
                push((child, ctx))
            continue
        if t is cst.For and type(node.target) is NameT and type(node.iter) is CallT:
            data.on_bind(node.target.value, node.iter, many=True)
        for name in reversed(_code_fields(t)):
            value = getattr(node, name)
            if type(value) in seq:
                for child in reversed(value):
                    push((child, ctx))
            elif isinstance(value, cst.CSTNode):
                push((value, ctx))


def _no_validation(node) -> None:
    pass


def parse_tree_unvalidated(text: str) -> cst.Module:
    """``libcst.parse_module`` without checking each node as it is built.

    libcst validates every node in ``CSTNode.__post_init__`` (parentheses, whitespace and
    operator invariants): that guards trees built by hand (codemods), while the parser only
    builds trees it read from valid source; its authors note the check could be skipped when
    parsing. It costs 11-23% of the parse (measured on 600 saleor files). The check is
    switched off for this call only (a worker parses one file at a time, with no other
    thread building nodes), and left on if this libcst has no such hook."""
    base = cst.CSTNode
    check = base.__dict__.get("__post_init__")
    if check is None:
        return cst.parse_module(text)
    base.__post_init__ = _no_validation
    try:
        return cst.parse_module(text)
    finally:
        base.__post_init__ = check


def parse_source(text: str) -> ParsedSource:
    """Parse one file's text. Raises ``libcst.ParserSyntaxError`` on invalid syntax."""
    module = parse_tree_unvalidated(text)
    imports, symbols, anchors = _ImportCollector(), _SymbolCollector(), _Anchors()
    data = DataCollector(module)
    _walk(module, imports, symbols, anchors, data)
    bound = imports.bound
    refs = [r for r in symbols.references if r[2].partition(".")[0] in bound]
    wanted = [(a, n) for a, n, _ in imports.found]
    wanted += [(a, n) for a, n, _ in symbols.definitions]
    wanted += [(a, n) for a, n, _, _ in refs]
    wanted += data.anchors_wanted()
    tracked = {a[1] for a, _ in wanted if a[0] == "n"}
    line_of = locate_lines(module, text, wanted,
                           {"i": anchors.imports, "d": anchors.defs, "a": anchors.assigns,
                            "s": anchors.strings},
                           {name: anchors.names.get(name, 0) for name in tracked})
    strings, models, data_access = data.facts(line_of)
    return ParsedSource(
        lines=text.count("\n") + (0 if text.endswith("\n") or not text else 1),
        imports=tuple(ImportFact(line=line_of[a], **fields) for a, _, fields in imports.found),
        definitions=tuple(
            DefinitionFact(line=line_of[a], **fields) for a, _, fields in symbols.definitions
        ),
        references=tuple(
            ReferenceFact(line=line_of[a], name=chain, kind=kind) for a, _, chain, kind in refs
        ),
        dunder_all=tuple(symbols.dunder_all) if symbols.dunder_all is not None else None,
        strings=strings,
        models=models,
        data_access=data_access,
    )
