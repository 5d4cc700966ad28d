"""Event handlers: keep the index and popularity in step with catalog and orders.

Handlers only enqueue tasks; the web process never talks to Elasticsearch for writes.
"""

from __future__ import annotations

from marketplace.catalog import api as catalog
from marketplace.orders import api as orders
from marketplace.search import tasks
from marketplace.shared.events import EventBus


def on_product_changed(event: catalog.ProductPublished | catalog.ProductPriceChanged) -> None:
    tasks.index_products.delay([event.product_id])


def on_product_retired(event: catalog.ProductRetired) -> None:
    tasks.remove_product.delay(event.product_id)


def on_order_placed(event: orders.OrderPlaced) -> None:
    tasks.record_order.delay(dict(event.quantities))


def install(events: EventBus) -> None:
    events.subscribe(catalog.ProductPublished, on_product_changed)
    events.subscribe(catalog.ProductPriceChanged, on_product_changed)
    events.subscribe(catalog.ProductRetired, on_product_retired)
    events.subscribe(orders.OrderPlaced, on_order_placed)
