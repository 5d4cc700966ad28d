from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from marketplace.catalog import api as catalog
from marketplace.orders.contracts import (
    OrderCancelled,
    OrderLineView,
    OrderPlaced,
    OrderStatus,
    OrderView,
    PlaceOrder,
)
from marketplace.orders.models import OrderLineRow, OrderRow
from marketplace.payments import api as payments
from marketplace.shared.db import session_factory, session_scope
from marketplace.shared.events import EventBus, bus
from marketplace.shared.ids import new_id
from marketplace.shared.money import Money, total

log = logging.getLogger(__name__)

MAX_LINES = 50
MAX_QUANTITY = 20


class OrderError(ValueError):
    pass


class OrderService:
    def __init__(self, sessions: sessionmaker[Session], events: EventBus,
                 products: Callable[[list[str]], dict[str, catalog.ProductView]] = catalog.get_products,
                 authorize: Callable = payments.authorize,
                 refund: Callable = payments.refund) -> None:
        self.sessions = sessions
        self.events = events
        self.products = products
        self.authorize = authorize
        self.refund = refund

    def place(self, command: PlaceOrder) -> OrderView:
        quantities = _merge(command)
        products = self.products(list(quantities))
        for product_id in quantities:
            product = products.get(product_id)
            if product is None or not product.published:
                raise OrderError(f"product {product_id} is not available")
            if not product.in_stock:
                raise OrderError(f"product {product_id} is out of stock")
            if product.price.currency != command.currency:
                raise OrderError(f"product {product_id} is priced in {product.price.currency}")

        order_total = total([products[p].price.times(q) for p, q in quantities.items()], command.currency)
        order_id = new_id("ord")
        with session_scope(self.sessions) as session:
            session.add(OrderRow(
                id=order_id, buyer_id=command.buyer_id, status=OrderStatus.PENDING_PAYMENT,
                currency=command.currency, total_minor=order_total.minor,
                lines=[
                    OrderLineRow(product_id=p, title=products[p].title,
                                 unit_price_minor=products[p].price.minor, quantity=q)
                    for p, q in quantities.items()
                ],
            ))

        result = self.authorize(order_id, order_total, command.payment_token)
        status = OrderStatus.CONFIRMED if result.approved else OrderStatus.PAYMENT_FAILED
        self._set_status(order_id, status, payment_id=result.payment_id)
        if result.approved:
            self.events.publish(OrderPlaced(order_id=order_id, buyer_id=command.buyer_id,
                                            quantities=quantities, total=order_total))
        return self.view(order_id)

    def cancel(self, order_id: str, reason: str) -> OrderView:
        order = self.view(order_id)
        if order.status in (OrderStatus.SHIPPED, OrderStatus.CANCELLED):
            raise OrderError(f"order {order_id} is already {order.status}")
        if order.payment_id and order.status == OrderStatus.CONFIRMED:
            self.refund(order.payment_id)
        self._set_status(order_id, OrderStatus.CANCELLED, cancel_reason=reason[:200])
        self.events.publish(OrderCancelled(order_id=order_id, reason=reason))
        return self.view(order_id)

    def mark_shipped(self, order_id: str) -> OrderView:
        if self.view(order_id).status != OrderStatus.CONFIRMED:
            raise OrderError(f"order {order_id} is not confirmed")
        self._set_status(order_id, OrderStatus.SHIPPED)
        return self.view(order_id)

    def on_payment_failed(self, event: payments.PaymentFailed) -> None:
        """Late failures (3-D Secure, fraud review) arrive as events."""
        with session_scope(self.sessions) as session:
            row = session.get(OrderRow, event.order_id)
            if row is not None and row.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.CONFIRMED):
                row.status = OrderStatus.PAYMENT_FAILED
                log.info("order %s payment failed: %s", row.id, event.reason)

    def view(self, order_id: str) -> OrderView:
        with session_scope(self.sessions) as session:
            row = session.get(OrderRow, order_id)
            if row is None:
                raise OrderError(f"unknown order {order_id}")
            return _to_view(row)

    def for_buyer(self, buyer_id: str, limit: int = 20) -> list[OrderView]:
        with session_scope(self.sessions) as session:
            rows = session.scalars(select(OrderRow).where(OrderRow.buyer_id == buyer_id)
                                   .order_by(OrderRow.created_at.desc()).limit(limit))
            return [_to_view(row) for row in rows]

    def _set_status(self, order_id: str, status: OrderStatus, **fields) -> None:
        with session_scope(self.sessions) as session:
            row = session.get(OrderRow, order_id, with_for_update=True)
            row.status = status
            for name, value in fields.items():
                setattr(row, name, value)


def _merge(command: PlaceOrder) -> dict[str, int]:
    if not command.lines:
        raise OrderError("an order needs at least one line")
    if len(command.lines) > MAX_LINES:
        raise OrderError(f"at most {MAX_LINES} lines per order")
    quantities: dict[str, int] = {}
    for line in command.lines:
        if line.quantity <= 0:
            raise OrderError("quantities must be positive")
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
        if quantities[line.product_id] > MAX_QUANTITY:
            raise OrderError(f"at most {MAX_QUANTITY} of one product")
    return quantities


def _to_view(row: OrderRow) -> OrderView:
    return OrderView(
        id=row.id, buyer_id=row.buyer_id, status=OrderStatus(row.status),
        total=Money(row.currency, row.total_minor), payment_id=row.payment_id,
        lines=tuple(OrderLineView(l.product_id, l.title, Money(row.currency, l.unit_price_minor),
                                  l.quantity) for l in row.lines),
    )


@lru_cache(maxsize=1)
def default_service() -> OrderService:
    return OrderService(session_factory(), bus)
