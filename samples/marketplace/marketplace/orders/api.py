"""Public interface of orders."""

from __future__ import annotations

from marketplace.orders.contracts import (
    LineRequest,
    OrderCancelled,
    OrderLineView,
    OrderPlaced,
    OrderStatus,
    OrderView,
    PlaceOrder,
)
from marketplace.orders.service import OrderError, default_service
from marketplace.payments import api as payments
from marketplace.shared.events import EventBus


def place_order(command: PlaceOrder) -> OrderView:
    return default_service().place(command)


def get_order(order_id: str) -> OrderView:
    return default_service().view(order_id)


def cancel_order(order_id: str, reason: str) -> OrderView:
    return default_service().cancel(order_id, reason)


def install(events: EventBus) -> None:
    """Subscribe orders to the events it reacts to."""
    events.subscribe(payments.PaymentFailed, default_service().on_payment_failed)


__all__ = [
    "LineRequest", "OrderCancelled", "OrderError", "OrderLineView", "OrderPlaced", "OrderStatus",
    "OrderView", "PlaceOrder", "place_order", "get_order", "cancel_order", "install",
]
