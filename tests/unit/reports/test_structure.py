"""Units, links, cycles, cycle breakers and the DSM, on hand-worked graphs."""

from __future__ import annotations

from reports import structure
from tests.unit.reports.documents import full_document


def doc_with(modules: dict[str, int], deps: list[tuple[str, str, float]], contexts=None) -> dict:
    return {"modules": [{"name": n, "path": n.replace(".", "/") + ".py", "lines": lines}
                        for n, lines in modules.items()],
            "dependencies": [{"source": a, "target": b, "weight": w, "lines": [1]}
                             for a, b, w in deps],
            "contexts": contexts or []}


def test_units_are_contexts_when_the_document_has_them():
    doc = full_document()
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    assert u.level == "context" and u.names == ["billing", "catalog", "orders"]
    assert u.lines == {"billing": 590, "catalog": 440, "orders": 820}
    assert u.unassigned == 2  # shop.core and shop.core.utils
    links = structure.unit_links(u, index)
    assert links == {("billing", "orders"): 1.0, ("orders", "billing"): 3.0,
                     ("orders", "catalog"): 5.0}


def test_without_contexts_units_are_packages_at_the_deepest_depth_under_the_cap(monkeypatch):
    modules = {f"app.p{i}.sub{j}.m": 10 for i in range(3) for j in range(4)}
    doc = doc_with(modules, [])
    index = structure.module_index(doc)
    assert structure.units(doc, index).names[:2] == ["app.p0.sub0", "app.p0.sub1"]
    monkeypatch.setattr(structure, "MAX_UNITS", 5)
    u = structure.units(doc, index)
    assert (u.level, u.depth, u.names) == ("package", 2, ["app.p0", "app.p1", "app.p2"])


def test_duplicate_dependencies_are_merged():
    doc = doc_with({"a": 1, "b": 1}, [("a", "b", 2), ("a", "b", 3)])
    index = structure.module_index(doc)
    assert [(d.source, d.target, d.weight) for d in index.deps] == [("a", "b", 5.0)]


def test_dsm_puts_providers_first_so_a_dag_has_no_upward_mark():
    doc = full_document()
    doc["dependencies"] = [d for d in doc["dependencies"]
                           if not (d["source"].startswith("shop.billing")
                                   and d["target"].startswith("shop.orders"))]
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    m = structure.dsm(u, structure.unit_links(u, index), order=["catalog", "billing", "orders"])
    assert m["names"] == ["catalog", "billing", "orders"] and m["upward"] == 0
    orders = m["rows"][2]["cells"]
    assert [c["value"] for c in orders] == ["5", "3", ""] and orders[2]["diagonal"]
    assert structure.dsm(u, {})["names"] == ["billing", "catalog", "orders"]  # no order: names


def test_dsm_marks_the_cycle_upward_once():
    doc = full_document()
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    m = structure.dsm(u, structure.unit_links(u, index), order=doc["judgement"]["order"])
    assert m["upward"] == 1
    up = [(r["name"], c["value"]) for r in m["rows"] for c in r["cells"] if c["upward"]]
    assert up == [("billing", "1")]  # the lighter direction of billing <-> orders


def test_dsm_is_capped_to_the_largest_units():
    modules = {f"p{i:02}.m": 100 - i for i in range(12)}
    doc = doc_with(modules, [])
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    m = structure.dsm(u, {}, cap=5)
    assert m["names"] == ["p00", "p01", "p02", "p03", "p04"] and "5 largest of 12" in m["note"]


def test_cycle_views_show_the_documents_breakers_with_their_location():
    doc = full_document()
    c = structure.cycle_views(doc, structure.module_index(doc))
    assert c["count"] == 1 and c["modules"] == 3
    entry = c["entries"][0]
    assert entry["cuts"] == 1
    assert entry["breakers"] == [{"source": "shop.orders.models", "target": "shop.orders.services",
                                  "weight": "1", "where": "shop/orders/models.py:7"}]


def test_cycle_views_prefer_the_documents_own_breakers():
    doc = full_document()
    doc["metrics"]["cycle_breakers"] = [{
        "modules": ["shop.orders.services", "shop.billing.invoices", "shop.orders.models"],
        "cut_weight": 3.0,
        "cut": [{"source": "shop.orders.services", "target": "shop.billing.invoices",
                 "weight": 3.0}]}]
    entry = structure.cycle_views(doc, structure.module_index(doc))["entries"][0]
    assert [(b["source"], b["target"]) for b in entry["breakers"]] == [
        ("shop.orders.services", "shop.billing.invoices")]


def test_cycle_views_never_invent_a_breaker():
    doc = full_document()
    del doc["metrics"]["cycle_breakers"]
    entry = structure.cycle_views(doc, structure.module_index(doc))["entries"][0]
    assert entry["breakers"] == [] and entry["cuts"] == 0


def test_context_map_marks_the_cycles_and_cuts_the_judgement_cites():
    doc = full_document()
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    j = structure.judged(doc)
    g = structure.context_map(u, structure.context_links(u, index, j), j)
    assert {n.name: n.highlight for n in g.nodes} == {"billing": True, "catalog": False,
                                                      "orders": True}
    assert [(lk.source, lk.target) for lk in g.links if lk.highlight] == [("billing", "orders")]


def test_context_map_draws_no_cycle_the_document_does_not_cite():
    """The links form a cycle, but the judgement says nobody is in one (say it read only some
    edge kinds): the map follows the document, it does not judge again."""
    doc = full_document()
    for c in doc["judgement"]["contexts"]:
        c["in_cycle"] = False
    for lk in doc["judgement"]["links"]:
        lk["cut"] = False
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    j = structure.judged(doc)
    g = structure.context_map(u, structure.context_links(u, index, j), j)
    assert not any(n.highlight for n in g.nodes) and not any(lk.highlight for lk in g.links)
    del doc["judgement"]  # an older document: links from the dependencies, nothing red
    j = structure.judged(doc)
    g = structure.context_map(u, structure.context_links(u, index, j), j)
    assert {(lk.source, lk.target) for lk in g.links} == {
        ("billing", "orders"), ("orders", "billing"), ("orders", "catalog")}
    assert not any(n.highlight for n in g.nodes)


def test_context_map_links_include_framework_strings_the_judgement_counted():
    doc = full_document()
    doc["judgement"]["links"].append({"source": "catalog", "target": "billing", "weight": 2.0,
                                      "edges": 1, "kinds": {"django": 1}, "cut": False})
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    links = structure.context_links(u, index, structure.judged(doc))
    assert links[("catalog", "billing")] == 2.0  # no import behind it: not in dependencies


def test_context_internals_use_short_names_and_cap_to_the_most_connected():
    doc = full_document()
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    g = structure.context_internals("orders", u, index, cycles=structure.module_cycles(doc))
    assert sorted(n.name for n in g.nodes) == ["models", "services", "shop.orders", "views"]
    assert sorted(n.name for n in g.nodes if n.highlight) == ["models", "services"]
    assert [(lk.source, lk.target) for lk in g.links if lk.highlight] == [("models",
                                                                           "services")]
    g = structure.context_internals("orders", u, index, limit=2)
    assert sorted(n.name for n in g.nodes) == ["models", "services"]
    assert g.notes == ["showing the 2 most connected of 4 modules"]
