"""Indexing work. Routed to the ``search-indexing`` queue, consumed only by the search worker."""

from __future__ import annotations

from datetime import datetime, timezone

from celery import shared_task
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import TransportError
from sqlalchemy import select

from marketplace.catalog import api as catalog
from marketplace.search.indexer import Indexer
from marketplace.search.models import IndexStateRow, PopularityRow
from marketplace.search.ranking import decay
from marketplace.search.service import es_client
from marketplace.settings import get_settings
from marketplace.shared.db import session_scope

QUEUE = "search-indexing"  # see task_routes in marketplace.worker
RETRY = {"autoretry_for": (EsConnectionError, TransportError), "retry_backoff": True,
         "retry_backoff_max": 300, "max_retries": 8}


def _indexer() -> Indexer:
    return Indexer(es_client(), get_settings().search_index)


@shared_task(name="search.index_products", acks_late=True, **RETRY)
def index_products(product_ids: list[str]) -> int:
    products = catalog.get_products(product_ids)
    with session_scope() as session:
        states = {s.product_id: s for s in session.scalars(
            select(IndexStateRow).where(IndexStateRow.product_id.in_(product_ids)))}
        fresh = [p for p in products.values()
                 if p.id not in states or states[p.id].indexed_version < p.version]
        count = _indexer().index(fresh)
        for product in fresh:
            state = states.get(product.id) or IndexStateRow(product_id=product.id)
            state.indexed_version = product.version
            state.deleted = not product.published
            state.indexed_at = datetime.now(timezone.utc)
            session.merge(state)
    return count


@shared_task(name="search.remove_product", acks_late=True, **RETRY)
def remove_product(product_id: str) -> None:
    _indexer().delete(product_id)
    with session_scope() as session:
        session.merge(IndexStateRow(product_id=product_id, deleted=True,
                                    indexed_at=datetime.now(timezone.utc)))


@shared_task(name="search.record_order")
def record_order(quantities: dict[str, int]) -> None:
    now = datetime.now(timezone.utc)
    with session_scope() as session:
        for product_id, units in quantities.items():
            row = session.get(PopularityRow, product_id, with_for_update=True)
            if row is None:
                session.add(PopularityRow(product_id=product_id, units_ordered=float(units),
                                          last_order_at=now))
            else:
                row.units_ordered = decay(row.units_ordered, row.last_order_at, now) + units
                row.last_order_at = now


@shared_task(name="search.reindex_all", time_limit=3600, soft_time_limit=3300)
def reindex_all() -> str:
    return _indexer().reindex_all()
