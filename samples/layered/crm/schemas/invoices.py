from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from crm.models.invoices import InvoiceStatus
from crm.schemas.common import ORMModel


class LineCreate(BaseModel):
    description: str = Field(min_length=1, max_length=300)
    quantity: int = Field(default=1, ge=1)
    unit_price_cents: int = Field(ge=0)


class InvoiceCreate(BaseModel):
    company_id: int
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    lines: list[LineCreate] = Field(min_length=1)


class InvoiceFromDeal(BaseModel):
    deal_id: int
    split_percent: int = Field(default=100, ge=1, le=100)


class PaymentCreate(BaseModel):
    amount_cents: int = Field(gt=0)
    reference: str = ""


class LineRead(ORMModel):
    position: int
    description: str
    quantity: int
    unit_price_cents: int
    total_cents: int


class InvoiceRead(ORMModel):
    id: int
    number: str | None
    company_id: int
    deal_id: int | None
    status: InvoiceStatus
    currency: str
    issued_on: date | None
    due_on: date | None
    paid_at: datetime | None
    net_cents: int
    vat_cents: int
    gross_cents: int
    balance_cents: int
    lines: list[LineRead]
