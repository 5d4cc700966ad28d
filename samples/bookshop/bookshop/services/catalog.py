"""Catalogue: adding books, searching, restocking."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from bookshop.models import Author, Book


class CatalogError(ValueError):
    """Raised for invalid catalogue input."""


@dataclass(frozen=True)
class NewBook:
    isbn: str
    title: str
    author_name: str
    price_cents: int
    stock: int = 0
    published_year: int | None = None


def normalize_isbn(raw: str) -> str:
    """Strip separators and validate an ISBN-10 or ISBN-13 checksum; return ISBN-13."""
    digits = "".join(ch for ch in raw if ch.isdigit() or ch in "xX").upper()
    if len(digits) == 10:
        total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(digits))
        if total % 11 != 0:
            raise CatalogError(f"invalid ISBN-10 checksum: {raw}")
        core = "978" + digits[:9]
        check = (10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(core)) % 10) % 10
        return core + str(check)
    if len(digits) == 13 and digits.isdigit():
        total = sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits))
        if total % 10 != 0:
            raise CatalogError(f"invalid ISBN-13 checksum: {raw}")
        return digits
    raise CatalogError(f"ISBN must have 10 or 13 digits: {raw}")


def get_or_create_author(session: Session, name: str) -> Author:
    name = " ".join(name.split())
    if not name:
        raise CatalogError("author name is required")
    author = session.scalar(select(Author).where(func.lower(Author.name) == name.lower()))
    if author is None:
        author = Author(name=name)
        session.add(author)
        session.flush()
    return author


def add_book(session: Session, new: NewBook) -> Book:
    if new.price_cents < 0:
        raise CatalogError("price must not be negative")
    if new.stock < 0:
        raise CatalogError("stock must not be negative")
    isbn = normalize_isbn(new.isbn)
    if session.scalar(select(Book.id).where(Book.isbn == isbn)) is not None:
        raise CatalogError(f"a book with ISBN {isbn} already exists")
    book = Book(
        isbn=isbn,
        title=new.title.strip(),
        author=get_or_create_author(session, new.author_name),
        price_cents=new.price_cents,
        stock=new.stock,
        published_year=new.published_year,
    )
    session.add(book)
    session.commit()
    return book


def get_book(session: Session, book_id: int) -> Book | None:
    return session.get(Book, book_id, options=[joinedload(Book.author)])


def search_books(
    session: Session, query: str = "", *, in_stock_only: bool = False, limit: int = 20, offset: int = 0
) -> list[Book]:
    stmt = select(Book).join(Book.author).options(joinedload(Book.author))
    for term in query.split():
        pattern = f"%{term.lower()}%"
        stmt = stmt.where(
            or_(func.lower(Book.title).like(pattern), func.lower(Author.name).like(pattern))
        )
    if in_stock_only:
        stmt = stmt.where(Book.stock > 0)
    stmt = stmt.order_by(Book.title).limit(min(limit, 100)).offset(offset)
    return list(session.scalars(stmt).unique())


def restock(session: Session, book_id: int, quantity: int) -> Book:
    if quantity <= 0:
        raise CatalogError("restock quantity must be positive")
    book = session.get(Book, book_id)
    if book is None:
        raise CatalogError(f"unknown book {book_id}")
    book.stock += quantity
    session.commit()
    return book


def change_price(session: Session, book_id: int, price_cents: int) -> Book:
    if price_cents < 0:
        raise CatalogError("price must not be negative")
    book = session.get(Book, book_id)
    if book is None:
        raise CatalogError(f"unknown book {book_id}")
    book.price_cents = price_cents
    session.commit()
    return book
