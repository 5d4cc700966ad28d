"""Data shapes the catalog shares with the outside world (re-exported by ``catalog.api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.shared.events import Event
from marketplace.shared.money import Money


@dataclass(frozen=True)
class ProductView:
    id: str
    seller_id: str
    title: str
    description: str
    category_path: tuple[str, ...]
    price: Money
    in_stock: bool
    published: bool
    version: int
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class ProductPublished(Event):
    product_id: str
    version: int


@dataclass(frozen=True, kw_only=True)
class ProductPriceChanged(Event):
    product_id: str
    old_price: Money
    new_price: Money
    version: int


@dataclass(frozen=True, kw_only=True)
class ProductRetired(Event):
    product_id: str
