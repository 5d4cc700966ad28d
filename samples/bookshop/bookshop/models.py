"""Tables of the bookshop."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bookshop.db import Base


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    bio: Mapped[str | None] = mapped_column(Text, default=None)

    books: Mapped[list["Book"]] = relationship(back_populates="author")

    def __repr__(self) -> str:
        return f"<Author {self.id} {self.name!r}>"


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="ck_books_price_positive"),
        CheckConstraint("stock >= 0", name="ck_books_stock_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    price_cents: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    published_year: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    author: Mapped[Author] = relationship(back_populates="books")

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "isbn": self.isbn,
            "title": self.title,
            "author": self.author.name if self.author else None,
            "price_cents": self.price_cents,
            "stock": self.stock,
            "published_year": self.published_year,
        }


class OrderStatus(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_email: Mapped[str] = mapped_column(String(320), index=True)
    status: Mapped[OrderStatus] = mapped_column(Enum(OrderStatus), default=OrderStatus.PENDING)
    shipping_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan"
    )

    @property
    def subtotal_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.shipping_cents

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "customer_email": self.customer_email,
            "status": self.status.value,
            "lines": [line.to_dict() for line in self.lines],
            "subtotal_cents": self.subtotal_cents,
            "shipping_cents": self.shipping_cents,
            "total_cents": self.total_cents,
        }


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")
    book: Mapped[Book] = relationship()

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_price_cents

    def to_dict(self) -> dict:
        return {
            "book_id": self.book_id,
            "title": self.book.title if self.book else None,
            "quantity": self.quantity,
            "unit_price_cents": self.unit_price_cents,
            "total_cents": self.total_cents,
        }
