"""Customer accounts: credit checks, loyalty, blocking, merging duplicates, GDPR erasure."""

from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from billing import services as billing_services
from billing.models import Invoice
from core.models import Address, AuditLog, OrderStatus, audit, notify
from customers.models import Customer, CustomerNote
from orders import services as order_services
from orders.models import Order


class CustomerError(Exception):
    pass


def register(email: str, name: str, address: Address | None = None) -> Customer:
    email = email.strip().lower()
    if Customer.objects.filter(email=email).exists():
        raise CustomerError(f"{email} already registered")
    return Customer.objects.create(
        email=email, name=name.strip(), address=address,
        credit_limit=Decimal(settings.SHOP_CREDIT_LIMIT_DEFAULT),
    )


def can_order(customer: Customer, amount) -> bool:
    if customer.is_blocked:
        return False
    outstanding = billing_services.outstanding_balance(customer)
    return outstanding + Decimal(amount) <= customer.credit_limit


def award_loyalty(customer: Customer, order: Order) -> int:
    points = int(order.total) * settings.SHOP_LOYALTY_POINTS_PER_POUND
    Customer.objects.filter(pk=customer.pk).update(loyalty_points=F("loyalty_points") + points)
    return points


def block_customer(customer: Customer, reason: str, actor=None) -> None:
    with transaction.atomic():
        customer.is_blocked = True
        customer.blocked_reason = reason[:200]
        customer.save(update_fields=["is_blocked", "blocked_reason", "updated_at"])
        held = Order.objects.filter(
            customer=customer, status__in=[OrderStatus.PENDING, OrderStatus.BACKORDERED]
        ).update(status=OrderStatus.ON_HOLD)
        audit(customer, "blocked", actor=actor, reason=reason, orders_held=held)
    notify(customer.email, "Your account is on hold",
           f"We put your account on hold: {reason}. Please contact us.")


def unblock_customer(customer: Customer, actor=None) -> None:
    with transaction.atomic():
        customer.is_blocked = False
        customer.blocked_reason = ""
        customer.save(update_fields=["is_blocked", "blocked_reason", "updated_at"])
        for order in Order.objects.filter(customer=customer, status=OrderStatus.ON_HOLD):
            order.status = OrderStatus.PENDING
            order.save(update_fields=["status", "updated_at"])
        audit(customer, "unblocked", actor=actor)


def merge_customers(primary: Customer, duplicate: Customer, actor=None) -> Customer:
    """Move everything from a duplicate account to the primary one."""
    if primary.pk == duplicate.pk:
        raise CustomerError("cannot merge a customer into itself")
    BillingAccount = apps.get_model("billing", "BillingAccount")
    with transaction.atomic():
        Order.objects.filter(customer=duplicate).update(customer=primary)
        Invoice.objects.filter(customer=duplicate).update(customer=primary)
        BillingAccount.objects.filter(customer=duplicate).update(customer=primary)
        CustomerNote.objects.filter(customer=duplicate).update(customer=primary)
        primary.loyalty_points += duplicate.loyalty_points
        primary.balance += duplicate.balance
        primary.last_order_at = max(
            filter(None, [primary.last_order_at, duplicate.last_order_at]), default=None
        )
        primary.save()
        duplicate.merged_into = primary
        duplicate.loyalty_points = 0
        duplicate.balance = 0
        duplicate.is_blocked = True
        duplicate.blocked_reason = f"merged into {primary.pk}"
        duplicate.save()
        audit(primary, "merged", actor=actor, duplicate=duplicate.pk)
    return primary


def reorder_last(customer: Customer, actor=None) -> Order:
    last = Order.objects.filter(customer=customer).exclude(
        status=OrderStatus.CANCELLED
    ).order_by("-placed_at").first()
    if last is None:
        raise CustomerError("no previous order")
    return order_services.reorder(last, actor=actor)


def erase(customer: Customer, actor=None) -> None:
    """GDPR erasure: keep the accounting records, drop the personal data."""
    if Order.objects.filter(customer=customer).exclude(
        status__in=[OrderStatus.SHIPPED, OrderStatus.CANCELLED]
    ).exists():
        raise CustomerError("customer has open orders")
    with transaction.atomic():
        Order.objects.filter(customer=customer).update(notes="", shipping_address=None)
        customer.notes.all().delete()
        AuditLog.objects.filter(
            app_label="customers", object_id=str(customer.pk)
        ).update(payload={})
        customer.anonymise()


def search(term: str):
    term = term.strip()
    return Customer.objects.filter(
        Q(name__icontains=term) | Q(email__icontains=term) | Q(phone__icontains=term)
    ).filter(merged_into__isnull=True)[:50]
