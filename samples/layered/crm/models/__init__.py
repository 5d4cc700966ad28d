"""All tables, imported here so ``Base.metadata`` (and Alembic) sees every one of them."""

from crm.models.base import Base, TimestampMixin
from crm.models.contacts import Company, Contact
from crm.models.deals import Deal, DealActivity, DealStage
from crm.models.invoices import Invoice, InvoiceLine, InvoiceStatus, Payment
from crm.models.tickets import Ticket, TicketComment, TicketPriority, TicketStatus

__all__ = [
    "Base", "TimestampMixin",
    "Company", "Contact",
    "Deal", "DealActivity", "DealStage",
    "Invoice", "InvoiceLine", "InvoiceStatus", "Payment",
    "Ticket", "TicketComment", "TicketPriority", "TicketStatus",
]
