"""Tables owned by search: what is indexed, and popularity counters fed by order events."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class SearchBase(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(timezone.utc)


class IndexStateRow(SearchBase):
    __tablename__ = "search_index_state"

    product_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # catalog's id
    indexed_version: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PopularityRow(SearchBase):
    __tablename__ = "search_popularity"

    product_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    units_ordered: Mapped[float] = mapped_column(Float, default=0.0)  # exponentially decayed
    last_order_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
