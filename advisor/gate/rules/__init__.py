"""Built-in gate rules, in the order outputs list them. Adding a rule is one module + one line.

The context-level rules read ``[tool.advisor.gate.contexts]`` (which ``advisor analyze``
proposes in advisor-gate.toml).
"""

from __future__ import annotations

from advisor.gate.rules.base import Limits, RuleType
from advisor.gate.rules.cycles import CONTEXT_CYCLES, MODULE_CYCLES, PACKAGE_CYCLES
from advisor.gate.rules.empty_graph import EMPTY_GRAPH
from advisor.gate.rules.metrics import (
    CROSS_CONTEXT_EDGES,
    CROSS_PACKAGE_EDGES,
    INSTABILITY,
    MAIN_SEQUENCE_DISTANCE,
    PROPAGATION_COST,
    MetricRule,
)

RULES: dict[str, RuleType] = {
    rule.id: rule
    for rule in (
        MODULE_CYCLES,
        PACKAGE_CYCLES,
        CONTEXT_CYCLES,
        PROPAGATION_COST,
        CROSS_PACKAGE_EDGES,
        CROSS_CONTEXT_EDGES,
        INSTABILITY,
        MAIN_SEQUENCE_DISTANCE,
        EMPTY_GRAPH,
    )
}

__all__ = ["RULES", "Limits", "MetricRule", "RuleType"]
