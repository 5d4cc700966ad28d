"""Public interface of payments."""

from __future__ import annotations

from marketplace.payments.contracts import (
    AuthorizationResult,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
    PaymentStatus,
    PaymentView,
)
from marketplace.payments.service import default_service
from marketplace.shared.money import Money


def authorize(order_id: str, amount: Money, payment_token: str) -> AuthorizationResult:
    return default_service().authorize(order_id, amount, payment_token)


def capture(payment_id: str) -> None:
    default_service().capture(payment_id)


def refund(payment_id: str, amount: Money | None = None) -> None:
    default_service().refund(payment_id, amount)


def get_payment(payment_id: str) -> PaymentView:
    return default_service().view(payment_id)


__all__ = [
    "AuthorizationResult", "PaymentCaptured", "PaymentFailed", "PaymentRefunded",
    "PaymentStatus", "PaymentView", "authorize", "capture", "refund", "get_payment",
]
