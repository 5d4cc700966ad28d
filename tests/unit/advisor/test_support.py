"""Support code in the graph (advisor.support): which modules are support, that they change no
context (clustering, kernel fan-in, API surfaces, context edges, tables), and the context each
one is attributed to."""

from __future__ import annotations

import textwrap

from advisor.contexts import propose_contexts
from advisor.data_ownership import build_data_ownership
from advisor.graph import build_graph
from advisor.signals import build_signal_graph
from advisor.support import home_package, support_modules
from analyzers.facts import ModuleFacts
from analyzers.pyparse import parse_source
from tests.unit.advisor.test_contexts import DOMAINS, shop


def src(name: str, text: str = "", package: bool = False, path: str | None = None
        ) -> ModuleFacts:
    path = path or name.replace(".", "/") + ("/__init__.py" if package else ".py")
    return ModuleFacts(path=path, name=name, is_package=package, sha256="",
                       source=parse_source(textwrap.dedent(text).lstrip("\n")))


def with_modules(*extra: ModuleFacts):
    return build_graph(shop(tuple(extra)))


def suite() -> tuple[ModuleFacts, ...]:
    """A realistic suite: tests inside each app that import their app, another app and the
    shared factories; a top-level tests package whose modules use many apps (fan-in on
    ``orders.services`` from eight test packages); a fixture module only tests import."""
    out = [src("shop.tests", package=True),
           src("shop.tests.factories", """
               import factory
               from shop.catalog.models import Product
               from shop.orders.models import Order

               def make_order():
                   Order.objects.create(total=1)
                   return Order(product=Product())
               """)]
    for i, d in enumerate(DOMAINS):
        other = list(DOMAINS)[(i + 1) % len(DOMAINS)]
        out += [src(f"shop.{d}.tests", package=True),
                src(f"shop.{d}.tests.test_services", f"""
                    import pytest
                    from shop.{d} import services
                    from shop.{d}.models import {DOMAINS[d]}
                    from shop.{other}.models import {DOMAINS[other]}
                    from shop.orders.services import make_order, list_orders
                    from shop.tests.factories import make_order as build

                    def test_make():
                        services.make_{DOMAINS[d].lower()}()
                        make_order()
                        list_orders()
                        {DOMAINS[d]}.objects.filter(pk=1).update(pk=2)
                        {DOMAINS[other]}.objects.create()
                        build()
                    """)]
    for k in range(4):
        out.append(src(f"shop.tests.area{k}", package=True))
        out.append(src(f"shop.tests.area{k}.test_flow", """
            from shop.orders.services import make_order, list_orders
            from shop.catalog.selectors import count

            def test_flow():
                make_order()
                list_orders()
                count()
            """))
    return tuple(out)


def test_support_by_path_content_and_use():
    graph = with_modules(
        *suite(),
        src("shop.orders.checks", """
            import unittest
            from shop.orders.models import Order

            class OrderChecks(unittest.TestCase):
                def test_total(self):
                    Order()
            """),
        src("shop.billing.factories", """
            import factory
            from shop.billing.models import Invoice
            """),
        src("shop.billing.reminders", """
            from shop.billing.factories import Invoice
            """),
        src("shop.qa", package=True),
        src("shop.qa.test_smoke", "import pytest\n"))
    kinds = support_modules(graph)
    assert kinds["shop.orders.tests.test_services"] == "test"  # path
    assert kinds["shop.orders.checks"] == "test"  # content: unittest and a TestCase
    assert kinds["shop.tests.factories"] == "test"  # inside tests/
    assert kinds["shop.orders.migrations.0001_initial"] == "migration"
    assert kinds["shop.qa"] == "test"  # a package holding support only
    assert "shop.billing.factories" not in kinds  # application code imports it
    assert not {n for n in kinds if not any(
        p in n for p in (".tests", ".migrations", ".checks", ".qa"))}


def test_a_fixture_only_tests_use_is_support():
    factories = src("shop.catalog.factories", """
        import factory
        from shop.catalog.models import Product

        class ProductFactory(factory.Factory):
            pass
        """)
    user = src("shop.catalog.tests.test_models", """
        from shop.catalog.factories import ProductFactory

        def test_it():
            ProductFactory()
        """)
    assert support_modules(with_modules(factories, user))["shop.catalog.factories"] == "fixture"
    production = src("shop.catalog.seed", "from shop.catalog.factories import ProductFactory\n")
    assert "shop.catalog.factories" not in support_modules(with_modules(factories, user,
                                                                        production))


def test_support_is_no_node_of_the_signal_graph():
    graph = with_modules(*suite())
    sg = build_signal_graph(graph)
    assert not {n for n in sg.nodes if ".tests" in n or ".migrations" in n}
    assert not [p for p in sg.weights if any(".tests" in n for n in p)]
    assert not [m for m, ts in sg.depends.items() if ".tests" in m and ts]
    uses = sg.support_uses["shop.billing.tests.test_services"]
    assert {"shop.billing.services", "shop.billing.models", "shop.catalog.models",
            "shop.orders.services"} <= set(uses)


def test_a_test_suite_changes_no_context():
    plain = propose_contexts(build_graph(shop()))
    tested = propose_contexts(with_modules(*suite()))
    assert tested.kernel == plain.kernel == ("shop.core.money",)  # no fan-in from tests
    assert tested.resolution == plain.resolution
    for a, b in zip(tested.contexts, plain.contexts, strict=True):
        assert (a.name, a.modules, a.lines, a.cohesion, a.coupling, a.depends_on,
                a.api_surface, a.tables) == (b.name, b.modules, b.lines, b.cohesion,
                                             b.coupling, b.depends_on, b.api_surface, b.tables)
    orders = next(c for c in tested.contexts if c.name == "orders")
    # used by eight test packages, yet only billing (application code) makes it API
    assert [(s.symbol, s.used_by) for s in orders.api_surface] == [("list_orders",
                                                                    ("billing",))]


def test_each_support_module_is_attributed_to_the_context_it_exercises():
    extra = suite() + (
        src("tests", package=True, path="tests/__init__.py"),
        src("tests.test_billing", """
            from shop.billing.invoicing import bill
            from shop.orders.models import Order

            def test_bill():
                bill(); bill(); Order()
            """, path="tests/test_billing.py"),
        src("tests.helpers", """
            import pytest
            from shop.catalog.selectors import count
            """, path="tests/helpers.py"),
        src("tests.test_through_helpers", """
            from tests.helpers import count

            def test_count():
                count()
            """, path="tests/test_through_helpers.py"),
        src("tests.test_money", """
            from shop.core.money import fmt

            def test_fmt():
                fmt(1)
            """, path="tests/test_money.py"),
    )
    graph = with_modules(*extra)
    proposal = propose_contexts(graph)
    placed = {a.module: a for a in proposal.assignments}
    for d in DOMAINS:  # home first: the app the tests sit in, whatever else they use
        a = placed[f"shop.{d}.tests.test_services"]
        assert (a.context, a.placed_by, a.attributed) == (None, "support", d)
        assert placed[f"shop.{d}.migrations.0001_initial"].attributed == d
    assert placed["tests.test_billing"].attributed == "billing"  # by uses: 2 calls to 1
    assert placed["tests.test_through_helpers"].attributed == "catalog"  # via a helper
    assert placed["tests.test_money"].attributed is None  # a test of the shared kernel
    billing = next(c for c in proposal.contexts if c.name == "billing")
    assert "tests.test_billing" in billing.tests
    assert "shop.billing.tests.test_services" in billing.tests
    assert billing.migrations == ("shop.billing.migrations", "shop.billing.migrations.0001_initial")
    assert not set(proposal.context_of()) & set(proposal.support)
    assert proposal.home_of()["tests.test_billing"] == "billing"
    assert home_package(graph, "shop.orders.tests.test_services") == "shop.orders"
    assert home_package(graph, "shop.orders.migrations") == "shop.orders"


def test_tests_and_migrations_own_no_table_and_write_none():
    migration = src("shop.billing.migrations.0002_backfill", """
        from django.db import migrations
        from shop.orders.models import Order

        def forwards(apps, schema_editor):
            Order.objects.filter(pk=1).update(pk=2)

        class Migration(migrations.Migration):
            operations = []
        """, path="shop/billing/migrations/0002_backfill.py")
    test_model = src("shop.billing.tests.models", """
        from django.db import models

        class Fake(models.Model):
            name = models.CharField(max_length=3)
        """)
    graph = with_modules(*suite(), migration, test_model)
    proposal = propose_contexts(graph)
    data = build_data_ownership(graph, proposal.context_of())
    writers = {(w.module, w.table) for w in data.writes}
    assert not {m for m, _ in writers if ".tests" in m or ".migrations" in m}
    assert ("shop.orders.services", "orders_order") in writers
    assert not [t for t in data.tables if "fake" in t]
    assert data.contested_tables() == build_data_ownership(
        build_graph(shop()), propose_contexts(build_graph(shop())).context_of()
    ).contested_tables()
