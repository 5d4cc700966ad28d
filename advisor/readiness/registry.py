"""The checklist: every item in a fixed order, scored with the configured weights/thresholds."""

from __future__ import annotations

from advisor.readiness import boundaries, forces, operations, organisation
from advisor.readiness.inputs import Inputs
from advisor.readiness.model import (
    DISABLED,
    MEASURED,
    NO_DATA,
    Checklist,
    ItemScore,
    ItemSpec,
    ReadinessConfig,
    clamp,
)

ITEMS: tuple[ItemSpec, ...] = (operations.ITEMS + organisation.ITEMS + forces.ITEMS
                               + boundaries.ITEMS)
SPECS: dict[str, ItemSpec] = {spec.id: spec for spec in ITEMS}


def thresholds(spec: ItemSpec, config: ReadinessConfig) -> dict[str, float]:
    values = {key: default for key, (default, _) in spec.thresholds.items()}
    values.update(config.thresholds.get(spec.id, {}))
    return values


def evaluate(inputs: Inputs, config: ReadinessConfig | None = None) -> Checklist:
    config = config or ReadinessConfig()
    scored = []
    for spec in ITEMS:
        weight = config.weights.get(spec.id, spec.weight)
        if spec.id in config.disabled or weight == 0:
            scored.append(ItemScore(spec.id, spec.title, spec.group, weight, None, DISABLED,
                                    "switched off in [tool.advisor.readiness]", (), ""))
            continue
        result = spec.check(inputs, thresholds(spec, config))
        score = None if result.score is None else round(clamp(result.score), 4)
        scored.append(ItemScore(spec.id, spec.title, spec.group, weight, score,
                                NO_DATA if score is None else MEASURED, result.summary,
                                result.evidence, result.advice, dict(result.facts)))
    return Checklist(tuple(scored))
