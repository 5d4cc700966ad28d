"""The shape of a gate rule. Each rule is one small module; ``rules/__init__`` registers it.

A rule type declares its id (also its key in ``[tool.advisor.gate]``), its default severity and
guidance, the extra options it accepts, a strict ``parse`` of them, and ``check``, which returns
findings from the gate context. Metric rules also ``measure`` values the baseline ratchets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from advisor.gate.context import GateContext
from advisor.gate.model import Finding
from advisor.graph import Edge


class RuleType(Protocol):
    id: str
    title: str
    description: str
    default_severity: str
    guidance: str
    options: dict[str, str]  # extra keys besides severity and guidance -> one-line help

    def parse(self, table: dict[str, Any], where: str) -> Any: ...

    def check(self, ctx: GateContext, edges: tuple[Edge, ...], params: Any) -> list[Finding]: ...


@dataclass(frozen=True, slots=True)
class Limits:
    """Options shared by metric rules."""

    max: float | None = None  # absolute ceiling
    max_growth: float | None = None  # allowed increase over the baseline value
    packages: tuple[str, ...] = ()  # package-level rules: which packages (patterns)
    where: str = ""


def rounded(value: float) -> float:
    """Metric values are stored and compared at 4 decimals, so reruns never flicker."""
    return value if isinstance(value, int) else round(float(value), 4)
