from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.models.tickets import Ticket, TicketStatus
from crm.repositories.base import Repository

ACTIVE = (TicketStatus.OPEN, TicketStatus.PENDING_CUSTOMER)


class TicketRepository(Repository[Ticket]):
    model = Ticket

    def with_comments(self, ticket_id: int) -> Ticket | None:
        return self.session.get(Ticket, ticket_id, options=[selectinload(Ticket.comments)])

    def search(self, status: TicketStatus | None, assignee_email: str | None, limit: int,
               offset: int) -> tuple[Sequence[Ticket], int]:
        stmt = select(Ticket).order_by(Ticket.first_response_due)
        if status is not None:
            stmt = stmt.where(Ticket.status == status)
        if assignee_email:
            stmt = stmt.where(Ticket.assignee_email == assignee_email.lower())
        return self.page(stmt, limit, offset)

    def for_contact(self, contact_id: int) -> Sequence[Ticket]:
        stmt = select(Ticket).where(Ticket.contact_id == contact_id).order_by(Ticket.id.desc())
        return self.session.scalars(stmt).all()

    def breaching(self, now: datetime) -> Sequence[Ticket]:
        """Active tickets without a first response whose SLA has passed, not escalated yet."""
        stmt = (select(Ticket)
                .where(Ticket.status.in_(ACTIVE), Ticket.first_response_at.is_(None),
                       Ticket.escalated.is_(False), Ticket.first_response_due < now)
                .order_by(Ticket.first_response_due))
        return self.session.scalars(stmt).all()
