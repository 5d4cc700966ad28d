from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, EmailStr, Field

from crm.models.deals import DealStage
from crm.schemas.common import ORMModel


class DealCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    company_id: int
    contact_id: int | None = None
    owner_email: EmailStr
    amount_cents: int = Field(ge=0)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    expected_close: date | None = None


class StageChange(BaseModel):
    stage: DealStage
    note: str = ""
    lost_reason: str | None = None


class NoteCreate(BaseModel):
    kind: str = Field(default="note", pattern="^(note|call|meeting)$")
    note: str = Field(min_length=1)


class ActivityRead(ORMModel):
    id: int
    kind: str
    from_stage: DealStage | None
    to_stage: DealStage | None
    note: str
    author_email: str
    at: datetime


class DealRead(ORMModel):
    id: int
    title: str
    company_id: int
    contact_id: int | None
    owner_email: str
    stage: DealStage
    amount_cents: int
    currency: str
    probability_percent: int
    weighted_amount_cents: int
    expected_close: date | None
    closed_at: datetime | None
    invoiced_at: datetime | None


class DealDetail(DealRead):
    activities: list[ActivityRead]


class PipelineStage(BaseModel):
    stage: DealStage
    deals: int
    amount_cents: int
    weighted_cents: int
