from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from crm.schemas.common import ORMModel


class CompanyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    domain: str | None = Field(default=None, max_length=200)
    vat_id: str | None = Field(default=None, max_length=32)
    billing_address: str = ""
    country: str = Field(default="DE", min_length=2, max_length=2)
    payment_terms_days: int | None = Field(default=None, ge=0, le=120)


class CompanyRead(ORMModel):
    id: int
    name: str
    domain: str | None
    vat_id: str | None
    country: str
    payment_terms_days: int | None
    created_at: datetime


class ContactCreate(BaseModel):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(default="", max_length=100)
    email: EmailStr
    phone: str | None = None
    job_title: str | None = None
    company_id: int | None = None
    is_billing_contact: bool = False


class ContactUpdate(BaseModel):
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    job_title: str | None = None
    company_id: int | None = None
    is_billing_contact: bool | None = None


class ContactRead(ORMModel):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    job_title: str | None
    company_id: int | None
    is_billing_contact: bool
    dormant: bool
    last_activity_at: datetime | None


class AccountSummary(BaseModel):
    company: CompanyRead
    contacts: int
    open_deals: int
    pipeline_cents: int
    won_cents: int
    outstanding_cents: int
    overdue_invoices: int
