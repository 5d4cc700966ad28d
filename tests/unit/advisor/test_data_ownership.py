"""Data ownership: models resolved to modules, tables and contexts; the data facts that cross
contexts."""

from __future__ import annotations

import json

from advisor.data_ownership import (
    KERNEL,
    build_data_ownership,
    data_document,
    is_support_module,
)
from tests.unit.advisor.test_readiness_fixtures import (
    by_package,
    fk,
    graph,
    imp,
    mod,
    model,
    write,
)


def ownership(*modules):
    g = graph(*modules)
    return build_data_ownership(g, by_package(g))


def test_django_default_and_explicit_table_names():
    data = ownership(
        mod("shop.orders.models", models=[model("Order"), model("OrderLine", table="lines")]),
        mod("shop.orders.services"))
    assert {m.name: m.table for m in data.models} == {"Order": "orders_order",
                                                      "OrderLine": "lines"}
    assert all(m.context == "shop" for m in data.models)


def test_abstract_models_and_inheritance_across_modules():
    data = ownership(
        mod("catalogue.abstract_models", models=[model("AbstractProduct", abstract=True)]),
        mod("catalogue.models", imports=[imp("catalogue.abstract_models", "AbstractProduct")],
            classes=[("Product", ("AbstractProduct",))]))
    found = {m.name: (m.table, m.abstract) for m in data.models}
    assert found == {"AbstractProduct": (None, True), "Product": ("catalogue_product", False)}


def test_writes_resolve_imported_names_app_labels_and_raw_sql_tables():
    data = ownership(
        mod("orders.models", models=[model("Order")]),
        mod("billing.services", imports=[imp("orders.models", "Order")],
            access=[write("Order", line=12), write("table:orders_order", line=20, via="raw-sql"),
                    write("orders.Order", line=30)]),
        mod("billing.models", models=[model("Invoice")]))
    writes = [(w.table, w.owner, w.context, w.line) for w in data.writes]
    assert writes == [("orders_order", "orders", "billing", 12),
                      ("orders_order", "orders", "billing", 20),
                      ("orders_order", "orders", "billing", 30)]
    orders = data.contexts["orders"]
    assert orders.tables == ("orders_order",)
    assert [(w.path, w.line) for w in orders.foreign_writes] == [("billing/services.py", 12),
                                                                 ("billing/services.py", 20),
                                                                 ("billing/services.py", 30)]
    assert [w.table for w in data.contexts["billing"].writes_elsewhere] == ["orders_order"] * 3
    assert not orders.clean
    assert data.shared_tables() == {}  # one writing context, but not the owner:
    assert list(data.contested_tables()) == ["orders_order"]


def test_relations_by_app_label_same_app_self_and_user_model():
    data = ownership(
        mod("customers.models", models=[model("Customer"), model("Address")]),
        mod("orders.models", models=[model("Order", relations=[
            fk("customers.Customer", line=5, field="customer"),
            fk("Line", line=6, field="last_line"),
            fk("self", line=7, field="parent"),
            fk("settings.AUTH_USER_MODEL", line=8, field="user")]), model("Line")]))
    pairs = [(r.field, r.target, r.crosses, r.line) for r in data.foreign_keys]
    assert pairs == [("customer", "customers.models.Customer", True, 5),
                     ("last_line", "orders.models.Line", False, 6)]
    assert [fk.field for fk in data.contexts["customers"].foreign_keys] == ["customer"]


def test_a_foreign_key_into_the_kernel_does_not_cross_but_out_of_it_does():
    data = ownership(
        mod("core.models", models=[model("Address"), model("Note", relations=[
            fk("orders.Order", field="order")])]),
        mod("orders.models", imports=[imp("core.models", "Address")],
            models=[model("Order", relations=[fk("Address", field="address")])]))
    crossing = [(f.source, f.field) for f in data.cross_foreign_keys]
    assert crossing == [("core.models.Note", "order")]


def test_sqlalchemy_column_foreign_keys_name_tables():
    data = ownership(mod("shop.models", models=[
        model("Book", table="books", framework="sqlalchemy", bases=("Base",)),
        model("Line", table="order_lines", framework="sqlalchemy", bases=("Base",),
              relations=[fk("books.id", kind="ForeignKey-column", field="book_id")])]))
    assert [(f.source, f.target) for f in data.foreign_keys] == [("shop.models.Line",
                                                                  "shop.models.Book")]


def test_transactions_spanning_contexts_name_the_block_and_the_contexts():
    data = ownership(
        mod("orders.models", models=[model("Order")]),
        mod("stock.models", models=[model("Item")]),
        mod("orders.services", imports=[imp("orders.models", "Order"),
                                        imp("stock.models", "Item")],
            access=[write("Order", 11, tx=10), write("Item", 12, tx=10),
                    write("Order", 21, tx=20)]))
    assert [(t.path, t.line, t.contexts, t.spans) for t in data.transactions] == [
        ("orders/services.py", 10, ("orders", "stock"), True),
        ("orders/services.py", 20, ("orders",), False)]
    assert [t.line for t in data.contexts["stock"].transactions] == [10]


def test_shared_tables_count_the_kernel_as_a_writer_and_tests_are_ignored():
    data = ownership(
        mod("core.models", models=[model("AuditLog")], access=[write("AuditLog", 40)]),
        mod("customers.services", imports=[imp("core.models", "AuditLog")],
            access=[write("AuditLog", 9)]),
        mod("orders.tests", imports=[imp("core.models", "AuditLog")],
            access=[write("AuditLog", 3)]))
    shared = data.shared_tables()
    assert list(shared) == ["core_auditlog"]
    assert sorted(shared["core_auditlog"]) == [KERNEL, "customers"]
    assert list(data.contested_tables()) == ["core_auditlog"]
    document = data_document(data)
    assert document["contested_tables"][0]["writers"]["customers"] == ["customers/services.py:9"]
    json.dumps(document)


def test_ambiguous_model_names_are_not_guessed():
    data = ownership(
        mod("a.models", models=[model("Item")]), mod("b.models", models=[model("Item")]),
        mod("c.services", access=[write("Item", 5)]))
    assert data.writes == ()


def test_support_modules():
    assert is_support_module("shop/tests/test_x.py")
    assert is_support_module("shop/migrations/0001_initial.py")
    assert is_support_module("conftest.py") and is_support_module("orders/tests.py")
    assert not is_support_module("shop/testimonials.py")
