from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from crm.api.deps import PagingDep, SessionDep, require
from crm.core.security import Principal
from crm.models.tickets import TicketStatus
from crm.schemas.common import Page
from crm.schemas.tickets import Assignment, CommentCreate, TicketCreate, TicketDetail, TicketRead
from crm.services import tickets as service

router = APIRouter(prefix="/tickets", tags=["support"])
Agent = Annotated[Principal, Depends(require("support"))]


@router.post("", response_model=TicketDetail, status_code=status.HTTP_201_CREATED)
def open_ticket(body: TicketCreate, session: SessionDep, _: Agent):
    return service.open_ticket(session, body)


@router.get("", response_model=Page[TicketRead])
def list_tickets(session: SessionDep, paging: PagingDep, _: Agent,
                 state: Annotated[TicketStatus | None, Query(alias="status")] = None,
                 assignee: str | None = None):
    items, total = service.search_tickets(session, state, assignee, paging.limit, paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/{ticket_id}", response_model=TicketDetail)
def get_ticket(ticket_id: int, session: SessionDep, _: Agent):
    return service.require_ticket(session, ticket_id)


@router.post("/{ticket_id}/comments", response_model=TicketDetail)
def add_comment(ticket_id: int, body: CommentCreate, session: SessionDep, who: Agent):
    return service.comment(session, ticket_id, body, author_email=who.name)


@router.put("/{ticket_id}/assignee", response_model=TicketRead)
def assign(ticket_id: int, body: Assignment, session: SessionDep, _: Agent):
    return service.assign(session, ticket_id, body.assignee_email)


@router.post("/{ticket_id}/resolve", response_model=TicketRead)
def resolve(ticket_id: int, session: SessionDep, _: Agent):
    return service.resolve(session, ticket_id)
