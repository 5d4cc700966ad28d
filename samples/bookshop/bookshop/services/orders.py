"""Orders: checkout, payment confirmation, cancellation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bookshop.models import Book, Order, OrderLine, OrderStatus

FREE_SHIPPING_THRESHOLD = 3500
SHIPPING_FLAT_FEE = 450
MAX_QUANTITY_PER_LINE = 10


class OrderError(ValueError):
    """Raised when an order cannot be placed or changed."""


@dataclass(frozen=True)
class BasketItem:
    book_id: int
    quantity: int


def shipping_for(subtotal_cents: int) -> int:
    if subtotal_cents == 0 or subtotal_cents >= FREE_SHIPPING_THRESHOLD:
        return 0
    return SHIPPING_FLAT_FEE


def _merge_items(items: list[BasketItem]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for item in items:
        if item.quantity <= 0:
            raise OrderError(f"quantity must be positive for book {item.book_id}")
        merged[item.book_id] = merged.get(item.book_id, 0) + item.quantity
    for book_id, quantity in merged.items():
        if quantity > MAX_QUANTITY_PER_LINE:
            raise OrderError(f"at most {MAX_QUANTITY_PER_LINE} copies of book {book_id}")
    return merged


def place_order(session: Session, customer_email: str, items: list[BasketItem]) -> Order:
    """Reserve stock for every item and create a pending order, all or nothing."""
    if "@" not in customer_email:
        raise OrderError("a valid e-mail address is required")
    wanted = _merge_items(items)
    if not wanted:
        raise OrderError("the basket is empty")

    books = {
        book.id: book
        for book in session.scalars(
            select(Book).where(Book.id.in_(wanted)).with_for_update()
        )
    }
    missing = sorted(set(wanted) - set(books))
    if missing:
        raise OrderError(f"unknown books: {missing}")

    order = Order(customer_email=customer_email.strip().lower())
    for book_id, quantity in sorted(wanted.items()):
        book = books[book_id]
        if book.stock < quantity:
            session.rollback()
            raise OrderError(f"only {book.stock} copies of {book.title!r} left")
        book.stock -= quantity
        order.lines.append(
            OrderLine(book=book, quantity=quantity, unit_price_cents=book.price_cents)
        )
    order.shipping_cents = shipping_for(order.subtotal_cents)
    session.add(order)
    session.commit()
    return order


def get_order(session: Session, order_id: int) -> Order | None:
    return session.get(
        Order, order_id, options=[selectinload(Order.lines).selectinload(OrderLine.book)]
    )


def orders_for(session: Session, customer_email: str) -> list[Order]:
    stmt = (
        select(Order)
        .where(Order.customer_email == customer_email.strip().lower())
        .options(selectinload(Order.lines))
        .order_by(Order.created_at.desc())
    )
    return list(session.scalars(stmt))


def mark_paid(session: Session, order_id: int) -> Order:
    order = _require(session, order_id)
    if order.status is not OrderStatus.PENDING:
        raise OrderError(f"order {order_id} is {order.status.value}, cannot be paid")
    order.status = OrderStatus.PAID
    session.commit()
    return order


def mark_shipped(session: Session, order_id: int) -> Order:
    order = _require(session, order_id)
    if order.status is not OrderStatus.PAID:
        raise OrderError(f"order {order_id} must be paid before shipping")
    order.status = OrderStatus.SHIPPED
    session.commit()
    return order


def cancel_order(session: Session, order_id: int) -> Order:
    """Cancel an unshipped order and put its books back on the shelf."""
    order = _require(session, order_id)
    if order.status in (OrderStatus.SHIPPED, OrderStatus.CANCELLED):
        raise OrderError(f"order {order_id} is already {order.status.value}")
    for line in order.lines:
        line.book.stock += line.quantity
    order.status = OrderStatus.CANCELLED
    session.commit()
    return order


def _require(session: Session, order_id: int) -> Order:
    order = get_order(session, order_id)
    if order is None:
        raise OrderError(f"unknown order {order_id}")
    return order
