"""Units, links, cycles, cycle breakers and the DSM: on the documents the real CLI writes
(documents.py), and on small hand-worked graphs for the package fallback and the caps."""

from __future__ import annotations

from reports import structure
from reports.fields import fmt_number
from tests.unit.reports.documents import variant


def doc_with(modules: dict[str, int], deps: list[tuple[str, str, float]], contexts=None) -> dict:
    """A graph fragment (modules and dependencies only), not a document: for the grouping and
    capping rules, which need shapes no sample has."""
    return {"modules": [{"name": n, "path": n.replace(".", "/") + ".py", "lines": lines}
                        for n, lines in modules.items()],
            "dependencies": [{"source": a, "target": b, "weight": w, "lines": [1]}
                             for a, b, w in deps],
            "contexts": contexts or []}


def test_units_are_contexts_when_the_document_has_them(documents):
    doc = documents["marketplace"]
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    assert u.level == "context"
    assert u.names == sorted(c["name"] for c in doc["contexts"]) and "search" in u.names
    for c in doc["contexts"]:
        assert u.members[c["name"]] == sorted(c["modules"])
        assert u.lines[c["name"]] == sum(index.lines[m] for m in c["modules"])
    assert u.unassigned == sum(m["context"] is None for m in doc["modules"]) > 0  # tests
    links = structure.unit_links(u, index)
    assert ("search", "catalog") in links and ("catalog", "search") not in links
    assert all(a != b for a, b in links)
    assert sum(links.values()) == sum(
        d["weight"] for d in doc["dependencies"]
        if u.of.get(d["source"]) and u.of.get(d["target"])
        and u.of[d["source"]] != u.of[d["target"]])


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


def test_dsm_puts_providers_first_so_a_dag_has_no_upward_mark(documents):
    doc = documents["marketplace"]  # its contexts form no cycle
    order = doc["judgement"]["order"]
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    links = structure.context_links(u, index, structure.judged(doc))
    m = structure.dsm(u, links, order=order)
    assert m["names"] == order and m["upward"] == 0
    search = m["rows"][order.index("search")]["cells"]
    assert search[order.index("search")]["diagonal"]
    assert search[order.index("catalog")]["value"] == fmt_number(links["search", "catalog"], 0)
    assert structure.dsm(u, {})["names"] == sorted(order)  # no order: by name


def test_dsm_marks_the_cycle_upward_once(documents):
    doc = documents["tangled"]  # core and inventory depend on each other
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    order = doc["judgement"]["order"]
    links = structure.context_links(u, index, structure.judged(doc))
    m = structure.dsm(u, links, order=order)
    assert m["names"] == order and m["upward"] == 1
    up = [(r["name"], m["names"][i]) for r in m["rows"] for i, c in enumerate(r["cells"])
          if c["upward"]]
    assert len(up) == 1 and up[0][::-1] in links  # one direction of the two-way dependency
    assert order.index("core") < order.index("inventory") and up == [("core", "inventory")]
    assert links["core", "inventory"] < links["inventory", "core"]  # the lighter one is upward


def test_dsm_is_capped_to_the_largest_units():
    modules = {f"p{i:02}.m": 100 - i for i in range(12)}
    doc = doc_with(modules, [])
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    m = structure.dsm(u, {}, cap=5)
    assert m["names"] == ["p00", "p01", "p02", "p03", "p04"] and "5 largest of 12" in m["note"]


def test_cycle_views_show_the_documents_breakers_with_their_location(documents):
    doc = documents["tangled"]
    cycles, breakers = doc["metrics"]["cycles"], doc["metrics"]["cycle_breakers"]
    c = structure.cycle_views(doc, structure.module_index(doc))
    assert c["count"] == len(cycles) == 2 and c["modules"] == sum(map(len, cycles))
    entry = c["entries"][0]
    assert entry["modules"] == cycles[0] and entry["cuts"] == len(breakers[0]["cut"])
    lightest = min(breakers[0]["cut"], key=lambda e: (e["weight"], e["source"], e["target"]))
    dep = next(d for d in doc["dependencies"]
               if (d["source"], d["target"]) == (lightest["source"], lightest["target"]))
    path = next(m["path"] for m in doc["modules"] if m["name"] == lightest["source"])
    assert entry["breakers"][0] == {"source": lightest["source"], "target": lightest["target"],
                                    "weight": fmt_number(lightest["weight"], 1),
                                    "where": f"{path}:{dep['lines'][0]}"}


def test_cycle_views_follow_the_documents_breakers(documents):
    """The report chooses no cut itself: another breaker in the document, another shown."""
    doc = documents["tangled"]
    cycle = set(doc["metrics"]["cycles"][0])
    chosen = {(e["source"], e["target"]) for e in doc["metrics"]["cycle_breakers"][0]["cut"]}
    other = next(d for d in doc["dependencies"] if {d["source"], d["target"]} <= cycle
                 and (d["source"], d["target"]) not in chosen)

    def change(d):
        d["metrics"]["cycle_breakers"][0].update(cut_weight=other["weight"], cut=[
            {"source": other["source"], "target": other["target"], "weight": other["weight"]}])

    doc = variant(doc, change)
    entry = structure.cycle_views(doc, structure.module_index(doc))["entries"][0]
    assert [(b["source"], b["target"]) for b in entry["breakers"]] == [
        (other["source"], other["target"])]


def test_cycle_views_never_invent_a_breaker(documents):
    doc = variant(documents["tangled"], lambda d: d["metrics"].update(cycle_breakers=[]))
    entry = structure.cycle_views(doc, structure.module_index(doc))["entries"][0]
    assert entry["breakers"] == [] and entry["cuts"] == 0


def _context_map(doc):
    index = structure.module_index(doc)
    u = structure.units(doc, index)
    j = structure.judged(doc)
    return structure.context_map(u, structure.context_links(u, index, j), j), u, index


def test_context_map_marks_the_cycles_and_cuts_the_judgement_cites(documents):
    doc = documents["tangled"]
    g, _, _ = _context_map(doc)
    highlighted = {n.name: n.highlight for n in g.nodes}
    assert highlighted == {c["name"]: c["in_cycle"] for c in doc["judgement"]["contexts"]}
    assert highlighted["core"] and highlighted["inventory"]
    assert sorted((lk.source, lk.target) for lk in g.links if lk.highlight) == sorted(
        (lk["source"], lk["target"]) for lk in doc["judgement"]["links"] if lk["cut"])
    g, _, _ = _context_map(documents["marketplace"])  # no cycle: nothing red
    assert not any(n.highlight for n in g.nodes) and not any(lk.highlight for lk in g.links)


def test_context_map_draws_no_cycle_the_document_does_not_cite(documents):
    """The links form a cycle, but the judgement says nobody is in one (say it read only some
    edge kinds): the map follows the document, it does not judge again."""
    def change(d):
        for c in d["judgement"]["contexts"]:
            c.update(in_cycle=False, cycle_partners=[])
        for lk in d["judgement"]["links"]:
            lk["cut"] = False

    doc = variant(documents["tangled"], change)
    g, u, index = _context_map(doc)
    assert not any(n.highlight for n in g.nodes) and not any(lk.highlight for lk in g.links)
    # a document written before the judgement section (refused by ``advisor report`` now):
    # links from the dependencies, nothing red
    del doc["judgement"]
    j = structure.judged(doc)
    g = structure.context_map(u, structure.context_links(u, index, j), j)
    assert {(lk.source, lk.target) for lk in g.links} == set(structure.unit_links(u, index))
    assert not any(n.highlight for n in g.nodes)


def test_context_map_links_include_framework_strings_the_judgement_counted(documents):
    def django_string(d):  # a model string from catalog to search: no import behind it
        d["judgement"]["links"].append({"source": "catalog", "target": "search", "weight": 2.0,
                                        "edges": 1, "kinds": {"django": 1}, "cut": False})

    doc = variant(documents["marketplace"], django_string)
    _, u, index = _context_map(doc)
    links = structure.context_links(u, index, structure.judged(doc))
    assert links["catalog", "search"] == 2.0
    assert ("catalog", "search") not in structure.unit_links(u, index)  # not in dependencies


def test_context_internals_use_short_names_and_cap_to_the_most_connected(documents):
    doc = documents["marketplace"]
    _, u, index = _context_map(doc)
    members = u.members["search"]
    g = structure.context_internals("search", u, index, limit=len(members))
    assert sorted(n.name for n in g.nodes) == sorted(
        m.removeprefix("marketplace.search.") for m in members)
    assert "indexer" in {n.name for n in g.nodes} and g.notes == []
    g = structure.context_internals("search", u, index, limit=2)
    assert len(g.nodes) == 2
    assert g.notes == [f"showing the 2 most connected of {len(members)} modules"]


def test_context_internals_mark_the_documents_module_cycles(documents):
    doc = documents["tangled"]
    _, u, index = _context_map(doc)
    members = set(u.members["core"])
    g = structure.context_internals("core", u, index, limit=len(members),
                                    cycles=structure.module_cycles(doc))
    in_cycles = {m for c in doc["metrics"]["cycles"] for m in c} & members
    assert {n.name for n in g.nodes if n.highlight} == in_cycles and in_cycles
    cut = {(e["source"], e["target"]) for b in doc["metrics"]["cycle_breakers"]
           for e in b["cut"] if {e["source"], e["target"]} <= members}
    assert {(lk.source, lk.target) for lk in g.links if lk.highlight} == cut and cut
