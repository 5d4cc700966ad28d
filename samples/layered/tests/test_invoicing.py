from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.core.errors import Conflict, InvalidState
from crm.models.base import utcnow
from crm.models.deals import DealStage
from crm.models.invoices import InvoiceStatus
from crm.schemas.deals import DealCreate, StageChange
from crm.schemas.invoices import InvoiceCreate, InvoiceFromDeal, LineCreate, PaymentCreate
from crm.services import deals as deals_service
from crm.services import invoicing

SELLER = "lena@ledgerline.example"


@pytest.fixture()
def won_deal(session, acme, jane):
    deal = deals_service.create_deal(session, DealCreate(
        title="Annual licence", company_id=acme.id, contact_id=jane.id, owner_email=SELLER,
        amount_cents=10_000_00))
    for stage in (DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.WON):
        deals_service.change_stage(session, deal.id, StageChange(stage=stage), SELLER)
    return deal


def test_only_won_deals_are_invoiced(session, acme, jane):
    deal = deals_service.create_deal(session, DealCreate(
        title="Maybe", company_id=acme.id, owner_email=SELLER, amount_cents=100))
    with pytest.raises(InvalidState):
        invoicing.create_from_deal(session, InvoiceFromDeal(deal_id=deal.id))


def test_instalments_never_exceed_the_deal(session, won_deal):
    first = invoicing.create_from_deal(session, InvoiceFromDeal(deal_id=won_deal.id,
                                                                split_percent=60))
    session.refresh(won_deal)
    assert first.net_cents == 6_000_00 and won_deal.invoiced_at is not None
    with pytest.raises(Conflict):
        invoicing.create_from_deal(session, InvoiceFromDeal(deal_id=won_deal.id,
                                                            split_percent=50))


def test_issue_numbers_and_due_date_from_company_terms(session, won_deal):
    draft = invoicing.create_from_deal(session, InvoiceFromDeal(deal_id=won_deal.id))
    issued = invoicing.issue(session, draft.id, today=date(2024, 3, 1))
    assert issued.number == "LL-2024-00001"
    assert issued.due_on == date(2024, 3, 31)
    assert issued.gross_cents == 11_900_00


def test_full_payment_closes_the_invoice(session, acme):
    draft = invoicing.create_invoice(session, InvoiceCreate(
        company_id=acme.id, lines=[LineCreate(description="Setup", unit_price_cents=100_00)]))
    invoicing.issue(session, draft.id)
    with pytest.raises(InvalidState):
        invoicing.record_payment(session, draft.id, PaymentCreate(amount_cents=200_00))
    paid = invoicing.record_payment(session, draft.id, PaymentCreate(amount_cents=119_00))
    assert paid.status is InvoiceStatus.PAID and paid.balance_cents == 0


def test_overdue_invoice_gets_a_reminder(session, won_deal, jane, outbox):
    draft = invoicing.create_from_deal(session, InvoiceFromDeal(deal_id=won_deal.id))
    invoicing.issue(session, draft.id, today=date.today() - timedelta(days=45))
    [overdue] = invoicing.mark_overdue(session, date.today())
    assert invoicing.reminder_due(overdue, utcnow(), interval_days=7)
    assert invoicing.send_reminder(session, overdue, utcnow())
    assert outbox[0][0] == jane.email and "Reminder 1" in outbox[0][1]
    assert not invoicing.reminder_due(overdue, utcnow(), interval_days=7)


def test_nightly_task_marks_overdue_and_reminds(session, won_deal, jane, outbox):
    from crm.tasks.invoices import mark_overdue

    draft = invoicing.create_from_deal(session, InvoiceFromDeal(deal_id=won_deal.id))
    invoicing.issue(session, draft.id, today=date.today() - timedelta(days=31))
    assert mark_overdue.delay().get() == [draft.id]  # eager in tests
    assert [to for to, _subject, _body in outbox] == [jane.email]
