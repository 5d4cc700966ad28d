"""The module dependency graph: import facts and name uses resolved to internal modules.

Import semantics follow Python (and grimp): ``import a.b`` -> ``a.b``; ``from a import b`` ->
``a.b`` when ``b`` is a submodule, else ``a``; relative imports resolved against the importing
module's package. Uses of imported names (``models.CharField(...)``) are followed to the module
that defines the name, through re-exports in ``__init__`` modules and star imports.

Plain dicts and tuples here: building the graph must not pay for importing networkx (the warm
path of ``advisor graph`` and ``advisor check`` stays fast); clustering builds its own networkx
graph from the signals.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field

from analyzers.facts import (
    DYNAMIC,
    FROM,
    IMPORT,
    CodebaseFacts,
    ImportFact,
    ModuleFacts,
)

STRING = "string"  # a framework string naming code: "app.Model", apps.get_model, task names
EDGE_KINDS = ("import", "dynamic", "call", "inheritance", "reference", STRING)
IMPORT_TAGS = ("lazy", "conditional", "type_checking")
_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kinds: tuple[str, ...]  # sorted subset of EDGE_KINDS
    weight: float  # number of import statements and name uses behind the edge
    lines: tuple[int, ...]  # lines in the source module, sorted
    tags: tuple[str, ...] = ()  # import tags shared by every import behind the edge


@dataclass(frozen=True, slots=True)
class Problem:
    module: str
    path: str
    line: int
    detail: str


@dataclass(frozen=True)
class DependencyGraph:
    modules: dict[str, ModuleFacts]  # name -> facts, sorted by name
    edges: tuple[Edge, ...]  # sorted by (source, target)
    external: dict[str, tuple[str, ...]]  # module -> third-party top-level packages it imports
    stdlib: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


class Resolver:
    """Python's name resolution over the internal modules: absolute names of relative imports,
    the module an imported name binds, and the module that defines a (re-exported) symbol."""

    def __init__(self, modules: dict[str, ModuleFacts]) -> None:
        self.modules = modules
        self.tops = {name.partition(".")[0] for name in modules}
        self._bindings: dict[str, dict[str, tuple[str, str | None]]] = {}
        self._symbols: dict[tuple[str, str], str | None] = {}
        self._defined = {
            name: {d.name for d in m.source.definitions} for name, m in modules.items()
        }

    # --- imports -------------------------------------------------------------------------
    def absolute(self, module: ModuleFacts, fact: ImportFact) -> str | None:
        """The absolute module named by an import, or None if it climbs above the top."""
        if not fact.level:
            return fact.module
        parts = module.package.split(".") if module.package else []
        keep = len(parts) - (fact.level - 1)
        if keep <= 0:
            return None
        return ".".join(parts[:keep] + ([fact.module] if fact.module else []))

    def nearest(self, name: str) -> str | None:
        """``name`` if it is a module here, else its nearest ancestor that is."""
        while name:
            if name in self.modules:
                return name
            name = name.rpartition(".")[0]
        return None

    def is_internal(self, name: str) -> bool:
        return name.partition(".")[0] in self.tops

    def import_targets(self, module: ModuleFacts, fact: ImportFact, base: str) -> list[str]:
        if fact.form == FROM and not fact.star:
            targets = []
            for name, _ in fact.names:
                sub = f"{base}.{name}" if base else name
                targets.append(sub if sub in self.modules else base)
            return targets
        return [base]

    # --- names -----------------------------------------------------------------------------
    def bindings(self, module: ModuleFacts) -> dict[str, tuple[str, str | None]]:
        """local name -> (module, None) for a bound module, (module, symbol) for a name."""
        found = self._bindings.get(module.name)
        if found is not None:
            return found
        found = {}
        for fact in module.source.imports:
            if fact.form == DYNAMIC:
                continue
            base = self.absolute(module, fact)
            if base is None:
                continue
            if fact.form == IMPORT:
                if fact.asname:
                    found.setdefault(fact.asname, (base, None))
                else:
                    top = base.partition(".")[0]
                    found.setdefault(top, (top, None))
            elif not fact.star:
                for name, asname in fact.names:
                    sub = f"{base}.{name}" if base else name
                    if sub in self.modules:
                        found.setdefault(asname or name, (sub, None))
                    else:
                        found.setdefault(asname or name, (base, name))
        self._bindings[module.name] = found
        return found

    def symbol(self, module_name: str, name: str, depth: int = 0) -> str | None:
        """The internal module that defines ``module_name.name``."""
        key = (module_name, name)
        if key in self._symbols:
            return self._symbols[key]
        self._symbols[key] = module_name  # guards against re-export cycles
        result = self._symbol(module_name, name, depth)
        self._symbols[key] = result
        return result

    def _symbol(self, module_name: str, name: str, depth: int) -> str | None:
        module = self.modules.get(module_name)
        if module is None:
            return None
        if name in self._defined[module_name]:
            return module_name
        sub = f"{module_name}.{name}"
        if sub in self.modules:
            return sub
        if depth > 20:
            return module_name
        bound = self.bindings(module).get(name)
        if bound is not None:
            target, symbol = bound
            if symbol is None:
                return self.nearest(target) if self.is_internal(target) else module_name
            if target in self.modules:
                return self.symbol(target, symbol, depth + 1)
            return module_name
        for fact in module.source.imports:
            if fact.star:
                base = self.absolute(module, fact)
                if base in self.modules and self._knows(base, name):
                    return self.symbol(base, name, depth + 1)
        return module_name

    def _knows(self, module_name: str, name: str) -> bool:
        return (
            name in self._defined[module_name]
            or f"{module_name}.{name}" in self.modules
            or name in self.bindings(self.modules[module_name])
        )

    def reference_target(self, module: ModuleFacts, chain: str) -> str | None:
        parts = chain.split(".")
        bound = self.bindings(module).get(parts[0])
        if bound is None:
            return None
        target, symbol = bound
        if symbol is not None:
            return self.symbol(target, symbol) if target in self.modules else None
        if not self.is_internal(target):
            return None
        current = self.nearest(target)
        if current is None:
            return None
        rest = parts[1:] if current == target else []
        for part in rest:
            sub = f"{current}.{part}"
            if sub in self.modules:
                current = sub
                continue
            return self.symbol(current, part)
        return current


def build_graph(facts: CodebaseFacts) -> DependencyGraph:
    modules = {m.name: m for m in sorted(facts.modules, key=lambda m: m.name)}
    resolver = Resolver(modules)
    # (source, target) -> [kinds, weight, lines, tag sets of the imports]
    acc: dict[tuple[str, str], list] = {}
    external: dict[str, set[str]] = defaultdict(set)
    stdlib: dict[str, set[str]] = defaultdict(set)
    problems: list[Problem] = []

    def add(source: str, target: str, kind: str, line: int, tags: tuple[str, ...] | None):
        if source == target:
            return
        entry = acc.get((source, target))
        if entry is None:
            entry = acc[(source, target)] = [set(), 0, set(), []]
        entry[0].add(kind)
        entry[1] += 1
        if line:
            entry[2].add(line)
        if tags is not None:
            entry[3].append(frozenset(tags))

    for name, module in modules.items():
        for fact in module.source.imports:
            base = resolver.absolute(module, fact)
            if base is None:
                problems.append(Problem(name, module.path, fact.line,
                                        f"relative import (level {fact.level}) climbs above the "
                                        "top-level package"))
                continue
            if not base:
                continue
            if not resolver.is_internal(base):
                top = base.partition(".")[0]
                (stdlib if top in _STDLIB else external)[name].add(top)
                continue
            kind = "dynamic" if fact.form == DYNAMIC else "import"
            for target in resolver.import_targets(module, fact, base):
                resolved = resolver.nearest(target)
                if resolved is None:
                    problems.append(Problem(name, module.path, fact.line,
                                            f"import of {target!r} matches no module here"))
                    continue
                add(name, resolved, kind, fact.line, fact.contexts)
        for ref in module.source.references:
            target = resolver.reference_target(module, ref.name)
            if target is not None:
                add(name, target, ref.kind, ref.line, None)

    edges = []
    for (source, target), (kinds, weight, lines, tag_sets) in sorted(acc.items()):
        tags = frozenset.intersection(*tag_sets) if tag_sets else frozenset()
        edges.append(Edge(source, target, tuple(sorted(kinds)), float(weight),
                          tuple(sorted(lines)), tuple(sorted(tags))))
    return DependencyGraph(
        modules=modules,
        edges=tuple(edges),
        external={k: tuple(sorted(v)) for k, v in sorted(external.items())},
        stdlib={k: tuple(sorted(v)) for k, v in sorted(stdlib.items())},
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.line, p.detail))),
    )


def package_of(module: ModuleFacts) -> str:
    return module.name if module.is_package else (module.name.rpartition(".")[0] or module.name)


def filter_edges(graph: DependencyGraph, kinds: tuple[str, ...] | None = None,
                 exclude_tags: tuple[str, ...] = ()) -> tuple[Edge, ...]:
    """Edges restricted to some kinds (``string`` ones exist only in a graph from
    ``advisor.string_edges.with_strings``). A dependency whose every import carries an
    excluded tag is dropped whole, name uses included (the uses of a ``TYPE_CHECKING`` import
    are annotations)."""
    out = []
    for e in graph.edges:
        if exclude_tags and any(t in e.tags for t in exclude_tags):
            continue
        keep = [k for k in e.kinds if kinds is None or k in kinds]
        if keep:
            out.append(Edge(e.source, e.target, tuple(keep), e.weight, e.lines, e.tags))
    return tuple(out)
