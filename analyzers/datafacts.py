"""Data and framework facts found during the walk of ``analyzers.pyparse``.

* ORM models (Django, SQLAlchemy declarative) with their relations and tables;
* data access: ``Order.objects.filter(...).update(...)``, ``session.query(Order)``,
  ``session.add(Order(...))``, raw SQL naming tables; with the enclosing transaction;
* string references that name code: ``include("shop.urls")``, ``apps.get_model("orders",
  "Order")``, ``get_class("catalogue.models", "Product")``, ``ForeignKey("orders.Order")``,
  ``INSTALLED_APPS`` entries, celery routes.

Facts whose line is only known once the walk reaches a node are registered by node id
(``marks``); the walk fills in their anchors (see ``analyzers.lines``).
"""

from __future__ import annotations

import re

import libcst as cst

from analyzers.collectors import dotted_name as _dotted
from analyzers.facts import DataAccessFact, ModelFact, RelationFact, StringRefFact
from analyzers.ormmodels import _string, read_binding, read_class

_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager", "all_objects"})
_WRITES = frozenset({
    "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create",
    "update_or_create", "acreate", "aupdate", "adelete", "abulk_create",
    "abulk_update", "aget_or_create", "aupdate_or_create", "add", "remove", "set", "clear",
})
_SESSION_WRITES = frozenset({"add", "add_all", "delete", "merge", "bulk_save_objects",
                             "bulk_insert_mappings", "bulk_update_mappings"})
_SESSION_READS = frozenset({"query", "get", "scalars", "scalar", "execute"})
_STATEMENTS = {"select": "read", "insert": "write", "update": "write", "delete": "write"}
# calls whose string arguments name code even when they are a single identifier
_CODE_CALLS = frozenset({
    "include", "get_model", "get_class", "get_classes", "get_models", "import_string",
    "import_module", "send_task", "signature", "ForeignKey", "OneToOneField",
    "ManyToManyField", "relationship", "ParentalKey", "lazy_model", "swapper",
})
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\Z")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*\Z")
_SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)
_SQL_LITERAL = re.compile(r"""[rRbBuU]{0,2}(?:'''|\"\"\"|'|")\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH)\b""",
                          re.IGNORECASE)
_SQL_TABLES = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+[\"`\[]?([A-Za-z_][\w.]*)",
                         re.IGNORECASE)


_NAME_LITERAL = re.compile(r"""[uU]?(['"])([A-Za-z_][\w.]*)\1\Z""")


def _name_literal(node) -> str | None:
    """The value of a plain quoted identifier or dotted name, read without evaluating it."""
    if type(node) is cst.SimpleString:
        m = _NAME_LITERAL.match(node.value)
        return m.group(2) if m else None
    return None


def _last(chain: str) -> str:
    return chain.rpartition(".")[2]


class DataCollector:
    def __init__(self, module: cst.Module | None = None) -> None:
        self.module = module  # for the helper functions a declared_attr __tablename__ calls
        self.marks: dict[int, tuple | None] = {}  # node id -> anchor once the walk meets it
        self.nodes: dict[int, cst.CSTNode] = {}  # node id -> node (for the codegen fallback)
        self.strings: list[tuple[int, str, str]] = []  # (node id, value, context)
        self.access: list[list] = []  # [node id, target, operation, via, tx id]
        self.models: list[tuple[int, dict, list[tuple[int, dict]]]] = []
        self.tx_nodes: dict[int, int] = {}  # root-name node id of an atomic() -> tx id
        self.pending_chains: dict[int, tuple[str, str, str]] = {}  # inner call id -> access
        self.tx_count = 0
        # ``order = Order.objects.get(...)`` then ``order.save()``: variable -> model chains
        # (module-wide, by name: a variable bound to two models is left unresolved)
        self.bound_models: dict[str, set[str]] = {}
        self.instance_writes: list[tuple[cst.CSTNode, str, str, int]] = []

    # --- called by the walk ------------------------------------------------------------
    def on_call(self, node: cst.Call, chain: str, tx: int, root: cst.CSTNode) -> None:
        parts = chain.split(".")
        last = parts[-1]
        pending = self.pending_chains.pop(id(node), None)
        if pending is not None:
            self._access(root, *pending, tx)
        elif len(parts) >= 3 and parts[-2] in _MANAGERS:
            op = "write" if last in _WRITES else "read"
            self._access(root, ".".join(parts[:-2]), op, f"{parts[-2]}.{last}", tx)
        elif len(parts) >= 2 and parts[-2].endswith("session"):
            self._session_call(node, root, last, tx)
        elif len(parts) == 2 and last in ("save", "delete", "asave", "adelete"):
            self.mark(root)
            self.instance_writes.append((root, parts[0], last, tx))
        if last in _CODE_CALLS or node.args:
            self._call_strings(node, last)

    def on_chained_call(self, node: cst.Call) -> None:
        """``X.objects.filter(...).update(...)``: the outer call's operation, recorded when the
        walk reaches the innermost ``X.objects.filter`` call."""
        methods = []
        current = node
        while type(current) is cst.Call and type(current.func) is cst.Attribute:
            methods.append(current.func.attr.value)
            inner = current.func.value
            if type(inner) is not cst.Call:
                return
            chain = _dotted(inner.func)
            if chain is not None:
                parts = chain.split(".")
                if len(parts) >= 3 and parts[-2] in _MANAGERS:
                    methods.append(parts[-1])
                    op = "write" if any(m in _WRITES for m in methods) else "read"
                    via = f"{parts[-2]}.{'.'.join(reversed(methods))}"
                    if id(inner) not in self.pending_chains or op == "write":
                        self.pending_chains[id(inner)] = (".".join(parts[:-2]), op, via)
                return
            current = inner

    def on_bind(self, name: str, value: cst.CSTNode, many: bool = False) -> None:
        """``name = X(...)`` / ``name = X.objects.get(...)`` (``many``: ``for name in
        X.objects.filter(...)``) binds ``name`` to the model ``X``."""
        model = _model_of(value, many)
        if model is not None:
            self.bound_models.setdefault(name, set()).add(model)
        if not many and type(value) is cst.Call:
            found = read_binding(name, value, self.mark)
            if found is not None:
                info, relations = found
                self.models.append((info.pop("anchor"), info, relations))

    def transaction_of(self, items) -> int:
        """A new transaction id if a ``with`` item or decorator is an atomic block, else 0."""
        for item in items:
            expr = item.func if type(item) is cst.Call else item
            chain = _dotted(expr)
            if chain is None:
                continue
            last = _last(chain)
            if last == "atomic" or (last in ("begin", "begin_nested")
                                    and "session" in chain):
                self.tx_count += 1
                root = expr
                while type(root) is cst.Attribute:
                    root = root.value
                self.tx_nodes[id(root)] = self.tx_count
                self.mark(root)
                return self.tx_count
        return 0

    def on_string(self, node: cst.CSTNode, anchor: tuple) -> None:
        if id(node) in self.marks:
            self.marks[id(node)] = anchor
            return
        raw = node
        while type(raw) is cst.ConcatenatedString:
            raw = raw.left
        # a cheap look at the literal text first: evaluating a string costs a compile()
        if type(raw) is not cst.SimpleString or not _SQL_LITERAL.match(raw.value):
            return
        value = _string(node)
        if value and _SQL.match(value):
            tables = sorted(set(_SQL_TABLES.findall(value)))
            op = "read" if _SQL.match(value).group(1).upper() in ("SELECT", "WITH") else "write"
            for table in tables:
                self.access.append([id(node), f"table:{table}", op, "raw-sql", 0])
            if tables:
                self.mark(node)
                self.marks[id(node)] = anchor

    def on_settings_assign(self, node, name: str) -> None:
        """UPPER_CASE module-level settings: the strings inside name apps, modules, tasks."""
        stack, depth = [(node.value, 0)], 0
        while stack:
            value, depth = stack.pop()
            if depth > 3 or value is None:
                continue
            if type(value) is cst.SimpleString:
                text = _name_literal(value)
                if text is not None and (_DOTTED.match(text) or _IDENTIFIER.match(text)):
                    self._want_string(value, text, name)
                continue
            t = type(value)
            if t in (cst.List, cst.Tuple, cst.Set):
                stack.extend((e.value, depth + 1) for e in reversed(value.elements))
            elif t is cst.Dict:
                for e in reversed(value.elements):
                    if type(e) is cst.DictElement:
                        stack.append((e.value, depth + 1))
                        stack.append((e.key, depth + 1))

    def on_class(self, node: cst.ClassDef, anchor_node: cst.CSTNode, bases) -> None:
        found = read_class(node, bases, self.module, self.mark)
        if found is None:
            return
        info, relations = found
        self.mark(anchor_node)
        self.models.append((id(anchor_node), info, relations))

    # --- helpers -------------------------------------------------------------------------
    def mark(self, node: cst.CSTNode) -> None:
        self.marks[id(node)] = None
        self.nodes[id(node)] = node

    def _access(self, root, target: str, op: str, via: str, tx: int) -> None:
        self.mark(root)
        self.access.append([id(root), target, op, via, tx])

    def _session_call(self, node: cst.Call, root, method: str, tx: int) -> None:
        if not node.args:
            return
        first = node.args[0].value
        if method in _SESSION_WRITES:
            target = _dotted(first.func) if type(first) is cst.Call else None
            if target:
                self._access(root, target, "write", f"session.{method}", tx)
            elif type(first) is cst.Name:  # session.add(order): resolved through its binding
                self.mark(root)
                self.instance_writes.append((root, first.value, f"session.{method}", tx))
        elif method in _SESSION_READS:
            op = "read"
            while type(first) is cst.Call and type(first.func) is cst.Attribute \
                    and type(first.func.value) is cst.Call:  # update(X).values(...)
                first = first.func.value
            if type(first) is cst.Call:
                stmt = _last(_dotted(first.func) or "")
                if stmt in _STATEMENTS and first.args:
                    op = _STATEMENTS[stmt]
                    first = first.args[0].value
            target = _dotted(first)
            if target:
                self._access(root, target, op, f"session.{method}", tx)

    def _call_strings(self, node: cst.Call, last: str) -> None:
        args = node.args
        if last in _CODE_CALLS:  # e.g. ForeignKey("orders.Order", related_name="orders")
            args = [a for a in args if a.keyword is None or a.keyword.value in ("to", "model")]
        values = [(a, _name_literal(a.value)) for a in args]
        strings = [(a, v) for a, v in values if v]
        for a in args:  # Celery(include=["crm.tasks.deals", ...]), autodiscover_tasks([...])
            if type(a.value) in (cst.List, cst.Tuple):
                kind = a.keyword.value if a.keyword is not None else last
                context = "include" if kind in ("include", "imports") else last
                for e in a.value.elements:
                    value = _name_literal(e.value)
                    if value and _DOTTED.match(value):
                        self._want_string(e.value, value, context)
        if not strings:
            return
        if last in ("get_model", "get_models") and len(strings) >= 2 \
                and _IDENTIFIER.match(strings[0][1]) and _IDENTIFIER.match(strings[1][1]):
            self._want_string(strings[0][0].value, f"{strings[0][1]}.{strings[1][1]}", last)
            return
        for arg, value in strings:
            if _DOTTED.match(value) or (last in _CODE_CALLS and _IDENTIFIER.match(value)):
                self._want_string(arg.value, value, last)

    def _want_string(self, node, value: str, context: str) -> None:
        self.mark(node)
        self.strings.append((id(node), value, context))

    # --- facts ---------------------------------------------------------------------------
    def anchors_wanted(self) -> list[tuple[tuple, cst.CSTNode]]:
        return [(anchor, self.nodes[node_id]) for node_id, anchor in self.marks.items()
                if anchor is not None]

    def _instance_writes(self) -> list[list]:
        """``order.save()``, ``session.add(order)``: writes of the one model ``order`` is bound
        to in this module (none when it is unknown or ambiguous)."""
        out = []
        for root, name, via, tx in self.instance_writes:
            models = self.bound_models.get(name, ())
            if len(models) == 1:
                out.append([id(root), next(iter(models)), "write", via, tx])
        return out

    def facts(self, line_of_anchor):
        def line(node_id: int) -> int:
            anchor = self.marks.get(node_id)
            return line_of_anchor.get(anchor, 0) if anchor is not None else 0

        tx_lines = {tx: line(root_id) for root_id, tx in self.tx_nodes.items()}

        strings = tuple(StringRefFact(line(i), v, c) for i, v, c in self.strings)
        access = tuple(sorted(
            (DataAccessFact(line(i), target, op, via, tx_lines.get(tx, 0))
             for i, target, op, via, tx in self.access + self._instance_writes()),
            key=lambda a: (a.line, a.target, a.via)))
        models = tuple(
            ModelFact(line=line(i), relations=tuple(
                RelationFact(line=line(j), **rel) for j, rel in relations), **fields)
            for i, fields, relations in self.models
        )
        return strings, models, access


_SINGLE = frozenset({"get", "create", "first", "last", "latest", "earliest", "aget", "acreate",
                     "afirst", "alast", "alatest", "aearliest", "one", "one_or_none", "scalar"})


def _model_of(value: cst.CSTNode, many: bool) -> str | None:
    """The model a call returns an instance (``many``: instances) of, when it says so."""
    if type(value) is not cst.Call:
        return None
    chain = _dotted(value.func)
    if chain is not None:
        parts = chain.split(".")
        if len(parts) >= 3 and parts[-2] in _MANAGERS and (many or parts[-1] in _SINGLE):
            return ".".join(parts[:-2])
        if not many and len(parts) >= 2 and parts[-2].endswith("session") \
                and parts[-1] == "get" and value.args:
            return _dotted(value.args[0].value)
        if not many and parts[-1][:1].isupper() and not parts[-1].isupper():
            return chain  # Order(...): a class called, an instance made
        return None
    methods = []  # X.objects.filter(...).first()
    current = value
    while type(current) is cst.Call and type(current.func) is cst.Attribute:
        methods.append(current.func.attr.value)
        inner = current.func.value
        if type(inner) is not cst.Call:
            return None
        chain = _dotted(inner.func)
        if chain is not None:
            parts = chain.split(".")
            if len(parts) >= 3 and parts[-2] in _MANAGERS and (many or methods[0] in _SINGLE):
                return ".".join(parts[:-2])
            return None
        current = inner
    return None
