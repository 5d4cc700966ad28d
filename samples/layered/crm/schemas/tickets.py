from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from crm.models.tickets import TicketPriority, TicketStatus
from crm.schemas.common import ORMModel


class TicketCreate(BaseModel):
    subject: str = Field(min_length=3, max_length=200)
    contact_email: EmailStr
    body: str = Field(min_length=1)
    priority: TicketPriority = TicketPriority.NORMAL
    invoice_number: str | None = None


class CommentCreate(BaseModel):
    body: str = Field(min_length=1)
    internal: bool = False


class Assignment(BaseModel):
    assignee_email: EmailStr


class CommentRead(ORMModel):
    id: int
    author_email: str
    body: str
    internal: bool
    at: datetime


class TicketRead(ORMModel):
    id: int
    subject: str
    contact_id: int
    invoice_id: int | None
    status: TicketStatus
    priority: TicketPriority
    assignee_email: str | None
    first_response_due: datetime
    first_response_at: datetime | None
    escalated: bool
    resolved_at: datetime | None


class TicketDetail(TicketRead):
    comments: list[CommentRead]
