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
class ParsedSource:
    """What one file's source says, independent of its path and module name (hence cacheable by
    content hash)."""

    lines: int
    imports: tuple[ImportFact, ...] = ()
    definitions: tuple[DefinitionFact, ...] = ()
    references: tuple[ReferenceFact, ...] = ()
    dunder_all: tuple[str, ...] | None = None  # literal __all__, if any


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
