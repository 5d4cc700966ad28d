"""The CI gate: thresholds on coupling metrics and dependency contracts, ratcheted by a baseline.

``load_gate_config`` parses ``[tool.advisor.gate]``; ``run_gate`` checks an ``Analysis`` and
returns a ``GateResult``; ``baseline`` reads, writes and tightens the baseline file. Rules live
one per module under ``rules/`` (metrics, cycles) and ``contracts/`` (contract types).
"""

from __future__ import annotations

from advisor.gate.baseline import (
    DEFAULT_BASELINE,
    Baseline,
    BaselineError,
    default_path,
    from_result,
    load_baseline,
    render_baseline,
    tighten,
)
from advisor.gate.check import run_gate
from advisor.gate.config import GateConfig, load_gate_config, parse_gate
from advisor.gate.model import GateResult, Violation

__all__ = [
    "DEFAULT_BASELINE",
    "Baseline",
    "BaselineError",
    "GateConfig",
    "GateResult",
    "Violation",
    "default_path",
    "from_result",
    "load_baseline",
    "load_gate_config",
    "parse_gate",
    "render_baseline",
    "run_gate",
    "tighten",
]
