"""Which classes are ORM models and which table each owns (the rules are listed in
``advisor.modelindex``): bases resolved across modules, the framework each class inherits,
Django ``Meta`` inheritance, SQLAlchemy declarative roots, ``declared_attr`` rules and
single-table inheritance."""

from __future__ import annotations

from advisor.graph import DependencyGraph, Resolver
from advisor.modelindex import USER, Key, ModelIndex, ModelInfo
from analyzers.facts import MODEL_ALIAS, MODEL_APP, MODEL_BASE, MODEL_CLASS, MODEL_TABLE
from analyzers.support import path_kind
from analyzers.tablerules import SNAKE, apply_rule

DJANGO, SQLALCHEMY = "django", "sqlalchemy"
_DECLARATIVE = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
_UNKNOWN = "?"  # prefix of a base that resolves nowhere (neither here nor to an import)


def _django_model_base(dotted: str) -> bool:
    """``django.db.models.Model``, Django's abstract user models, or an installed app's
    ``...models.SomethingModel`` (``mptt.models.MPTTModel``); not managers, forms, admins."""
    parts = dotted.split(".")
    if "models" not in parts[:-1]:
        return False
    last = parts[-1]
    return last.endswith("Model") or (dotted.startswith("django.contrib.") and (
        last.startswith("Abstract") or last == "PermissionsMixin"))


class Builder:
    def __init__(self, graph: DependencyGraph, resolver: Resolver, support) -> None:
        self.graph, self.resolver, self.support = graph, resolver, support
        self.facts: dict[Key, object] = {}  # class ModelFacts
        self.tables: list[tuple[str, object]] = []
        self.bases: dict[Key, object] = {}  # declarative bases made by a call
        self.aliases: dict[Key, str] = {}
        self.app_labels: dict[str, str] = {}
        self.classes: dict[Key, tuple[int, tuple[str, ...]]] = {}
        for name, module in graph.modules.items():
            if name in support:
                continue
            for m in module.source.models:
                if m.kind == MODEL_CLASS:
                    self.facts[name, m.name] = m
                elif m.kind == MODEL_TABLE:
                    self.tables.append((name, m))
                elif m.kind == MODEL_BASE:
                    self.bases[name, m.name] = m
                elif m.kind == MODEL_ALIAS and m.bases:
                    self.aliases[name, m.name] = m.bases[0]
                elif m.kind == MODEL_APP and m.app_label:
                    package = name if module.is_package else name.rpartition(".")[0]
                    self.app_labels[package] = m.app_label
            for d in module.source.definitions:
                if d.kind == "class":
                    self.classes[name, d.name] = (d.line, d.bases)
        for key, fact in self.facts.items():
            self.classes.setdefault(key, (fact.line, fact.bases))
        self.by_name: dict[str, list[Key]] = {}  # model-like classes, for run-time bases
        for key, fact in self.facts.items():
            if fact.framework != "unknown" or fact.abstract or fact.proxy or fact.table:
                self.by_name.setdefault(key[1], []).append(key)
        self.parents = {key: tuple(p for p in (self._parent(key[0], b) for b in bases) if p)
                        for key, (_, bases) in self.classes.items()}
        self._framework: dict[Key, str | None] = {}
        self._declarative: dict[Key, bool] = {}
        self._meta: dict[Key, tuple[str | None, str | None]] = {}
        self._owner: dict[Key, ModelInfo | None] = {}
        self._info: dict[Key, ModelInfo | None] = {}
        self._installed: set[str] | None = None
        self._all_apps: set[str] = set()
        self.index_ = ModelIndex(graph, resolver, [], app_labels=self.app_labels)

    # --- bases ---------------------------------------------------------------------------
    def _parent(self, module: str, base: str) -> Key | str | None:
        """A base as a class of the code base (module, name), a declarative base made by a call,
        an imported name (``django.db.models.Model``), or ``?name`` when it resolves nowhere."""
        if base in ("object", "typing.Generic", "Generic"):
            return None
        parts = base.split(".")
        bound = self.resolver.bindings(self.graph.modules[module]).get(parts[0])
        if bound is not None and not self.resolver.is_internal(bound[0]):
            target, symbol = bound
            return ".".join([target] + ([symbol] if symbol else []) + parts[1:])
        if bound is not None and bound[1] and len(parts) == 1:  # from x import A as B
            parts = [bound[1]]
        if len(parts) == 2:  # db.Model: db = SQLAlchemy()
            head = self.resolver.symbol(module, parts[0])
            if (head, parts[0]) in self.bases:
                return head, parts[0]
        if len(parts) == 1:
            key = (self.resolver.symbol(module, base), parts[0])
        else:
            key = (self.resolver.reference_target(self.graph.modules[module], base), parts[-1])
        if key in self.bases or (key in self.classes and key[0] is not None):
            return key
        same = self.by_name.get(parts[-1], ())  # bound at run time (get_class): a unique name
        if len(same) == 1:
            return same[0]
        return _UNKNOWN + base

    def framework(self, key: Key) -> str | None:
        if key in self._framework:
            return self._framework[key]
        self._framework[key] = None  # guards against cycles
        fact = self.facts.get(key)
        found = fact.framework if fact is not None and fact.framework != "unknown" else None
        for parent in self.parents.get(key, ()) if found is None else ():
            if type(parent) is str:
                last = parent.rpartition(".")[2]
                if _django_model_base(parent):
                    found = DJANGO
                elif last in _DECLARATIVE:
                    found = SQLALCHEMY
            elif parent in self.bases:
                found = SQLALCHEMY
            else:
                found = self.framework(parent)
            if found:
                break
        self._framework[key] = found
        return found

    # --- SQLAlchemy ----------------------------------------------------------------------
    @staticmethod
    def _root_name(parent: str) -> bool:
        """A declarative root named by a base that is not a class of the code base:
        ``DeclarativeBase``, an imported ``...Base``, or ``db.Model`` / ``Base`` resolving
        nowhere (Flask-SQLAlchemy's model class, a base made elsewhere)."""
        last = parent.rpartition(".")[2]
        if last in _DECLARATIVE:
            return True
        if parent.startswith(_UNKNOWN):
            flask = parent.count(".") == 1 and last == "Model" and not parent.startswith(
                _UNKNOWN + "models.")
            return flask or last.endswith("Base")
        return last.endswith("Base")

    def _root_parent(self, parent) -> bool:
        """Also a class of the code base that is no model but is named like a base made some
        other way (``@as_declarative() class Base``): its subclasses are mapped."""
        if type(parent) is str:
            return self._root_name(parent)
        return parent in self.bases or (parent[1].endswith("Base") and parent in self.classes
                                        and self.framework(parent) is None)

    def declarative(self, key: Key) -> bool:
        if key in self._declarative:
            return self._declarative[key]
        self._declarative[key] = False
        found = any(self._root_parent(p) or (type(p) is tuple and self.declarative(p))
                    for p in self.parents.get(key, ()))
        self._declarative[key] = found
        return found

    def rule(self, key: Key, seen: frozenset = frozenset()) -> tuple:
        fact = self.facts.get(key)
        if fact is not None and fact.table_rule:
            return fact.table_rule
        for parent in self.parents.get(key, ()):
            if type(parent) is str:
                flask = parent.startswith(_UNKNOWN) and parent.count(".") == 1 \
                    and parent.endswith(".Model")
                found = SNAKE if flask else ()
            elif parent in self.bases:
                found = self.bases[parent].table_rule
            elif parent in seen:
                continue
            else:
                found = self.rule(parent, seen | {key})
            if found:
                return found
        return ()

    def _sqlalchemy(self, key: Key, fact) -> ModelInfo:
        module, name = key
        line = self.classes[key][0]
        parents = self.parents.get(key, ())
        is_base = any(type(p) is str and p.rpartition(".")[2] in _DECLARATIVE for p in parents)
        explicit = fact.table if fact is not None else None
        if (fact is not None and fact.abstract) or is_base or not (
                self.declarative(key) or explicit):
            return ModelInfo(module, name, line, SQLALCHEMY, True, None)
        primary_key = fact is not None and fact.primary_key
        for parent in parents:
            owner = self.owner(parent) if type(parent) is tuple else None
            if owner is not None and not primary_key:  # single-table inheritance
                return ModelInfo(module, name, line, SQLALCHEMY, False, None,
                                 shares=owner.qualname)
        table = explicit or apply_rule(self.rule(key), name)
        return ModelInfo(module, name, line, SQLALCHEMY, False, table, unresolved=not table)

    # --- Django ----------------------------------------------------------------------------
    def meta(self, key: Key) -> tuple[str | None, str | None]:
        """(db_table, app_label) in effect: its own Meta's, completed from an abstract
        parent's when it has no Meta or its Meta extends the parent's."""
        if key in self._meta:
            return self._meta[key]
        self._meta[key] = (None, None)
        fact = self.facts.get(key)
        table, label = (fact.table, fact.app_label) if fact is not None else (None, None)
        if fact is None or fact.meta in ("", "extends"):
            for parent in self.parents.get(key, ()):
                pf = self.facts.get(parent) if type(parent) is tuple else None
                if pf is not None and pf.abstract:
                    ptable, plabel = self.meta(parent)
                    table, label = table or ptable, label or plabel
                    break
        self._meta[key] = (table, label)
        return table, label

    def _django(self, key: Key, fact) -> ModelInfo:
        module, name = key
        line = self.classes[key][0]
        if fact is not None and fact.abstract:
            return ModelInfo(module, name, line, DJANGO, True, None)
        if fact is not None and fact.proxy:
            for parent in self.parents.get(key, ()):
                owner = self.owner(parent) if type(parent) is tuple else None
                if owner is not None:
                    return ModelInfo(module, name, line, DJANGO, False, None,
                                     shares=owner.qualname)
            return ModelInfo(module, name, line, DJANGO, False, None)  # an installed app's
        if not self.installed(self.index_.app_package(module)):
            return ModelInfo(module, name, line, DJANGO, False, None)
        table, label = self.meta(key)
        label = label or self.index_.label_of(module)
        return ModelInfo(module, name, line, DJANGO, False, table or f"{label}_{name.lower()}")

    def installed(self, package: str) -> bool:
        """Is the app listed in the settings' ``*_APPS`` (``INSTALLED_APPS``, ``LOCAL_APPS``...)?
        Yes when those lists cannot be read: no entries, or fewer than half of the apps with
        models found in them (built at run time)."""
        if self._installed is None:
            entries = {f.value for name, m in self.graph.modules.items()
                       if name not in self.support
                       for f in m.source.strings if f.context.endswith("APPS")}
            apps = {self.index_.app_package(k[0]) for k in self.facts
                    if self.framework(k) == DJANGO}
            listed = {a for a in apps if self._listed(a, entries)}
            self._installed = listed if entries and 2 * len(listed) >= len(apps) else apps
            self._all_apps = apps
        return package in self._installed or package not in self._all_apps

    @staticmethod
    def _listed(package: str, entries: set[str]) -> bool:
        return package in entries or any(e.startswith(package + ".") for e in entries)

    # --- all -------------------------------------------------------------------------------
    def info(self, key: Key) -> ModelInfo | None:
        if key in self._info:
            return self._info[key]
        self._info[key] = None  # guards against cycles
        framework = self.framework(key)
        fact = self.facts.get(key)
        found = None
        if framework == DJANGO:
            found = self._django(key, fact)
        elif framework == SQLALCHEMY:
            found = self._sqlalchemy(key, fact)
        self._info[key] = found
        return found

    def owner(self, key: Key) -> ModelInfo | None:
        """The model whose table ``key`` uses (itself, or what it shares), if it has one."""
        if key in self._owner:
            return self._owner[key]
        self._owner[key] = None
        info = self.info(key)
        found = None
        if info is not None and info.table:
            found = info
        elif info is not None and info.shares:
            module, _, name = info.shares.rpartition(".")
            found = self.owner((module, name))
        self._owner[key] = found
        return found

    def index(self, user_setting: str | None) -> ModelIndex:
        infos, labels = [], {}
        for key in sorted(self.classes):
            info = self.info(key)
            if info is None:
                continue
            infos.append(info)
            fact = self.facts.get(key)
            if info.framework == DJANGO:
                label = self.meta(key)[1]
                if label:
                    labels[key] = label
                history = next((r for r in (fact.relations if fact else ())
                                if r.kind == "HistoricalRecords"), None)
                if history is not None and info.table:
                    label = label or self.index_.label_of(key[0])
                    table = (history.target if history.target != "self"
                             else f"{label}_historical{key[1].lower()}")
                    infos.append(ModelInfo(key[0], f"Historical{key[1]}", history.line, DJANGO,
                                           False, table, history_of=info.qualname))
        for module, fact in self.tables:
            infos.append(ModelInfo(module, fact.name, fact.line, SQLALCHEMY, False, fact.table))
        return ModelIndex(self.graph, self.resolver, infos, facts=self.facts,
                          parents=self.parents, aliases=self.aliases,
                          app_labels=self.app_labels, model_labels=labels,
                          user_setting=user_setting)


def _user_setting(graph: DependencyGraph, support) -> str | None:
    for name, module in sorted(graph.modules.items()):
        if name in support or path_kind(module.path):
            continue
        for fact in module.source.strings:
            if fact.context == USER and fact.value.count(".") == 1:
                return fact.value
    return None


def build_model_index(graph: DependencyGraph, resolver: Resolver,
                      support=None) -> ModelIndex:
    if support is None:
        from advisor.support import support_modules

        support = support_modules(graph)
    return Builder(graph, resolver, support).index(_user_setting(graph, support))

