from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from crm.api.deps import PagingDep, SessionDep, require
from crm.core.security import Principal
from crm.models.deals import DealStage
from crm.schemas.common import Page
from crm.schemas.deals import (
    DealCreate,
    DealDetail,
    DealRead,
    NoteCreate,
    PipelineStage,
    StageChange,
)
from crm.services import deals as service

router = APIRouter(prefix="/deals", tags=["deals"])
Seller = Annotated[Principal, Depends(require("deals"))]


@router.post("", response_model=DealRead, status_code=status.HTTP_201_CREATED)
def create_deal(body: DealCreate, session: SessionDep, _: Seller):
    return service.create_deal(session, body)


@router.get("", response_model=Page[DealRead])
def list_deals(session: SessionDep, paging: PagingDep, _: Seller, stage: DealStage | None = None,
               owner: str | None = None, company_id: int | None = None):
    items, total = service.search_deals(session, stage, owner, company_id, paging.limit,
                                        paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/pipeline", response_model=list[PipelineStage])
def pipeline(session: SessionDep, _: Seller):
    return service.pipeline(session)


@router.get("/{deal_id}", response_model=DealDetail)
def get_deal(deal_id: int, session: SessionDep, _: Seller):
    return service.require_deal(session, deal_id)


@router.post("/{deal_id}/stage", response_model=DealDetail)
def change_stage(deal_id: int, body: StageChange, session: SessionDep, who: Seller):
    return service.change_stage(session, deal_id, body, author_email=who.name)


@router.post("/{deal_id}/notes", response_model=DealDetail, status_code=status.HTTP_201_CREATED)
def add_note(deal_id: int, body: NoteCreate, session: SessionDep, who: Seller):
    return service.add_note(session, deal_id, body, author_email=who.name)
