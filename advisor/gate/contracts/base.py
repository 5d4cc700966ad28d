"""The shape of a contract type: one small module each, registered in ``contracts/__init__``.

A contract type declares its extra keys, parses them strictly, describes a configured contract
in one line and checks it against the gate's edges. Selectors are resolved at check time, when
the module names are known; a pattern that matches nothing is a configuration error there.
"""

from __future__ import annotations

from typing import Any, Protocol

from advisor.errors import ConfigError
from advisor.gate import selectors
from advisor.gate.context import GateContext, verb
from advisor.gate.model import Finding
from advisor.graph import Edge


class ContractType(Protocol):
    type: str
    guidance: str  # default guidance
    options: dict[str, str]  # type-specific keys -> one-line help

    def parse(self, table: dict[str, Any], where: str) -> Any: ...

    def describe(self, params: Any) -> str: ...

    def check(self, ctx: GateContext, edges: tuple[Edge, ...], params: Any) -> list[Finding]: ...


def edge_finding(ctx: GateContext, edge: Edge, reason: str) -> Finding:
    """A finding for one offending dependency, at the line of its import in the source file."""
    path, line = ctx.edge_location(edge)
    return Finding(key=f"{edge.source} -> {edge.target}", path=path, line=line,
                   message=f"{edge.source} {verb(edge)} {edge.target}: {reason}")


def names(patterns: tuple[str, ...]) -> str:
    return ", ".join(patterns)


def transitive_flag(table: dict[str, Any], where: str) -> bool:
    value = table.get("transitive", False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: 'transitive' must be true or false, not {value!r}",
                          "true also checks indirect dependencies, as import-linter does")
    return value


TRANSITIVE_HELP = ("true: also a dependency through other modules (a -> x -> b), as "
                   "import-linter checks by default (default false: direct ones only)")


def indirect_findings(ctx: GateContext, edges: tuple[Edge, ...], upstream: str,
                      downstream: str, reason: str, skip=lambda module: False) -> list[Finding]:
    """One finding per (module under ``upstream``, module under ``downstream``) that depends
    on the other only through a chain of two or more dependencies, the shortest one shown.
    As import-linter (grimp's shortest chains between two packages): the chain's inner
    modules lie outside both packages, so each chain starts at its last module under
    ``upstream`` and ends at its first under ``downstream``. ``skip``: exempt upstream modules."""
    succ = _successors(ctx, edges)

    def outside(module: str) -> bool:
        return not selectors.within(module, upstream) and not selectors.within(module, downstream)

    findings = []
    for start in sorted(m for m in ctx.graph.modules if selectors.within(m, upstream)
                        and not skip(m)):
        parent: dict[str, Edge] = {}
        frontier, seen, ends = [start], {start}, []
        while frontier:
            nxt = []
            for module in frontier:
                for e in succ.get(module, ()):
                    if e.target in seen:
                        continue
                    seen.add(e.target)
                    parent[e.target] = e
                    if selectors.within(e.target, downstream):
                        ends.append(e.target)
                    elif outside(e.target):
                        nxt.append(e.target)
            frontier = nxt
        for end in ends:
            chain = [parent[end]]
            while chain[-1].source != start:
                chain.append(parent[chain[-1].source])
            if len(chain) > 1:
                chain.reverse()
                findings.append(_chain_finding(ctx, chain, reason))
    return findings


def _successors(ctx: GateContext, edges: tuple[Edge, ...]) -> dict[str, list[Edge]]:
    key = ("successors", id(edges))
    if key not in ctx.memo:
        succ: dict[str, list[Edge]] = {}
        for e in edges:
            succ.setdefault(e.source, []).append(e)
        ctx.memo[key] = (edges, succ)  # holds ``edges`` so its id is not reused
    return ctx.memo[key][1]


def _chain_finding(ctx: GateContext, chain: list[Edge], reason: str) -> Finding:
    first, last = chain[0], chain[-1]
    path, line = ctx.edge_location(first)
    via = " -> ".join([first.source] + [e.target for e in chain])
    return Finding(key=f"{first.source} -> {last.target}", path=path, line=line,
                   message=f"{first.source} depends on {last.target} indirectly ({via}): "
                           f"{reason}")
