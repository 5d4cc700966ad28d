"""``advisor analyze`` on samples/layered, a layer-first CRM (models/, schemas/, repositories/,
services/, api/v1/, tasks/) whose domains cut across the layers: the contexts are the domains
of the README's ground truth, named after them, with their data-layer modules; the kernel and
the wiring are in no context."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from advisor.partition_metrics import nmi
from tests.functional.cli import advisor

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "layered"
WIRING = ("crm.main", "crm.api.v1.router", "crm.models")
LAYER_NAMES = {"models", "schemas", "repositories", "services", "api", "v1", "tasks", "core",
               "tests", "crm"}


def truth() -> dict[str, set[str]]:
    """domain -> modules, read from the README's ground-truth table."""
    out: dict[str, set[str]] = {}
    for line in (SAMPLE / "README.md").read_text(encoding="utf-8").splitlines():
        row = re.match(r"\| \*\*(\w+)\*\* ", line)
        if row:
            out[row.group(1)] = set(re.findall(r"`(crm(?:\.\w+)+)`", line))
    return out


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("layered")
    shutil.copytree(SAMPLE, base / "layered")
    run = advisor("analyze", base / "layered", "-o", base / "out", "--no-cache", "-q")
    assert run.code == 0, run.err
    assert run.out.startswith("verdict: modularize-first")
    return json.loads((base / "out" / "assessment.json").read_text(encoding="utf-8"))


def test_the_ground_truth_is_four_domains_of_six_layers():
    domains = truth()
    assert sorted(domains) == ["contacts", "deals", "invoicing", "tickets"]
    assert all(len(ms) == 6 for ms in domains.values())


def test_one_context_per_domain_with_its_data_layer(document):
    contexts = {c["name"]: set(c["modules"]) for c in document["contexts"]}
    expected = truth()
    assert len(contexts) == len(expected), sorted(contexts)
    for domain, modules in expected.items():
        holders = [name for name, ms in contexts.items() if modules & ms]
        assert len(holders) == 1, (domain, holders)
        assert contexts[holders[0]] == modules, domain
        assert f"crm.models.{domain if domain != 'invoicing' else 'invoices'}" in modules


def test_contexts_are_named_after_their_domains(document):
    names = {c["name"] for c in document["contexts"]}
    assert names & LAYER_NAMES == set()
    assert names - {"invoices"} == {"contacts", "deals", "tickets"} or \
        names - {"invoicing"} == {"contacts", "deals", "tickets"}


def test_kernel_and_wiring_are_in_no_context(document):
    members = {m for c in document["contexts"] for m in c["modules"]}
    kernel = set(document["metrics"]["proposal"]["kernel"])
    for m in ("crm.core.config", "crm.core.db", "crm.core.security", "crm.core.errors",
              "crm.core.email", "crm.models.base", "crm.repositories.base",
              "crm.schemas.common", "crm.api.deps"):
        assert m in kernel, m
    for m in WIRING + tuple(kernel):
        assert m not in members, m


def test_the_celery_app_that_names_every_task_module_is_wiring(document):
    """crm/worker.py lists the task modules by name (``include=[...]``): it reaches every
    domain, so it is a composition root, not shared kernel."""
    assert "crm.worker" in document["metrics"]["proposal"]["wiring"]
    assert "crm.worker" not in document["metrics"]["proposal"]["kernel"]


def test_partition_agrees_with_the_readme(document):
    found = {m: c["name"] for c in document["contexts"] for m in c["modules"]}
    expected = {m: d for d, ms in truth().items() for m in ms}
    assert set(found) == set(expected)
    assert nmi(found, expected) >= 0.9
