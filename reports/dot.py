"""The graph export document as Graphviz DOT (``advisor graph --format dot``), built with the
``graphviz`` package.

Module names and paths come from the analysed tree, so they are data in the DOT, never syntax:

- a node is named by ``node_id``: backslashes doubled, then control, line-break and bidi
  characters written as visible escapes (``\\n``, ``\\x1b``, ``\\u202e``). No output line can be
  split or recoloured by a name, and the mapping can be reversed, so two different names never
  become one node (``a<newline>b`` is ``a\\nb``, the name ``a\\nb`` is ``a\\\\nb``);
- labels and tooltips are escStrings, where Graphviz reads ``\\n``, ``\\l`` and ``\\N`` as
  directives: they show ``printable(text)`` with every backslash doubled (``graphviz.escape``);
- everything is marked not-HTML (``graphviz.nohtml``) and quoted by the package, which escapes
  ``"``; a name like ``<b>x</b>`` stays text.

``Digraph.edge`` reads ``a:b`` as node ``a``, port ``b`` (a colon is legal in a file name), so
edge lines are written with the package's own ``quote`` and ``attr_list`` instead.
"""

from __future__ import annotations

import graphviz
from graphviz import quoting

from reports.terminal import printable

MAX_LABELLED_EDGES = 400  # edge labels (weights) are dropped above this, to keep ``dot`` usable


def node_id(name: str) -> str:
    """The DOT node name of a module or package: one line, shown escaped, unique per name."""
    return graphviz.nohtml(printable(str(name).replace("\\", "\\\\")))


def display(text: str) -> str:
    """``text`` for a label or tooltip: shown as ``printable`` writes it, with no escString
    directive (a backslash is shown as a backslash) and no HTML."""
    return graphviz.escape(printable(str(text)))


def _edge_line(tail: str, head: str, attrs: str) -> str:
    """``tail -> head`` between quoted node names (``Digraph.edge`` would split a name at ':',
    reading ``a:b`` as node ``a``, port ``b``)."""
    return f"\t{tail} -> {head}{attrs}\n"


def to_dot(document: dict, max_labelled_edges: int = MAX_LABELLED_EDGES) -> str:
    """DOT text of a graph export document (module or package level); deterministic, in the
    document's order."""
    graph = graphviz.Digraph(
        name="dependencies",
        graph_attr={"rankdir": "LR"},
        node_attr={"shape": "box", "fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"color": "#555555"},
    )
    for node in document["nodes"]:
        nid = node_id(node["id"])
        attrs = {"tooltip": display(node["path"])}
        if nid != node["id"]:  # the default label (the node name) would show the doubling
            attrs["label"] = display(node["id"])
        graph.node(nid, **attrs)
    labelled = len(document["edges"]) <= max_labelled_edges
    # An export can have 50,000 edges over a few thousand nodes: each name and each distinct
    # attribute list is quoted once.
    quoted: dict[str, str] = {}
    attr_lists: dict[tuple[tuple[str, str], ...], str] = {}
    for edge in document["edges"]:
        attrs: tuple[tuple[str, str], ...] = (
            ("penwidth", f"{min(1 + edge['weight'] / 10, 5):.1f}"),)
        if labelled:
            attrs += (("label", format(edge["weight"], "g")),)
        if "kinds" in edge and set(edge["kinds"]) <= {"import", "dynamic"} and edge.get("tags"):
            attrs += (("style", "dashed"),)
        if attrs not in attr_lists:
            attr_lists[attrs] = quoting.attr_list(kwargs=dict(attrs))
        for name in (edge["source"], edge["target"]):
            if name not in quoted:
                quoted[name] = quoting.quote(node_id(name))
        graph.body.append(_edge_line(quoted[edge["source"]], quoted[edge["target"]],
                                    attr_lists[attrs]))
    return graph.source
