"""Invoicing: drafts, invoices for won deals, numbering, payments, overdue handling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from crm.core.config import get_settings
from crm.core.email import mailer
from crm.core.errors import Conflict, InvalidState, NotFound
from crm.models.base import utcnow
from crm.models.deals import Deal, DealStage
from crm.models.invoices import Invoice, InvoiceLine, InvoiceStatus, Payment
from crm.repositories.invoices import InvoiceRepository
from crm.schemas.invoices import InvoiceCreate, InvoiceFromDeal, PaymentCreate
from crm.services import contacts as contacts_service
from crm.services import deals as deals_service


def create_invoice(session: Session, data: InvoiceCreate) -> Invoice:
    contacts_service.require_company(session, data.company_id)
    invoice = Invoice(company_id=data.company_id, currency=data.currency,
                      vat_rate_percent=get_settings().default_vat_rate_percent)
    for position, line in enumerate(data.lines, start=1):
        invoice.lines.append(InvoiceLine(position=position, **line.model_dump()))
    InvoiceRepository(session).add(invoice)
    session.commit()
    return invoice


def create_from_deal(session: Session, data: InvoiceFromDeal) -> Invoice:
    """Draft an invoice for (a share of) a won deal; a deal is never invoiced beyond its amount."""
    deal = deals_service.require_deal(session, data.deal_id)
    if deal.stage is not DealStage.WON:
        raise InvalidState(f"deal {deal.id} is {deal.stage.value}; only won deals are invoiced")
    repo = InvoiceRepository(session)
    already = sum(inv.net_cents for inv in repo.for_deal(deal.id))
    amount = deal.amount_cents * data.split_percent // 100
    if already + amount > deal.amount_cents:
        raise Conflict(f"deal {deal.id} has {already} of {deal.amount_cents} cents invoiced already")

    description = deal.title if data.split_percent == 100 else \
        f"{deal.title} ({data.split_percent}% instalment)"
    invoice = Invoice(company_id=deal.company_id, deal_id=deal.id, currency=deal.currency,
                      vat_rate_percent=get_settings().default_vat_rate_percent)
    invoice.lines.append(InvoiceLine(position=1, description=description, quantity=1,
                                     unit_price_cents=amount))
    repo.add(invoice)
    # stamp the deal in the same transaction as the invoice (first invoice only)
    session.execute(update(Deal)
                    .where(Deal.id == deal.id, Deal.invoiced_at.is_(None))
                    .values(invoiced_at=utcnow()))
    session.commit()
    return invoice


def require_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = InvoiceRepository(session).full(invoice_id)
    if invoice is None:
        raise NotFound("invoice", invoice_id)
    return invoice


def find_by_number(session: Session, number: str) -> Invoice | None:
    return InvoiceRepository(session).by_number(number)


def search_invoices(session: Session, status: InvoiceStatus | None, company_id: int | None,
                    limit: int, offset: int) -> tuple[Sequence[Invoice], int]:
    return InvoiceRepository(session).search(status, company_id, limit, offset)


def next_number(session: Session, year: int) -> str:
    """LL-2024-00042: per-year sequence, gap-free because numbers are given out on issue."""
    prefix = f"{get_settings().invoice_prefix}-{year}-"
    last = InvoiceRepository(session).last_number(prefix)
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def issue(session: Session, invoice_id: int, today: date | None = None) -> Invoice:
    invoice = require_invoice(session, invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvalidState(f"invoice {invoice_id} is {invoice.status.value}, not a draft")
    if invoice.gross_cents <= 0:
        raise InvalidState("an invoice must have a positive total")
    today = today or date.today()
    company = contacts_service.require_company(session, invoice.company_id)
    terms = company.payment_terms_days
    if terms is None:
        terms = get_settings().default_payment_terms_days
    invoice.number = next_number(session, today.year)
    invoice.issued_on = today
    invoice.due_on = today + timedelta(days=terms)
    invoice.status = InvoiceStatus.ISSUED
    session.commit()
    return invoice


def record_payment(session: Session, invoice_id: int, data: PaymentCreate) -> Invoice:
    invoice = require_invoice(session, invoice_id)
    if invoice.status not in (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE):
        raise InvalidState(f"invoice {invoice_id} is {invoice.status.value}; it takes no payments")
    if data.amount_cents > invoice.balance_cents:
        raise InvalidState(f"payment exceeds the open balance of {invoice.balance_cents} cents")
    invoice.payments.append(Payment(amount_cents=data.amount_cents, reference=data.reference))
    if invoice.balance_cents == 0:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = utcnow()
    session.commit()
    return invoice


def void(session: Session, invoice_id: int) -> Invoice:
    invoice = require_invoice(session, invoice_id)
    if invoice.status is InvoiceStatus.PAID or invoice.payments:
        raise InvalidState("an invoice with payments cannot be voided; issue a credit instead")
    invoice.status = InvoiceStatus.VOID
    session.commit()
    return invoice


def outstanding_for_company(session: Session, company_id: int) -> tuple[int, int]:
    """(open balance in cents, number of overdue invoices)."""
    unpaid = InvoiceRepository(session).unpaid_for_company(company_id)
    overdue = sum(1 for inv in unpaid if inv.status is InvoiceStatus.OVERDUE)
    return sum(inv.balance_cents for inv in unpaid), overdue


def mark_overdue(session: Session, today: date) -> list[Invoice]:
    newly = [inv for inv in InvoiceRepository(session).due_before(today)
             if inv.status is InvoiceStatus.ISSUED]
    for invoice in newly:
        invoice.status = InvoiceStatus.OVERDUE
    session.commit()
    return newly


def reminder_due(invoice: Invoice, now: datetime, interval_days: int) -> bool:
    if invoice.status is not InvoiceStatus.OVERDUE:
        return False
    last = invoice.last_reminder_at
    return last is None or now - last >= timedelta(days=interval_days)


def send_reminder(session: Session, invoice: Invoice, now: datetime) -> bool:
    recipient = contacts_service.billing_recipient(session, invoice.company_id)
    if recipient is None:
        return False
    settings = get_settings()
    level = invoice.reminders_sent + 1
    subject = f"Reminder {level}: invoice {invoice.number} is overdue"
    body = (f"Dear {recipient.full_name},\n\n"
            f"invoice {invoice.number} of {invoice.issued_on:%d.%m.%Y} was due on "
            f"{invoice.due_on:%d.%m.%Y}. The open amount is "
            f"{invoice.balance_cents / 100:.2f} {invoice.currency}.\n\n"
            f"Kind regards,\n{settings.company_name}")
    mailer().send(recipient.email, subject, body)
    invoice.reminders_sent = level
    invoice.last_reminder_at = now
    session.commit()
    return True
