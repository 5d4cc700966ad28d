from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from marketplace.search import service
from marketplace.search.contracts import SearchQuery

router = APIRouter(prefix="/search", tags=["search"])


@router.get("")
def search(q: str = "", category: str | None = None, min_price: int | None = None,
           max_price: int | None = None, in_stock: bool = False, page: int = Query(1, ge=1),
           page_size: int = Query(24, ge=1, le=100), sort: str = "relevance") -> dict:
    try:
        result = service.search(SearchQuery(
            text=q, category=category, min_price_minor=min_price, max_price_minor=max_price,
            in_stock_only=in_stock, page=page, page_size=page_size, sort=sort,
        ))
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return {
        "total": result.total,
        "corrected_query": result.corrected_query,
        "facets": result.facets,
        "hits": [{"product_id": h.product_id, "title": h.title, "price_minor": h.price_minor,
                  "currency": h.currency} for h in result.hits],
    }


@router.get("/suggest")
def suggest(prefix: str) -> list[str]:
    return service.suggest(prefix)
