from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchQuery:
    text: str
    category: str | None = None
    min_price_minor: int | None = None
    max_price_minor: int | None = None
    in_stock_only: bool = False
    page: int = 1
    page_size: int = 24
    sort: str = "relevance"  # relevance | price_asc | price_desc | newest


@dataclass(frozen=True)
class SearchHit:
    product_id: str
    title: str
    price_minor: int
    currency: str
    score: float


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    corrected_query: str | None = None
