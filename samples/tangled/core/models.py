"""Shared models and helpers used by every app.

Started as "a few base classes"; now holds every status enum of the shop, addresses, currencies,
tax rates, the audit log, notifications and settings. Everything imports it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

TWO_PLACES = Decimal("0.01")


def money(value) -> Decimal:
    """Round anything number-like to pennies, the way accounting wants it."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending payment"
    ON_HOLD = "on_hold", "On hold"
    BACKORDERED = "backordered", "Back-ordered"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    CANCELLED = "cancelled", "Cancelled"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    VOID = "void", "Void"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card"
    BANK_TRANSFER = "bank", "Bank transfer"
    STORE_CREDIT = "credit", "Store credit"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Goods received"
    SALE = "sale", "Sale"
    RETURN = "return", "Customer return"
    ADJUSTMENT = "adjustment", "Manual adjustment"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Address(TimeStampedModel):
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="GB")

    def one_line(self) -> str:
        parts = [self.line1, self.line2, self.city, self.postcode, self.country]
        return ", ".join(p for p in parts if p)

    def __str__(self):
        return self.one_line()


class Currency(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    rate_to_gbp = models.DecimalField(max_digits=12, decimal_places=6, default=1)

    def to_gbp(self, amount) -> Decimal:
        return money(Decimal(amount) * self.rate_to_gbp)

    def __str__(self):
        return self.code


class TaxRate(models.Model):
    country = models.CharField(max_length=2, unique=True)
    rate = models.DecimalField(max_digits=5, decimal_places=4)

    @classmethod
    def for_country(cls, country: str) -> Decimal:
        row = cls.objects.filter(country=country).first()
        return row.rate if row else Decimal("0.20")


class AuditLog(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    app_label = models.CharField(max_length=50)
    model_name = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    action = models.CharField(max_length=50)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def target(self):
        """The audited object, whichever app it belongs to."""
        model = apps.get_model(self.app_label, self.model_name)
        return model.objects.filter(pk=self.object_id).first()


class Notification(TimeStampedModel):
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True)
    related_order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL
    )
    related_invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.SET_NULL
    )


class SiteSetting(models.Model):
    key = models.CharField(max_length=100, unique=True)
    value = models.CharField(max_length=500)

    @classmethod
    def get(cls, key: str, default=None):
        row = cls.objects.filter(key=key).first()
        if row is None:
            return getattr(settings, key, default)
        return row.value


def audit(obj, action: str, actor=None, **payload) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor,
        app_label=obj._meta.app_label,
        model_name=obj._meta.model_name,
        object_id=str(obj.pk),
        action=action,
        payload={k: str(v) for k, v in payload.items()},
    )


def notify(recipient: str, subject: str, body: str, order=None, invoice=None) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        subject=subject,
        body=body,
        related_order=order,
        related_invoice=invoice,
    )


def open_orders_count() -> int:
    # Used in the header of every page.
    from orders.models import Order

    return Order.objects.filter(
        status__in=[OrderStatus.PENDING, OrderStatus.BACKORDERED, OrderStatus.PAID]
    ).count()
