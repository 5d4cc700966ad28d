import datetime as dt
from decimal import Decimal

from django.test import TestCase

from billing.models import Invoice
from core.models import InvoiceStatus


class InvoiceTests(TestCase):
    def test_overdue_only_when_issued(self):
        invoice = Invoice(amount=Decimal("10"), status=InvoiceStatus.ISSUED,
                          due_date=dt.date(2024, 1, 1))
        self.assertTrue(invoice.is_overdue(today=dt.date(2024, 1, 2)))
        invoice.status = InvoiceStatus.PAID
        self.assertFalse(invoice.is_overdue(today=dt.date(2024, 1, 2)))
