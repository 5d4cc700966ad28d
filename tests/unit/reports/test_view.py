"""The view model: every section, from the documents the real CLI writes (``documents``: see
documents.py) and from partial or malformed input a report must still survive."""

from __future__ import annotations

import copy

import pytest

from reports import view
from reports.diagrams import DiagramMaker
from reports.fields import fmt_number
from tests.unit.reports.documents import NAMES, variant

SECTION_KEYS = {"meta", "sections", "summary", "map", "contexts", "readiness", "candidates",
                "plan", "cycles", "packages", "dsm", "notes", "glossary"}


def build(document, **kw):
    return view.build_view(document, maker=DiagramMaker(renderer=None), **kw)


def test_summary_of_an_extract_verdict(documents):
    doc = documents["marketplace"]
    rec = doc["recommendation"]
    s = view.summary(doc)
    assert (s["verdict"], s["label"], s["tone"]) == ("extract", "Extract a service", "go")
    assert s["first"] == "search" == rec["candidates"][0]["context"]
    assert s["score_label"] == f"{round(doc['readiness']['score'])}/100"
    assert s["first_reasons"] == rec["candidates"][0]["reasons"][:3]
    assert s["text"] == rec["summary"]
    facts = dict(s["facts"])
    assert facts["import cycles"] == "0" and facts["contexts"] == str(len(doc["contexts"]))
    assert facts["files analysed"] == fmt_number(doc["target"]["files_analyzed"])


@pytest.mark.parametrize("name, label, tone", [
    ("marketplace", "Extract a service", "go"),
    ("tangled", "Modularize first", "hold"),
    ("bookshop", "Stay a monolith", "hold"),
])
def test_each_verdict_the_tool_gives_has_its_label(documents, name, label, tone):
    s = view.summary(documents[name])
    assert (s["label"], s["tone"]) == (label, tone)


@pytest.mark.parametrize("verdict, label", [(None, "Not computed yet"),
                                            ("split-everything", "split-everything"),
                                            (42, "42")])
def test_a_verdict_the_report_does_not_know_is_shown_as_is(documents, verdict, label):
    """Malformed input (the schema allows three verdicts): the report still renders."""
    doc = documents["marketplace"]
    doc["recommendation"]["verdict"] = verdict
    s = view.summary(doc)
    assert (s["label"], s["tone"]) == (label, "none")


def test_summary_names_the_best_ranked_candidate_when_nothing_is_extracted(documents):
    doc = documents["tangled"]
    best = doc["recommendation"]["candidates"][0]
    s = view.summary(doc)
    assert s["first"] is None and s["first_reasons"] == []
    assert s["top"] == {"context": best["context"], "score": fmt_number(best["score"])}


@pytest.mark.parametrize("name", NAMES)
def test_every_section_builds_from_every_real_document(documents, name):
    v = build(documents[name])
    assert set(v) == SECTION_KEYS
    assert v["summary"]["label"] and v["summary"]["verdict"]


@pytest.mark.parametrize("document", [
    {}, {"schema_version": "1.0", "contexts": None, "modules": "nope", "readiness": [],
         "recommendation": {"plan": "x"}, "metrics": 3},
    {"modules": [{"name": 1}, None, {"name": "a", "path": None, "lines": "many"}],
     "dependencies": [{"source": "a", "target": "a"}, {"source": "a"}, 7],
     "contexts": [{"name": None, "modules": [None, 3]}, "ctx"],
     "readiness": {"score": "high", "items": [None, {"score": float("nan")}]},
     "metrics": {"cycles": [["a"], "ab", None], "packages": [{"name": "p"}, {}]},
     "target": {"files_skipped": [{"path": None}], "notes": [None, "n"]}},
])
def test_every_section_builds_from_partial_or_malformed_input(document):
    """Not documents (``advisor report`` refuses them): what a renderer given one does."""
    v = build(document)
    assert set(v) == SECTION_KEYS
    assert v["summary"]["label"]


def test_nothing_to_show_gives_empty_sections_not_errors():
    v = build({})
    assert v["contexts"] == [] and v["candidates"] == [] and v["plan"] == []
    assert v["readiness"]["all"] == [] and v["readiness"]["score"] is None
    assert v["cycles"]["count"] == 0 and v["packages"]["rows"] == []
    assert v["map"]["level"] == "" and v["dsm"]["rows"] == []
    assert v["summary"]["score_label"] == "\u2013" and v["summary"]["label"] == "Not computed yet"
    assert v["meta"]["commit"] == "" and v["meta"]["generated_at"] is None


def test_a_document_without_contexts_shows_packages_and_no_candidates(documents):
    doc = documents["empty"]
    assert doc["contexts"] == [] and doc["target"]["commit"] is None
    v = build(doc)
    assert v["contexts"] == [] and v["candidates"] == [] and v["cycles"]["count"] == 0
    assert v["map"]["level"] == "package" and v["dsm"]["names"] == ["app"]
    assert [r["name"] for r in v["packages"]["rows"]] == ["app"]
    assert v["meta"]["commit"] == "" and v["summary"]["label"] == "Stay a monolith"
    assert any("No contexts in this document" in r for r in v["notes"]["remarks"])


def test_readiness_status_groups_and_failing_items(documents):
    doc = documents["marketplace"]
    items = doc["readiness"]["items"]
    r = view.readiness(doc)
    assert [i["id"] for i in r["all"]] == [i["id"] for i in items]
    assert [g["name"] for g in r["groups"]] == ["Operations", "Organisation", "Forces",
                                                "Boundaries"]
    assert [g["score"] for g in r["groups"]] == [
        f"{round(doc['readiness']['groups'][g])}/100"
        for g in ("operations", "organisation", "forces", "boundaries")]
    by_id = {i["id"]: i for i in r["all"]}
    assert by_id["ops.ci_tests"]["status"] == "pass"  # the sample's CI runs its tests
    assert by_id["bound.transactions"]["status"] == "no-data"  # no transaction in the sample
    assert [i["id"] for i in r["failing"]] == ["ops.tests"]  # 0.27: coverage is not enforced
    assert sum(r["counts"].values()) == len(items)
    ci = next(i for i in items if i["id"] == "ops.ci_tests")
    assert r["all"][0]["evidence"][0] == {
        "where": f"{ci['evidence'][0]['path']}:{ci['evidence'][0]['line']}".removesuffix(":0"),
        "detail": ci["evidence"][0]["detail"]}


def test_readiness_keeps_no_data_and_disabled_and_counts_evidence_beyond_the_document(
        documents):
    def change(d):
        items = d["readiness"]["items"]
        # the 50 evidence entries a document keeps of the 80 found
        items[0].update(status="measured", evidence=[{"path": f"f{i}.py", "line": i,
                                                      "detail": ""} for i in range(1, 51)],
                        evidence_total=80)
        items[1].update(status="no-data", score=None)
        items[2].update(status="disabled", score=None)  # [tool.advisor.readiness] disable

    r = view.readiness(variant(documents["marketplace"], change))
    assert [i["status"] for i in r["all"][:3]] == ["pass", "no-data", "disabled"]
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


def test_plan_steps_show_title_detail_item_and_evidence(documents):
    doc = documents["marketplace"]
    plan = doc["recommendation"]["plan"]
    steps = view.plan(doc)
    assert [s["title"] for s in steps] == [p["title"] for p in plan]
    assert steps[0]["title"] == "Enforce the search boundary inside the monolith"
    assert [s["item"] for s in steps] == [p.get("item", "") for p in plan]
    with_evidence = next(i for i, p in enumerate(plan) if p["evidence"])
    e = plan[with_evidence]["evidence"][0]
    assert steps[with_evidence]["evidence"][0] == {
        "where": f"{e['path']}:{e['line']}" if e["line"] else e["path"], "detail": e["detail"]}


def test_a_long_step_detail_is_split_at_a_word(documents):
    def change(d):
        d["recommendation"]["plan"][0].update(detail="word " * 200, files=["a.toml"])

    step = view.plan(variant(documents["marketplace"], change))[0]
    assert len(step["detail"]) <= view.DETAIL_CHARS + 2 and step["detail"].endswith("\u2026")
    assert step["detail_rest"] and step["files"] == ["a.toml"]


def test_plan_steps_given_as_strings_are_shown():
    """Not the tool's shape (a step is an object): a hand-made plan still reads."""
    steps = view.plan({"recommendation": {"plan": ["Break the cycle", {"step": "Then this"}]}})
    assert [s["title"] for s in steps] == ["Break the cycle", "Then this"]


def _card(cards: list[dict], name: str) -> dict:
    return next(c for c in cards if c["name"] == name)


def test_context_cards_read_api_tables_owners_churn_and_dependencies(documents):
    doc = documents["marketplace"]
    search = next(c for c in doc["contexts"] if c["name"] == "search")
    judged = next(c for c in doc["judgement"]["contexts"] if c["name"] == "search")
    card = _card(view.context_cards(doc, *_units(doc), None), "search")
    api = search["api_surface"][0]
    assert card["api"][0] == f"{api['module']}.{api['symbol']} ({api['uses']}\u00d7)"
    assert card["tables"] == [f"{t['table']} ({t['model'].rpartition('.')[2]})"
                              for t in search["tables"]][:view.LIST_CAP]
    assert card["lines"] == fmt_number(search["lines"])
    assert card["module_count"] == len(search["modules"])
    assert card["candidate_score"] == fmt_number(doc["recommendation"]["candidates"][0]["score"])
    assert [k for k, _ in card["metrics"]][:3] == ["cohesion", "coupling", "confidence"]
    # owners, churn, dependencies and cycles: the judgement's, the ones the verdict read
    assert card["owners"] == ["@acme-market/search (100%)"]
    churn = judged["churn"]
    assert card["churn"] == (f"{churn['changes']} file changes ({churn['share']:.0%} of all "
                             "contexts' changes)")
    assert card["depends_on"] == [f"{d['context']} ({d['edges']})" for d in judged["depends_on"]]
    assert card["cycle"] == [] and card["kind"] == ""


def test_context_cards_show_the_cycle_partners_and_pins(documents):
    tangled = documents["tangled"]
    cards = view.context_cards(tangled, *_units(tangled), None)
    assert _card(cards, "core")["cycle"] == ["inventory"]
    assert _card(cards, "inventory")["cycle"] == ["core"]
    assert _card(cards, "core")["churn"] == ""  # no history: unknown, not zero
    hostile = documents["hostile"]  # its settings pin a context
    pinned = [c["name"] for c in hostile["contexts"] if c["pinned"]]
    cards = view.context_cards(hostile, *_units(hostile), None)
    assert [c["name"] for c in cards if c["kind"] == "pinned"] == pinned and pinned


def test_context_cards_of_a_document_without_judgement_read_the_contexts(documents):
    """A document written before the judgement section (schema 1.0 as first shipped), which
    ``advisor report`` now refuses: the cards fall back to the contexts' own entries."""
    doc = documents["marketplace"]
    del doc["judgement"]
    search = next(c for c in doc["contexts"] if c["name"] == "search")
    card = _card(view.context_cards(doc, *_units(doc), None), "search")
    assert card["depends_on"] == [f"{d['context']} ({d['dependencies']})"
                                  for d in search["depends_on"]]
    assert card["owners"] == [] and card["churn"] == "" and card["cycle"] == []


def test_long_lists_are_capped_with_a_count(documents):
    def change(d):
        d["contexts"][0]["tables"] = [{"model": f"M{i}", "module": d["contexts"][0]["modules"][0],
                                       "table": f"t{i}"} for i in range(view.LIST_CAP + 7)]

    doc = variant(documents["marketplace"], change)
    card = view.context_cards(doc, *_units(doc), None)[0]
    assert len(card["tables"]) == view.LIST_CAP and card["tables_more"] == 7


def test_packages_sorted_by_size_with_isolated_packages_left_off_the_chart(documents):
    doc = documents["marketplace"]
    rows = doc["metrics"]["packages"]
    p = view.packages(doc)
    assert [r["name"] for r in p["rows"]] == [
        r["name"] for r in sorted(rows, key=lambda r: (-r["lines"], r["name"]))]
    assert p["isolated"] == 0 and len(p["chart"]["points"]) == len(rows)

    def add_isolated(d):  # a package nothing imports and that imports nothing
        d["metrics"]["packages"].append({"name": "marketplace.locale", "modules": 1,
                                         "lines": 9000, "ca": 0, "ce": 0, "instability": 0,
                                         "abstractness": 0, "distance": 1})

    p = view.packages(variant(doc, add_isolated))
    assert p["rows"][0]["name"] == "marketplace.locale" and p["isolated"] == 1
    assert len(p["chart"]["points"]) == len(rows)
    headline = dict(p["headline"])
    assert headline["modularity"] == fmt_number(doc["metrics"]["modularity"])
    assert headline["propagation cost"] == fmt_number(doc["metrics"]["propagation_cost"])
    assert headline["architecture"] == doc["metrics"]["core_periphery"]["architecture"]


def test_meta_and_generated_at(documents):
    doc = documents["marketplace"]
    v = build(doc, generated_at="2026-01-02 03:04 UTC")
    assert v["meta"]["generated_at"] == "2026-01-02 03:04 UTC"
    assert v["meta"]["commit_short"] == doc["target"]["commit"][:12]
    assert v["meta"]["version"] == doc["tool"]["version"]


@pytest.mark.parametrize("name", NAMES)
def test_building_the_view_does_not_change_the_document(documents, name):
    doc = documents[name]
    before = copy.deepcopy(doc)
    build(doc)
    assert doc == before


def _units(doc):
    from reports import structure

    index = structure.module_index(doc)
    return structure.units(doc, index), index


def test_summary_carries_the_partition_notes_and_the_share_in_contexts(documents):
    doc = documents["tangled"]
    notes = doc["recommendation"]["partition_notes"]
    assert notes  # the sample's packages are coupled into fewer contexts
    s = view.summary(doc)
    # a long note shows its head and folds the rest; together they are the note
    assert [n["text"].removesuffix(" \u2026") + (" " + n["rest"] if n["rest"] else "")
            for n in s["notes"]] == notes
    share = doc["judgement"]["lines"]["share"]
    assert ("application lines in contexts", f"{share:.0%}") in s["facts"]
    assert ("contexts", str(len(doc["contexts"]))) in s["facts"]


def test_summary_shows_three_partition_notes_at_most_and_no_share_without_judgement(
        documents):
    """Input the schema refuses (four notes; no judgement): the view still holds its line."""
    doc = documents["tangled"]
    doc["recommendation"]["partition_notes"] = ["a", "b", "c", "d"]
    assert view.summary(doc)["notes"] == [{"text": x, "rest": ""} for x in ("a", "b", "c")]
    del doc["judgement"]
    assert all(k != "application lines in contexts" for k, _ in view.summary(doc)["facts"])
