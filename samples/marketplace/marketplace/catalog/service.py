from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from marketplace.catalog.contracts import (
    ProductPriceChanged,
    ProductPublished,
    ProductRetired,
    ProductView,
)
from marketplace.catalog.models import ProductRow
from marketplace.catalog.repository import ProductRepository
from marketplace.shared.db import session_factory, session_scope
from marketplace.shared.events import EventBus, bus
from marketplace.shared.ids import new_id
from marketplace.shared.money import Money

MAX_TITLE = 200
MAX_PRICE_MINOR = 5_000_000


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class NewProduct:
    seller_id: str
    title: str
    price: Money
    description: str = ""
    category_id: str | None = None
    stock: int = 0


class CatalogService:
    def __init__(self, sessions: sessionmaker[Session], events: EventBus) -> None:
        self.sessions = sessions
        self.events = events

    def create(self, new: NewProduct) -> str:
        title = " ".join(new.title.split())
        if not title or len(title) > MAX_TITLE:
            raise CatalogError("title must be 1-200 characters")
        _check_price(new.price)
        with session_scope(self.sessions) as session:
            row = ProductRepository(session).add(ProductRow(
                id=new_id("prd"), seller_id=new.seller_id, category_id=new.category_id,
                title=title, description=new.description.strip(), price_minor=new.price.minor,
                currency=new.price.currency, stock=max(0, new.stock),
            ))
            return row.id

    def publish(self, product_id: str) -> None:
        with session_scope(self.sessions) as session:
            row = _require(ProductRepository(session), product_id, for_update=True)
            if row.status == "retired":
                raise CatalogError("retired products cannot be published again")
            if row.status == "published":
                return
            row.status = "published"
            row.version += 1
            event = ProductPublished(product_id=row.id, version=row.version)
        self.events.publish(event)

    def change_price(self, product_id: str, price: Money) -> None:
        _check_price(price)
        with session_scope(self.sessions) as session:
            row = _require(ProductRepository(session), product_id, for_update=True)
            old = Money(row.currency, row.price_minor)
            if old == price:
                return
            row.price_minor, row.currency = price.minor, price.currency
            row.version += 1
            event = ProductPriceChanged(product_id=row.id, old_price=old, new_price=price,
                                        version=row.version)
        if row.status == "published":
            self.events.publish(event)

    def retire(self, product_id: str) -> None:
        with session_scope(self.sessions) as session:
            row = _require(ProductRepository(session), product_id, for_update=True)
            row.status = "retired"
            row.version += 1
        self.events.publish(ProductRetired(product_id=product_id))

    def product_view(self, product_id: str) -> ProductView | None:
        return self.product_views([product_id]).get(product_id)

    def product_views(self, product_ids: list[str]) -> dict[str, ProductView]:
        with session_scope(self.sessions) as session:
            repo = ProductRepository(session)
            return {row.id: _to_view(repo, row) for row in repo.get_many(list(product_ids))}

    def iter_published(self, since: datetime | None, batch_size: int) -> Iterator[ProductView]:
        after = ""
        while True:
            with session_scope(self.sessions) as session:
                repo = ProductRepository(session)
                rows = repo.published_since(since, batch_size, after_id=after)
                views = [_to_view(repo, row) for row in rows]
            yield from views
            if len(rows) < batch_size:
                return
            after = rows[-1].id


def _check_price(price: Money) -> None:
    if not 0 < price.minor <= MAX_PRICE_MINOR:
        raise CatalogError(f"price out of range: {price}")


def _require(repo: ProductRepository, product_id: str, for_update: bool = False) -> ProductRow:
    row = repo.get(product_id, for_update=for_update)
    if row is None:
        raise CatalogError(f"unknown product {product_id}")
    return row


def _to_view(repo: ProductRepository, row: ProductRow) -> ProductView:
    return ProductView(
        id=row.id, seller_id=row.seller_id, title=row.title, description=row.description,
        category_path=tuple(repo.category_path(row.category_id)),
        price=Money(row.currency, row.price_minor), in_stock=row.stock > 0,
        published=row.status == "published", version=row.version, updated_at=row.updated_at,
    )


@lru_cache(maxsize=1)
def default_service() -> CatalogService:
    return CatalogService(session_factory(), bus)
