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
        out: dict[str, str] = {}
        where = f"{self.config_file or ''} [tool.advisor.gate.contexts]".lstrip()
        problems = Problems()
        for name, patterns in self.context_patterns:
            roots = problems.value(self.select, patterns, f"{where} '{name}'", default=[])
            for module in self.graph.modules:
                if module not in out and any(selectors.within(module, r) for r in roots):
                    out[module] = name
        problems.raise_any()
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
        resolved = [(set(self.select((s,), f"{where} 'ignore_imports'")),
                     set(self.select((t,), f"{where} 'ignore_imports'"))) for s, t in pairs]
        return tuple(e for e in edges if not any(
            selectors.owner(e.source, s) and selectors.owner(e.target, t) for s, t in resolved))

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


def verb(edge: Edge) -> str:
    return "imports" if any(k in _IMPORT_KINDS for k in edge.kinds) else "uses"
