from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from marketplace.shared.events import Event
from marketplace.shared.money import Money


class PaymentStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    REFUNDED = "refunded"
    VOIDED = "voided"


@dataclass(frozen=True)
class PaymentView:
    id: str
    order_id: str
    amount: Money
    status: PaymentStatus
    psp_reference: str | None


@dataclass(frozen=True)
class AuthorizationResult:
    payment_id: str
    approved: bool
    decline_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class PaymentCaptured(Event):
    payment_id: str
    order_id: str
    amount: Money


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(Event):
    payment_id: str
    order_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(Event):
    payment_id: str
    order_id: str
    amount: Money
