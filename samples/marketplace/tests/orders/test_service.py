from datetime import datetime, timezone

import pytest

from marketplace.catalog.api import ProductView
from marketplace.orders.contracts import LineRequest, OrderPlaced, OrderStatus, PlaceOrder
from marketplace.orders.models import OrdersBase
from marketplace.orders.service import OrderError, OrderService
from marketplace.payments.api import AuthorizationResult, PaymentFailed
from marketplace.shared.money import Money


def _product(pid, price=1000, published=True, in_stock=True, currency="EUR"):
    return ProductView(pid, "slr_1", f"Product {pid}", "", ("Home",), Money(currency, price),
                       in_stock, published, 2, datetime(2024, 1, 1, tzinfo=timezone.utc))


class FakePayments:
    def __init__(self, approve=True):
        self.approve, self.authorized, self.refunded = approve, [], []

    def authorize(self, order_id, amount, token):
        self.authorized.append((order_id, amount))
        return AuthorizationResult("pay_1", self.approve, None if self.approve else "insufficient_funds")

    def refund(self, payment_id, amount=None):
        self.refunded.append(payment_id)


@pytest.fixture()
def make_service(make_sessions, events):
    catalog = {"p1": _product("p1", 1250), "p2": _product("p2", 400),
               "gone": _product("gone", published=False), "usd": _product("usd", currency="USD")}

    def make(payments=None):
        payments = payments or FakePayments()
        service = OrderService(make_sessions(OrdersBase), events,
                               products=lambda ids: {i: catalog[i] for i in ids if i in catalog},
                               authorize=payments.authorize, refund=payments.refund)
        return service, payments

    return make


def _order(*lines, token="tok_visa"):
    return PlaceOrder("buyer_1", tuple(LineRequest(p, q) for p, q in lines), token)


def test_place_snapshots_prices_and_announces(make_service, events):
    service, payments = make_service()
    view = service.place(_order(("p1", 2), ("p2", 1), ("p1", 1)))
    assert view.status == OrderStatus.CONFIRMED
    assert view.total == Money("EUR", 3 * 1250 + 400)
    assert payments.authorized[0][1] == view.total
    placed = [e for e in events.recorded if isinstance(e, OrderPlaced)]
    assert placed[0].quantities == {"p1": 3, "p2": 1}


def test_declined_payment_marks_order_failed_without_event(make_service, events):
    service, _ = make_service(FakePayments(approve=False))
    view = service.place(_order(("p1", 1)))
    assert view.status == OrderStatus.PAYMENT_FAILED
    assert events.recorded == []


@pytest.mark.parametrize("lines, message", [
    ((), "at least one line"),
    ((("gone", 1),), "not available"),
    ((("usd", 1),), "priced in USD"),
    ((("p1", 21),), "at most 20"),
])
def test_invalid_orders(make_service, lines, message):
    service, _ = make_service()
    with pytest.raises(OrderError, match=message):
        service.place(_order(*lines))


def test_cancel_refunds_confirmed_order(make_service):
    service, payments = make_service()
    view = service.place(_order(("p2", 1)))
    assert service.cancel(view.id, "changed my mind").status == OrderStatus.CANCELLED
    assert payments.refunded == ["pay_1"]
    with pytest.raises(OrderError):
        service.cancel(view.id, "again")


def test_late_payment_failure_event(make_service):
    service, _ = make_service()
    view = service.place(_order(("p2", 1)))
    service.on_payment_failed(PaymentFailed(payment_id="pay_1", order_id=view.id, reason="3ds"))
    assert service.view(view.id).status == OrderStatus.PAYMENT_FAILED
