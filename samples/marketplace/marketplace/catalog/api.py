"""Public interface of the catalog. Other domains import only this module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from marketplace.catalog.contracts import (
    ProductPriceChanged,
    ProductPublished,
    ProductRetired,
    ProductView,
)
from marketplace.catalog.service import default_service


def get_product(product_id: str) -> ProductView | None:
    return default_service().product_view(product_id)


def get_products(product_ids: list[str]) -> dict[str, ProductView]:
    return default_service().product_views(product_ids)


def iter_published(since: datetime | None = None, batch_size: int = 500) -> Iterator[ProductView]:
    """Every published product (optionally only those changed since a time), in id order."""
    yield from default_service().iter_published(since, batch_size)


__all__ = [
    "ProductView", "ProductPublished", "ProductPriceChanged", "ProductRetired",
    "get_product", "get_products", "iter_published",
]
