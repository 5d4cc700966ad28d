"""Builds the Elasticsearch query DSL for a SearchQuery."""

from __future__ import annotations

from marketplace.search.contracts import SearchQuery
from marketplace.search.synonyms import expand

MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000  # index.max_result_window
RERANK_WINDOW = 200
TITLE_BOOST = 3
SORTS = {
    "price_asc": [{"price_minor": "asc"}, "_score"],
    "price_desc": [{"price_minor": "desc"}, "_score"],
    "newest": [{"updated_at": "desc"}],
}


def build_query(q: SearchQuery) -> dict:
    size = max(1, min(q.page_size, MAX_PAGE_SIZE))
    offset = (max(q.page, 1) - 1) * size
    if offset + size > MAX_WINDOW:
        raise ValueError("result window too large; refine the query")

    terms = expand(q.text)
    must: list[dict] = []
    if terms:
        must.append({"multi_match": {
            "query": " ".join(terms),
            "fields": [f"title^{TITLE_BOOST}", "title.ngram", "description", "category_path"],
            "type": "best_fields",
            "fuzziness": "AUTO",
            "operator": "or",
            "minimum_should_match": "2<75%",
        }})
    filters: list[dict] = [{"term": {"published": True}}]
    if q.category:
        filters.append({"term": {"category_path.keyword": q.category}})
    if q.min_price_minor is not None or q.max_price_minor is not None:
        price: dict[str, int] = {}
        if q.min_price_minor is not None:
            price["gte"] = q.min_price_minor
        if q.max_price_minor is not None:
            price["lte"] = q.max_price_minor
        filters.append({"range": {"price_minor": price}})
    if q.in_stock_only:
        filters.append({"term": {"in_stock": True}})

    body: dict = {
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters}},
        "aggs": {
            "category": {"terms": {"field": "category_path.keyword", "size": 20}},
            "price": {"range": {"field": "price_minor", "ranges": [
                {"to": 2000}, {"from": 2000, "to": 10000}, {"from": 10000, "to": 50000},
                {"from": 50000},
            ]}},
        },
        "track_total_hits": True,
        "_source": ["product_id", "title", "price_minor", "currency"],
    }
    if q.sort in SORTS:
        body.update(sort=SORTS[q.sort], from_=offset, size=size)
    else:
        # Relevance: fetch a window from the top, re-rank it with popularity, then page.
        body.update(from_=0, size=max(RERANK_WINDOW, offset + size))
    body["from"] = body.pop("from_")
    return body
