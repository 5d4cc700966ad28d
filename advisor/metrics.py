"""Coupling metrics over the module graph."""

from __future__ import annotations

from advisor.graph import DependencyGraph


def cycles(graph: DependencyGraph) -> list[list[str]]:
    """Strongly connected components with more than one module, largest first."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(graph.modules)
    g.add_edges_from((e.source, e.target) for e in graph.edges)
    comps = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    return sorted(comps, key=lambda c: (-len(c), c))
