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
from tests.unit.advisor.orm_trees import DECLARED_ATTR, FLASK, analyse, keys, tables
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
    # the user model: Django's auth.User unless the project sets AUTH_USER_MODEL to its own
    assert pairs == [("customer", "customers.models.Customer", True, 5),
                     ("last_line", "orders.models.Line", False, 6),
                     ("user", "django.contrib.auth.models.User", True, 8)]
    assert [(m.table, m.context) for m in data.external_models] == [
        ("auth_user", "django.contrib.auth")]
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


# --- foreign keys, on small trees read by the real analysis -----------------------------------
def test_keys_from_columns_table_objects_and_mixins_not_relationships(tmp_path):
    data = analyse(tmp_path, DECLARED_ATTR)
    assert keys(data) == {"case -> project", "case -> tag", "case_notes -> case",
                          "assoc_case_tags -> case", "assoc_case_tags -> tag"}
    assert keys(data, crossing=True) == {"case -> project", "case -> tag",
                                         "assoc_case_tags -> tag"}
    # the mixin's declared_attr column is counted on the table, at the line that declares it
    project = next(fk for fk in data.foreign_keys if fk.field == "project_id")
    assert (project.source, project.path, project.line) == (
        "app.case.models.Case", "app/models.py", 7)


def test_a_joined_table_key_to_its_parent(tmp_path):
    assert keys(analyse(tmp_path, FLASK), crossing=True) == {"dynamic_challenge -> challenges"}


DJANGO_KEYS = {
    "shop/core/compat.py": """\
        from django.conf import settings

        AUTH_USER_MODEL = getattr(settings, "AUTH_USER_MODEL", "auth.User")
        """,
    "shop/catalogue/models.py": """\
        from django.db import models

        class Product(models.Model):
            name = models.CharField(max_length=5)
        """,
    "shop/reviews/abstract_models.py": """\
        from django.db import models
        from shop.core.compat import AUTH_USER_MODEL

        class AbstractReview(models.Model):
            product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE)
            user = models.ForeignKey(AUTH_USER_MODEL, on_delete=models.CASCADE)
            site = models.ForeignKey("sites.Site", on_delete=models.CASCADE)

            class Meta:
                abstract = True
        """,
    "shop/reviews/models.py": """\
        from shop.reviews.abstract_models import AbstractReview

        class Review(AbstractReview):
            pass
        """,
    "shop/gallery/models.py": """\
        from django.contrib.auth.models import User
        from django.contrib.contenttypes.models import ContentType
        from django.db import models

        class Image(models.Model):
            user = models.ForeignKey(User, on_delete=models.CASCADE)
            kind = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        """,
}


def test_keys_inherited_from_abstract_models_and_to_installed_apps(tmp_path):
    data = analyse(tmp_path, DJANGO_KEYS)
    assert keys(data, crossing=True) == {
        "reviews_review -> catalogue_product", "reviews_review -> auth_user",
        "reviews_review -> django_site", "gallery_image -> auth_user",
        "gallery_image -> django_content_type"}
    product = next(fk for fk in data.foreign_keys if fk.field == "product")
    assert (product.source, product.path, product.line) == (
        "shop.reviews.models.Review", "shop/reviews/abstract_models.py", 5)
    assert {m.table: m.context for m in data.external_models} == {
        "auth_user": "django.contrib.auth", "django_site": "django.contrib.sites",
        "django_content_type": "django.contrib.contenttypes"}


def test_the_projects_user_model_and_multi_table_inheritance(tmp_path):
    data = analyse(tmp_path, {
        "shop/settings.py": 'AUTH_USER_MODEL = "account.User"\n',
        "shop/permission/models.py": """\
            from django.db import models

            class Permission(models.Model):
                name = models.CharField(max_length=5)

            class PermissionsMixin(models.Model):
                user_permissions = models.ManyToManyField(Permission, blank=True)

                class Meta:
                    abstract = True
            """,
        "shop/account/models.py": """\
            from django.contrib.auth.models import AbstractBaseUser
            from django.db import models
            from shop.permission.models import PermissionsMixin

            class User(PermissionsMixin, AbstractBaseUser):
                email = models.EmailField()
            """,
        "shop/checkout/models.py": """\
            from django.conf import settings
            from django.contrib.auth import get_user_model
            from django.db import models

            class Checkout(models.Model):
                user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
                staff = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
            """,
        "shop/schedulers/models.py": """\
            from django.db import models
            from django_celery_beat.models import PeriodicTask

            class CustomPeriodicTask(PeriodicTask):
                custom = models.CharField(max_length=5)
            """,
    })
    assert keys(data, crossing=True) == {
        "account_user -> permission_permission", "checkout_checkout -> account_user",
        "schedulers_customperiodictask -> django_celery_beat_periodictask"}
    parent = next(fk for fk in data.foreign_keys if fk.kind == "OneToOneField")
    assert (parent.field, parent.path, parent.line) == (
        "periodictask_ptr", "shop/schedulers/models.py", 4)


def test_historical_records_add_a_table_with_the_models_keys(tmp_path):
    data = analyse(tmp_path, {
        "shop/core/models.py": """\
            from django.db import models

            class License(models.Model):
                name = models.CharField(max_length=5)
            """,
        "shop/exercises/models.py": """\
            from django.db import models
            from simple_history.models import HistoricalRecords
            from shop.core.models import License

            class AbstractLicenseModel(models.Model):
                license = models.ForeignKey(License, on_delete=models.CASCADE)

                class Meta:
                    abstract = True

            class Exercise(AbstractLicenseModel, models.Model):
                licenses = models.ManyToManyField(License)
                history = HistoricalRecords()
            """,
    })
    assert tables(data) == {"core_license": "shop.core", "exercises_exercise": "shop.exercises",
                            "exercises_historicalexercise": "shop.exercises"}
    assert keys(data, crossing=True) == {
        "exercises_exercise -> core_license", "exercises_historicalexercise -> core_license",
        "exercises_historicalexercise -> auth_user"}
    user = next(fk for fk in data.foreign_keys if fk.field == "history_user")
    assert (user.path, user.line) == ("shop/exercises/models.py", 13)


def test_alembic_revisions_define_no_models(tmp_path):
    data = analyse(tmp_path, {
        "app/database.py": "from sqlalchemy.orm import declarative_base\n\n"
                           "Base = declarative_base()\n",
        "app/plugin/models.py": """\
            from sqlalchemy import Column, Integer
            from app.database import Base

            class Plugin(Base):
                __tablename__ = "plugin"
                id = Column(Integer, primary_key=True)
            """,
        "app/signal/models.py": """\
            from sqlalchemy import Column, ForeignKey, Integer
            from app.database import Base

            class Signal(Base):
                __tablename__ = "signal"
                id = Column(Integer, primary_key=True)
                plugin_id = Column(Integer, ForeignKey("plugin.id"))
            """,
        "app/revisions/versions/2024_abc.py": """\
            from alembic import op
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base

            revision = "abc"
            down_revision = None
            Base = declarative_base()

            class Plugin(Base):
                __tablename__ = "plugin"
                id = Column(Integer, primary_key=True)

            def upgrade():
                op.execute("UPDATE plugin SET id = 1")
            """,
    })
    assert tables(data) == {"plugin": "app.plugin", "signal": "app.signal"}
    assert keys(data, crossing=True) == {"signal -> plugin"}
    assert not data.writes
