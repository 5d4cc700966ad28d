"""Contract types, by the ``type`` key of ``[[tool.advisor.gate.contracts]]``."""

from __future__ import annotations

from advisor.gate.contracts.base import ContractType
from advisor.gate.contracts.forbidden import FORBIDDEN
from advisor.gate.contracts.independence import INDEPENDENCE
from advisor.gate.contracts.layers import LAYERS
from advisor.gate.contracts.public_interface import PUBLIC_INTERFACE

CONTRACT_TYPES: dict[str, ContractType] = {
    c.type: c for c in (FORBIDDEN, LAYERS, INDEPENDENCE, PUBLIC_INTERFACE)
}

__all__ = ["CONTRACT_TYPES", "ContractType"]
