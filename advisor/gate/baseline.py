"""The baseline the gate ratchets against: known violations and metric values, as sorted JSON.

    {
      "metrics": {"propagation-cost": {"project": 0.1875}, ...},   # rule -> subject -> value
      "version": 1,
      "violations": {"module-cycles": ["shop.a -> shop.b", ...], ...}  # rule -> keys
    }

Keys name rules and modules, never line numbers, so edits elsewhere in a file leave the baseline
valid. One entry per line and sorted keys keep diffs reviewable.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field

from advisor.errors import AdvisorError
from advisor.gate.model import GateResult
from analyzers.source import Rejected, read_inside, read_named

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".advisor-baseline.json"
MAX_BASELINE_BYTES = 50_000_000  # ~500,000 entries; a larger (or sparse 2 GB) file is refused
EPSILON = 1e-9


class BaselineError(AdvisorError):
    """The baseline file is missing, unreadable or not a baseline (exit code 2)."""


@dataclass(frozen=True)
class Baseline:
    violations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rule -> keys
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)  # rule -> subject -> value
    path: str | None = None

    def knows(self, rule: str, key: str) -> bool:
        return key in self.violations.get(rule, ())

    def value(self, rule: str, subject: str) -> float | None:
        return self.metrics.get(rule, {}).get(subject)

    @property
    def size(self) -> int:
        return sum(len(keys) for keys in self.violations.values())


def default_path(root: str) -> str:
    return os.path.join(root, DEFAULT_BASELINE)


def _invalid(path: str, detail: str) -> BaselineError:
    return BaselineError(f"{path}: not an advisor baseline ({detail})",
                         "regenerate it with 'advisor baseline PATH'")


def load_baseline(path: str, root: str | None = None) -> Baseline:
    """The baseline at ``path``. ``root``: the analysed root, when ``path`` is the repository's
    own file (the default ``.advisor-baseline.json``), which must then be a regular file inside
    it; without it, a file the user named, which may be anywhere. Either way a regular file of
    at most ``MAX_BASELINE_BYTES``, read without blocking. Raises ``BaselineError``: the caller
    replacing the file (``advisor baseline``) catches it."""
    if not os.path.lexists(path):
        raise BaselineError(f"{path}: no such baseline",
                            "create it with 'advisor baseline PATH', or drop --baseline")
    try:
        data = (read_inside(root, path, MAX_BASELINE_BYTES) if root is not None
                else read_named(path, MAX_BASELINE_BYTES))
    except Rejected as exc:
        raise BaselineError(f"{path}: {exc}",
                            "make it a regular file, or regenerate it with 'advisor baseline "
                            "PATH'") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _invalid(path, f"cannot read it as JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise _invalid(path, f"expected a JSON object with \"version\": {BASELINE_VERSION}")
    violations = document.get("violations", {})
    metrics = document.get("metrics", {})
    if not isinstance(violations, dict) or not all(
            isinstance(keys, list) and all(isinstance(k, str) for k in keys)
            for keys in violations.values()):
        raise _invalid(path, "'violations' must map rule ids to lists of strings")
    if not isinstance(metrics, dict) or not all(
            isinstance(values, dict) and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                for v in values.values())
            for values in metrics.values()):
        raise _invalid(path, "'metrics' must map rule ids to {subject: finite number}")
    return Baseline({rule: tuple(sorted(set(keys))) for rule, keys in violations.items()},
                    {rule: dict(values) for rule, values in metrics.items()}, path)


def render_baseline(baseline: Baseline) -> str:
    document = {
        "version": BASELINE_VERSION,
        "violations": {rule: sorted(keys) for rule, keys in baseline.violations.items() if keys},
        "metrics": {rule: values for rule, values in baseline.metrics.items() if values},
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def from_result(result: GateResult, path: str | None = None) -> Baseline:
    """Accept the current state: every violation that can be baselined, and every metric."""
    violations: dict[str, set[str]] = {}
    for v in result.violations:
        if v.baselinable:
            violations.setdefault(v.rule, set()).add(v.key)
    return Baseline({rule: tuple(sorted(keys)) for rule, keys in violations.items()},
                    {rule: dict(values) for rule, values in result.metrics.items()}, path)


def tighten(old: Baseline, result: GateResult) -> Baseline:
    """The baseline ratcheted to the current state, never loosened: entries that no longer
    occur are dropped, metric values only go down, and nothing new is accepted (new violations
    keep failing until fixed, or accepted explicitly with ``advisor baseline``)."""
    current = {(v.rule, v.key) for v in result.violations if v.baselinable}
    violations = {rule: tuple(k for k in keys if (rule, k) in current)
                  for rule, keys in old.violations.items()}
    metrics: dict[str, dict[str, float]] = {rule: dict(values)
                                            for rule, values in old.metrics.items()}
    for rule, values in result.metrics.items():
        before = old.metrics.get(rule)
        if before is None:
            metrics[rule] = dict(values)  # a reference value where there was none: stricter
            continue
        metrics[rule] = {subject: min(value, before[subject]) if subject in before else value
                         for subject, value in values.items()}
    return Baseline(violations, metrics, old.path)
