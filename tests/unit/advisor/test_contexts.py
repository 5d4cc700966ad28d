"""Contexts proposed for a small shop built in memory: domains, kernel, layers, pins, names."""

from __future__ import annotations

import pytest

from advisor.contexts import (
    ContextConfig,
    layer_of,
    name_contexts,
    parse_contexts,
    propose_contexts,
)
from advisor.context_names import data_apps
from advisor.errors import ConfigError
from advisor.graph import build_graph
from advisor.layers import domain_stems, same_stem
from analyzers.facts import (
    FROM,
    CodebaseFacts,
    DataAccessFact,
    DefinitionFact,
    ImportFact,
    ModelFact,
    ModuleFacts,
    ParsedSource,
    ReferenceFact,
    RelationFact,
)

DOMAINS = {"orders": "Order", "billing": "Invoice", "catalog": "Product",
           "customers": "Customer"}


def mod(name: str, *, package: bool = False, uses: dict[str, list[str]] | None = None,
        **source) -> ModuleFacts:
    """``uses``: module -> names imported from it, each then called once."""
    imports, refs = [], []
    for i, (target, names) in enumerate(sorted((uses or {}).items())):
        imports.append(ImportFact(i + 1, FROM, target, names=tuple((n, None) for n in names)))
        refs.extend(ReferenceFact(20 + i, n, "call") for n in names)
    path = name.replace(".", "/") + ("/__init__.py" if package else ".py")
    return ModuleFacts(path=path, name=name, is_package=package, sha256="",
                       source=ParsedSource(lines=10, imports=tuple(imports),
                                           references=tuple(refs), **source))


def shop(extra: tuple[ModuleFacts, ...] = ()) -> CodebaseFacts:
    modules = [mod("shop", package=True), mod("shop.core", package=True),
               mod("shop.core.money", definitions=(DefinitionFact("fmt", 1, "function"),)),
               mod("shop.api", package=True)]
    for d, model in DOMAINS.items():
        p = f"shop.{d}"
        lower = model.lower()
        relation = (RelationFact(4, "owner", "ForeignKey", "customers.Customer"),) if (
            d == "orders") else ()
        modules += [
            mod(p, package=True),
            mod(f"{p}.models", definitions=(DefinitionFact(model, 3, "class"),),
                models=(ModelFact(model, 3, "django", None, False, ("models.Model",),
                                  relation),)),
            mod(f"{p}.services", uses={f"{p}.models": [model], "shop.core.money": ["fmt"]},
                definitions=(DefinitionFact(f"make_{lower}", 5, "function"),
                             DefinitionFact(f"list_{lower}s", 9, "function")),
                data_access=(DataAccessFact(6, model, "write", "objects.create"),)),
            mod(f"{p}.selectors", uses={f"{p}.models": [model],
                                        f"{p}.services": [f"list_{lower}s"]},
                definitions=(DefinitionFact("count", 3, "function"),)),
            mod(f"{p}.views", uses={f"{p}.selectors": ["count"], "shop.core.money": ["fmt"],
                                    f"{p}.services": [f"make_{lower}"],
                                    f"{p}.forms": [f"{model}Form"]}),
            mod(f"{p}.forms", uses={f"{p}.models": [model]},
                definitions=(DefinitionFact(f"{model}Form", 3, "class"),)),
            mod(f"{p}.admin", uses={f"{p}.models": [model]}),
            mod(f"{p}.migrations", package=True),
            mod(f"{p}.migrations.0001_initial"),
            mod(f"shop.api.{d}", uses={f"{p}.services": [f"make_{lower}"],
                                       f"{p}.selectors": ["count"]}),
        ]
    # billing reads orders' data and calls its services
    modules.append(mod("shop.billing.invoicing", uses={"shop.orders.services": ["list_orders"],
                                                       "shop.billing.models": ["Invoice"]},
                       data_access=(DataAccessFact(3, "Invoice", "write", "objects.create"),)))
    return CodebaseFacts(root="/r", modules=tuple(modules) + extra)


@pytest.fixture(scope="module")
def graph():
    return build_graph(shop())


def by_domain(proposal) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in proposal.contexts:
        out[c.name] = set(c.modules)
    return out


def test_each_domain_is_a_context_with_its_layers_and_api(graph):
    proposal = propose_contexts(graph)
    contexts = by_domain(proposal)
    for d in DOMAINS:
        expected = {m for m in graph.modules if m.startswith(f"shop.{d}")
                    and ".migrations" not in m} | {f"shop.api.{d}"}
        assert contexts[d] == expected, d
        # migrations are support: attributed to their app, never members
        assert next(c for c in proposal.contexts if c.name == d).migrations == (
            f"shop.{d}.migrations", f"shop.{d}.migrations.0001_initial")
    assert proposal.kernel == ("shop.core.money",)


def test_placement_is_explained(graph):
    placed = {a.module: a.placed_by for a in propose_contexts(graph).assignments}
    assert placed["shop.core.money"] == "kernel"
    # support code is never placed in a context, only attributed to one
    assert placed["shop.orders.migrations.0001_initial"] == "support"
    assert placed["shop.orders.models"] == "clustering"


def test_same_input_gives_identical_contexts(graph):
    first = propose_contexts(build_graph(shop()))
    second = propose_contexts(graph)
    assert first.contexts == second.contexts
    assert first.assignments == second.assignments


def test_confidence_is_a_share(graph):
    proposal = propose_contexts(graph)
    assert all(0.0 <= a.confidence <= 1.0 for a in proposal.assignments)
    assert all(0.0 <= c.confidence <= 1.0 for c in proposal.contexts)
    models = next(a for a in proposal.assignments if a.module == "shop.catalog.models")
    assert models.confidence == 1.0


def test_pins_are_respected(graph):
    config = ContextConfig(pins=(("money", ("shop/orders/*", "shop.billing.*")),))
    contexts = by_domain(propose_contexts(graph, config))
    pinned = {m for m in graph.modules if m.startswith(("shop.orders.", "shop.billing."))
              and ".migrations" not in m}  # support code is never pinned into a context
    assert pinned <= contexts["money"]
    assert "orders" not in contexts and "billing" not in contexts
    assert contexts["catalog"] >= {"shop.catalog.models", "shop.catalog.views"}


def test_a_pin_overrides_the_kernel(graph):
    config = ContextConfig(pins=(("catalog", ("shop/core/money.py",)),))
    proposal = propose_contexts(graph, config)
    assert proposal.kernel == ()
    assert "shop.core.money" in by_domain(proposal)["catalog"]


def test_kernel_globs_and_threshold(graph):
    forced = propose_contexts(graph, ContextConfig(kernel=("shop.orders.models",)))
    assert set(forced.kernel) == {"shop.core.money", "shop.orders.models"}
    # five packages use money: a threshold of six keeps it out of the kernel
    assert propose_contexts(graph, ContextConfig(kernel_fan_in=6)).kernel == ()


def test_a_widely_used_model_owner_is_not_kernel():
    users = tuple(mod(f"shop.x{i}.use", uses={"shop.catalog.models": ["Product"]})
                  for i in range(6))
    proposal = propose_contexts(build_graph(shop(users)))
    assert "shop.catalog.models" not in proposal.kernel
    assert "shop.catalog.models" in by_domain(proposal)["catalog"]


def test_layer_of():
    layers = ("api", "views", "migrations")
    assert layer_of("shop.api.v1.order_items", layers) == ("shop", ("order", "items"))
    assert layer_of("shop.orders.views", layers) == ("shop.orders", ())
    assert layer_of("shop.orders.migrations.0001_initial", layers) == (
        "shop.orders", ("0001", "initial"))
    assert layer_of("shop.orders.services", layers) is None


def test_api_surface_and_tables(graph):
    contexts = {c.name: c for c in propose_contexts(graph).contexts}
    orders = contexts["orders"]
    # billing.invoicing imports list_orders and calls it once: 2 uses, by billing
    assert [(s.module, s.symbol, s.uses, s.used_by) for s in orders.api_surface] == [
        ("shop.orders.services", "list_orders", 2, ("billing",))]
    assert [(t.model, t.table) for t in orders.tables] == [("Order", "orders_order")]
    assert ("customers", 1) in orders.depends_on  # the foreign key to Customer
    assert 0.0 < orders.cohesion <= 1.0 and 0.0 <= orders.coupling < 1.0


def test_names_are_qualified_on_a_clash():
    graph = build_graph(shop((mod("shop.orders.pricing"),)))
    groups = {"c1": ["shop.orders.models", "shop.orders.services"],
              "c2": ["shop.billing.invoicing"],
              "c3": ["shop.orders.pricing"],
              "c4": ["shop.billing.models"]}
    names = name_contexts(graph, groups, ("views",), taken={"billing"})
    # c2 wants "billing", taken by a pin: qualified by the most common word of its modules;
    # c3 clashes with c1 (bigger, chose first): "shop" is the project, so a word again;
    # c4 has only generic words ("models"): numbered
    assert names == {"c1": "orders", "c2": "billing.invoicing", "c3": "orders.pricing",
                     "c4": "billing-2"}


def test_parse_contexts_is_strict():
    config = parse_contexts({"seeds": 3, "resolution": 2, "min_size": 3, "kernel": "shop/core/*",
                             "pins": {"payments": ["shop/billing/**"]}})
    assert (config.seeds, config.resolution, config.min_size, config.kernel) == (
        3, 2.0, 3, ("shop/core/*",))
    assert config.pins == (("payments", ("shop/billing/**",)),)
    assert parse_contexts({"resolution": "auto"}).resolution is None
    with pytest.raises(ConfigError, match="unknown key 'seed'"):
        parse_contexts({"seed": 3})
    with pytest.raises(ConfigError, match="'seeds' must be a whole number"):
        parse_contexts({"seeds": 0})
    with pytest.raises(ConfigError, match="'resolution'"):
        parse_contexts({"resolution": "high"})
    with pytest.raises(ConfigError, match="pins.payments"):
        parse_contexts({"pins": {"payments": [3]}})


def test_a_layer_package_is_folded_into_the_domains_it_serves():
    # the REST layer is wired tightly to itself (a shared toolkit, a router, each endpoint
    # calling the toolkit a lot), which pulls its modules into one community; each endpoint
    # still belongs to the domain its name says
    helpers = [f"h{i}" for i in range(8)]
    api = [mod("shop.api.toolkit", definitions=tuple(DefinitionFact(h, 1, "function")
                                                     for h in helpers)),
           mod("shop.api.router", uses={f"shop.api.{d}": ["get"] for d in DOMAINS}
               | {"shop.api.toolkit": helpers})]
    for d in DOMAINS:
        api.append(mod(f"shop.api.{d}", uses={"shop.api.toolkit": helpers,
                                              f"shop.{d}.selectors": ["count"]},
                       definitions=(DefinitionFact("get", 2, "function"),)))
    facts = shop()
    kept = tuple(m for m in facts.modules if not m.name.startswith("shop.api."))
    graph = build_graph(CodebaseFacts(root="/r", modules=kept + tuple(api)))
    proposal = propose_contexts(graph)
    context_of = proposal.context_of()
    placed = {a.module: a.placed_by for a in proposal.assignments}
    for d in DOMAINS:
        assert context_of[f"shop.api.{d}"] == d
    assert {placed[f"shop.api.{d}"] for d in DOMAINS} == {"layer"}


def test_two_halves_of_one_domain_package_in_a_cycle_are_merged():
    """search.query and search.index depend on each other: one domain, not two contexts.
    orders also depends both ways with search, but lives in another package: kept apart."""
    from advisor.context_builder import Builder as _Builder
    from advisor.contexts import ContextConfig
    from advisor.signals import build_signal_graph

    modules = (
        mod("app", package=True),
        mod("app.search", package=True),
        mod("app.search.query", uses={"app.search.index": ["rank"], "app.orders.api": ["get"]},
            definitions=(DefinitionFact("find", 1, "function"),)),
        mod("app.search.index", uses={"app.search.query": ["find"]},
            definitions=(DefinitionFact("rank", 1, "function"),)),
        mod("app.search.tasks", uses={"app.search.index": ["rank"]}),
        mod("app.orders", package=True),
        mod("app.orders.api", uses={"app.search.query": ["find"]},
            definitions=(DefinitionFact("get", 1, "function"),)),
    )
    g = build_graph(CodebaseFacts(root="/r", modules=modules))
    b = _Builder(g, build_signal_graph(g), ContextConfig(), set(), set())
    for m, lab in {"app.search.query": "q", "app.search.index": "i", "app.search.tasks": "i",
                   "app.orders.api": "o"}.items():
        b.set(m, lab, "clustering")
    b.merge_split_domains()
    assert {m: b.label[m] for m in sorted(b.label)} == {
        "app.orders.api": "o", "app.search.index": "i", "app.search.query": "i",
        "app.search.tasks": "i"}
    assert b.placed["app.search.query"] == "merge"


def test_names_are_domain_words_never_layers_versions_or_generic_words():
    names = ("shop.api.v1.contacts", "shop.api.v1.contacts_export", "shop.incident.models",
             "shop.incident.service", "shop.incident.enums", "shop.incident.escalation")
    graph = build_graph(CodebaseFacts(root="/r", modules=tuple(mod(n) for n in names)))
    groups = {"c1": ["shop.api.v1.contacts", "shop.api.v1.contacts_export"],
              "c2": ["shop.incident.models", "shop.incident.service"],
              "c3": ["shop.incident.enums", "shop.incident.escalation"]}
    names = name_contexts(graph, groups, ("api",), taken=set())
    assert names == {"c1": "contacts", "c2": "incident", "c3": "incident.escalation"}


LAYERED = {"contacts": "Contact", "deals": "Deal", "invoices": "Invoice"}


def layered() -> CodebaseFacts:
    """crm/{models,schemas,repositories,services,api/v1}/<domain>.py plus base modules and
    the wiring: the domains cut across the layer packages."""
    modules = [mod(p, package=True) for p in ("crm", "crm.models", "crm.schemas",
                                              "crm.repositories", "crm.services", "crm.api",
                                              "crm.api.v1", "crm.core")]
    modules += [mod("crm.core.db", definitions=(DefinitionFact("session", 1, "function"),)),
                mod("crm.models.base", definitions=(DefinitionFact("Base", 1, "class"),))]
    for d, model in LAYERED.items():
        service = "invoicing" if d == "invoices" else d
        modules += [
            mod(f"crm.models.{d}", uses={"crm.models.base": ["Base"]},
                definitions=(DefinitionFact(model, 3, "class"),),
                models=(ModelFact(model, 3, "sqlalchemy", d, False, ("Base",), ()),)),
            mod(f"crm.schemas.{d}", uses={f"crm.models.{d}": [model]},
                definitions=(DefinitionFact(f"{model}Out", 3, "class"),)),
            mod(f"crm.repositories.{d}", uses={f"crm.models.{d}": [model],
                                               "crm.core.db": ["session"]},
                definitions=(DefinitionFact("get", 3, "function"),)),
            mod(f"crm.services.{service}", uses={f"crm.repositories.{d}": ["get"],
                                                 f"crm.schemas.{d}": [f"{model}Out"]},
                definitions=(DefinitionFact("run", 3, "function"),)),
            mod(f"crm.api.v1.{d}", uses={f"crm.services.{service}": ["run"],
                                         "crm.core.db": ["session"]},
                definitions=(DefinitionFact("router", 3, "function"),)),
        ]
    modules.append(mod("crm.api.v1.router", uses={f"crm.api.v1.{d}": ["router"]
                                                  for d in LAYERED}))
    modules.append(mod("crm.main", uses={"crm.api.v1.router": ["include"],
                                         "crm.core.db": ["session"]}))
    return CodebaseFacts(root="/r", modules=tuple(modules))


def test_stems_group_as_the_pairwise_rule_groups_them():
    """``_canonical`` joins stems in linear time; its groups are those of ``same_stem``
    applied to every pair (each group named by its first stem)."""
    import random

    from advisor.layers import _canonical

    def pairwise(stems):
        group = {s: s for s in stems}
        ordered = sorted(stems)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if same_stem(a, b) and group[a] != group[b]:
                    old, new = max(group[a], group[b]), min(group[a], group[b])
                    group = {s: new if g == old else g for s, g in group.items()}
        return group

    words = ["order", "orders", "ordering", "product", "productvariant", "account", "pay",
             "payment", "payments", "ship", "shipping", "shipment", "giftcard", "abcdef"]
    endings = ["", "s", "es", "ing", "er", "ment", "ion", "ions", "_utils"]
    rnd = random.Random(5)
    for _ in range(200):
        stems = {rnd.choice(words) + rnd.choice(endings) for _ in range(rnd.randint(1, 30))}
        stems |= {"".join(rnd.choice("abdeo") for _ in range(rnd.randint(1, 8)))
                  for _ in range(rnd.randint(0, 20))}
        assert _canonical(stems) == pairwise(stems), sorted(stems)


def test_same_stem_is_conservative():
    assert same_stem("invoices", "invoicing") and same_stem("deal", "deals")
    assert same_stem("address", "addresses")
    assert not same_stem("orders", "order_lines") and not same_stem("cart", "card")


def test_a_layer_first_code_base_is_cut_by_domain():
    proposal = propose_contexts(build_graph(layered()))
    contexts = by_domain(proposal)
    assert sorted(contexts) == ["contacts", "deals", "invoices"]
    assert contexts["invoices"] == {"crm.models.invoices", "crm.schemas.invoices",
                                    "crm.repositories.invoices", "crm.services.invoicing",
                                    "crm.api.v1.invoices"}
    assert {"crm.core.db", "crm.models.base"} <= set(proposal.kernel)
    assert {"crm.api.v1.router", "crm.main"} <= set(proposal.wiring)
    assert not any(c.pinned for c in proposal.contexts)


def test_apps_that_share_module_names_are_not_layers(graph):
    """Django apps share stems too (models, views, services): those are layers, not domains,
    and no stem splits the data layer."""
    assert domain_stems(graph, (), {f"shop.{d}.models" for d in DOMAINS}, ("views",)) == {}


def test_packages_sharing_stems_without_a_data_layer_are_not_layers():
    """saleor-like: graphql/<app>/mutations/{create,update,delete}.py share stems across apps,
    but no data-layer package owns models under those stems: no domains are seeded."""
    names = [f"shop.graphql.{d}.mutations.{verb}" for d in DOMAINS
             for verb in ("create", "update", "delete")]
    facts = shop(tuple(mod(n) for n in names))
    graph = build_graph(facts)
    owners = {f"shop.{d}.models" for d in DOMAINS} | {names[0], names[4]}
    assert domain_stems(graph, (), owners, ("views",)) == {}


def test_a_package_that_owns_models_is_a_domain_whatever_its_name():
    """A Django app called ``api`` or ``app`` (healthchecks' ``hc/api``, saleor's ``app``) owns
    tables: it is no layer and no generic word, and the GraphQL slice serving it takes its
    name too."""
    model = (ModelFact("Check", 3, "django", None, False, ("models.Model",), ()),)
    names = ("hc.api.models", "hc.api.views", "hc.api.forms", "hc.front.views",
             "hc.front.models", "saleor.app.models", "saleor.graphql.app.mutations.create",
             "saleor.graphql.app.mutations.create_token", "saleor.graphql.app.types")
    modules = [mod(n, models=model) if n.endswith(".models") else mod(n) for n in names]
    graph = build_graph(CodebaseFacts(root="/r", modules=tuple(modules)))
    apps = data_apps(graph, {n for n in names if n.endswith(".models")})
    assert apps == {"hc.api", "hc.front", "saleor.app"}
    assert layer_of("hc.api.views", ("api", "views"), apps) == ("hc.api", ())
    assert layer_of("hc.front.views", ("api", "views"), apps) == ("hc.front", ())
    groups = {"c1": ["hc.api.models", "hc.api.views", "hc.api.forms"],
              "c2": ["saleor.graphql.app.mutations.create",
                     "saleor.graphql.app.mutations.create_token", "saleor.graphql.app.types"]}
    layers = ("api", "views", "graphql", "mutations", "types")
    assert name_contexts(graph, groups, layers, set(), apps) == {"c1": "api", "c2": "app"}
    # without the data facts, both words are plain: the old names come back
    assert name_contexts(graph, groups, layers, set()) != {"c1": "api", "c2": "app"}


def test_a_context_spanning_one_packages_sub_packages_is_named_after_it():
    names = ("ops.feedback.incident.models", "ops.feedback.incident.views",
             "ops.feedback.incident.service", "ops.feedback.service.models",
             "ops.feedback.service.views", "ops.incident.models", "ops.incident.flows",
             "ops.incident.service", "ops.conference.models", "ops.conference.service")
    graph = build_graph(CodebaseFacts(root="/r", modules=tuple(mod(n) for n in names)))
    groups = {"big": ["ops.incident.models", "ops.incident.flows", "ops.incident.service",
                      "ops.conference.models", "ops.conference.service"],
              "small": [n for n in names if ".feedback." in n]}
    # without the covering package, "small" would be "incident" (its dominant package)
    assert name_contexts(graph, groups, ("views",), set()) == {"big": "incident",
                                                               "small": "feedback"}


def test_the_projects_own_api_and_cli_modules_are_wiring_not_a_context():
    """``ops/api.py`` mounts every domain's router and ``ops/cli.py`` starts everything: they
    are the composition root, not a domain called after the project, even where a few models
    (``ops/models.py``) sit beside them in the root package."""
    model = (ModelFact("Base", 3, "sqlalchemy", None, False, ("Base",), ()),)
    modules = [mod("ops", package=True), mod("ops.models", models=model),
               mod("ops.types", uses={"ops.models": ["Base"]})]
    domains = ("incident", "case", "task", "tag")
    for d in domains:
        dm = (ModelFact(d.title(), 3, "sqlalchemy", None, False, ("Base",), ()),)
        modules += [mod(f"ops.{d}", package=True),
                    mod(f"ops.{d}.models", models=dm, uses={"ops.models": ["Base"],
                                                            "ops.types": ["T"]}),
                    mod(f"ops.{d}.service", uses={f"ops.{d}.models": [d.title()]}),
                    mod(f"ops.{d}.views", uses={f"ops.{d}.service": ["get"]})]
    modules += [mod("ops.api", uses={f"ops.{d}.views": ["router"] for d in domains}),
                mod("ops.main", uses={"ops.api": ["api_router"]}),
                mod("ops.cli", uses={"ops.main": ["app"],
                                     **{f"ops.{d}.service": ["get"] for d in domains}})]
    proposal = propose_contexts(build_graph(CodebaseFacts(root="/r", modules=tuple(modules))))
    assert {"ops.api", "ops.cli", "ops.main"} <= set(proposal.wiring)
    assert "ops" not in {c.name for c in proposal.contexts}
    assert set(domains) <= {c.name for c in proposal.contexts}


def test_settings_stay_wiring_when_a_domain_imports_a_constant_and_plugins_stay_home():
    """saleor's settings.py is imported by two domain modules for a constant, and names its
    plugins by string: it is still the composition root (not placed with whichever context
    holds most of the root package), and a plugin class only settings loads is domain code."""
    from analyzers.facts import StringRefFact

    apps = [f"shop.{d}" for d in DOMAINS] + ["shop.core", "shop.api"]
    settings = mod("shop.settings", strings=tuple(
        StringRefFact(i + 1, a, "INSTALLED_APPS") for i, a in enumerate(apps)) + (
        StringRefFact(9, "shop.urls", "ROOT_URLCONF"),
        StringRefFact(10, "shop.notify.plugin", "PLUGINS")))
    urls = mod("shop.urls", uses={f"shop.{d}.views": ["index"] for d in DOMAINS})
    plugin = mod("shop.notify.plugin", uses={"shop.orders.services": ["list_orders"],
                                             "shop.customers.services": ["make_customer"],
                                             "shop.billing.services": ["make_invoice"]})
    extra = (settings, urls, mod("shop.notify", package=True), plugin,
             mod("shop.orders.limits", uses={"shop.settings": ["MAX_LINES"],
                                              "shop.orders.models": ["Order"]}),
             mod("shop.billing.limits", uses={"shop.settings": ["MAX_LINES"],
                                               "shop.billing.models": ["Invoice"]}))
    proposal = propose_contexts(build_graph(shop(extra)))
    assert {"shop.settings", "shop.urls"} <= set(proposal.wiring)
    assert "shop.notify.plugin" not in proposal.wiring


def test_the_projects_own_plumbing_is_no_context_named_after_the_project():
    """Template tags, checks and commands in the project's root package, beside its apps, own
    no table: no domain (oscar's 'oscar' context, dispatch's 'dispatch')."""
    extra = (mod("shop.templatetags", package=True),
             mod("shop.templatetags.money_tags", uses={"shop.checks": ["check"],
                                                       "shop.defaults": ["CURRENCY"]}),
             mod("shop.checks", uses={"shop.defaults": ["CURRENCY"]},
                 definitions=(DefinitionFact("check", 1, "function"),)),
             mod("shop.defaults"),
             mod("shop.management", package=True),
             mod("shop.management.commands", package=True),
             mod("shop.management.commands.reindex", uses={"shop.checks": ["check"],
                                                           "shop.defaults": ["CURRENCY"]}))
    proposal = propose_contexts(build_graph(shop(extra)))
    names = {c.name for c in proposal.contexts}
    assert "shop" not in names and set(DOMAINS) <= names
    placed = {a.module: a.context for a in proposal.assignments}
    assert placed["shop.checks"] is None and placed["shop.templatetags.money_tags"] is None
