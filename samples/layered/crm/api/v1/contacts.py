from __future__ import annotations

from fastapi import APIRouter, Depends, status

from crm.api.deps import PagingDep, SessionDep, require
from crm.schemas.common import Page
from crm.schemas.contacts import (
    AccountSummary,
    CompanyCreate,
    CompanyRead,
    ContactCreate,
    ContactRead,
    ContactUpdate,
)
from crm.services import contacts as service

router = APIRouter(tags=["contacts"], dependencies=[Depends(require("contacts"))])


@router.post("/companies", response_model=CompanyRead, status_code=status.HTTP_201_CREATED)
def create_company(body: CompanyCreate, session: SessionDep):
    return service.create_company(session, body)


@router.get("/companies", response_model=Page[CompanyRead])
def list_companies(session: SessionDep, paging: PagingDep, q: str | None = None):
    items, total = service.search_companies(session, q, paging.limit, paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/companies/{company_id}", response_model=CompanyRead)
def get_company(company_id: int, session: SessionDep):
    return service.require_company(session, company_id)


@router.get("/companies/{company_id}/summary", response_model=AccountSummary)
def company_summary(company_id: int, session: SessionDep):
    return service.account_summary(session, company_id)


@router.post("/contacts", response_model=ContactRead, status_code=status.HTTP_201_CREATED)
def create_contact(body: ContactCreate, session: SessionDep):
    return service.create_contact(session, body)


@router.get("/contacts", response_model=Page[ContactRead])
def list_contacts(session: SessionDep, paging: PagingDep, q: str | None = None,
                  company_id: int | None = None):
    items, total = service.search_contacts(session, q, company_id, paging.limit, paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/contacts/{contact_id}", response_model=ContactRead)
def get_contact(contact_id: int, session: SessionDep):
    return service.require_contact(session, contact_id)


@router.patch("/contacts/{contact_id}", response_model=ContactRead)
def update_contact(contact_id: int, body: ContactUpdate, session: SessionDep):
    return service.update_contact(session, contact_id, body)
