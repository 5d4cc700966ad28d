from __future__ import annotations

import pytest

from bookshop.services.catalog import (
    CatalogError,
    NewBook,
    add_book,
    normalize_isbn,
    restock,
    search_books,
)


def test_normalize_isbn10_to_isbn13():
    assert normalize_isbn("0-261-10221-4") == "9780261102217"


def test_normalize_rejects_bad_checksum():
    with pytest.raises(CatalogError):
        normalize_isbn("9780441172710")


def test_duplicate_isbn_is_rejected(session, dune):
    with pytest.raises(CatalogError, match="already exists"):
        add_book(session, NewBook(isbn=dune.isbn, title="Dune (again)",
                                  author_name="Frank Herbert", price_cents=100))


def test_search_matches_title_and_author(session, dune, hobbit):
    assert [b.title for b in search_books(session, "tolkien")] == ["The Hobbit"]
    assert [b.title for b in search_books(session, "dun")] == ["Dune"]
    assert len(search_books(session, "")) == 2


def test_restock_adds_copies(session, hobbit):
    assert restock(session, hobbit.id, 3).stock == 5
    with pytest.raises(CatalogError):
        restock(session, hobbit.id, 0)
