"""What every gate rule reads: the graph, the edges the gate looks at, and shared lookups."""

from __future__ import annotations

import difflib
from functools import cached_property

from advisor.errors import ConfigError
from advisor.fields import Problems
from advisor.gate import selectors
from advisor.graph import DependencyGraph, Edge, package_of
from advisor.metrics import PackageMetrics, package_metrics

_IMPORT_KINDS = ("import", "dynamic")


class GateContext:
    def __init__(self, graph: DependencyGraph, edges: tuple[Edge, ...],
                 config_file: str | None = None, contracts: int = 0,
                 contexts: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
        self.graph = graph
        self.context_patterns = contexts
        self.edges = edges  # after the gate's kinds / exclude_tags
        self.config_file = config_file  # root-relative, for project-wide findings; or None
        self.contracts = contracts  # enabled contracts, for the empty-graph rule
        self.memo: dict = {}  # values rules compute once per run (keys hold an id(edges))

    # --- shared lookups (computed once per run) -------------------------------------------
    @cached_property
    def owners(self) -> dict[str, str]:
        """module -> its package (``package_of``)."""
        return {name: package_of(m) for name, m in self.graph.modules.items()}

    @cached_property
    def contexts(self) -> dict[str, str] | None:
        """module -> bounded context from ``[tool.advisor.gate.contexts]`` (the first context
        whose patterns cover it); None when no contexts are configured."""
        if not self.context_patterns:
            return None
        where = f"{self.config_file or ''} [tool.advisor.gate.contexts]".lstrip()
        problems = Problems()
        rank: dict[str, int] = {}  # root -> the first context naming it
        for index, (name, patterns) in enumerate(self.context_patterns):
            for root in problems.value(self.select, patterns, f"{where} '{name}'", default=[]):
                rank.setdefault(root, index)
        problems.raise_any()
        out: dict[str, str] = {}
        for module in self.graph.modules:
            found = [rank[a] for a in _ancestors(module) if a in rank]
            if found:
                out[module] = self.context_patterns[min(found)][0]
        return out

    @cached_property
    def names(self) -> list[str]:
        """Every module name and package prefix: what selectors can match."""
        return selectors.candidates(self.graph.modules)

    @cached_property
    def _import_lines(self) -> dict[str, frozenset[int]]:
        return {name: frozenset(f.line for f in m.source.imports)
                for name, m in self.graph.modules.items()}

    @cached_property
    def packages(self) -> dict[str, PackageMetrics]:
        """Package metrics over the gate's edges, by package name."""
        return {p.name: p for p in package_metrics(self.graph, self.edges)}

    def without_tags(self, tags: tuple[str, ...]) -> tuple[Edge, ...]:
        """The gate's edges minus those whose every import carries one of ``tags``."""
        return gate_edges(self.edges, None, tags)

    def without_imports(self, edges: tuple[Edge, ...], pairs: tuple[tuple[str, str], ...],
                        where: str) -> tuple[Edge, ...]:
        """``edges`` minus those allowed by ``source -> target`` pattern pairs."""
        if not pairs:
            return edges
        allowed: dict[str, frozenset[str]] = {}  # source root -> the target roots it may use
        for s, t in pairs:
            targets = frozenset(self.select((t,), f"{where} 'ignore_imports'"))
            for root in self.select((s,), f"{where} 'ignore_imports'"):
                allowed[root] = allowed.get(root, frozenset()) | targets
        memo: dict[str, frozenset[str]] = {}  # module -> target roots allowed from it

        def allowed_from(module: str) -> frozenset[str]:
            if module not in memo:
                memo[module] = frozenset().union(*(allowed[a] for a in _ancestors(module)
                                                   if a in allowed))
            return memo[module]

        return tuple(e for e in edges if not (
            allowed_from(e.source) and selectors.owner(e.target, allowed_from(e.source))))

    # --- locations ---------------------------------------------------------------------------
    def edge_location(self, edge: Edge) -> tuple[str, int]:
        """The source module's file and the line of the import behind ``edge`` (the first one);
        an edge made only of name uses (through a re-export) points at the first use."""
        path = self.graph.modules[edge.source].path
        imports = sorted(set(edge.lines) & self._import_lines[edge.source])
        lines = imports or list(edge.lines)
        return path, (lines[0] if lines else 1)

    def package_location(self, package: str) -> tuple[str | None, int | None]:
        module = self.graph.modules.get(package)
        if module is not None:
            return module.path, 1
        members = sorted(n for n, p in self.owners.items() if p == package)
        return (self.graph.modules[members[0]].path, 1) if members else (None, None)

    def project_location(self) -> tuple[str | None, int | None]:
        return (self.config_file, 1) if self.config_file else (None, None)

    # --- selectors -----------------------------------------------------------------------------
    def select(self, patterns: tuple[str, ...], where: str) -> list[str]:
        """The roots each pattern matches; a pattern that matches nothing is a config error
        (a typo must never turn a contract into a silent pass)."""
        found: set[str] = set()
        problems = Problems()  # every pattern that matches nothing, at once
        for pattern in patterns:
            roots = selectors.roots(pattern, self.names)
            if not roots:
                close = difflib.get_close_matches(pattern, self.names, n=1)
                hint = f"did you mean '{close[0]}'?" if close else \
                    "names are absolute dotted module names, e.g. " \
                    f"'{self.names[-1] if self.names else 'pkg.module'}'"
                problems.add(ConfigError(f"{where}: '{pattern}' matches no module", hint))
            found.update(roots)
        problems.raise_any()
        return sorted(found)


def gate_edges(edges: tuple[Edge, ...], kinds: tuple[str, ...] | None,
               exclude_tags: tuple[str, ...]) -> tuple[Edge, ...]:
    """Edges restricted to ``kinds``, without the dependencies whose every import carries an
    excluded tag. Unlike ``graph.filter_edges``, the name uses behind such an edge go too: a
    name bound only under ``if TYPE_CHECKING:`` (or only inside functions) is used only there,
    so ``exclude_tags = ["type_checking"]`` removes the whole dependency."""
    if kinds is None and not exclude_tags:
        return edges
    out = []
    for e in edges:
        if any(t in e.tags for t in exclude_tags):
            continue
        keep = e.kinds if kinds is None else tuple(k for k in e.kinds if k in kinds)
        if keep:
            out.append(e if keep == e.kinds else
                       Edge(e.source, e.target, keep, e.weight, e.lines, e.tags))
    return tuple(out)


def _ancestors(module: str) -> list[str]:
    """``module`` and each package holding it."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def verb(edge: Edge) -> str:
    return "imports" if any(k in _IMPORT_KINDS for k in edge.kinds) else "uses"
