"""The sales pipeline: deals move through stages; every move is recorded as an activity."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, TimestampMixin, utcnow
from crm.models.contacts import Company, Contact


class DealStage(enum.StrEnum):
    LEAD = "lead"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def is_closed(self) -> bool:
        return self in (DealStage.WON, DealStage.LOST)


class Deal(TimestampMixin, Base):
    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    owner_email: Mapped[str] = mapped_column(String(254), index=True)
    stage: Mapped[DealStage] = mapped_column(Enum(DealStage, native_enum=False),
                                             default=DealStage.LEAD, index=True)
    amount_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    probability_percent: Mapped[int] = mapped_column(Integer, default=10)
    expected_close: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lost_reason: Mapped[str | None] = mapped_column(String(300))
    # set by invoicing when the first invoice for the deal is created
    invoiced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    company: Mapped[Company] = relationship()
    contact: Mapped[Contact | None] = relationship()
    activities: Mapped[list[DealActivity]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="DealActivity.id")

    @property
    def weighted_amount_cents(self) -> int:
        return self.amount_cents * self.probability_percent // 100


class DealActivity(Base):
    __tablename__ = "deal_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "stage", "note", "call", "meeting"
    from_stage: Mapped[DealStage | None] = mapped_column(Enum(DealStage, native_enum=False))
    to_stage: Mapped[DealStage | None] = mapped_column(Enum(DealStage, native_enum=False))
    note: Mapped[str] = mapped_column(Text, default="")
    author_email: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    deal: Mapped[Deal] = relationship(back_populates="activities")
