"""Who owns which data: ORM models resolved to their module and context, and the data facts that
cross contexts (foreign writes, foreign keys, transactions).

Model resolution is shared with the clustering (``advisor.modelindex``), so both see the same
models and tables: Django and SQLAlchemy models (inherited across modules), SQLAlchemy ``Table``
objects, django-simple-history tables; abstract models, mixins, proxies and single-table
inheritance children own no table (a write through a proxy or a child is a write of the table it
shares). Names are resolved the way Python would (imports, re-exports), then as Django strings
(``"app_label.Model"``, ``"Model"`` in the same app); raw SQL (``table:orders_order``) and
``ForeignKey("orders.id")`` columns resolve by table name. A foreign key may point outside the
code base (``auth_user`` of ``django.contrib.auth``, ``django_content_type``...): that model is
listed in ``external_models``, its context the app's package. Which keys a table holds:
``advisor.data_relations``. Models whose table name cannot be read statically are
``unresolved``; the readiness items say "no data" when they are most of them.

Contexts come from a partition ``module -> context name`` (None: the shared kernel). A write is
*foreign* when the writing module's context differs from the context owning the table (the kernel
counts as a context of its own here). A foreign key *crosses* when it points into a domain
context from outside it (pointing into the shared kernel is what a kernel is for). A transaction
*spans* when the tables written inside one atomic block belong to two or more domain contexts.
Support code is left out (``advisor.support``: tests, migrations, fixtures, test settings, by
path and content): a migration or a test writing a table is not a writer, and a model a test
defines owns no table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.data_relations import foreign_keys
from advisor.graph import DependencyGraph, Resolver
from advisor.modeltables import build_model_index
from advisor.support import support_modules
from analyzers.support import path_kind

KERNEL = "(shared kernel)"
"""The pseudo-context name of modules the partition leaves out (None)."""

def is_support_module(path: str) -> bool:
    """Tests, test fixtures, migrations and test settings, as far as the path tells (the
    content and graph rules need the module: ``advisor.support.support_modules``)."""
    return path_kind(path) is not None


def label(context: str | None) -> str:
    return KERNEL if context is None else context


@dataclass(frozen=True, slots=True)
class ModelRef:
    module: str
    name: str
    line: int
    table: str | None  # the table it owns; None for abstract models, proxies, STI children
    context: str | None  # outside the code base: the installed app owning it
    abstract: bool
    shares: str | None = None  # qualname of the model whose table it uses (proxy, STI child)
    unresolved: bool = False  # a mapped model whose table name cannot be read statically

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True, slots=True)
class Write:
    table: str
    owner: str | None  # context owning the table
    module: str  # the writing module
    path: str
    line: int
    context: str | None  # the writing module's context
    via: str  # "objects.filter.update", "session.add", "raw-sql"...
    transaction: int = 0  # line of the enclosing atomic block, 0 if none


@dataclass(frozen=True, slots=True)
class ForeignKey:
    source: str  # model qualname holding the field
    field: str
    kind: str
    target: str  # model qualname pointed at
    source_context: str | None
    target_context: str | None
    path: str
    line: int

    @property
    def crosses(self) -> bool:
        return self.target_context is not None and self.source_context != self.target_context


@dataclass(frozen=True, slots=True)
class Transaction:
    module: str
    path: str
    line: int  # of the atomic block
    contexts: tuple[str, ...]  # domain contexts whose tables are written inside it
    tables: tuple[str, ...]

    @property
    def spans(self) -> bool:
        return len(self.contexts) >= 2


@dataclass(frozen=True)
class ContextData:
    name: str
    tables: tuple[str, ...]  # tables of its concrete models
    foreign_writes: tuple[Write, ...]  # writes into its tables from other contexts
    writes_elsewhere: tuple[Write, ...]  # its writes into other contexts' tables
    foreign_keys: tuple[ForeignKey, ...]  # crossing FKs from or into it
    transactions: tuple[Transaction, ...]  # spanning transactions touching it

    @property
    def clean(self) -> bool:
        return not (self.foreign_writes or self.writes_elsewhere or self.foreign_keys
                    or self.transactions)


@dataclass(frozen=True)
class DataOwnership:
    models: tuple[ModelRef, ...]
    writes: tuple[Write, ...]  # resolved writes, support modules left out
    foreign_keys: tuple[ForeignKey, ...]  # resolved relations
    transactions: tuple[Transaction, ...]  # atomic blocks with at least one resolved write
    contexts: Mapping[str, ContextData]  # domain contexts (kernel excluded)
    external_models: tuple[ModelRef, ...] = ()  # foreign keys' targets outside the code base

    @property
    def unresolved(self) -> tuple[ModelRef, ...]:
        """Mapped models whose table name could not be read (a dynamic ``__tablename__``)."""
        return tuple(m for m in self.models if m.unresolved)

    @property
    def tables(self) -> dict[str, ModelRef]:
        return {m.table: m for m in self.models if m.table}

    def writers(self) -> dict[str, dict[str, list[Write]]]:
        """table -> writer context label -> writes."""
        out: dict[str, dict[str, list[Write]]] = defaultdict(lambda: defaultdict(list))
        for w in self.writes:
            out[w.table][label(w.context)].append(w)
        return out

    def shared_tables(self) -> dict[str, dict[str, list[Write]]]:
        """Tables written from two or more contexts (the kernel counting as one), with their
        writers; most writer contexts first, then by name."""
        shared = {t: dict(ws) for t, ws in self.writers().items() if len(ws) >= 2}
        return dict(sorted(shared.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    def contested_tables(self) -> dict[str, dict[str, list[Write]]]:
        """Tables written from a context other than the one owning them (alone or besides the
        owner), with all their writers; most writer contexts first, then by name."""
        owner = {t: label(m.context) for t, m in self.tables.items()}
        found = {t: dict(ws) for t, ws in self.writers().items() if set(ws) - {owner.get(t)}}
        return dict(sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    @property
    def cross_foreign_keys(self) -> tuple[ForeignKey, ...]:
        return tuple(fk for fk in self.foreign_keys if fk.crosses)

    @property
    def spanning_transactions(self) -> tuple[Transaction, ...]:
        return tuple(t for t in self.transactions if t.spans)


def build_data_ownership(graph: DependencyGraph, partition: Mapping[str, str | None],
                         index=None) -> DataOwnership:
    """``index``: a ``advisor.modelindex.ModelIndex`` already built for ``graph`` (else
    built)."""
    support = support_modules(graph)
    if index is None:
        index = build_model_index(graph, Resolver(graph.modules), support)
    ctx = {name: partition.get(name) for name in graph.modules}
    models = tuple(ModelRef(i.module, i.name, i.line, None if i.abstract else i.table,
                            ctx[i.module], i.abstract, i.shares, i.unresolved)
                   for i in index.models if i.module not in support)
    by_key = {(m.module, m.name): m for m in models}
    by_qualname = {m.qualname: m for m in models}
    outside: dict[str, ModelRef] = {}

    def ref(info) -> ModelRef | None:
        """The model owning the table ``info`` uses (a proxy's or STI child's parent)."""
        if info.external:
            return outside.setdefault(info.qualname, ModelRef(
                info.module, info.name, info.line, info.table, info.package, False))
        found = by_key.get((info.module, info.name))
        if found is not None and found.table is None and found.shares:
            found = by_qualname.get(found.shares)
        return found

    def resolve(target: str, origin: str, external: bool = False) -> ModelRef | None:
        found = {r.qualname: r for i in index.resolve_name(target, origin, external)
                 if (r := ref(i)) is not None and r.table}
        return next(iter(found.values())) if len(found) == 1 else None  # ambiguous: nothing

    writes: list[Write] = []
    blocks: dict[tuple[str, int], list[Write]] = defaultdict(list)
    for name, module in graph.modules.items():
        if name in support:
            continue
        for access in module.source.data_access:
            if access.operation != "write":
                continue
            model = resolve(access.target, name)
            if model is None:
                continue
            w = Write(model.table, model.context, name, module.path, access.line, ctx[name],
                      access.via, access.transaction)
            writes.append(w)
            if access.transaction:
                blocks[name, access.transaction].append(w)
    fks = [ForeignKey(source.qualname, field, kind, target.qualname, source.context,
                      target.context, path, line)
           for source, field, kind, target, path, line in foreign_keys(
               graph, index, support, models, ref, resolve)]
    transactions = []
    for (name, line), ws in sorted(blocks.items()):
        touched = sorted({w.owner for w in ws if w.owner is not None})
        transactions.append(Transaction(name, graph.modules[name].path, line, tuple(touched),
                                        tuple(sorted({w.table for w in ws}))))
    data = DataOwnership(models, tuple(sorted(writes, key=_write_key)), tuple(fks),
                         tuple(transactions), {}, tuple(sorted(outside.values(),
                                                               key=lambda m: m.qualname)))
    return DataOwnership(data.models, data.writes, data.foreign_keys, data.transactions,
                         _per_context(data, ctx), data.external_models)


def _write_key(w: Write) -> tuple:
    return (w.table, w.path, w.line)


def _per_context(data: DataOwnership, ctx: Mapping[str, str | None]) -> dict[str, ContextData]:
    names = sorted({c for c in ctx.values() if c is not None})
    out = {}
    for name in names:
        out[name] = ContextData(
            name=name,
            tables=tuple(sorted(m.table for m in data.models if m.table and m.context == name)),
            foreign_writes=tuple(w for w in data.writes if w.owner == name and w.context != name),
            writes_elsewhere=tuple(w for w in data.writes
                                   if w.context == name and w.owner != name),
            foreign_keys=tuple(fk for fk in data.foreign_keys if fk.crosses
                               and name in (fk.source_context, fk.target_context)),
            transactions=tuple(t for t in data.transactions if t.spans and name in t.contexts),
        )
    return out


def write_doc(w: Write) -> dict:
    return {"table": w.table, "owner": label(w.owner), "writer": label(w.context),
            "module": w.module, "path": w.path, "line": w.line, "via": w.via}


def data_document(data: DataOwnership) -> dict:
    """The JSON-able form (assessment document): per context and the crossing facts."""
    return {
        "contexts": [
            {"name": c.name, "tables": list(c.tables),
             "foreign_writes": [write_doc(w) for w in c.foreign_writes],
             "writes_elsewhere": [write_doc(w) for w in c.writes_elsewhere],
             "foreign_keys": [_fk_doc(fk) for fk in c.foreign_keys],
             "transactions": [_tx_doc(t) for t in c.transactions]}
            for c in data.contexts.values()
        ],
        "contested_tables": [
            {"table": table, "owner": label(data.tables[table].context),
             "writers": {who: [f"{w.path}:{w.line}" for w in ws] for who, ws in sorted(
                 writers.items())}}
            for table, writers in data.contested_tables().items()
        ],
        "cross_foreign_keys": [_fk_doc(fk) for fk in data.cross_foreign_keys],
        "spanning_transactions": [_tx_doc(t) for t in data.spanning_transactions],
    }


def _fk_doc(fk: ForeignKey) -> dict:
    return {"source": fk.source, "field": fk.field, "target": fk.target,
            "from": label(fk.source_context), "to": label(fk.target_context),
            "path": fk.path, "line": fk.line}


def _tx_doc(t: Transaction) -> dict:
    return {"module": t.module, "path": t.path, "line": t.line, "contexts": list(t.contexts),
            "tables": list(t.tables)}
