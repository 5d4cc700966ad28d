from decimal import Decimal

from django.db import models
from django.utils import timezone

from core.models import Address, Currency, OrderStatus, TaxRate, TimeStampedModel, money


class Coupon(models.Model):
    code = models.CharField(max_length=30, unique=True)
    percent_off = models.PositiveSmallIntegerField()
    valid_until = models.DateField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(default=0)  # 0 = unlimited
    uses = models.PositiveIntegerField(default=0)

    def is_valid(self) -> bool:
        if self.valid_until and self.valid_until < timezone.localdate():
            return False
        return self.max_uses == 0 or self.uses < self.max_uses


class Order(TimeStampedModel):
    number = models.CharField(max_length=30, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    shipping_address = models.ForeignKey(Address, null=True, on_delete=models.SET_NULL)
    currency = models.ForeignKey(Currency, default="GBP", on_delete=models.PROTECT)
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.SET_NULL)
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subtotal = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    tax = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    placed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.number

    def recalculate_totals(self, save: bool = True):
        subtotal = sum((line.line_total for line in self.lines.all()), Decimal("0"))
        discount = money(subtotal * self.coupon.percent_off / 100) if self.coupon else Decimal("0")
        country = self.shipping_address.country if self.shipping_address else "GB"
        tax = money((subtotal - discount) * TaxRate.for_country(country))
        self.subtotal = money(subtotal)
        self.discount = discount
        self.tax = tax
        self.total = money(subtotal - discount + tax)
        if save:
            self.save(update_fields=["subtotal", "discount", "tax", "total", "updated_at"])

    @property
    def amount_paid(self) -> Decimal:
        from billing.models import Payment

        total = Payment.objects.filter(order=self).aggregate(total=models.Sum("amount"))["total"]
        return money(total)

    @property
    def is_settled(self) -> bool:
        return self.amount_paid >= self.total

    def can_ship(self) -> bool:
        return self.status == OrderStatus.PAID and all(l.reserved for l in self.lines.all())


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    reserved = models.BooleanField(default=False)
    refunded_quantity = models.PositiveIntegerField(default=0)

    @property
    def line_total(self) -> Decimal:
        return money(self.unit_price * self.quantity)

    def __str__(self):
        return f"{self.quantity} x {self.product_id}"
