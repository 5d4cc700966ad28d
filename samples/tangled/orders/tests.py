from decimal import Decimal

from django.test import TestCase

from core.models import Currency, OrderStatus
from customers.models import Customer
from inventory.models import Product
from orders import services


class PlaceOrderTests(TestCase):
    def setUp(self):
        Currency.objects.create(code="GBP", rate_to_gbp=1)
        self.customer = Customer.objects.create(email="ann@example.org", name="Ann")
        self.product = Product.objects.create(sku="MUG-1", name="Mug", price=Decimal("8.00"), stock=3)

    def test_place_order_reserves_and_invoices(self):
        order = services.place_order(self.customer, [services.Item("MUG-1", 2)])
        self.assertEqual(order.status, OrderStatus.PENDING)
        self.assertIsNotNone(order.invoice)
        self.assertTrue(all(line.reserved for line in order.lines.all()))

    def test_blocked_customer_cannot_order(self):
        self.customer.is_blocked = True
        self.customer.save()
        with self.assertRaises(services.OrderError):
            services.place_order(self.customer, [services.Item("MUG-1", 1)])
