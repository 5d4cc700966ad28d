"""The ORM models of a code base, their tables, and how names in code resolve to them.

Models are the ``ModelFact`` classes of Django and SQLAlchemy, plus every class whose base
resolves to one in any module (``class Product(AbstractProduct)``), plus SQLAlchemy ``Table``
objects. Support code (tests, migrations, fixtures: ``advisor.support``) defines none: an Alembic
revision's classes or a test's models own no table.

Tables:
- Django: ``Meta.db_table``, else ``<app label>_<model name lower>``; the app label is
  ``Meta.app_label``, else the ``label`` of the app's ``AppConfig``, else the name of the
  nearest package holding a ``models`` module. A child without its own ``Meta`` (or whose
  ``Meta`` extends the parent's) inherits ``db_table`` and ``app_label`` from an abstract
  parent. Abstract models own no table; a proxy shares its concrete parent's. A model with
  ``HistoricalRecords()`` (django-simple-history) adds ``<label>_historical<model lower>``.
- SQLAlchemy: a class is mapped when it derives from a declarative root (a class deriving
  ``DeclarativeBase``, ``declarative_base()``, Flask-SQLAlchemy's ``db.Model``, SQLModel
  ``table=True``) or names its table. Its table is ``__tablename__``, else the nearest
  ``declared_attr`` rule (``analyzers.tablenames``) or Flask-SQLAlchemy's automatic snake-case
  name. A mapped subclass of a mapped model that declares no primary key of its own is
  single-table inheritance: it shares the parent's table. A mapped class whose name cannot be
  read (a dynamic rule, an unknown base) is *unresolved*. Classes that are not mapped (mixins,
  the declarative base itself) own no table, like abstract ones.

External models (``external=True`` on the resolvers): a relation to a model of an installed app
(``django.contrib.auth``'s ``User``, ``"contenttypes.ContentType"``, a ``django_celery_beat``
model) resolves to a model outside the code base, owned by that app's package, with Django's
table name (``auth_user``, ``django_content_type``...). The user model
(``settings.AUTH_USER_MODEL``, ``get_user_model()``) is the project's own when a settings module
sets ``AUTH_USER_MODEL`` to one of its models, else ``auth.User``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from advisor.graph import DependencyGraph, Resolver

USER = "AUTH_USER_MODEL"
_CONTRIB = frozenset({"auth", "contenttypes", "sites", "admin", "sessions", "flatpages",
                      "redirects", "messages"})
# Django's own apps whose tables do not follow <label>_<model>
_CONTRIB_TABLES = {("contenttypes", "ContentType"): "django_content_type",
                   ("sites", "Site"): "django_site", ("sessions", "Session"): "django_session",
                   ("admin", "LogEntry"): "django_admin_log",
                   ("flatpages", "FlatPage"): "django_flatpage",
                   ("redirects", "Redirect"): "django_redirect"}


@dataclass(frozen=True, slots=True)
class ModelInfo:
    module: str
    name: str
    line: int
    framework: str
    abstract: bool  # owns no table by construction (abstract, a mixin, a declarative base)
    table: str | None  # the table it owns
    shares: str | None = None  # qualname of the model whose table it uses (proxy, STI)
    unresolved: bool = False  # mapped, but its table name cannot be read statically
    history_of: str | None = None  # a django-simple-history table: the model it records
    package: str | None = None  # set for a model outside the code base: the app owning it

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def external(self) -> bool:
        return self.package is not None


Key = tuple[str, str]


class ModelIndex:
    """The models of the code base with the resolvers that map names in code to them."""

    def __init__(self, graph: DependencyGraph, resolver: Resolver, infos: list[ModelInfo],
                 facts: dict | None = None, parents: dict | None = None,
                 aliases: dict | None = None, app_labels: dict | None = None,
                 model_labels: dict | None = None, user_setting: str | None = None) -> None:
        self.modules, self.resolver = graph.modules, resolver
        self.models = tuple(sorted(infos, key=lambda i: (i.module, i.line, i.name)))
        self.facts = facts or {}  # (module, class) -> ModelFact
        self.parents = parents or {}  # (module, class) -> resolved bases: Key or external str
        self.aliases = aliases or {}  # (module, name) -> alias target
        self.app_labels = app_labels or {}  # app package -> AppConfig label
        self.model_labels = model_labels or {}  # (module, class) -> Meta.app_label in effect
        self.user_setting = user_setting  # AUTH_USER_MODEL as set by the project, if it is
        self._labels: dict[str, str] = {}
        self._external: dict[Key, ModelInfo] = {}
        self._defined: dict[str, set[str]] = {}
        self.in_module: dict[str, dict[str, ModelInfo]] = defaultdict(dict)
        self._by_name: dict[str, list[ModelInfo]] = defaultdict(list)
        self._by_label: dict[tuple[str, str], list[ModelInfo]] = defaultdict(list)
        self._by_table: dict[str, list[ModelInfo]] = defaultdict(list)
        self.by_key: dict[Key, ModelInfo] = {}
        for info in self.models:
            self.by_key[info.module, info.name] = info
            self.in_module[info.module][info.name] = info
            self._by_name[info.name.lower()].append(info)
            label = self.model_labels.get((info.module, info.name)) or self.label_of(info.module)
            self._by_label[label, info.name.lower()].append(info)
            if info.table:
                self._by_table[info.table.lower()].append(info)
        self.labels = {label for label, _ in self._by_label}

    def app_package(self, module: str) -> str:
        """The package of a module's Django app: its nearest ancestor holding ``models``."""
        parts = module.split(".")
        for cut in range(len(parts), 0, -1):
            if ".".join(parts[:cut] + ["models"]) in self.modules:
                return ".".join(parts[:cut])
        return ".".join(parts[:-1]) if len(parts) > 1 else parts[0]

    def label_of(self, module: str) -> str:
        found = self._labels.get(module)
        if found is None:
            package = self.app_package(module)
            found = self.app_labels.get(package) or package.rpartition(".")[2]
            self._labels[module] = found
        return found

    @staticmethod
    def _prefer(found: list[ModelInfo], origin: str = "") -> list[ModelInfo]:
        concrete = [i for i in found if not i.abstract] or found
        if origin and len(concrete) > 1:
            def shared(i: ModelInfo) -> int:
                a, b = i.module.split("."), origin.split(".")
                return next((k for k, (x, y) in enumerate(zip(a, b)) if x != y),
                            min(len(a), len(b)))
            best = max(shared(i) for i in concrete)
            concrete = [i for i in concrete if shared(i) == best]
        return concrete

    def by_label(self, label: str, name: str) -> list[ModelInfo]:
        return self._prefer(self._by_label.get((label, name.lower()), []))

    def _in(self, module: str | None, name: str) -> list[ModelInfo]:
        info = self.in_module.get(module or "", {}).get(name)
        return [info] if info else []

    # --- outside the code base ------------------------------------------------------------
    def external_model(self, package: str, name: str) -> ModelInfo:
        """A model of an installed app (``django.contrib.auth``, ``django_celery_beat``)."""
        label = package.rpartition(".")[2]
        found = self._external.get((package, name))
        if found is None:
            table = _CONTRIB_TABLES.get((label, name), f"{label}_{name.lower()}")
            found = ModelInfo(f"{package}.models", name, 0, "django", False, table,
                              package=package)
            self._external[package, name] = found
        return found

    def user_model(self, external: bool) -> list[ModelInfo]:
        if self.user_setting:
            found = self.resolve_string(self.user_setting, "", external)
            if found:
                return found
        if not external or not any(i.framework == "django" for i in self.models):
            return []
        return [self.external_model("django.contrib.auth", "User")]

    def _external_binding(self, origin: str, chain: str) -> str | None:
        """``User`` bound by ``from django.contrib.auth.models import User`` ->
        ``django.contrib.auth.models.User``; None when the name is the code base's."""
        module = self.modules.get(origin)
        if module is None:
            return None
        parts = chain.split(".")
        bound = self.resolver.bindings(module).get(parts[0])
        if bound is None or self.resolver.is_internal(bound[0]):
            return None
        target, symbol = bound
        return ".".join([target] + ([symbol] if symbol else []) + parts[1:])

    def _unbound(self, origin: str, name: str) -> bool:
        """``name`` is neither imported nor defined in ``origin`` (a label in a string)."""
        module = self.modules.get(origin)
        if module is None:
            return False
        defined = self._defined.get(origin)
        if defined is None:
            defined = self._defined[origin] = {d.name for d in module.source.definitions}
        return name not in self.resolver.bindings(module) and name not in defined

    def external_dotted(self, dotted: str) -> list[ModelInfo]:
        parts = dotted.split(".")
        if "models" not in parts[:-1] or len(parts) < 3:
            return []
        package = ".".join(parts[:parts.index("models")])
        return [self.external_model(package, parts[-1])] if package else []

    # --- resolvers -------------------------------------------------------------------------
    def resolve_string(self, value: str, origin: str, external: bool = False) -> list[ModelInfo]:
        """``"app.Model"``, ``"Model"`` (same app), ``"app.module.Model"``; "self" -> []."""
        parts = value.split(".")
        if value == "self" or not all(parts):
            return []
        if parts[-1] == USER:
            return self.user_model(external)
        if len(parts) == 1:
            return (self._in(origin, value) or self.by_label(self.label_of(origin), value)
                    or self._prefer(self._by_name.get(value.lower(), []), origin))
        if len(parts) == 2:
            found = self.by_label(parts[0], parts[1])
            if not found and external and parts[0] not in self.labels:
                package = f"django.contrib.{parts[0]}" if parts[0] in _CONTRIB else parts[0]
                found = [self.external_model(package, parts[1])]
            return found
        found = [i for i in self._by_name.get(parts[-1].lower(), [])
                 if i.module.endswith(".".join(parts[:-1]))]
        return self._prefer(found, origin)

    def resolve_name(self, chain: str, origin: str, external: bool = False) -> list[ModelInfo]:
        """A model named in code (``Order``, ``models.Order``, ``table:orders_order``)."""
        if chain.startswith("table:"):
            return self._prefer(self._by_table.get(chain[6:].lower(), []))
        parts = chain.split(".")
        if chain == "self" or parts[0] in ("self", "cls"):
            return []
        if parts[-1] in (USER, "get_user_model"):
            return self.user_model(external)
        dotted = self._external_binding(origin, chain)
        if dotted is not None:  # a name imported from an installed package
            return self.external_dotted(dotted) if external else []
        if len(parts) == 2 and self._unbound(origin, parts[0]):  # "app_label.Model"
            found = self.resolve_string(chain, origin, external)
            if found or parts[0] not in self.labels:
                return found
        found = self._in(origin, parts[0]) if len(parts) == 1 else []
        if not found:
            target = (self.resolver.symbol(origin, parts[0]) if len(parts) == 1
                      else self.resolver.reference_target(self.modules[origin], chain))
            found = self._in(target, parts[-1])
            alias = self.aliases.get((target or "", parts[-1]))
            if not found and alias is not None:
                return self.resolve_string(alias, target or origin, external)
            dotted = self._external_binding(target, parts[-1]) if target != origin else None
            if not found and dotted is not None:  # re-exported from an installed package
                return self.external_dotted(dotted) if external else []
        if not found and len(parts) == 2:
            found = self.by_label(parts[0], parts[1])
        return found or self._prefer(self._by_name.get(parts[-1].lower(), []), origin)
