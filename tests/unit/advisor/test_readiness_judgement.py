"""The judgement model (``advisor.judgement``) and the declared-package cross-check
(``advisor.readiness.partition``), on code bases built in memory."""

from __future__ import annotations

import pytest

from advisor.readiness.partition import package_pins, partition_notes
from tests.unit.advisor.test_readiness_fixtures import (
    codeowners,
    graph,
    history,
    imp,
    inputs,
    mod,
    model,
    three_contexts,
    uses,
)



def test_edges_in_and_out_count_framework_strings_by_family():
    g = graph(
        uses("orders.api", "billing.api"),
        mod("orders.models", models=[model("Order")],
            strings=[("billing.Invoice", "ForeignKey")]),
        mod("orders.tasks", strings=[("billing.api.charge", "send_task")]),
        mod("billing.api", functions=("f", "charge")),
        mod("billing.models", models=[model("Invoice")]),
    )
    j = inputs(g).judgement
    orders = j.contexts["orders"]
    assert orders.depends_on == ("billing",) and orders.dependents == ()
    assert orders.references == {"call": 1, "celery": 1, "django": 1, "import": 1}
    assert j.contexts["billing"].dependents == ("orders",)
    assert {e.source for e in j.contexts["billing"].edges_in} == {
        "orders.api", "orders.models", "orders.tasks"}


def test_cycles_and_their_cuts_are_computed_once_for_everyone():
    g = graph(uses("a.x", "b.x"), uses("b.x", "a.y"), uses("a.y"), uses("c.x", "a.y"),
              mod("c.y", imports=[imp("a.x", "f")]))
    inp = inputs(g)
    j = inp.judgement
    assert [c.contexts for c in j.cycles] == [("a", "b")]
    assert j.involved == ("a", "b") and not j.contexts["c"].in_cycle
    assert j.contexts["a"].cycle_partners == ("b",)
    assert j.order.index("a") < j.order.index("c")  # providers first
    doc = j.doc()
    assert [c["contexts"] for c in doc["cycles"]] == [["a", "b"]]
    assert {(lk["source"], lk["target"]) for lk in doc["links"] if lk["cut"]} == set(
        j.cycles[0].cut)


def test_a_module_cycle_through_the_kernel_is_a_tangle_with_edges_to_cut():
    g = graph(uses("core.models", "a.models"), uses("a.models", "core.models"), uses("b.x"))
    j = inputs(g).judgement
    assert [t.modules for t in j.tangles] == [("a.models", "core.models")]
    assert j.tangles[0].contexts == ("(shared kernel)", "a")
    assert len(j.tangles[0].cut) == 1
    assert j.involved == ("a",) and j.contexts["a"].cycle_partners == ("(shared kernel)",)


def test_contexts_without_a_line_of_code_are_no_contexts():
    g = graph(uses("a.x", "b.x", lines=50), uses("b.x", lines=50),
              mod("empty", package=True, lines=0), mod("empty.models", lines=0))
    partition = {"a.x": "a", "b.x": "b", "empty": "empty", "empty.models": "empty"}
    inp = inputs(g, partition)
    assert inp.contexts == ("a", "b") and inp.partition["empty.models"] is None
    assert set(inp.judgement.contexts) == {"a", "b"}


def test_support_modules_are_never_members_and_never_api_users():
    g = graph(uses("a.x", lines=100), uses("b.x", "a.x", lines=100),
              uses("a.tests.test_x", "a.x", lines=400, path="a/tests/test_x.py"),
              uses("tests.test_b", "b.x", lines=400, path="tests/test_b.py"))
    j = inputs(g).judgement
    assert j.contexts["a"].modules == ("a.x",) and j.app_lines == 200
    assert [s.used_by for s in j.contexts["a"].api_surface] == [("b",)]
    assert j.share == 1.0


def test_share_of_application_lines_inside_contexts():
    g = graph(uses("a.x", "core.big", lines=100), uses("b.x", "core.big", lines=100),
              mod("core.big", lines=800, functions=("f",)))
    j = inputs(g).judgement
    assert (j.app_lines, j.context_lines) == (1000, 200) and j.share == pytest.approx(0.2)
    assert j.doc()["lines"] == {"application": 1000, "in_contexts": 200, "share": 0.2}


def test_owners_and_churn_from_history_and_codeowners():
    g = three_contexts()
    h = history({"orders/service.py": {"ann": 9, "bob": 1}, "billing/api.py": {"bob": 5},
                 "shop/api.py": {"cy": 3, "ann": 3}})
    j = inputs(g, history=h).judgement
    assert j.owner_source == "history"
    orders, billing, shop = (j.contexts[c] for c in ("orders", "billing", "shop"))
    assert orders.owners[0].name == "ann" and orders.owners[0].share == pytest.approx(0.9)
    assert orders.owner == "ann" and orders.own_owner and billing.own_owner
    assert shop.owner is None  # nobody holds 60% of it
    assert (orders.churn, billing.churn, shop.churn) == (10, 5, 6)
    assert orders.churn_share == pytest.approx(10 / 21)
    owned = inputs(g, history=h, ownership=codeowners(g, {"orders": "@o", "billing": "@b",
                                                          "shop": "@o"})).judgement
    assert owned.owner_source == "codeowners" and owned.owner_teams == ("@b", "@o")
    assert owned.contexts["orders"].owner == "@o" and not owned.contexts["orders"].own_owner
    assert owned.contexts["billing"].own_owner


def test_without_history_churn_owners_and_cochange_are_unknown():
    j = inputs(three_contexts()).judgement
    for c in j.contexts.values():
        assert c.churn is None and c.churn_share is None and c.cochange is None
        assert c.owners == () and c.owner is None
    assert j.owner_source == "" and j.doc()["contexts"][0]["churn"] is None


# --- declared packages ---------------------------------------------------------------------
def test_package_pins_name_each_declared_package():
    g = graph(mod("shop.orders.models", models=[model("Order")]),
              mod("shop.billing.models", models=[model("Invoice")]), mod("shop.core.utils"))
    assert package_pins(g) == (("billing", ("shop.billing", "shop.billing.*")),
                               ("orders", ("shop.orders", "shop.orders.*")))


def test_partition_notes_say_what_is_merged_split_or_left_out_in_three_lines():
    declared = {"o.a": "orders", "o.b": "orders", "b.a": "billing", "c.a": "catalog",
                "c.b": "catalog", "s.a": "search", "t.x": "orders"}
    judged = {"o.a": "sales", "o.b": "sales", "b.a": "sales", "c.a": "catalog",
              "c.b": "pricing", "s.a": None, "t.x": "search"}
    lines = {m: 100 for m in declared}
    notes = partition_notes(judged, declared, lines, support={"t.x"})
    assert notes == (
        "Declared packages coupled into one context: billing + orders as sales.",
        "Declared packages split across contexts: catalog over catalog (50%), pricing (50%).",
        "Declared packages mostly outside any context (shared kernel or unplaced): search "
        "(100% of its lines).")
    assert partition_notes(declared, declared, lines) == ()  # the same partition: nothing
    small = dict(judged, **{"o.b": "x"})
    lines_small = dict(lines, **{"o.b": 5})  # a sliver under 10% of the package is no split
    assert not any("orders over" in n
                   for n in partition_notes(small, declared, lines_small, support={"t.x"}))


def test_partition_notes_list_four_items_per_line_at_most():
    declared = {f"p{i}.a": f"p{i}" for i in range(6)} | {f"p{i}.b": f"p{i}" for i in range(6)}
    judged = {f"p{i}.a": f"x{i}" for i in range(6)} | {f"p{i}.b": f"y{i}" for i in range(6)}
    notes = partition_notes(judged, declared, dict.fromkeys(declared, 10))
    assert len(notes) == 1 and notes[0].endswith("; and 2 more.")
