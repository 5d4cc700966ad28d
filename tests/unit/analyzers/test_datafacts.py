"""ORM models, relations, data access, transactions and code-naming strings, with exact lines."""

from __future__ import annotations

import textwrap

from analyzers.pyparse import parse_source


def parse(src: str):
    return parse_source(textwrap.dedent(src))


DJANGO = """\
from django.db import models, transaction
from django.apps import apps
from customers.models import Customer

class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    class Meta:
        abstract = True

class Order(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    invoice = models.OneToOneField("billing.Invoice", on_delete=models.SET_NULL, null=True)
    tags = models.ManyToManyField(to="catalog.Tag")
    class Meta:
        db_table = "shop_order"

def close(order_id):
    with transaction.atomic():
        Order.objects.filter(pk=order_id).update(status="closed")
        Invoice = apps.get_model("billing", "Invoice")
        Invoice.objects.create(order_id=order_id)
    return Order.objects.get(pk=order_id)

@transaction.atomic
def purge():
    Customer.objects.filter(active=False).delete()
"""


def test_django_models_relations_and_abstract_bases():
    models = {m.name: m for m in parse(DJANGO).models}
    assert set(models) == {"TimeStamped", "Order"}
    base = models["TimeStamped"]
    assert (base.line, base.framework, base.abstract, base.table, base.bases) == (
        5, "django", True, None, ("models.Model",))
    order = models["Order"]
    assert (order.line, order.framework, order.abstract, order.table) == (
        10, "django", False, "shop_order")
    assert [(r.line, r.field, r.kind, r.target) for r in order.relations] == [
        (11, "customer", "ForeignKey", "Customer"),
        (12, "invoice", "OneToOneField", "billing.Invoice"),
        (13, "tags", "ManyToManyField", "catalog.Tag"),
    ]


def test_django_access_chained_querysets_and_transactions():
    access = [(a.line, a.target, a.operation, a.via, a.transaction)
              for a in parse(DJANGO).data_access]
    assert access == [
        (19, "Order", "write", "objects.filter.update", 18),
        (21, "Invoice", "write", "objects.create", 18),
        (22, "Order", "read", "objects.get", 0),
        (26, "Customer", "write", "objects.filter.delete", 24),
    ]


def test_code_naming_strings():
    strings = [(s.line, s.value, s.context) for s in parse(DJANGO).strings]
    assert strings == [
        (12, "billing.Invoice", "OneToOneField"),
        (13, "catalog.Tag", "ManyToManyField"),
        (20, "billing.Invoice", "get_model"),
    ]


def test_settings_urls_and_loaders():
    src = """\
    from django.urls import include, path
    from oscar.core.loading import get_class
    INSTALLED_APPS = [
        "django.contrib.admin",
        "orders",
        "billing.apps.BillingConfig",
    ]
    CELERY_TASK_ROUTES = {"search.tasks.reindex": {"queue": "search"}}
    LANGUAGE_CODE = "en-us"
    urlpatterns = [path("orders/", include("orders.urls"))]
    Repository = get_class("shipping.repository", "Repository")
    log = logging.getLogger("not a path")
    """
    strings = [(s.line, s.value, s.context) for s in parse(src).strings]
    assert strings == [
        (4, "django.contrib.admin", "INSTALLED_APPS"),
        (5, "orders", "INSTALLED_APPS"),
        (6, "billing.apps.BillingConfig", "INSTALLED_APPS"),
        (8, "search.tasks.reindex", "CELERY_TASK_ROUTES"),
        (8, "queue", "CELERY_TASK_ROUTES"),
        (8, "search", "CELERY_TASK_ROUTES"),
        (10, "orders.urls", "include"),
        (11, "shipping.repository", "get_class"),
        (11, "Repository", "get_class"),
    ]


def test_sqlalchemy_models_sessions_and_raw_sql():
    src = """\
    from sqlalchemy import Column, ForeignKey, Integer, select, update
    from sqlalchemy.orm import relationship, Mapped, mapped_column
    from app.db import Base, session

    class Invoice(Base):
        __tablename__ = "invoices"
        id = Column(Integer, primary_key=True)
        order_id = Column(Integer, ForeignKey("orders.id"))
        order = relationship("Order", back_populates="invoices")

    class Mixin:
        __abstract__ = True
        note: Mapped[str] = mapped_column()

    def bill(order):
        with session.begin():
            session.add(Invoice(order_id=order.id))
            rows = session.execute(select(Invoice)).all()
            session.execute(update(Order).values(paid=True))
        old = session.query(Invoice).count()
        cur.execute("UPDATE orders SET paid = 1 WHERE id = %s", [order.id])
        cur.execute('''
            SELECT * FROM invoices JOIN customers ON customers.id = invoices.customer_id
        ''')
    """
    parsed = parse(src)
    models = {m.name: m for m in parsed.models}
    inv = models["Invoice"]
    assert (inv.line, inv.framework, inv.table, inv.abstract) == (5, "sqlalchemy", "invoices",
                                                                 False)
    assert [(r.line, r.field, r.kind, r.target) for r in inv.relations] == [
        (8, "order_id", "ForeignKey-column", "orders.id"),
        (9, "order", "relationship", "Order"),
    ]
    assert models["Mixin"].abstract is True
    access = [(a.line, a.target, a.operation, a.via, a.transaction)
              for a in parsed.data_access]
    assert access == [
        (17, "Invoice", "write", "session.add", 16),
        (18, "Invoice", "read", "session.execute", 16),
        (19, "Order", "write", "session.execute", 16),
        (20, "Invoice", "read", "session.query", 0),
        (21, "table:orders", "write", "raw-sql", 0),
        (22, "table:customers", "read", "raw-sql", 0),
        (22, "table:invoices", "read", "raw-sql", 0),
    ]


def test_plain_classes_are_not_models():
    src = """\
    class Service:
        timeout = 3
        def run(self):
            return Order.objects.all()
    """
    parsed = parse(src)
    assert parsed.models == ()
    assert [(a.target, a.via) for a in parsed.data_access] == [("Order", "objects.all")]


def test_instance_writes_through_a_bound_variable():
    src = """\
    from shop.models import Order, Invoice
    from app.db import session

    def pay(order_id):
        order = Order.objects.get(pk=order_id)
        order.paid = True
        order.save()
        invoice = Invoice(order=order)
        session.add(invoice)
        for line in Order.objects.filter(paid=False).select_related("customer"):
            line.delete()
        latest = Invoice.objects.filter(order=order).first()
        latest.save()
        helper.save()
        thing = make()
        thing.save()
    """
    access = [(a.line, a.target, a.operation, a.via) for a in parse(src).data_access]
    assert access == [
        (5, "Order", "read", "objects.get"),
        (7, "Order", "write", "save"),
        (9, "Invoice", "write", "session.add"),
        (10, "Order", "read", "objects.filter.select_related"),
        (11, "Order", "write", "delete"),
        (12, "Invoice", "read", "objects.filter.first"),
        (13, "Invoice", "write", "save"),
    ]


def test_a_variable_bound_to_two_models_is_not_guessed():
    src = """\
    def f(flag):
        if flag:
            obj = Order.objects.get(pk=1)
        else:
            obj = Invoice.objects.get(pk=1)
        obj.save()
    """
    assert [a.via for a in parse(src).data_access] == ["objects.get", "objects.get"]


def test_task_modules_listed_by_name_are_code_references():
    src = """\
    from celery import Celery
    app = Celery("crm", broker=URL, include=["crm.tasks.deals", "crm.tasks.invoices"])
    app.conf.update(imports=("crm.tasks.tickets",))
    app.autodiscover_tasks(["crm.reports"])
    app.log(["not a module", "fine.but.ignored"], level=3)
    """
    strings = [(s.line, s.value, s.context) for s in parse(src).strings]
    assert strings == [
        (2, "crm.tasks.deals", "include"),
        (2, "crm.tasks.invoices", "include"),
        (3, "crm.tasks.tickets", "include"),
        (4, "crm.reports", "autodiscover_tasks"),
        (5, "fine.but.ignored", "log"),
    ]


def test_sqlalchemy_declarations_tables_bases_and_declared_attr():
    src = """\
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import Column, ForeignKey, Integer, Table
    from sqlalchemy.orm import declarative_base, declared_attr
    from app.users import User

    db = SQLAlchemy()
    Base = declarative_base()
    assoc = Table(
        "assoc_tags",
        Base.metadata,
        Column("case_id", Integer, ForeignKey("case.id")),
    )
    reflected = Table("legacy", Base.metadata, autoload_with=None)

    class Named(Base):
        @declared_attr
        def __tablename__(cls):
            return cls.__name__.lower()

        @declared_attr
        def owner_id(cls):
            return Column(Integer, ForeignKey(User.id))

    class Child(Named):
        note = Column(Integer)
    """
    models = {m.name: m for m in parse(src).models}
    assert set(models) == {"db", "Base", "assoc", "Named", "Child"}
    assert (models["db"].kind, models["db"].line) == ("base", 6)
    assert models["db"].table_rule != () and models["Base"].table_rule == ()
    assoc = models["assoc"]
    assert (assoc.kind, assoc.table, assoc.line) == ("table", "assoc_tags", 8)
    assert [(r.line, r.field, r.kind, r.target) for r in assoc.relations] == [
        (11, "case_id", "ForeignKey-column", "case.id")]
    named = models["Named"]
    assert named.table_rule == ("meth", "lower", ("arg",))
    assert [(r.line, r.field, r.kind, r.target) for r in named.relations] == [
        (22, "owner_id", "ForeignKey-model", "User")]
    assert models["Child"].primary_key is False


def test_django_meta_history_app_configs_and_user_aliases():
    src = """\
    from django.apps import AppConfig
    from django.contrib.auth import get_user_model
    from django.db import models
    from simple_history.models import HistoricalRecords

    User = get_user_model()

    class ShopConfig(AppConfig):
        name = "shop.orders"
        label = "orders"

    class Order(models.Model):
        owner = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        history = HistoricalRecords()

    class Rush(Order):
        class Meta(Order.Meta):
            proxy = True
            app_label = "rush"

    def lock(pk):
        return Order.objects.select_for_update().get(pk=pk)
    """
    parsed = parse(src)
    models = {m.name: m for m in parsed.models}
    assert (models["User"].kind, models["User"].bases) == ("alias", ("AUTH_USER_MODEL",))
    assert (models["ShopConfig"].kind, models["ShopConfig"].app_label) == ("app", "orders")
    assert [(r.line, r.field, r.kind, r.target) for r in models["Order"].relations] == [
        (13, "owner", "ForeignKey", "get_user_model"),
        (14, "history", "HistoricalRecords", "self")]
    rush = models["Rush"]
    assert (rush.proxy, rush.app_label, rush.meta) == (True, "rush", "extends")
    # select_for_update locks rows to read them: a read, not a write
    assert [(a.target, a.operation) for a in parsed.data_access] == [("Order", "read")]


def test_settings_extended_with_plus_equals_are_read():
    """taiga's settings end with ``INSTALLED_APPS += ["taiga.telemetry"]``: that app is
    installed (its models own tables) like those of the first assignment."""
    src = """\
    INSTALLED_APPS = ["taiga.base"]
    INSTALLED_APPS += [
        "taiga.telemetry",
    ]
    counter = 0
    counter += 1
    """
    strings = [(s.line, s.value, s.context) for s in parse(src).strings]
    assert strings == [(1, "taiga.base", "INSTALLED_APPS"), (3, "taiga.telemetry", "INSTALLED_APPS")]
