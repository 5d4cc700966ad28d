"""The shape of a contract type: one small module each, registered in ``contracts/__init__``.

A contract type declares its extra keys, parses them strictly, describes a configured contract
in one line and checks it against the gate's edges. Selectors are resolved at check time, when
the module names are known; a pattern that matches nothing is a configuration error there.
"""

from __future__ import annotations

from typing import Any, Protocol

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
