from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.core.errors import NotFound
from crm.models.tickets import TicketPriority, TicketStatus
from crm.schemas.invoices import InvoiceCreate, LineCreate
from crm.schemas.tickets import CommentCreate, TicketCreate
from crm.services import invoicing
from crm.services import tickets as tickets_service

AGENT = "omar@ledgerline.example"


def open_for(session, email="jane.doe@acme.example", **extra):
    return tickets_service.open_ticket(session, TicketCreate(
        subject="Cannot export reports", contact_email=email, body="The button does nothing.",
        **extra))


def test_unknown_sender_is_rejected(session):
    with pytest.raises(NotFound):
        open_for(session, email="stranger@nowhere.example")


def test_ticket_gets_sla_from_priority(session, jane):
    ticket = open_for(session)
    assert ticket.status is TicketStatus.OPEN
    hours = (ticket.first_response_due - ticket.created_at).total_seconds() / 3600
    assert round(hours) == 24


def test_billing_question_is_at_least_high(session, acme, jane):
    invoice = invoicing.create_invoice(session, InvoiceCreate(
        company_id=acme.id, lines=[LineCreate(description="Seats", unit_price_cents=50_00)]))
    invoicing.issue(session, invoice.id, today=date(2024, 5, 2))
    ticket = open_for(session, invoice_number=invoice.number, priority=TicketPriority.LOW)
    assert ticket.invoice_id == invoice.id and ticket.priority is TicketPriority.HIGH


def test_first_agent_reply_stops_the_clock(session, jane, outbox):
    ticket = open_for(session)
    tickets_service.comment(session, ticket.id, CommentCreate(body="Looking", internal=True), AGENT)
    assert ticket.first_response_at is None
    tickets_service.comment(session, ticket.id, CommentCreate(body="Fixed in 1.9.2"), AGENT)
    assert ticket.first_response_at is not None
    assert ticket.status is TicketStatus.PENDING_CUSTOMER
    assert outbox == [(jane.email, f"Re: Cannot export reports [#{ticket.id}]", "Fixed in 1.9.2")]


def test_breached_tickets_escalate_once(session, jane, outbox):
    ticket = open_for(session)
    later = ticket.first_response_due + timedelta(minutes=1)
    assert tickets_service.escalate_breaching(session, later) == [ticket]
    assert ticket.priority is TicketPriority.HIGH and ticket.escalated
    assert tickets_service.escalate_breaching(session, later + timedelta(hours=9)) == []
    assert outbox[0][0] == tickets_service.SUPPORT_LEAD


def test_tickets_api_needs_support_scope(client, jane):
    reader = {"Authorization": "Bearer reader-key"}
    assert client.get("/api/v1/tickets", headers=reader).status_code == 403
    made = client.post("/api/v1/tickets", json={
        "subject": "Login fails", "contact_email": jane.email, "body": "403 after SSO"})
    assert made.status_code == 201 and made.json()["comments"][0]["body"] == "403 after SSO"
