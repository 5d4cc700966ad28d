"""The view model: every section normalised from full, empty, partial and malformed documents."""

from __future__ import annotations

import copy

import pytest

from reports import view
from reports.diagrams import DiagramMaker
from tests.unit.reports.documents import empty_document, full_document

SECTION_KEYS = {"meta", "sections", "summary", "map", "contexts", "readiness", "candidates",
                "plan", "cycles", "packages", "dsm", "notes", "glossary"}


def build(document, **kw):
    return view.build_view(document, maker=DiagramMaker(renderer=None), **kw)


def test_full_document_summary():
    s = view.summary(full_document())
    assert (s["verdict"], s["label"], s["tone"]) == ("extract", "Extract a service", "go")
    assert s["score_label"] == "64/100" and s["first"] == "billing"
    assert s["first_reasons"] == ["owns its tables", "coupling 0.12"]
    assert s["text"].startswith("Billing has its own tables")
    assert dict(s["facts"])["import cycles"] == "1"


@pytest.mark.parametrize("verdict, label, tone", [
    ("monolith-first", "Stay a monolith", "hold"),
    ("modularize-first", "Modularise first", "hold"),
    (None, "Not computed yet", "none"),
    ("split-everything", "split-everything", "none"),
    (42, "42", "none"),
])
def test_verdict_labels(verdict, label, tone):
    doc = full_document()
    doc["recommendation"]["verdict"] = verdict
    s = view.summary(doc)
    assert (s["label"], s["tone"]) == (label, tone)


def test_summary_names_the_best_ranked_candidate_when_nothing_is_extracted():
    doc = full_document()
    doc["recommendation"].update(verdict="modularize-first", extract_first=None)
    s = view.summary(doc)
    assert s["first"] is None and s["top"] == {"context": "billing", "score": "0.82"}


@pytest.mark.parametrize("document", [
    {}, empty_document(), {"schema_version": "1.0", "contexts": None, "modules": "nope",
                           "readiness": [], "recommendation": {"plan": "x"}, "metrics": 3},
    {"modules": [{"name": 1}, None, {"name": "a", "path": None, "lines": "many"}],
     "dependencies": [{"source": "a", "target": "a"}, {"source": "a"}, 7],
     "contexts": [{"name": None, "modules": [None, 3]}, "ctx"],
     "readiness": {"score": "high", "items": [None, {"score": float("nan")}]},
     "metrics": {"cycles": [["a"], "ab", None], "packages": [{"name": "p"}, {}]},
     "target": {"files_skipped": [{"path": None}], "notes": [None, "n"]}},
])
def test_every_section_builds_from_partial_or_malformed_documents(document):
    v = build(document)
    assert set(v) == SECTION_KEYS
    assert v["summary"]["label"]


def test_empty_document_has_empty_sections_not_errors():
    v = build(empty_document())
    assert v["contexts"] == [] and v["candidates"] == [] and v["plan"] == []
    assert v["readiness"]["all"] == [] and v["readiness"]["score"] is None
    assert v["cycles"]["count"] == 0 and v["packages"]["rows"] == []
    assert v["map"]["level"] == "" and v["dsm"]["rows"] == []
    assert v["summary"]["score_label"] == "\u2013"
    assert v["meta"]["commit"] == "" and v["meta"]["generated_at"] is None


def test_readiness_status_groups_and_failing_items():
    r = view.readiness(full_document())
    assert [(i["id"], i["status"]) for i in r["all"]] == [
        ("ci-tests", "pass"), ("observability", "fail"), ("owners", "partial")]
    assert [g["name"] for g in r["groups"]] == ["Operations", "Organisation"]
    assert [i["id"] for i in r["failing"]] == ["observability"]
    assert r["counts"] == {"pass": 1, "partial": 1, "fail": 1, "no-data": 0, "disabled": 0}
    assert r["all"][0]["evidence"] == [{"where": ".github/workflows/ci.yml:12",
                                        "detail": "pytest in job test"}]


def test_readiness_keeps_no_data_and_disabled_and_counts_evidence_beyond_the_document():
    doc = full_document()
    items = doc["readiness"]["items"]
    items[0].update(status="measured", evidence=[{"path": f"f{i}.py", "line": i}
                                                 for i in range(1, 61)], evidence_total=80)
    items[1].update(status="no-data", score=None)
    items[2].update(status="disabled")
    r = view.readiness(doc)
    assert [i["status"] for i in r["all"]] == ["pass", "no-data", "disabled"]
    first = r["all"][0]
    assert len(first["evidence"]) == view.EVIDENCE_SHOWN
    assert len(first["evidence_extra"]) == view.EVIDENCE_CAP - view.EVIDENCE_SHOWN
    assert first["evidence_more"] == 80 - view.EVIDENCE_CAP
    assert r["all"][1]["score_label"] == "\u2013" and r["all"][1]["percent"] is None


@pytest.mark.parametrize("score, expected", [(1.0, "pass"), (0.8, "pass"), (0.79, "partial"),
                                             (0.5, "partial"), (0.49, "fail"), (0.0, "fail"),
                                             (None, "no-data")])
def test_status_thresholds(score, expected):
    assert view.status(score) == expected


def test_plan_steps_from_strings_and_dicts_with_long_details_split():
    doc = full_document()
    doc["recommendation"]["plan"].append({"step": "Long one", "detail": "word " * 200,
                                          "item": "bound.cycles", "files": ["a.toml"]})
    steps = view.plan(doc)
    assert [s["title"] for s in steps] == ["Break the cycle orders -> billing -> orders",
                                           "Put billing behind an API",
                                           "Move billing_invoice to its own database", "Long one"]
    assert steps[1]["evidence"] == [{"where": "shop/orders/services.py:5", "detail": ""}]
    long = steps[3]
    assert len(long["detail"]) <= view.DETAIL_CHARS + 2 and long["detail"].endswith("\u2026")
    assert long["detail_rest"] and long["item"] == "bound.cycles" and long["files"] == ["a.toml"]


def test_context_cards_read_structured_api_tables_and_dependencies():
    doc = full_document()
    ctx = doc["contexts"][0]
    ctx["api_surface"] = [{"module": "shop.orders.services", "symbol": "place", "uses": 3,
                           "used_by": ["billing"]}]
    ctx["tables"] = [{"model": "shop.orders.models.Order", "module": "shop.orders.models",
                      "table": "orders_order"}]
    ctx["depends_on"] = [{"context": "catalog", "dependencies": 5}]
    ctx["pinned"] = True
    ctx["ca"] = 1
    cards = view.context_cards(doc, *_units(doc), None)
    card = cards[0]
    assert card["api"] == ["shop.orders.services.place (3\u00d7)"]
    assert card["tables"] == ["orders_order (Order)"]
    assert card["kind"] == "pinned"
    assert [k for k, _ in card["metrics"]][:3] == ["cohesion", "coupling", "ca"]
    assert card["lines"] == "820" and card["module_count"] == 4
    assert cards[1]["candidate_score"] == "0.82"
    # owners, churn, dependencies and cycles: the judgement's, the ones the verdict read
    assert card["depends_on"] == ["billing (1)", "catalog (1)"]
    assert card["owners"] == ["@shop/orders (80%)"]
    assert card["churn"] == "41 file changes (71% of all contexts' changes)"
    assert card["cycle"] == ["billing"] and cards[2]["cycle"] == []
    del doc["judgement"]  # an older document: the context entries' own values
    card = view.context_cards(doc, *_units(doc), None)[0]
    assert card["depends_on"] == ["catalog (5)"] and card["cycle"] == []
    assert card["owners"] == ["@shop/orders (80%)"] and card["churn"] == "commits: 41, lines: 1,200"


def test_long_lists_are_capped_with_a_count():
    doc = full_document()
    doc["contexts"][0]["tables"] = [f"t{i}" for i in range(view.LIST_CAP + 7)]
    card = view.context_cards(doc, *_units(doc), None)[0]
    assert len(card["tables"]) == view.LIST_CAP and card["tables_more"] == 7


def test_packages_sorted_by_size_with_isolated_packages_left_off_the_chart():
    doc = full_document()
    doc["metrics"]["packages"].append({"name": "shop.locale", "modules": 1, "lines": 9000,
                                       "ca": 0, "ce": 0, "instability": 0, "abstractness": 0,
                                       "distance": 1})
    p = view.packages(doc)
    assert [r["name"] for r in p["rows"]][:2] == ["shop.locale", "shop.orders"]
    assert len(p["chart"]["points"]) == 4 and p["isolated"] == 1
    assert dict(p["headline"]) == {"modularity": "0.41", "propagation cost": "0.18"}


def test_notes_say_when_the_map_falls_back_to_packages():
    doc = full_document()
    doc["contexts"] = []
    for m in doc["modules"]:
        m["context"] = None
    v = build(doc)
    assert v["map"]["level"] == "package"
    assert any("No contexts in this document" in r for r in v["notes"]["remarks"])


def test_meta_and_generated_at():
    v = build(full_document(), generated_at="2026-01-02 03:04 UTC")
    assert v["meta"]["generated_at"] == "2026-01-02 03:04 UTC"
    assert v["meta"]["commit_short"] == "0123456789ab"


def test_building_the_view_does_not_change_the_document():
    doc = full_document()
    before = copy.deepcopy(doc)
    build(doc)
    assert doc == before


def _units(doc):
    from reports import structure

    index = structure.module_index(doc)
    return structure.units(doc, index), index


def test_summary_carries_the_partition_notes_and_the_share_in_contexts():
    doc = full_document()
    s = view.summary(doc)
    assert s["notes"] == doc["recommendation"]["partition_notes"]
    assert ("application lines in contexts", "79%") in s["facts"]
    assert ("contexts", "3") in s["facts"]
    doc["recommendation"]["partition_notes"] = ["a", "b", "c", "d"]
    assert view.summary(doc)["notes"] == ["a", "b", "c"]  # three lines at most
    del doc["judgement"]
    assert all(k != "application lines in contexts" for k, _ in view.summary(doc)["facts"])
