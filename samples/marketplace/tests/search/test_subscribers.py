from marketplace.catalog.api import ProductPublished, ProductRetired
from marketplace.orders.api import OrderPlaced
from marketplace.search import subscribers, tasks
from marketplace.shared.events import EventBus
from marketplace.shared.money import Money


def test_events_enqueue_indexing_tasks(monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.index_products, "delay", lambda ids: queued.append(("index", ids)))
    monkeypatch.setattr(tasks.remove_product, "delay", lambda pid: queued.append(("remove", pid)))
    monkeypatch.setattr(tasks.record_order, "delay", lambda q: queued.append(("order", q)))
    bus = EventBus()
    subscribers.install(bus)

    bus.publish(ProductPublished(product_id="prd_1", version=2))
    bus.publish(ProductRetired(product_id="prd_2"))
    bus.publish(OrderPlaced(order_id="ord_1", buyer_id="b", quantities={"prd_1": 2},
                            total=Money("EUR", 100)))

    assert queued == [("index", ["prd_1"]), ("remove", "prd_2"), ("order", {"prd_1": 2})]


def test_search_tasks_are_routed_to_their_own_queue():
    from marketplace.worker import celery_app

    route = celery_app.amqp.router.route({}, tasks.index_products.name)
    assert route["queue"].name == tasks.QUEUE == "search-indexing"
