"""The facts the analyzers hand out: frozen value objects, never libcst nodes."""

from __future__ import annotations

from dataclasses import dataclass, field

# Import contexts: where an import statement sits. An import can carry several.
LAZY = "lazy"  # inside a function or method: runs on call, not on import
CONDITIONAL = "conditional"  # inside try/except ImportError or an ordinary ``if``
TYPE_CHECKING = "type_checking"  # inside ``if TYPE_CHECKING:``: never runs

# Import forms
IMPORT = "import"  # import a.b [as c]
FROM = "from"  # from a import b [as c] / from . import b / from a import *
DYNAMIC = "dynamic"  # importlib.import_module("a.b") / __import__("a.b") with a literal

# Reference kinds
CALL = "call"
INHERITANCE = "inheritance"
REFERENCE = "reference"


@dataclass(frozen=True, slots=True)
class ImportFact:
    """One imported module (``import a, b`` gives two facts; ``from a import x, y`` gives one)."""

    line: int
    form: str  # IMPORT, FROM or DYNAMIC
    module: str  # as written, without leading dots ("" for ``from . import x``)
    level: int = 0  # number of leading dots of a relative import
    names: tuple[tuple[str, str | None], ...] = ()  # FROM: (name, asname) pairs
    asname: str | None = None  # IMPORT: ``import a.b as c`` -> "c"
    star: bool = False  # from a import *
    contexts: tuple[str, ...] = ()  # sorted subset of LAZY, CONDITIONAL, TYPE_CHECKING


@dataclass(frozen=True, slots=True)
class DefinitionFact:
    """A name a module defines at its top level: class, function or assigned variable."""

    name: str
    line: int
    kind: str  # "class", "function" or "variable"
    bases: tuple[str, ...] = ()  # classes: bases as written (dotted names only)
    abstract: bool = False  # classes: ABC / Protocol / abstract methods


@dataclass(frozen=True, slots=True)
class ReferenceFact:
    """Use of a name bound by an import: ``models.CharField(...)`` -> ("models.CharField", CALL)."""

    line: int
    name: str  # dotted chain starting at the imported local name
    kind: str  # CALL, INHERITANCE or REFERENCE


@dataclass(frozen=True, slots=True)
class StringRefFact:
    """A string literal that names code: ``include("shop.urls")``, ``"orders.Order"`` in a
    ForeignKey, ``apps.get_model("orders", "Order")`` (-> "orders.Order"), an INSTALLED_APPS
    entry, a celery route. ``context`` says where it was found: the called function's last name
    (``include``, ``get_model``, ``get_class``, ``ForeignKey``...) or the UPPER_CASE setting it
    is assigned to (``INSTALLED_APPS``, ``CELERY_TASK_ROUTES``...)."""

    line: int
    value: str
    context: str


@dataclass(frozen=True, slots=True)
class RelationFact:
    """A relation declared on an ORM model."""

    line: int
    field: str  # attribute name, e.g. "customer"
    kind: str  # ForeignKey, OneToOneField, ManyToManyField, relationship, ForeignKey-column,
    # ForeignKey-model; HistoricalRecords (django-simple-history: target its table_name or "self")
    target: str  # as written: "Customer", "customers.Customer", "self", "customers.id" (table),
    # "Customer" for ``ForeignKey(Customer.id)`` (kind ForeignKey-model)


MODEL_CLASS = "class"  # a class that looks like an ORM model
MODEL_TABLE = "table"  # a SQLAlchemy ``Table("name", metadata, Column(...))`` bound to a name
MODEL_BASE = "base"  # a declarative base made by a call: ``declarative_base()``, ``SQLAlchemy()``
MODEL_ALIAS = "alias"  # a name bound to a model looked up at run time: ``get_user_model()``
MODEL_APP = "app"  # a Django ``AppConfig`` subclass (its ``label``)


@dataclass(frozen=True, slots=True)
class ModelFact:
    """An ORM declaration (``kind``): mostly a class that looks like a model (fields,
    ``__tablename__``, model bases, a Django ``Meta``). Whether it really is one across modules
    (inherited bases, declarative roots) is decided in advisor."""

    name: str  # class name; the bound variable for a table, base or alias
    line: int
    framework: str  # "django", "sqlalchemy" or "unknown"
    table: str | None  # Meta.db_table / __tablename__ / Table("name"), when given literally
    abstract: bool  # Meta.abstract = True / __abstract__ = True
    bases: tuple[str, ...]  # as written; an alias: its target ("AUTH_USER_MODEL")
    relations: tuple[RelationFact, ...] = ()
    kind: str = MODEL_CLASS
    table_rule: tuple = ()  # __tablename__ rule (``analyzers.tablenames``): declared_attr, base
    primary_key: bool = False  # declares a primary-key column itself
    proxy: bool = False  # Django Meta.proxy = True
    app_label: str | None = None  # Django Meta.app_label; an AppConfig's label
    meta: str = ""  # Django inner Meta: "" none, "own", "extends" (``class Meta(Base.Meta)``)


@dataclass(frozen=True, slots=True)
class DataAccessFact:
    """A read or write of model data: ``Order.objects.filter(...).update(...)`` (write of
    "Order"), ``session.query(Order)`` (read), ``session.add(Order(...))`` (write), raw SQL
    naming a table (target "table:orders_order")."""

    line: int
    target: str  # the chain naming the model as written ("Order", "models.Order") or table:NAME
    operation: str  # "read" or "write"
    via: str  # "objects.filter", "objects.create", "session.add", "session.query", "raw-sql"...
    transaction: int = 0  # line of the enclosing transaction.atomic / session.begin, 0 if none


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """What one file's source says, independent of its path and module name (hence cacheable by
    content hash)."""

    lines: int
    imports: tuple[ImportFact, ...] = ()
    definitions: tuple[DefinitionFact, ...] = ()
    references: tuple[ReferenceFact, ...] = ()
    dunder_all: tuple[str, ...] | None = None  # literal __all__, if any
    strings: tuple[StringRefFact, ...] = ()
    models: tuple[ModelFact, ...] = ()
    data_access: tuple[DataAccessFact, ...] = ()


@dataclass(frozen=True, slots=True)
class SkippedFile:
    path: str  # posix, relative to the analysed root
    reason: str  # one line, says what is wrong and, where it helps, what to do


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    """A Python file that was read and parsed, with the module name it has in the code base."""

    path: str  # posix, relative to the analysed root
    name: str  # dotted module name, e.g. "shop.orders.models"
    is_package: bool  # an __init__.py
    sha256: str
    source: ParsedSource

    @property
    def lines(self) -> int:
        return self.source.lines

    @property
    def package(self) -> str:
        """The package relative imports are resolved against."""
        if self.is_package:
            return self.name
        return self.name.rpartition(".")[0]


@dataclass(frozen=True, slots=True)
class CodebaseFacts:
    root: str  # absolute path of the analysed root
    modules: tuple[ModuleFacts, ...]
    skipped: tuple[SkippedFile, ...] = ()
    source_roots: tuple[str, ...] = ()  # posix, relative to root ("." for the root itself)
    notes: tuple[str, ...] = ()
    stats: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def lines(self) -> int:
        return sum(m.source.lines for m in self.modules)
