"""The foreign keys each table holds, with the line that declares each.

A table's keys are the relations declared on its model and on the classes it inherits fields
from: Django abstract models, SQLAlchemy mixins and ``declared_attr`` columns (a concrete parent
keeps its own). Kinds that hold no column are left out: SQLAlchemy ``relationship()`` (the key
is the ``ForeignKey`` column it uses), ``GenericRelation``. Added by the framework:
- Django multi-table inheritance: a concrete model deriving from a concrete model (the code
  base's, or an installed app's such as ``django_celery_beat``'s ``PeriodicTask``) holds a
  one-to-one key to its parent's table (declared at the class line);
- django-simple-history: the historical table copies the model's foreign and one-to-one keys
  (not many-to-many) and adds ``history_user`` -> the user model (at the ``HistoricalRecords()``
  line).
A single-table-inheritance child's keys live in its parent's table. Keys to the same table are
left out.
"""

from __future__ import annotations

from analyzers.facts import MODEL_CLASS, MODEL_TABLE

NO_COLUMN = frozenset({"relationship", "Relationship", "GenericRelation", "HistoricalRecords"})
_COPIED = frozenset({"ForeignKey", "OneToOneField", "ParentalKey"})
_NOT_CONCRETE = ("Model", "Mixin", "Base")


def relation_target(kind: str, target: str) -> str:
    """``ForeignKey("books.id")`` on a SQLAlchemy column names a table and a column (a schema
    may come first: ``"core.books.id"``)."""
    if kind == "ForeignKey-column" and "." in target:
        return "table:" + target.split(".")[-2]
    return target


def _external_parent(dotted: str) -> bool:
    """An imported base that is a concrete model of an installed app, as far as names tell."""
    parts = dotted.split(".")
    last = parts[-1]
    return ("models" in parts[:-1] and not last.startswith("Abstract")
            and not last.endswith(_NOT_CONCRETE) and not dotted.startswith("django.db."))


def foreign_keys(graph, index, support, models, ref, resolve) -> list[tuple]:
    """(source ModelRef, field, kind, target ModelRef, path, line) for each key."""
    declared: dict[tuple[str, str], tuple] = {}
    for name, module in graph.modules.items():
        if name not in support:
            for fact in module.source.models:
                if fact.kind in (MODEL_CLASS, MODEL_TABLE):
                    declared[name, fact.name] = fact.relations

    def concrete(key) -> bool:
        info = index.by_key.get(key)
        return info is not None and not info.abstract and bool(info.table or info.shares)

    def inherited(key) -> list[tuple[str, object]]:
        """(declaring module, relation): own, then from the non-table classes it derives."""
        out, seen, stack = [], {key}, [key]
        while stack:
            current = stack.pop()
            out += [(current[0], rel) for rel in declared.get(current, ())]
            for parent in reversed(index.parents.get(current, ())):
                if type(parent) is tuple and parent not in seen and not concrete(parent):
                    seen.add(parent)
                    stack.append(parent)
        return out

    found: list[tuple] = []
    done: set[tuple] = set()

    def add(source, field, kind, target, module, line) -> None:
        if target is None or target.table == source.table:
            return
        key = (source.qualname, field, target.qualname, module, line)
        if key not in done:
            done.add(key)
            found.append((source, field, kind, target, graph.modules[module].path, line))

    for model in models:
        if model.abstract or model.unresolved:
            continue
        key = (model.module, model.name)
        info = index.by_key[key]
        source = ref(info)
        if source is None:
            continue
        if info.history_of is not None:
            module, _, name = info.history_of.rpartition(".")
            for where, rel in inherited((module, name)):
                if rel.kind in _COPIED:
                    add(source, rel.field, rel.kind,
                        resolve(relation_target(rel.kind, rel.target), where, True), where,
                        rel.line)
            for user in index.user_model(True):
                add(source, "history_user", "ForeignKey", ref(user), model.module, model.line)
            continue
        for where, rel in inherited(key):
            if rel.kind not in NO_COLUMN:
                add(source, rel.field, rel.kind,
                    resolve(relation_target(rel.kind, rel.target), where, True), where, rel.line)
        if info.framework == "django" and model.table:
            for parent in index.parents.get(key, ()):
                target = None
                if type(parent) is tuple and concrete(parent):
                    target = ref(index.by_key[parent])
                elif type(parent) is str and _external_parent(parent):
                    target = next((ref(i) for i in index.external_dotted(parent)), None)
                if target is not None:
                    add(source, f"{target.name.lower()}_ptr", "OneToOneField", target,
                        model.module, model.line)
    return found
