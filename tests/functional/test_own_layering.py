"""This repository obeys its own layering (DESIGN.md), checked with its own graph export:
analyzers -> nothing of ours; reports -> nothing of ours; advisor -> analyzers, reports.
libcst only in analyzers, networkx only in advisor, jinja2/graphviz only in reports."""

from __future__ import annotations

import json
from pathlib import Path

from tests.functional.cli import advisor

REPO = Path(__file__).resolve().parents[2]
ALLOWED = {"analyzers": {"analyzers"}, "reports": {"reports"},
           "advisor": {"advisor", "analyzers", "reports"}}
LIBRARIES = {"libcst": "analyzers", "networkx": "advisor", "jinja2": "reports",
             "graphviz": "reports"}


def test_layers_point_one_way():
    run = advisor("graph", REPO, "--format", "json", "-q", "--no-cache")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    layer = {n["id"]: n["id"].partition(".")[0] for n in doc["nodes"]}
    assert {"analyzers.pyparse", "advisor.cli", "reports.html"} <= set(layer)
    wrong = [(e["source"], e["target"], e["lines"]) for e in doc["edges"]
             if layer[e["source"]] in ALLOWED
             and layer[e["target"]] in ALLOWED
             and layer[e["target"]] not in ALLOWED[layer[e["source"]]]]
    assert wrong == []
    misplaced = [(n["id"], lib) for n in doc["nodes"] for lib in n["external"]
                 if lib in LIBRARIES and layer[n["id"]] in ALLOWED
                 and layer[n["id"]] != LIBRARIES[lib]]
    assert misplaced == []


def test_this_repository_passes_its_own_gate():
    """`advisor check .` with the gate of this repository's pyproject.toml (DESIGN's layering as
    contracts) passes: run here so that .ci/run installs once and runs the README command only."""
    run = advisor("check", REPO, "--no-cache", "-q")
    assert run.code == 0, run.out + run.err
    assert "advisor check passed" in run.out
