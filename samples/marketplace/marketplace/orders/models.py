"""Tables owned by orders. Products and payments are referenced by id, not by foreign key."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class OrdersBase(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(timezone.utc)


class OrderRow(OrdersBase):
    __tablename__ = "orders_orders"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(Integer)
    payment_id: Mapped[str | None] = mapped_column(String(32), default=None)  # payments' id
    cancel_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)

    lines: Mapped[list[OrderLineRow]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class OrderLineRow(OrdersBase):
    __tablename__ = "orders_order_lines"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders_orders.id"), index=True)
    product_id: Mapped[str] = mapped_column(String(32), index=True)  # catalog's id
    title: Mapped[str] = mapped_column(String(200))  # snapshot at checkout
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
