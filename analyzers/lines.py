"""Line numbers for facts without libcst's PositionProvider (which costs twice the parse).

The walk in ``analyzers.pyparse`` anchors every fact by an ordinal: the k-th import statement,
the k-th def/class, the k-th assignment, the k-th use of a name. The same things sorted by
position in the standard ``ast`` tree give their lines: ``ast.parse`` costs under a tenth of
``libcst.parse_module``. The counts are checked; if ``ast`` cannot parse the file (syntax newer
than this Python) or any count disagrees, a newline-counting codegen over the libcst tree gives
the lines instead (about a third of a parse). Never used for facts, only for line numbers.
"""

from __future__ import annotations

import ast
import warnings
from collections import defaultdict

import libcst as cst
from libcst._nodes.internal import CodegenState

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ASSIGNS = (ast.Assign, ast.AnnAssign, ast.AugAssign) + (
    (ast.TypeAlias,) if hasattr(ast, "TypeAlias") else ()
)
_IMPORTS = (ast.Import, ast.ImportFrom)
# Fields that never hold a node worth visiting (contexts and operators are nodes, but empty),
# and the plain values lists and fields hold besides nodes.
_NO_NODES = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "level", "kind", "type_comment",
                       "conversion", "is_async", "simple", "type_ignores", "module"})
_SCALARS = frozenset({str, int, bytes, float, bool, complex, type(None), type(...)})
_AST_FIELDS: dict[type, tuple[str, ...]] = {}


def _ast_index(text: str, tracked: set[str]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(text)
    imports: list[tuple[int, int]] = []
    defs: list[tuple[int, int]] = []
    assigns: list[tuple[int, int]] = []
    strings: list[tuple[int, int]] = []
    names: dict[str, list[tuple[int, int]]] = defaultdict(list)
    stack: list = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    NameT, ConstantT, JoinedT = ast.Name, ast.Constant, ast.JoinedStr
    fields_of = _AST_FIELDS
    while stack:
        node = pop()
        t = type(node)
        if t in _SCALARS:  # from a list: Dict keys may be None, Global names are str
            continue
        if t is NameT:
            if node.id in tracked:
                names[node.id].append((node.lineno, node.col_offset))
            continue
        if t is ConstantT:
            if type(node.value) in (str, bytes):
                strings.append((node.lineno, node.col_offset))
            continue
        if t is JoinedT:  # literal parts of an f-string are not string literals of their own
            for part in node.values:
                if type(part) is ast.FormattedValue:
                    push(part.value)
                    if part.format_spec is not None:
                        push(part.format_spec)
            continue
        if t in _IMPORTS:
            imports.append((node.lineno, node.col_offset))
            continue
        if t in _DEFS:
            defs.append((node.lineno, node.col_offset))
        elif t in _ASSIGNS:
            assigns.append((node.lineno, node.col_offset))
        fields = fields_of.get(t)
        if fields is None:
            fields = fields_of[t] = tuple(f for f in t._fields if f not in _NO_NODES)
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                extend(value)
            elif value is not None and type(value) not in _SCALARS:
                push(value)
    for positions in (imports, defs, assigns, strings, *names.values()):
        positions.sort()
    return {"i": imports, "d": defs, "a": assigns, "s": strings}, names


def _from_ast(text, wanted, counts, name_counts):
    try:
        table, names = _ast_index(text, set(name_counts))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if any(len(table[kind]) != count for kind, count in counts.items()):
        return None
    if any(len(names.get(name, ())) != count for name, count in name_counts.items()):
        return None
    lines = {}
    for anchor, _ in wanted:
        if anchor[0] == "n":
            lines[anchor] = names[anchor[1]][anchor[2]][0]
        else:
            lines[anchor] = table[anchor[0]][anchor[1]][0]
    return lines


class _LineCounter(CodegenState):
    """A codegen that builds no text: it counts newlines and notes the line of wanted nodes."""

    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.line = 1
        self.wanted = wanted
        self.found: dict[int, int] = {}

    def add_indent_tokens(self) -> None:  # indentation never holds a newline
        pass

    def add_token(self, value: str) -> None:
        if "\n" in value:
            self.line += value.count("\n")
        elif "\r" in value:
            self.line += value.count("\r")

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.found[id(node)] = self.line

    def after_codegen(self, node: cst.CSTNode) -> None:
        pass


def lines_by_codegen(module: cst.Module, wanted) -> dict:
    counter = _LineCounter(module, {id(node) for _, node in wanted})
    module._codegen(counter)
    return {anchor: counter.found.get(id(node), 0) for anchor, node in wanted}


def locate_lines(module, text, wanted, counts: dict[str, int], name_counts) -> dict:
    """anchor -> line for every (anchor, libcst node) in ``wanted``. ``counts`` holds how many
    imports ("i"), defs ("d"), assignments ("a") and strings ("s") the walk met, and
    ``name_counts`` how many uses of each tracked name: the ``ast`` index must agree."""
    if not wanted:
        return {}
    found = _from_ast(text, wanted, counts, name_counts)
    return found if found is not None else lines_by_codegen(module, wanted)
