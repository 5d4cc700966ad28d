"""Invoicing and payments. Keeps orders and customers in sync by writing to them directly."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from billing.models import BillingAccount, CreditNote, Invoice, Payment
from core.models import InvoiceStatus, MovementKind, OrderStatus, audit, money, notify
from core.utils import next_number
from customers import services as customer_services
from customers.models import Customer
from inventory.models import Product, StockMovement
from orders import services as order_services
from orders.models import Order, OrderLine


class BillingError(Exception):
    pass


def _new_number() -> str:
    last = Invoice.objects.order_by("-id").values_list("number", flat=True).first()
    return next_number("INV", last)


def account_for(customer: Customer) -> BillingAccount:
    if customer.default_billing_account_id:
        return customer.default_billing_account
    account = BillingAccount.objects.create(
        customer=customer, payment_terms_days=settings.SHOP_DEFAULT_PAYMENT_TERMS_DAYS
    )
    customer.default_billing_account = account
    customer.save(update_fields=["default_billing_account"])
    return account


def create_invoice(order: Order) -> Invoice:
    account = account_for(order.customer)
    invoice = Invoice(
        number=_new_number(),
        order=order,
        customer=order.customer,
        account=account,
        amount=order.total,
        tax=order.tax,
    )
    invoice.issue(account.payment_terms_days)
    invoice.save()
    order.invoice = invoice
    order.save(update_fields=["invoice", "updated_at"])
    Customer.objects.filter(pk=order.customer_id).update(balance=F("balance") + order.total)
    return invoice


def record_payment(invoice: Invoice, amount, method: str, reference: str = "", actor=None) -> Payment:
    amount = money(amount)
    if amount <= 0:
        raise BillingError("amount must be positive")
    if invoice.status == InvoiceStatus.VOID:
        raise BillingError(f"invoice {invoice.number} is void")
    with transaction.atomic():
        payment = Payment.objects.create(
            invoice=invoice, order_id=invoice.order_id, amount=amount, method=method,
            reference=reference,
        )
        Customer.objects.filter(pk=invoice.customer_id).update(balance=F("balance") - amount)
        if invoice.outstanding <= 0:
            invoice.status = InvoiceStatus.PAID
            invoice.paid_at = timezone.now()
            invoice.save(update_fields=["status", "paid_at", "updated_at"])
            Order.objects.filter(pk=invoice.order_id, status=OrderStatus.PENDING).update(
                status=OrderStatus.PAID, paid_at=timezone.now()
            )
            order_services.on_payment_received(invoice.order)
        audit(invoice, "payment", actor=actor, amount=amount, method=method)
    return payment


def is_settled(order: Order) -> bool:
    paid = Payment.objects.filter(order=order).aggregate(total=Sum("amount"))["total"]
    return money(paid) >= order.total


def void_invoice(invoice: Invoice, reason: str) -> None:
    with transaction.atomic():
        Customer.objects.filter(pk=invoice.customer_id).update(
            balance=F("balance") - invoice.outstanding
        )
        invoice.status = InvoiceStatus.VOID
        invoice.save(update_fields=["status", "updated_at"])
        Order.objects.filter(invoice=invoice).update(invoice=None)
        audit(invoice, "void", reason=reason)


def issue_credit_note(line: OrderLine, quantity: int, reason: str, restock: bool = True) -> CreditNote:
    if quantity <= 0 or quantity > line.quantity - line.refunded_quantity:
        raise BillingError("invalid refund quantity")
    order = line.order
    invoice = order_services.invoice_for(order)
    if invoice is None:
        raise BillingError(f"order {order.number} has no invoice")
    amount = money(line.unit_price * quantity)
    with transaction.atomic():
        note = CreditNote.objects.create(
            invoice=invoice, order_line=line, quantity=quantity, amount=amount, reason=reason
        )
        line.refunded_quantity = F("refunded_quantity") + quantity
        line.save(update_fields=["refunded_quantity"])
        if restock:
            Product.objects.filter(pk=line.product_id).update(stock=F("stock") + quantity)
            StockMovement.objects.create(
                product_id=line.product_id, kind=MovementKind.RETURN, quantity=quantity,
                order=order, note=f"credit note for {invoice.number}",
            )
        order.status = OrderStatus.PARTIALLY_REFUNDED
        order.save(update_fields=["status", "updated_at"])
        Customer.objects.filter(pk=order.customer_id).update(balance=F("balance") - amount)
    return note


def refund_order(order: Order, reason: str) -> list[CreditNote]:
    return [
        issue_credit_note(line, line.quantity - line.refunded_quantity, reason)
        for line in order.lines.all()
        if line.quantity > line.refunded_quantity
    ]


def outstanding_balance(customer: Customer) -> Decimal:
    invoices = Invoice.objects.filter(
        customer=customer, status__in=[InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE]
    )
    return money(sum((inv.outstanding for inv in invoices), Decimal("0")))


def send_reminders(today=None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for invoice in Invoice.objects.filter(status=InvoiceStatus.ISSUED, due_date__lt=today):
        days_late = (today - invoice.due_date).days
        if days_late >= settings.SHOP_BLOCK_AFTER_DAYS:
            invoice.status = InvoiceStatus.OVERDUE
            invoice.save(update_fields=["status", "updated_at"])
            customer_services.block_customer(invoice.customer, f"invoice {invoice.number} overdue")
        elif days_late >= settings.SHOP_REMINDER_AFTER_DAYS * (invoice.reminders_sent + 1):
            notify(invoice.customer.email, f"Reminder: invoice {invoice.number}",
                   f"{invoice.outstanding} is {days_late} days overdue.", invoice=invoice)
            Invoice.objects.filter(pk=invoice.pk).update(reminders_sent=F("reminders_sent") + 1)
            sent += 1
    return sent
