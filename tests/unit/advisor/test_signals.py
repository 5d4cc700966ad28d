"""The signal graph from facts built in memory: each signal, its resolution, normalisation."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import pytest

from advisor.errors import ConfigError
from advisor.graph import build_graph
from advisor.signals import (
    DEFAULT_WEIGHTS,
    SignalConfig,
    build_signal_graph,
    normalise,
    parse_signals,
)
from analyzers.facts import (
    FROM,
    IMPORT,
    CodebaseFacts,
    DataAccessFact,
    DefinitionFact,
    ImportFact,
    ModelFact,
    ModuleFacts,
    ParsedSource,
    ReferenceFact,
    RelationFact,
    StringRefFact,
)
from tests.unit.advisor.orm_trees import DECLARED_ATTR, FLASK, analyse, keys, tables


def mod(name: str, *, package: bool = False, **source) -> ModuleFacts:
    path = name.replace(".", "/") + ("/__init__.py" if package else ".py")
    return ModuleFacts(path=path, name=name, is_package=package, sha256="",
                       source=ParsedSource(lines=10, **source))


def graph_of(*modules: ModuleFacts):
    return build_graph(CodebaseFacts(root="/r", modules=tuple(modules)))


def frm(module: str, *names: str, line: int = 1) -> ImportFact:
    return ImportFact(line, FROM, module, names=tuple((n, None) for n in names))


def django_model(name: str, *relations: RelationFact, abstract: bool = False) -> ModelFact:
    return ModelFact(name, 3, "django", None, abstract, ("models.Model",), relations)


SHOP = [
    mod("shop", package=True),
    mod("shop.orders", package=True),
    mod("shop.orders.models", models=(django_model("Order"),)),
    mod("shop.billing", package=True),
    mod("shop.billing.models", models=(
        django_model("Invoice", RelationFact(5, "order", "ForeignKey", "orders.Order")),)),
    mod("shop.billing.services", imports=(frm("shop.orders.models", "Order"),),
        data_access=(DataAccessFact(9, "Order", "write", "objects.update"),)),
    mod("shop.reports", strings=(StringRefFact(4, "orders.Order", "get_model"),)),
]


def test_import_edges_count_once_per_direction():
    g = graph_of(mod("p", package=True), mod("p.a", imports=(ImportFact(1, IMPORT, "p.b"),)),
                 mod("p.b", imports=(ImportFact(1, IMPORT, "p.a"),)))
    sg = build_signal_graph(g)
    assert sg.raw["imports"] == {("p.a", "p.b"): 2.0}
    assert sg.depends["p.a"] == {"p.b"} and sg.depends["p.b"] == {"p.a"}


def test_calls_count_uses_and_inheritance_is_its_own_signal():
    g = graph_of(mod("p", package=True),
                 mod("p.a", imports=(frm("p.b", "Base"),),
                     references=(ReferenceFact(3, "Base", "inheritance"),
                                 ReferenceFact(4, "Base.make", "call"))),
                 mod("p.b", definitions=(DefinitionFact("Base", 1, "class"),)))
    sg = build_signal_graph(g)
    assert sg.raw["inheritance"] == {("p.a", "p.b"): 1.0}
    # the edge carries one import statement and two uses: weight 3, counted as use weight
    assert sg.raw["calls"] == {("p.a", "p.b"): 3.0}


def test_data_coupling_through_relations_access_and_get_model():
    sg = build_signal_graph(graph_of(*SHOP))
    data = sg.raw["data"]
    # FK "orders.Order": the app label "orders" is the package holding models.py
    assert data[("shop.billing.models", "shop.orders.models")] == 1.0
    # Order.objects.update(...) with Order imported from the models module
    assert data[("shop.billing.services", "shop.orders.models")] == 1.0
    # apps.get_model("orders", "Order") -> "orders.Order"
    assert data[("shop.orders.models", "shop.reports")] == 1.0
    assert "shop.orders.models" in sg.depends["shop.reports"]


def test_data_counts_distinct_models_touched():
    modules = SHOP[:3] + [
        mod("shop.orders.more", models=(django_model("Refund"),)),
        mod("shop.audit", strings=(StringRefFact(1, "orders.Order", "get_model"),
                                   StringRefFact(2, "orders.Order", "ForeignKey"),
                                   StringRefFact(3, "orders.Refund", "get_model"))),
    ]
    sg = build_signal_graph(graph_of(*modules))
    # Order twice is one model; Refund lives in another module
    assert sg.raw["data"][("shop.audit", "shop.orders.models")] == 1.0
    assert sg.raw["data"][("shop.audit", "shop.orders.more")] == 1.0


def _abstract(module: str, name: str) -> ModuleFacts:
    return mod(module, definitions=(DefinitionFact(name, 3, "class", ("models.Model",)),),
               models=(django_model(name, abstract=True),))


def test_models_inherited_across_modules_and_default_tables():
    g = graph_of(
        mod("shop", package=True), mod("shop.orders", package=True),
        _abstract("shop.orders.abstract_models", "AbstractOrder"),
        _abstract("shop.legacy", "AbstractOrder"),  # same name: only the import can tell
        mod("shop.orders.models",
            imports=(ImportFact(1, FROM, "shop.orders.abstract_models", star=True),),
            definitions=(DefinitionFact("Order", 4, "class", ("AbstractOrder",)),)),
        mod("shop.forms", models=(ModelFact("OrderForm", 2, "unknown", None, False,
                                            ("forms.ModelForm",)),)),
    )
    index = build_signal_graph(g).models
    found = {(i.module, i.name): (i.abstract, i.table) for i in index.models}
    assert found == {("shop.orders.abstract_models", "AbstractOrder"): (True, None),
                     ("shop.legacy", "AbstractOrder"): (True, None),
                     ("shop.orders.models", "Order"): (False, "orders_order")}


def test_a_base_bound_at_run_time_is_found_by_its_unique_name():
    # AbstractRefund = get_class("orders.abstract_models", "AbstractRefund"): no import binds it
    g = graph_of(mod("shop", package=True), mod("shop.orders", package=True),
                 _abstract("shop.orders.abstract_models", "AbstractRefund"),
                 mod("shop.orders.models", definitions=(
                     DefinitionFact("Refund", 4, "class", ("AbstractRefund",)),)))
    found = {(i.module, i.name) for i in build_signal_graph(g).models.models}
    assert ("shop.orders.models", "Refund") in found


def test_string_references_resolve_absolute_suffix_and_symbols():
    g = graph_of(
        mod("oscar", package=True, strings=(
            StringRefFact(1, "oscar.apps.catalogue.apps.CatalogueConfig", "INSTALLED_APPS"),)),
        mod("oscar.apps", package=True),
        mod("oscar.apps.catalogue", package=True),
        mod("oscar.apps.catalogue.apps"),
        mod("oscar.apps.catalogue.models"),
        mod("oscar.apps.dashboard", package=True),
        mod("oscar.apps.dashboard.catalogue", package=True),
        mod("oscar.apps.dashboard.catalogue.models"),
        mod("oscar.apps.dashboard.catalogue.views", strings=(
            StringRefFact(2, "catalogue.models", "get_class"),
            StringRefFact(3, "dashboard.catalogue.models", "get_class"),
            StringRefFact(4, "Product", "get_class"),  # a class name: not a module
            StringRefFact(5, "oscar.checkout", "getLogger"))),  # not a code-naming call
    )
    strings = build_signal_graph(g).raw["strings"]
    views = "oscar.apps.dashboard.catalogue.views"
    assert strings == {
        ("oscar", "oscar.apps.catalogue.apps"): 1.0,  # module.Symbol, absolute
        ("oscar.apps.catalogue.models", views): 1.0,  # suffix: the shortest match wins
        ("oscar.apps.dashboard.catalogue.models", views): 1.0,
    }


def test_normalise_by_hand():
    # log1p: ln 2 and ln 4 = 2 ln 2; mean 1.5 ln 2 -> 2/3 and 4/3
    out = normalise({("a", "b"): 1.0, ("a", "c"): 3.0})
    assert out == {("a", "b"): pytest.approx(2 / 3), ("a", "c"): pytest.approx(4 / 3)}
    # one huge pair among tiny ones is capped at 4 times the mean
    skewed = {(f"a{i}", "z"): 1e-9 for i in range(7)} | {("b", "z"): 1e6}
    assert normalise(skewed)[("b", "z")] == 4.0
    # similarities are not logged: 0.2 and 0.6 -> mean 0.4 -> 0.5 and 1.5
    sims = normalise({("a", "b"): 0.2, ("a", "c"): 0.6}, similarity=True)
    assert sims == {("a", "b"): pytest.approx(0.5), ("a", "c"): pytest.approx(1.5)}


def test_combined_weight_is_the_weighted_sum_of_normalised_signals():
    sg = build_signal_graph(graph_of(*SHOP), SignalConfig(dict(DEFAULT_WEIGHTS, data=2.5)))
    pair = ("shop.billing.services", "shop.orders.models")
    imports = normalise(sg.raw["imports"])[pair]
    calls = normalise(sg.raw["calls"]).get(pair, 0.0)
    data = normalise(sg.raw["data"])[pair]
    assert sg.weights[pair] == pytest.approx(imports + calls + 2.5 * data)


def test_a_zero_weight_switches_a_signal_off():
    weights = dict(DEFAULT_WEIGHTS, data=0.0)
    sg = build_signal_graph(graph_of(*SHOP), SignalConfig(weights))
    assert ("shop.orders.models", "shop.reports") in sg.raw["data"]
    assert ("shop.orders.models", "shop.reports") not in sg.weights


@dataclass
class _CoChange:
    path_a: str
    path_b: str
    commits: int


@dataclass
class _File:
    path: str
    authors: tuple


@dataclass
class _History:
    co_changes: tuple
    files: tuple


def test_cochange_from_a_mapping_or_history_facts():
    g = graph_of(mod("p", package=True), mod("p.a", imports=(ImportFact(1, IMPORT, "p.b"),)),
                 mod("p.b"), mod("p.c"))
    sg = build_signal_graph(g, history={("p/c.py", "p/a.py"): 4, ("p/a.py", "gone.py"): 9})
    assert sg.raw["cochange"] == {("p.a", "p.c"): 4.0}
    history = _History((_CoChange("p/a.py", "p/c.py", 3),), ())
    assert build_signal_graph(g, history=history).raw["cochange"] == {("p.a", "p.c"): 3.0}
    assert ("p.a", "p.c") in build_signal_graph(g, history=history).weights


def test_authorship_only_reinforces_linked_pairs():
    g = graph_of(mod("p", package=True), mod("p.a", imports=(ImportFact(1, IMPORT, "p.b"),)),
                 mod("p.b"), mod("p.c"))
    files = (_File("p/a.py", (("ann", 3), ("bob", 1))), _File("p/b.py", (("ann", 1),)),
             _File("p/c.py", (("ann", 5),)))
    raw = build_signal_graph(g, history=_History((), files)).raw["authorship"]
    # cosine((3, 1), (1, 0)) = 3 / sqrt(10); p.c shares an author but nothing links it
    assert raw == {("p.a", "p.b"): pytest.approx(3 / math.sqrt(10))}


def test_parse_signals_is_strict():
    assert parse_signals(None).weight("data") == DEFAULT_WEIGHTS["data"]
    config = parse_signals({"data": 3, "cochange": False, "strings": True})
    assert (config.weight("data"), config.weight("cochange"), config.weight("strings")) == (
        3.0, 0.0, DEFAULT_WEIGHTS["strings"])
    with pytest.raises(ConfigError, match="unknown key 'imprts'"):
        parse_signals({"imprts": 1.0})
    with pytest.raises(ConfigError, match="'calls' must be a number >= 0"):
        parse_signals({"calls": -1})
    with pytest.raises(ConfigError, match="must be a table"):
        parse_signals([1, 2])


# --- table names, on small trees read by the real analysis ------------------------------------
def test_a_declared_attr_rule_names_the_tables_and_table_objects_are_tables(tmp_path):
    data = analyse(tmp_path, DECLARED_ATTR)
    assert tables(data) == {"project": "app.project", "tag": "app.tag", "case": "app.case",
                            "case_notes": "app.case", "assoc_case_tags": "app.case"}
    # the mixins and the declarative base own no table and are not unknown tables either
    assert not data.unresolved


def test_flask_sqlalchemy_names_joined_tables_and_single_table_children_own_none(tmp_path):
    data = analyse(tmp_path, FLASK)
    # Admins declares no primary key: single-table inheritance, __tablename__ notwithstanding
    assert tables(data) == {"challenges": "web.models", "users": "web.models",
                            "dynamic_challenge": "web.plugins.dynamic"}
    admins = next(m for m in data.models if m.name == "Admins")
    assert admins.shares == "web.models.Users"
    # a write through the child is a write of the parent's table, by its owner
    assert [(w.table, w.context) for w in data.writes] == [("users", "web.models")]
    assert data.contested_tables() == {}


def test_sqlmodel_table_classes(tmp_path):
    data = analyse(tmp_path, {"app/models.py": """\
        from sqlmodel import Field, Relationship, SQLModel

        class UserBase(SQLModel):
            email: str = Field(unique=True, max_length=255)

        class User(UserBase, table=True):
            id: int = Field(default=None, primary_key=True)
            items: list["Item"] = Relationship(back_populates="owner")

        class UserPublic(UserBase):
            id: int

        class Item(SQLModel, table=True):
            id: int = Field(default=None, primary_key=True)
            owner_id: int = Field(foreign_key="user.id", nullable=False)
        """})
    assert tables(data) == {"user": "app", "item": "app"}
    assert keys(data) == {"item -> user"}  # Relationship() holds no key


DJANGO_META = {
    "shop/offer/abstract_models.py": """\
        from django.db import models

        class AbstractBenefit(models.Model):
            value = models.IntegerField()

            class Meta:
                abstract = True
                app_label = "offer"
        """,
    "shop/offer/models.py": """\
        from shop.offer.abstract_models import AbstractBenefit

        class Benefit(AbstractBenefit):
            pass

        class FixedPriceBenefit(Benefit):
            class Meta:
                proxy = True
        """,
    "shop/address/abstract_models.py": """\
        from django.db import models

        class AbstractAddress(models.Model):
            line1 = models.CharField(max_length=10)

            class Meta:
                abstract = True

        class AbstractBillingAddress(AbstractAddress):
            class Meta:
                abstract = True
                app_label = "order"

        class AbstractHierarchy(models.Model):
            id = models.CharField(primary_key=True, max_length=9)

            class Meta:
                abstract = True
                db_table = "catalogue_product_hierarchy"
        """,
    "shop/order/models.py": """\
        from shop.address.abstract_models import AbstractBillingAddress, AbstractHierarchy

        class BillingAddress(AbstractBillingAddress):
            pass

        class Hierarchy(AbstractHierarchy):
            pass
        """,
    "shop/gym/models.py": """\
        from django.db import models as m

        class Gym(m.Model):
            name = m.CharField(max_length=5)
        """,
    "shop/permission/models.py": """\
        from django.db import models

        class Permission(models.Model):
            name = models.CharField(max_length=5)
        """,
    "shop/graphql/types.py": """\
        class BaseObjectType:
            pass

        class Permission(BaseObjectType):
            pass

        class UserPermission(Permission):
            pass
        """,
}


def test_django_meta_proxies_inherited_meta_aliases_and_look_alike_classes(tmp_path):
    data = analyse(tmp_path, DJANGO_META)
    assert tables(data) == {
        "offer_benefit": "shop.offer",  # the proxy shares it
        "order_billingaddress": "shop.order",  # app_label from the abstract parent's Meta
        "catalogue_product_hierarchy": "shop.order",  # db_table from the abstract parent
        "gym_gym": "shop.gym",  # django.db.models imported as m
        "permission_permission": "shop.permission",  # a graphene Permission is no model
    }


def test_models_of_apps_the_settings_do_not_install_own_no_table(tmp_path):
    files = {
        "shop/orders/models.py": "from django.db import models\n\n"
                                 "class Order(models.Model):\n    n = models.IntegerField()\n",
        "shop/catalogue/models.py": "from django.db import models\n\n"
                                    "class Product(models.Model):\n"
                                    "    n = models.IntegerField()\n",
        "site/apps/user/models.py": "from django.db import models\n\n"
                                    "class Profile(models.Model):\n"
                                    "    n = models.IntegerField()\n",
    }
    unread = analyse(tmp_path / "a", files)  # no settings: every app counts
    assert set(tables(unread)) == {"orders_order", "catalogue_product", "user_profile"}
    files["site/settings.py"] = ('INSTALLED_APPS = ["django.contrib.auth", "shop.orders", '
                                 '"shop.catalogue.apps.CatalogueConfig"]\n')
    assert set(tables(analyse(tmp_path / "b", files))) == {"orders_order", "catalogue_product"}


def test_declared_attr_rules_read_statically():
    import libcst as cst

    from analyzers.tablenames import tablename_rule
    from analyzers.tablerules import DYNAMIC, apply_rule

    module = cst.parse_module(textwrap.dedent("""\
        import re

        class A:
            @declared_attr
            def __tablename__(cls):
                return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

        class B:
            @declared_attr
            def __tablename__(cls):
                return f"app_{inflection.underscore(cls.__name__)}s"

        class C:
            @declared_attr
            def __tablename__(cls):
                return cls.prefix + cls.__name__.lower()

        class D:
            @declared_attr
            def __tablename__(cls):
                return re.sub(r"(a+)+$", "", cls.__name__)
        """))
    rules = [tablename_rule(c.body.body[0], module) for c in module.body
             if type(c) is cst.ClassDef]
    assert apply_rule(rules[0], "MfaChallenge") == "mfa_challenge"
    assert apply_rule(rules[1], "HTTPServerLog") == "app_http_server_logs"
    assert rules[2] == DYNAMIC and apply_rule(rules[2], "X") is None
    assert apply_rule(rules[3], "a" * 40 + "!") is None  # nested quantifier: refused
