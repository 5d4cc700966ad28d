from __future__ import annotations

import pytest

from bookshop.models import OrderStatus
from bookshop.services.orders import (
    BasketItem,
    OrderError,
    cancel_order,
    mark_paid,
    place_order,
    shipping_for,
)


def test_shipping_is_free_above_threshold():
    assert shipping_for(3500) == 0
    assert shipping_for(1000) == 450
    assert shipping_for(0) == 0


def test_place_order_reserves_stock(session, dune):
    order = place_order(session, "Reader@Example.org", [BasketItem(dune.id, 2)])
    assert order.customer_email == "reader@example.org"
    assert order.subtotal_cents == 2 * 1299
    assert order.shipping_cents == 450
    assert dune.stock == 3


def test_not_enough_stock(session, hobbit):
    with pytest.raises(OrderError, match="only 2 copies"):
        place_order(session, "a@b.c", [BasketItem(hobbit.id, 1), BasketItem(hobbit.id, 2)])
    assert hobbit.stock == 2


def test_cancel_returns_stock(session, dune):
    order = place_order(session, "a@b.c", [BasketItem(dune.id, 4)])
    cancel_order(session, order.id)
    assert order.status is OrderStatus.CANCELLED
    assert dune.stock == 5


def test_cannot_pay_cancelled_order(session, dune):
    order = place_order(session, "a@b.c", [BasketItem(dune.id, 1)])
    cancel_order(session, order.id)
    with pytest.raises(OrderError):
        mark_paid(session, order.id)
