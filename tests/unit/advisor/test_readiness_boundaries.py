"""Boundary items: coupling, cycles, data ownership, foreign keys, transactions, co-change,
enforcement."""

from __future__ import annotations

import pytest

from tests.unit.advisor.orm_trees import tree_graph
from tests.unit.advisor.test_readiness_fixtures import (
    check,
    ev,
    fk,
    graph,
    history,
    imp,
    inputs,
    mod,
    model,
    operations,
    three_contexts,
    uses,
    write,
)



# --- coupling ---------------------------------------------------------------------------------
def test_coupling_full_when_nothing_crosses():
    g = graph(uses("a.x", "a.y"), uses("a.y"), uses("b.x", "b.y"), uses("b.y"))
    result = check("bound.coupling", inputs(g))
    assert result.score == 1.0 and result.facts["share"] == 0.0


def test_coupling_partial_and_zero():
    partial = graph(uses("a.x", "a.y"), uses("a.y", "a.z"), uses("a.z", "a.w"),
                    uses("a.w", "b.y"), uses("b.x", "b.y"), uses("b.y"))
    crossing = graph(uses("a.x", "b.x"), uses("b.x", "c.x"), uses("c.x"))
    p = check("bound.coupling", inputs(partial))
    assert p.facts["share"] == pytest.approx(2 / 10)  # one of five edges, each weight 2
    assert p.score == pytest.approx(0.5)
    assert check("bound.coupling", inputs(crossing)).score == 0.0
    assert "a -> b" in p.advice


# --- cycles -----------------------------------------------------------------------------------
def test_cycles_full_partial_zero():
    none = check("bound.cycles", inputs(three_contexts()))
    two = check("bound.cycles", inputs(graph(uses("a.x", "b.x"), uses("b.x", "a.y"), uses("a.y"),
                                             uses("c.x", "a.y"))))
    three = check("bound.cycles", inputs(graph(uses("a.x", "b.x"), uses("b.x", "c.x"),
                                               uses("c.x", "a.x"))))
    assert none.score == 1.0
    assert two.score == pytest.approx(1 / 3) and two.facts["involved"] == ["a", "b"]
    assert three.score == 0.0
    assert any(e.detail.startswith("cut ") for e in three.evidence)


def test_a_module_cycle_through_the_kernel_involves_the_context():
    g = graph(uses("core.models", "a.models"), uses("a.models", "core.models"), uses("b.x"))
    result = check("bound.cycles", inputs(g))
    assert result.facts["involved"] == ["a"]
    assert "module cycle across (shared kernel), a" in result.evidence[0].detail


# --- data ownership ---------------------------------------------------------------------------
def shop(writers: dict[str, list[str]], relations=None, tx: dict[str, int] | None = None):
    """Contexts a, b, c, d each own two models (A and AA in a.models...); ``writers``: writing
    module -> models it writes (imported from their models module)."""
    relations = relations or {}
    modules = [mod(f"{c}.models", models=[model(c.upper(), relations=relations.get(c, ())),
                                          model(c.upper() * 2, line=20)]) for c in "abcd"]
    for name, written in writers.items():
        modules.append(mod(name, imports=[imp(f"{m.lower()}.models", m) for m in written],
                           access=[write(m, line=10 + i, tx=(tx or {}).get(name, 0))
                                   for i, m in enumerate(written)]))
    return graph(*modules)


def test_each_table_one_writer_full_partial_zero():
    own = shop({"a.svc": ["A"], "b.svc": ["B"], "c.svc": ["C"], "d.svc": ["D"]})
    one = shop({"a.svc": ["A"], "b.svc": ["B", "A"], "c.svc": ["C"], "d.svc": ["D"]})
    all_ = shop({"a.svc": ["A", "B"], "b.svc": ["B", "C"], "c.svc": ["C", "D"],
                 "d.svc": ["D", "A"]})
    assert check("bound.data_ownership", inputs(own)).score == 1.0
    partial = check("bound.data_ownership", inputs(one))
    assert partial.score == pytest.approx(0.5)  # 1 of 4 tables shared; 0.5 shared scores 0
    assert partial.facts["contested"] == ["a_a"]
    assert partial.evidence[0].path == "b/svc.py" and partial.evidence[0].line == 11
    assert check("bound.data_ownership", inputs(all_)).score == 0.0
    foreign_only = shop({"b.svc": ["A", "B"]})  # a's table written by b alone
    assert check("bound.data_ownership", inputs(foreign_only)).score == 0.0


def test_data_items_without_models_are_no_data():
    for item in ("bound.data_ownership", "bound.foreign_keys", "bound.transactions"):
        assert check(item, inputs(three_contexts())).score is None


def test_data_items_say_no_data_when_most_table_names_cannot_be_read(tmp_path):
    """One model has a literal table and is written by its owner; three take their name from a
    rule that cannot be read statically: no score, rather than a clean 1.0."""
    g = tree_graph(tmp_path, {
        "core/database.py": """\
            from sqlalchemy.orm import DeclarativeBase, declared_attr

            class Base(DeclarativeBase):
                @declared_attr.directive
                def __tablename__(cls):
                    return cls.table_prefix + cls.__name__
            """,
        "a/models.py": """\
            from sqlalchemy import Column, ForeignKey, Integer
            from core.database import Base

            class Order(Base):
                __tablename__ = "orders"
                id = Column(Integer, primary_key=True)

            class Line(Base):
                id = Column(Integer, primary_key=True)
                order_id = Column(Integer, ForeignKey("orders.id"))

            def place(session):
                session.add(Order())
            """,
        "b/models.py": """\
            from sqlalchemy import Column, Integer
            from core.database import Base

            class Invoice(Base):
                id = Column(Integer, primary_key=True)

            class Payment(Base):
                id = Column(Integer, primary_key=True)
            """,
    })
    inp = inputs(g)
    assert [m.name for m in inp.data.unresolved] == ["Line", "Invoice", "Payment"]
    for item in ("bound.data_ownership", "bound.foreign_keys", "bound.transactions"):
        result = check(item, inp)
        assert result.score is None
        assert "cannot be read statically" in result.summary
        assert "a/models.py:8" in result.summary


def test_cross_context_foreign_keys():
    inside = shop({}, {"a": [fk("AA")], "b": [fk("b.BB")]})
    half = shop({}, {"a": [fk("b.B")], "b": [fk("BB")]})
    across = shop({}, {"a": [fk("b.B")], "b": [fk("c.C")]})
    assert check("bound.foreign_keys", inputs(inside)).score == 1.0
    result = check("bound.foreign_keys", inputs(half), max_share=1.0)
    assert result.score == pytest.approx(0.5)
    assert "a.models.A.ref -> b.models.B (a -> b)" in result.evidence[0].detail
    assert check("bound.foreign_keys", inputs(across)).score == 0.0


def test_transactions_spanning_contexts():
    inside = shop({"a.svc": ["A"], "b.svc": ["B"]}, tx={"a.svc": 8, "b.svc": 8})
    one_of_four = shop({"a.svc": ["A", "B"], "b.svc": ["B"], "c.svc": ["C"], "d.svc": ["D"]},
                       tx={"a.svc": 8, "b.svc": 8, "c.svc": 8, "d.svc": 8})
    spanning = shop({"a.svc": ["A", "B"]}, tx={"a.svc": 8})
    assert check("bound.transactions", inputs(inside)).score == 1.0
    partial = check("bound.transactions", inputs(one_of_four))
    assert partial.score == pytest.approx(0.5)
    assert partial.evidence[0].path == "a/svc.py" and partial.evidence[0].line == 8
    assert check("bound.transactions", inputs(spanning)).score == 0.0


# --- co-change and enforcement -------------------------------------------------------------
PATHS = {"orders": "orders/service.py", "billing": "billing/api.py", "shop": "shop/api.py"}


def cochanged(pairs):
    files = {p: {"dev": 5} for p in PATHS.values()} | {"orders/other.py": {"dev": 5}}
    return history(files, co=pairs)


def test_cochange_across_boundaries():
    g = graph(*three_contexts().modules.values(), mod("orders.other"))
    inside = cochanged([("orders/service.py", "orders/other.py", 6)])
    quarter = cochanged([("orders/service.py", "orders/other.py", 6),
                         ("orders/service.py", "billing/api.py", 2)])
    across = cochanged([("orders/service.py", "billing/api.py", 6)])
    scores = [check("bound.cochange", inputs(g, history=h)).score for h in (inside, quarter,
                                                                           across)]
    assert scores == pytest.approx([1.0, 0.5, 0.0])


def test_a_couple_of_co_changes_are_no_data_not_a_verdict_on_the_boundaries():
    g = graph(*three_contexts().modules.values(), mod("orders.other"))
    few = cochanged([("orders/service.py", "billing/api.py", 2)])
    result = check("bound.cochange", inputs(g, history=few))
    assert result.score is None and "min_changes" in result.summary


@pytest.mark.parametrize("found, score", [
    ([ev("import-linter", "pyproject.toml", 53), ev("contract", "pyproject.toml", 57)], 1.0),
    ([ev("import-linter", "setup.cfg", 3)], 0.5),
    ([], 0.0),
])
def test_boundaries_already_enforced(found, score):
    result = check("bound.enforced", inputs(three_contexts(),
                                            operations=operations(boundaries=found)))
    assert result.score == score
