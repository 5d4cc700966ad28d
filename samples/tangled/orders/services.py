"""Order workflow: placing, paying, shipping, cancelling.

Talks directly to billing, inventory and customers (and their tables) because that was quicker.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing import services as billing_services
from billing.models import Invoice
from core.models import Address, InvoiceStatus, OrderStatus, audit, notify
from core.utils import next_number
from customers import services as customer_services
from customers.models import Customer
from inventory import services as inventory_services
from inventory.models import Product
from orders.models import Coupon, Order, OrderLine


class OrderError(Exception):
    pass


@dataclass
class Item:
    sku: str
    quantity: int


def _new_number() -> str:
    last = Order.objects.order_by("-id").values_list("number", flat=True).first()
    return next_number("ORD", last)


def apply_coupon(order: Order, code: str) -> None:
    coupon = Coupon.objects.select_for_update().filter(code__iexact=code.strip()).first()
    if coupon is None or not coupon.is_valid():
        raise OrderError(f"coupon {code!r} is not valid")
    order.coupon = coupon
    Coupon.objects.filter(pk=coupon.pk).update(uses=F("uses") + 1)


def place_order(customer: Customer, items: list[Item], coupon_code: str = "",
                address: Address | None = None, actor=None) -> Order:
    if customer.is_blocked:
        raise OrderError(f"customer {customer.pk} is blocked: {customer.blocked_reason}")
    if not items:
        raise OrderError("no items")

    with transaction.atomic():
        order = Order.objects.create(
            number=_new_number(),
            customer=customer,
            shipping_address=address or customer.address,
            currency_id=settings.SHOP_CURRENCY,
            status=OrderStatus.PENDING,
            placed_at=timezone.now(),
        )
        products = {
            p.sku: p for p in Product.objects.select_for_update().filter(
                sku__in=[i.sku for i in items], is_active=True
            )
        }
        for item in items:
            product = products.get(item.sku)
            if product is None:
                raise OrderError(f"unknown product {item.sku}")
            line = OrderLine.objects.create(
                order=order, product=product, quantity=item.quantity, unit_price=product.price
            )
            inventory_services.reserve_stock(line)
        if coupon_code:
            apply_coupon(order, coupon_code)
        order.recalculate_totals(save=False)
        order.save()

        if not customer_services.can_order(customer, order.total):
            raise OrderError("credit limit exceeded")

        billing_services.create_invoice(order)
        customer.last_order_at = order.placed_at
        customer.save(update_fields=["last_order_at"])
        audit(order, "placed", actor=actor, total=order.total)

    notify(customer.email, f"Order {order.number} received",
           f"Thanks! We received your order for {order.total}.", order=order)
    return order


def on_payment_received(order: Order) -> None:
    """Called by billing once an invoice is settled."""
    order.refresh_from_db()
    if order.status == OrderStatus.BACKORDERED:
        return
    if order.is_settled:
        order.status = OrderStatus.PAID
        order.paid_at = order.paid_at or timezone.now()
        order.save(update_fields=["status", "paid_at", "updated_at"])
        customer_services.award_loyalty(order.customer, order)


def confirm_backorder(order: Order) -> None:
    """Inventory calls this when stock arrived for a back-ordered order."""
    for line in order.lines.filter(reserved=False):
        inventory_services.reserve_stock(line)
    if order.lines.filter(reserved=False).exists():
        return
    order.status = OrderStatus.PAID if order.is_settled else OrderStatus.PENDING
    order.save(update_fields=["status", "updated_at"])
    notify(order.customer.email, f"Order {order.number} is back in stock",
           "Good news: everything you ordered is now available.", order=order)


def ship_order(order: Order, actor=None) -> Order:
    if not billing_services.is_settled(order):
        raise OrderError(f"order {order.number} is not paid")
    if not order.can_ship():
        raise OrderError(f"order {order.number} cannot ship in state {order.status}")
    with transaction.atomic():
        inventory_services.consume_reservations(order)
        order.status = OrderStatus.SHIPPED
        order.shipped_at = timezone.now()
        order.save()
        audit(order, "shipped", actor=actor)
    notify(order.customer.email, f"Order {order.number} shipped", "It is on its way.", order=order)
    return order


def cancel_order(order: Order, reason: str, actor=None) -> Order:
    if order.status in (OrderStatus.SHIPPED, OrderStatus.CANCELLED):
        raise OrderError(f"order {order.number} is already {order.status}")
    with transaction.atomic():
        inventory_services.release_reservations(order)
        invoice = order.invoice
        if invoice is not None and invoice.status != InvoiceStatus.PAID:
            billing_services.void_invoice(invoice, reason=f"order cancelled: {reason}")
        elif invoice is not None:
            billing_services.refund_order(order, reason=reason)
        Customer.objects.filter(pk=order.customer_id).update(
            loyalty_points=F("loyalty_points") - min(order.customer.loyalty_points, int(order.total))
        )
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = timezone.now()
        order.notes = (order.notes + f"\nCancelled: {reason}").strip()
        order.save()
        audit(order, "cancelled", actor=actor, reason=reason)
    return order


def reorder(order: Order, actor=None) -> Order:
    items = [Item(sku=line.product.sku, quantity=line.quantity) for line in order.lines.all()]
    return place_order(order.customer, items, address=order.shipping_address, actor=actor)


def orders_awaiting_payment(days: int = 7):
    cutoff = timezone.now() - timezone.timedelta(days=days)
    return Order.objects.filter(status=OrderStatus.PENDING, placed_at__lt=cutoff).filter(
        invoice__status__in=[InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE]
    )


def invoice_for(order: Order) -> Invoice | None:
    return Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.VOID).first()
