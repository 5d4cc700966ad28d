from __future__ import annotations

from functools import lru_cache

from elasticsearch import Elasticsearch
from opentelemetry import trace
from prometheus_client import Histogram
from sqlalchemy import select

from marketplace.search.contracts import SearchHit, SearchPage, SearchQuery
from marketplace.search.models import PopularityRow
from marketplace.search.query import build_query
from marketplace.search.ranking import decay, rerank
from marketplace.search.synonyms import correct
from marketplace.settings import get_settings
from marketplace.shared.db import session_scope

tracer = trace.get_tracer(__name__)
SEARCH_LATENCY = Histogram("search_query_seconds", "Search latency", ["sort"])
ES_TIMEOUT_S = 2.0


@lru_cache(maxsize=1)
def es_client() -> Elasticsearch:
    settings = get_settings()
    return Elasticsearch(settings.elasticsearch_url, request_timeout=ES_TIMEOUT_S,
                         retry_on_timeout=True, max_retries=2)


def popularity_for(product_ids: list[str]) -> dict[str, float]:
    if not product_ids:
        return {}
    with session_scope() as session:
        rows = session.scalars(select(PopularityRow).where(PopularityRow.product_id.in_(product_ids)))
        return {row.product_id: decay(row.units_ordered, row.last_order_at) for row in rows}


def search(q: SearchQuery, es: Elasticsearch | None = None) -> SearchPage:
    es = es or es_client()
    corrected = correct(q.text)
    if corrected:
        q = SearchQuery(**{**q.__dict__, "text": corrected})
    with SEARCH_LATENCY.labels(q.sort).time(), tracer.start_as_current_span("search.query"):
        response = es.search(index=get_settings().search_index, body=build_query(q))
    raw = response["hits"]["hits"]
    hits = [SearchHit(h["_source"]["product_id"], h["_source"]["title"], h["_source"]["price_minor"],
                      h["_source"]["currency"], float(h["_score"] or 0.0)) for h in raw]
    if q.sort == "relevance" and hits:
        popularity = popularity_for([h.product_id for h in hits])
        order = rerank(q.text, [h.title for h in hits], [h.score for h in hits],
                       [popularity.get(h.product_id, 0.0) for h in hits])
        hits = [hits[i] for i in order]
        start = (max(q.page, 1) - 1) * q.page_size
        hits = hits[start:start + q.page_size]
    facets = {
        name: {str(b.get("key")): b["doc_count"] for b in agg["buckets"]}
        for name, agg in response.get("aggregations", {}).items()
    }
    return SearchPage(hits=hits, total=response["hits"]["total"]["value"], facets=facets,
                      corrected_query=corrected)


def suggest(prefix: str, es: Elasticsearch | None = None, size: int = 8) -> list[str]:
    prefix = prefix.strip()
    if len(prefix) < 2:
        return []
    es = es or es_client()
    response = es.search(index=get_settings().search_index, body={
        "query": {"match": {"title.ngram": {"query": prefix, "operator": "and"}}},
        "_source": ["title"], "size": size,
    })
    return list(dict.fromkeys(h["_source"]["title"] for h in response["hits"]["hits"]))
