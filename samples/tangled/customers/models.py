from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import Address, OrderStatus, TimeStampedModel, money


class Customer(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL)
    default_billing_account = models.ForeignKey(
        "billing.BillingAccount", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    loyalty_points = models.PositiveIntegerField(default=0)
    credit_limit = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("500"))
    balance = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    last_order_at = models.DateTimeField(null=True, blank=True)
    is_blocked = models.BooleanField(default=False)
    blocked_reason = models.CharField(max_length=200, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    @property
    def available_credit(self) -> Decimal:
        return money(self.credit_limit - self.balance)

    def open_orders(self):
        return self.order_set.exclude(
            status__in=[OrderStatus.CANCELLED, OrderStatus.SHIPPED]
        )

    def lifetime_value(self) -> Decimal:
        from billing.models import Payment

        total = Payment.objects.filter(invoice__customer=self).aggregate(
            total=models.Sum("amount")
        )["total"]
        return money(total)

    def anonymise(self):
        self.email = f"erased-{self.pk}@invalid.example"
        self.name = "Erased customer"
        self.phone = ""
        self.user = None
        self.updated_at = timezone.now()
        self.save()


class CustomerNote(TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL)
