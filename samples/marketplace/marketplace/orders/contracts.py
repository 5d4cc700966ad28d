from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from marketplace.shared.events import Event
from marketplace.shared.money import Money


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    PAYMENT_FAILED = "payment_failed"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class LineRequest:
    product_id: str
    quantity: int


@dataclass(frozen=True)
class PlaceOrder:
    buyer_id: str
    lines: tuple[LineRequest, ...]
    payment_token: str
    currency: str = "EUR"


@dataclass(frozen=True)
class OrderLineView:
    product_id: str
    title: str
    unit_price: Money
    quantity: int


@dataclass(frozen=True)
class OrderView:
    id: str
    buyer_id: str
    status: OrderStatus
    total: Money
    lines: tuple[OrderLineView, ...]
    payment_id: str | None


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(Event):
    order_id: str
    buyer_id: str
    quantities: dict[str, int]  # product id -> quantity
    total: Money


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(Event):
    order_id: str
    reason: str
