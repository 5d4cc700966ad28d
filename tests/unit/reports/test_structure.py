"""Units, links, cycles, cycle breakers and the DSM, on hand-worked graphs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports import structure
from tests.unit.reports.documents import full_document


def doc_with(modules: dict[str, int], deps: list[tuple[str, str, float]], contexts=None) -> dict:
    return {"modules": [{"name": n, "path": n.replace(".", "/") + ".py", "lines": lines}
                        for n, lines in modules.items()],
            "dependencies": [{"source": a, "target": b, "weight": w, "lines": [1]}
                             for a, b, w in deps],
            "contexts": contexts or []}


def acyclic(nodes, edges) -> bool:
    return all(len(c) == 1 for c in structure.strongly_connected(nodes, edges)) and not any(
        a == b for a, b in edges)


def test_strongly_connected_emits_providers_first():
    comps = structure.strongly_connected(["a", "b", "c", "d"],
                                         [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")])
    assert comps == [["d"], ["b", "c"], ["a"]]


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


def test_feedback_edges_cut_the_lighter_direction():
    assert structure.feedback_edges(["a", "b"], {("a", "b"): 5.0, ("b", "a"): 1.0}) == [
        ("b", "a", 1.0)]
    assert structure.feedback_edges(["a", "b"], {("a", "b"): 1.0, ("b", "a"): 5.0}) == [
        ("a", "b", 1.0)]


def test_feedback_edges_of_a_dag_are_empty():
    assert structure.feedback_edges(list("abcd"), {("a", "b"): 1, ("b", "c"): 1,
                                                   ("a", "d"): 1, ("d", "c"): 1}) == []


def test_one_cut_breaks_a_triangle_with_a_chord():
    weights = {("s", "i"): 3.0, ("i", "m"): 1.0, ("m", "s"): 1.0, ("s", "m"): 6.0}
    cut = structure.feedback_edges(["i", "m", "s"], weights)
    assert cut == [("m", "s", 1.0)]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("abcdefg"), st.sampled_from("abcdefg")),
                       st.integers(1, 9), max_size=30))
def test_removing_the_feedback_edges_always_leaves_no_cycle(raw):
    weights = {k: float(v) for k, v in raw.items() if k[0] != k[1]}
    nodes = sorted({n for e in weights for n in e})
    cut = {(a, b) for a, b, _ in structure.feedback_edges(nodes, weights)}
    assert acyclic(nodes, [e for e in weights if e not in cut])
    assert cut <= set(weights)


def test_dsm_puts_providers_first_so_a_dag_has_no_upward_mark():
    doc = full_document()
    doc["dependencies"] = [d for d in doc["dependencies"]
                           if not (d["source"].startswith("shop.billing")
                                   and d["target"].startswith("shop.orders"))]
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    m = structure.dsm(u, structure.unit_links(u, index))
    assert m["names"] == ["billing", "catalog", "orders"] and m["upward"] == 0
    orders = m["rows"][2]["cells"]
    assert [c["value"] for c in orders] == ["3", "5", ""] and orders[2]["diagonal"]


def test_dsm_marks_the_cycle_upward_once():
    doc = full_document()
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    m = structure.dsm(u, structure.unit_links(u, index))
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


def test_cycle_views_suggest_breakers_with_their_location():
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


def test_context_map_marks_cycle_members_and_breaking_links():
    doc = full_document()
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    g = structure.context_map(u, structure.unit_links(u, index))
    assert {n.name: n.highlight for n in g.nodes} == {"billing": True, "catalog": False,
                                                      "orders": True}
    assert [(lk.source, lk.target) for lk in g.links if lk.highlight] == [("billing", "orders")]


def test_context_internals_use_short_names_and_cap_to_the_most_connected():
    doc = full_document()
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    g = structure.context_internals("orders", u, index)
    assert sorted(n.name for n in g.nodes) == ["models", "services", "shop.orders", "views"]
    g = structure.context_internals("orders", u, index, limit=2)
    assert sorted(n.name for n in g.nodes) == ["models", "services"]
    assert g.notes == ["showing the 2 most connected of 4 modules"]
