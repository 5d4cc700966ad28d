import pytest

from marketplace.catalog.contracts import ProductPriceChanged, ProductPublished
from marketplace.catalog.models import CatalogBase
from marketplace.catalog.service import CatalogError, CatalogService, NewProduct
from marketplace.shared.money import Money


@pytest.fixture()
def catalog(make_sessions, events):
    return CatalogService(make_sessions(CatalogBase), events)


def _new(**overrides):
    fields = {"seller_id": "slr_1", "title": "  Espresso   machine ", "price": Money("EUR", 19900),
              "stock": 3}
    return NewProduct(**{**fields, **overrides})


def test_create_normalises_title(catalog):
    product = catalog.product_view(catalog.create(_new()))
    assert product.title == "Espresso machine"
    assert product.in_stock and not product.published


def test_publish_emits_event_once(catalog, events):
    product_id = catalog.create(_new())
    catalog.publish(product_id)
    catalog.publish(product_id)
    assert [type(e) for e in events.recorded] == [ProductPublished]
    assert catalog.product_view(product_id).version == 2


def test_price_change_of_published_product_is_announced(catalog, events):
    product_id = catalog.create(_new())
    catalog.publish(product_id)
    catalog.change_price(product_id, Money("EUR", 17900))
    changed = events.recorded[-1]
    assert isinstance(changed, ProductPriceChanged)
    assert changed.old_price.minor == 19900 and changed.new_price.minor == 17900


@pytest.mark.parametrize("price", [Money("EUR", 0), Money("EUR", 5_000_001)])
def test_price_bounds(catalog, price):
    with pytest.raises(CatalogError):
        catalog.create(_new(price=price))


def test_retired_products_cannot_be_republished(catalog):
    product_id = catalog.create(_new())
    catalog.retire(product_id)
    with pytest.raises(CatalogError):
        catalog.publish(product_id)
