from __future__ import annotations

import pytest

from bookshop import TestConfig, create_app
from bookshop.db import SessionLocal
from bookshop.services.catalog import NewBook, add_book


@pytest.fixture()
def app():
    app = create_app(TestConfig)
    yield app
    SessionLocal.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def session(app):
    with app.app_context():
        yield SessionLocal()


@pytest.fixture()
def dune(session):
    return add_book(
        session,
        NewBook(isbn="9780441172719", title="Dune", author_name="Frank Herbert",
                price_cents=1299, stock=5, published_year=1965),
    )


@pytest.fixture()
def hobbit(session):
    return add_book(
        session,
        NewBook(isbn="0-261-10221-4", title="The Hobbit", author_name="J. R. R. Tolkien",
                price_cents=999, stock=2, published_year=1937),
    )
