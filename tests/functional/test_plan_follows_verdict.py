"""The plan follows the verdict, and the checklist says what each item argues: read on the
documents the real CLI writes for the samples (plain copies and git-materialised ones)."""

from __future__ import annotations

import re

import pytest

from tests.functional.test_samples import (  # noqa: F401 - fixtures
    EXPECTED,
    facts_cache,
    plain,
    with_history,
)

# advice that belongs to an extraction only (issue: a one-author monolith was told to add
# Terraform, circuit breakers, a saga and a team per context)
EXTRACTION_ONLY = re.compile(r"(?i)\bsaga|outbox|foreign keys? by ids|replace cross-context "
                             r"foreign|infrastructure as code|terraform|circuit breaker|owning "
                             r"team each|one owning team")


@pytest.fixture(scope="module")
def documents(plain, with_history):  # noqa: F811 - test_samples' fixtures
    """Each sample's document (plain copies) and the git-materialised tangled one, with its
    report.md."""
    out = dict(plain, **{"tangled-git": with_history["tangled"]})
    for document in out.values():
        document["_md"] = (document["_out"] / "report.md").read_text("utf-8")
    return out


def kinds(document: dict) -> list[str]:
    return [s["kind"] for s in document["recommendation"]["plan"]]


def plan_text(document: dict) -> str:
    return " ".join(s["title"] + " " + s["detail"] for s in document["recommendation"]["plan"])


@pytest.mark.parametrize("name", sorted(EXPECTED) + ["tangled-git"])
def test_the_plan_follows_the_verdict(documents, name):
    document = documents[name]
    verdict = document["recommendation"]["verdict"]
    steps = kinds(document)
    if verdict == "monolith-first":
        assert steps[0] == "stay" and steps[-1] == "later"
        assert set(steps) <= {"stay", "modules", "gate", "later"}
    elif verdict == "modularize-first":
        assert steps[-1] == "later" and "gate" in steps
        assert set(steps) <= {"cycles", "facade", "tables", "ci", "gate", "later"}
        assert steps.index("gate") > max((steps.index(k) for k in ("cycles", "facade", "tables")
                                          if k in steps), default=-1)
    else:
        assert verdict == "extract" and steps[0] == "extract"
    if verdict != "extract":
        assert not EXTRACTION_ONLY.search(plan_text(document)), plan_text(document)
    later = document["recommendation"]["plan"][-1]
    if later["kind"] == "later":
        assert later["conditions"] and not all(c["met"] for c in later["conditions"])


@pytest.mark.parametrize("name", ["tangled", "layered", "tangled-git"])
def test_a_modularize_plan_cuts_the_top_cycle_at_its_imports_and_never_lists_owners_as_writers(
        documents, name):
    document = documents[name]
    plan = {s["kind"]: s for s in document["recommendation"]["plan"]}
    cycles = plan["cycles"]
    assert re.search(r"\bimports \S+ at \S+\.py:\d+", cycles["detail"])
    assert all(e["line"] > 0 for e in cycles["evidence"])
    if "tables" in plan:  # each table's owner is named in the step: never among its writers
        for part in plan["tables"]["detail"].split("; "):
            found = re.search(r"(\w+) \(owner ([\w.()-]+)\) written by (.+)", part)
            if found:
                owner, writers = found.group(2), found.group(3)
                assert not re.search(rf"(^|, ){re.escape(owner)} at ", writers), part


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_forces_that_argue_for_staying_are_no_failure(documents, name):
    document = documents[name]
    items = {i["id"]: i for i in document["readiness"]["items"]}
    for i in items.values():
        if i["group"] == "forces" and i["status"] == "measured":
            assert i["argues"] == ("extract" if i["score"] >= 0.5 else "stay")
        elif i["status"] != "measured":
            assert i["argues"] == "unknown"
    md = document["_md"]
    gaps = md.split("Gaps to close", 1)[1].split("\n\n", 2)[1] if "Gaps to close" in md else ""
    for i in items.values():
        if i["argues"] == "stay":
            assert f"**{i['title']}**" not in gaps, i["title"]
    assert "Failing items" not in md
    assert len(md) < 10_000
