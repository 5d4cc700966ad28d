"""Stock levels, reservations and goods-in."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing.models import Invoice
from core.models import InvoiceStatus, MovementKind, OrderStatus, audit, notify
from inventory.models import Product, Reservation, StockMovement
from orders import services as order_services
from orders.models import Order, OrderLine


def reserve_stock(line: OrderLine) -> bool:
    """Reserve stock for one order line; back-order the whole order if there is not enough."""
    product = Product.objects.select_for_update().get(pk=line.product_id)
    if product.available < line.quantity:
        order = line.order
        if order.status != OrderStatus.BACKORDERED:
            order.status = OrderStatus.BACKORDERED
            order.save(update_fields=["status", "updated_at"])
        return False
    Reservation.objects.update_or_create(
        order_line=line,
        defaults={
            "product": product,
            "quantity": line.quantity,
            "expires_at": timezone.now() + dt.timedelta(minutes=settings.SHOP_RESERVATION_MINUTES),
        },
    )
    OrderLine.objects.filter(pk=line.pk).update(reserved=True)
    return True


def release_reservations(order: Order) -> int:
    released = Reservation.objects.filter(order_line__order=order).delete()[0]
    order.lines.update(reserved=False)
    return released


def consume_reservations(order: Order) -> None:
    for reservation in Reservation.objects.filter(order_line__order=order).select_related("order_line"):
        Product.objects.filter(pk=reservation.product_id).update(stock=F("stock") - reservation.quantity)
        StockMovement.objects.create(
            product_id=reservation.product_id, kind=MovementKind.SALE,
            quantity=-reservation.quantity, order=order,
        )
        reservation.delete()


def receive_goods(product: Product, quantity: int, note: str = "", actor=None) -> None:
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=F("stock") + quantity)
        StockMovement.objects.create(
            product=product, kind=MovementKind.RECEIPT, quantity=quantity, note=note
        )
        audit(product, "received", actor=actor, quantity=quantity)
        waiting = Order.objects.filter(
            status=OrderStatus.BACKORDERED, lines__product=product
        ).distinct().order_by("placed_at")
        for order in waiting:
            order_services.confirm_backorder(order)


def adjust_stock(product: Product, new_level: int, note: str, actor=None) -> None:
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        delta = new_level - product.stock
        product.stock = new_level
        product.save(update_fields=["stock", "updated_at"])
        StockMovement.objects.create(
            product=product, kind=MovementKind.ADJUSTMENT, quantity=delta, note=note
        )
        audit(product, "adjusted", actor=actor, delta=delta)


def expire_reservations(now=None) -> int:
    """Cancel unpaid orders whose reservations expired and void their invoices."""
    now = now or timezone.now()
    expired = Reservation.objects.filter(expires_at__lte=now).select_related("order_line")
    order_ids = {r.order_line.order_id for r in expired}
    with transaction.atomic():
        stale = Order.objects.filter(pk__in=order_ids, status=OrderStatus.PENDING)
        stale_ids = list(stale.values_list("pk", flat=True))
        Reservation.objects.filter(order_line__order_id__in=stale_ids).delete()
        OrderLine.objects.filter(order_id__in=stale_ids).update(reserved=False)
        stale.update(status=OrderStatus.CANCELLED, cancelled_at=now)
        Invoice.objects.filter(order_id__in=stale_ids, status=InvoiceStatus.ISSUED).update(
            status=InvoiceStatus.VOID
        )
    return len(stale_ids)


def low_stock_report():
    products = Product.objects.filter(is_active=True).order_by("sku")
    return [p for p in products if p.needs_reorder()]


def notify_low_stock(recipient: str = "purchasing@tangled.example") -> int:
    low = low_stock_report()
    if low:
        body = "\n".join(f"{p.sku}: {p.available} left (reorder at {p.reorder_level})" for p in low)
        notify(recipient, f"{len(low)} products need reordering", body)
    return len(low)
