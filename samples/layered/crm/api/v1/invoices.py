from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from crm.api.deps import PagingDep, SessionDep, require
from crm.models.invoices import InvoiceStatus
from crm.schemas.common import Page
from crm.schemas.invoices import InvoiceCreate, InvoiceFromDeal, InvoiceRead, PaymentCreate
from crm.services import invoicing as service

router = APIRouter(prefix="/invoices", tags=["invoicing"],
                   dependencies=[Depends(require("invoicing"))])


@router.post("", response_model=InvoiceRead, status_code=status.HTTP_201_CREATED)
def create_invoice(body: InvoiceCreate, session: SessionDep):
    return service.create_invoice(session, body)


@router.post("/from-deal", response_model=InvoiceRead, status_code=status.HTTP_201_CREATED)
def invoice_deal(body: InvoiceFromDeal, session: SessionDep):
    return service.create_from_deal(session, body)


@router.get("", response_model=Page[InvoiceRead])
def list_invoices(session: SessionDep, paging: PagingDep,
                  state: Annotated[InvoiceStatus | None, Query(alias="status")] = None,
                  company_id: int | None = None):
    items, total = service.search_invoices(session, state, company_id, paging.limit,
                                           paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/{invoice_id}", response_model=InvoiceRead)
def get_invoice(invoice_id: int, session: SessionDep):
    return service.require_invoice(session, invoice_id)


@router.post("/{invoice_id}/issue", response_model=InvoiceRead)
def issue_invoice(invoice_id: int, session: SessionDep):
    return service.issue(session, invoice_id)


@router.post("/{invoice_id}/payments", response_model=InvoiceRead)
def record_payment(invoice_id: int, body: PaymentCreate, session: SessionDep):
    return service.record_payment(session, invoice_id, body)


@router.post("/{invoice_id}/void", response_model=InvoiceRead)
def void_invoice(invoice_id: int, session: SessionDep):
    return service.void(session, invoice_id)
