"""Writes catalog products into Elasticsearch; full reindexes go through a new index and an
alias swap so searches never see a half-built index."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timezone

from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk

from marketplace.catalog import api as catalog

log = logging.getLogger(__name__)

BULK_CHUNK = 500
INDEX_SETTINGS = {
    "number_of_shards": 3,
    "number_of_replicas": 1,
    "refresh_interval": "5s",
    "analysis": {
        "filter": {"edge": {"type": "edge_ngram", "min_gram": 2, "max_gram": 15}},
        "analyzer": {
            "title_ngram": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding", "edge"]},
        },
    },
}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "product_id": {"type": "keyword"},
        "seller_id": {"type": "keyword"},
        "title": {"type": "text", "fields": {"ngram": {"type": "text", "analyzer": "title_ngram"}}},
        "description": {"type": "text"},
        "category_path": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
        "price_minor": {"type": "long"},
        "currency": {"type": "keyword"},
        "in_stock": {"type": "boolean"},
        "published": {"type": "boolean"},
        "version": {"type": "long"},
        "updated_at": {"type": "date"},
    },
}


def document(product: catalog.ProductView) -> dict:
    return {
        "product_id": product.id,
        "seller_id": product.seller_id,
        "title": product.title,
        "description": product.description[:5000],
        "category_path": list(product.category_path),
        "price_minor": product.price.minor,
        "currency": product.price.currency,
        "in_stock": product.in_stock,
        "published": product.published,
        "version": product.version,
        "updated_at": product.updated_at.isoformat(),
    }


class Indexer:
    def __init__(self, es: Elasticsearch, alias: str) -> None:
        self.es = es
        self.alias = alias

    def _actions(self, products: Iterable[catalog.ProductView], index: str):
        for product in products:
            if not product.published:
                yield {"_op_type": "delete", "_index": index, "_id": product.id}
                continue
            yield {
                "_op_type": "index", "_index": index, "_id": product.id,
                "version": product.version, "version_type": "external_gte",
                "_source": document(product),
            }

    def index(self, products: Iterable[catalog.ProductView], index: str | None = None) -> int:
        ok, errors = bulk(self.es, self._actions(products, index or self.alias),
                          chunk_size=BULK_CHUNK, raise_on_error=False, max_retries=3)
        for error in errors:
            log.warning("bulk error: %s", error)
        return ok

    def delete(self, product_id: str) -> None:
        try:
            self.es.delete(index=self.alias, id=product_id)
        except NotFoundError:
            pass

    def reindex_all(self) -> str:
        new_index = f"{self.alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S}"
        self.es.indices.create(index=new_index, settings=INDEX_SETTINGS, mappings=MAPPINGS)
        count = self.index(catalog.iter_published(batch_size=BULK_CHUNK), index=new_index)
        self.es.indices.refresh(index=new_index)
        old = list(self.es.indices.get_alias(name=self.alias, ignore_unavailable=True).keys())
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self.es.indices.update_aliases(actions=actions)
        for name in old:
            self.es.indices.delete(index=name, ignore_unavailable=True)
        log.info("reindexed %d products into %s", count, new_index)
        return new_index
