import datetime as dt

from django.db import models
from django.utils import timezone

from core.models import InvoiceStatus, PaymentMethod, TimeStampedModel, money


class BillingAccount(TimeStampedModel):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE)
    company_name = models.CharField(max_length=200, blank=True)
    vat_number = models.CharField(max_length=30, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(default=14)
    billing_address = models.ForeignKey("core.Address", null=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.company_name or str(self.customer)


class Invoice(TimeStampedModel):
    number = models.CharField(max_length=30, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="invoices")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT)
    account = models.ForeignKey(BillingAccount, null=True, on_delete=models.SET_NULL)
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    tax = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.number

    def issue(self, terms_days: int):
        self.status = InvoiceStatus.ISSUED
        self.issued_at = timezone.now()
        self.due_date = timezone.localdate() + dt.timedelta(days=terms_days)

    @property
    def paid_amount(self):
        return money(self.payments.aggregate(total=models.Sum("amount"))["total"])

    @property
    def outstanding(self):
        return money(self.amount - self.paid_amount)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == InvoiceStatus.ISSUED and self.due_date and self.due_date < today


class Payment(TimeStampedModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(default=timezone.now)


class CreditNote(TimeStampedModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=200)
