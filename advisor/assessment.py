"""The versioned assessment document (contract in DESIGN.md): a plain JSON-able dict.

Reports read only this document, so ``advisor report assessment.json`` re-renders without
re-analysis. Keys listed in DESIGN.md keep their meaning within a major schema version.
"""

from __future__ import annotations

from advisor import __version__
from advisor.analysis import Analysis

SCHEMA_VERSION = "1.0"


def build_assessment(analysis: Analysis) -> dict:
    facts, graph = analysis.facts, analysis.graph
    from advisor.metrics import cycles

    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "monolith-advisor", "version": __version__},
        "target": {
            "root": facts.root,
            "commit": analysis.history.head if analysis.history else None,
            "files_analyzed": len(facts.modules),
            "lines": facts.lines,
            "files_skipped": [{"path": s.path, "reason": s.reason} for s in facts.skipped],
            "source_roots": list(facts.source_roots),
            "notes": list(facts.notes),
        },
        "modules": [
            {"name": name, "path": m.path, "lines": m.lines, "context": None,
             "external": list(graph.external.get(name, ()))}
            for name, m in graph.modules.items()
        ],
        "dependencies": [
            {"source": e.source, "target": e.target, "kinds": list(e.kinds), "weight": e.weight,
             "lines": list(e.lines), "tags": list(e.tags)}
            for e in graph.edges
        ],
        "problems": [
            {"module": p.module, "path": p.path, "line": p.line, "detail": p.detail}
            for p in graph.problems
        ],
        "metrics": {"cycles": cycles(graph)},
        "contexts": [],
        "readiness": {"score": None, "items": []},
        "recommendation": {
            "verdict": None,
            "extract_first": None,
            "summary": "Not computed yet: this version builds the dependency graph only.",
            "candidates": [],
            "plan": [],
        },
    }
