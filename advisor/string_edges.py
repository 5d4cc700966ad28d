"""The ``string`` edge kind for the gate and ``advisor graph``: the dependencies framework strings
express, opt-in.

Apart from ``advisor.graph`` because resolving them needs the model index and the string
resolver the analysis uses (``advisor.readiness.inputs``), which build on the graph.
"""

from __future__ import annotations

from advisor.graph import STRING, DependencyGraph, Resolver
from advisor.modeltables import build_model_index
from advisor.readiness.inputs import with_string_edges


def with_strings(graph: DependencyGraph, kinds: tuple[str, ...] | None) -> DependencyGraph:
    """``graph`` plus the ``string`` edges framework strings express (``ForeignKey("app.Model")``,
    ``apps.get_model``, ``send_task("app.tasks.x")``, ``include("app.urls")``, settings dotted
    paths), resolved as the analysis resolves them, when ``kinds`` names ``string``; else
    ``graph`` itself. Opt-in, so the default graph and gate stay what they were: a Django app's
    models name each other in strings both ways, and those would be new cycles."""
    if kinds is None or STRING not in kinds:
        return graph
    return with_string_edges(graph, build_model_index(graph, Resolver(graph.modules)))
