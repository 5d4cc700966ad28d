"""Support tickets: intake by e-mail address, replies, assignment, SLA escalation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from crm.core.config import get_settings
from crm.core.email import mailer
from crm.core.errors import InvalidState, NotFound
from crm.models.base import utcnow
from crm.models.tickets import Ticket, TicketComment, TicketPriority, TicketStatus
from crm.repositories.tickets import TicketRepository
from crm.schemas.tickets import CommentCreate, TicketCreate
from crm.services import contacts as contacts_service
from crm.services import invoicing as invoicing_service

SUPPORT_LEAD = "support-lead@ledgerline.example"


def response_due(priority: TicketPriority, opened_at: datetime) -> datetime:
    hours = get_settings().ticket_sla_hours[priority.value]
    return opened_at + timedelta(hours=hours)


def open_ticket(session: Session, data: TicketCreate) -> Ticket:
    contact = contacts_service.find_by_email(session, data.contact_email)
    if contact is None:
        raise NotFound("contact", data.contact_email)
    invoice_id = None
    priority = data.priority
    if data.invoice_number:
        invoice = invoicing_service.find_by_number(session, data.invoice_number)
        if invoice is None or invoice.company_id != contact.company_id:
            raise NotFound("invoice", data.invoice_number)
        invoice_id = invoice.id
        # billing questions block payment: never lower than high
        if priority in (TicketPriority.LOW, TicketPriority.NORMAL):
            priority = TicketPriority.HIGH

    now = utcnow()
    ticket = Ticket(subject=data.subject, contact_id=contact.id, invoice_id=invoice_id,
                    priority=priority, first_response_due=response_due(priority, now))
    ticket.comments.append(TicketComment(author_email=contact.email, body=data.body, at=now))
    TicketRepository(session).add(ticket)
    contacts_service.touch(session, contact.id, now)
    session.commit()
    return ticket


def require_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = TicketRepository(session).with_comments(ticket_id)
    if ticket is None:
        raise NotFound("ticket", ticket_id)
    return ticket


def search_tickets(session: Session, status: TicketStatus | None, assignee_email: str | None,
                   limit: int, offset: int) -> tuple[Sequence[Ticket], int]:
    return TicketRepository(session).search(status, assignee_email, limit, offset)


def comment(session: Session, ticket_id: int, data: CommentCreate, author_email: str) -> Ticket:
    ticket = require_ticket(session, ticket_id)
    if ticket.status is TicketStatus.CLOSED:
        raise InvalidState(f"ticket {ticket_id} is closed; open a new one")
    now = utcnow()
    ticket.comments.append(TicketComment(author_email=author_email, body=data.body,
                                         internal=data.internal, at=now))
    from_customer = author_email.lower() == ticket.contact.email
    if from_customer:
        ticket.status = TicketStatus.OPEN
        contacts_service.touch(session, ticket.contact_id, now)
    elif not data.internal:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        ticket.status = TicketStatus.PENDING_CUSTOMER
        mailer().send(ticket.contact.email, f"Re: {ticket.subject} [#{ticket.id}]", data.body)
    session.commit()
    return ticket


def assign(session: Session, ticket_id: int, assignee_email: str) -> Ticket:
    ticket = require_ticket(session, ticket_id)
    ticket.assignee_email = assignee_email.lower()
    session.commit()
    return ticket


def resolve(session: Session, ticket_id: int) -> Ticket:
    ticket = require_ticket(session, ticket_id)
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise InvalidState(f"ticket {ticket_id} is already {ticket.status.value}")
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = utcnow()
    session.commit()
    return ticket


def escalate_breaching(session: Session, now: datetime) -> list[Ticket]:
    """Raise the priority of tickets that missed their first-response SLA and tell someone."""
    escalated = []
    for ticket in TicketRepository(session).breaching(now):
        ticket.priority = ticket.priority.raised()
        ticket.escalated = True
        ticket.first_response_due = response_due(ticket.priority, now)
        escalated.append(ticket)
        mailer().send(ticket.assignee_email or SUPPORT_LEAD,
                      f"SLA breached: #{ticket.id} {ticket.subject}",
                      f"Ticket #{ticket.id} got no first response in time; "
                      f"priority is now {ticket.priority.value}.")
    session.commit()
    return escalated
