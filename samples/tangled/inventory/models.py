from django.apps import apps
from django.db import models
from django.db.models import Sum
from django.utils import timezone

from core.models import Address, MovementKind, OrderStatus, TimeStampedModel


class Warehouse(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    address = models.ForeignKey(Address, null=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.code


class Product(TimeStampedModel):
    sku = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    reorder_level = models.PositiveIntegerField(default=5)
    warehouse = models.ForeignKey(Warehouse, null=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.sku} {self.name}"

    @property
    def reserved_quantity(self) -> int:
        return self.reservations.filter(expires_at__gt=timezone.now()).aggregate(
            total=Sum("quantity")
        )["total"] or 0

    @property
    def available(self) -> int:
        return self.stock - self.reserved_quantity

    def open_order_lines(self):
        OrderLine = apps.get_model("orders", "OrderLine")
        return OrderLine.objects.filter(product=self).exclude(
            order__status__in=[OrderStatus.SHIPPED, OrderStatus.CANCELLED]
        )

    def needs_reorder(self) -> bool:
        return self.available <= self.reorder_level


class StockMovement(TimeStampedModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=12, choices=MovementKind.choices)
    quantity = models.IntegerField()
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True)


class Reservation(TimeStampedModel):
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reservations")
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField()

    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
