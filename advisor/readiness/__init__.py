"""The readiness checklist: the seed article's criteria for microservices, made measurable.

One module per group (operations, organisation, forces, boundaries); ``registry`` lists the
items, ``model`` holds the values and the ``[tool.advisor.readiness]`` configuration, ``inputs``
derives what the items read from the facts and a partition into contexts.
"""

from advisor.readiness.inputs import Inputs, build_inputs
from advisor.readiness.model import (
    Checklist,
    ItemScore,
    ReadinessConfig,
    parse_readiness,
)
from advisor.readiness.registry import ITEMS, SPECS, evaluate


def parse_config(raw, where: str = "[tool.advisor.readiness]") -> ReadinessConfig:
    return parse_readiness(raw, SPECS, where)


__all__ = ["ITEMS", "SPECS", "Checklist", "Inputs", "ItemScore", "ReadinessConfig",
           "build_inputs", "evaluate", "parse_config"]
