"""The graph export as DOT (reports/dot.py): today's look, names from the tree kept as data
(one line each, unique, quoted), deterministic, and readable by the installed Graphviz."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.diagrams import DiagramError, find_renderer
from reports.dot import display, node_id, to_dot

# Characters that split a line or change what a terminal or log shows.
LINE_SPLITTERS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
CONTROLS = "\x00\x07\x08\x1b\x7f\x9b"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
HOSTILE = [
    "app.a\n::warning file=x::pwned",  # a GitHub Actions workflow command on its own line
    "app.b\x1b[31mred\x1b]0;title\x07", "app.c\r::error::x", "app.d\u202egnp.exe",
    "app.\u2066iso\u2069", "app.e\u2028f", "app.bell\x07",
]
# Pairs that a one-way escape would merge: a control character vs its escape's spelling.
LOOKALIKES = ["a\nb", "a\\nb", "a\\\nb", "a\\\\nb", "a\x1bb", "a\\x1bb", "a\u202eb",
              "a\\u202eb", "a\tb", "a\\tb", "a\\", "a\\\\", "a"]
SYNTAX = ['q"uote', 'q\\"uote', 'end\\', "<b>x</b>", "a:b", "a:b:n", "node", "graph",
          "a -> b; c [label=x]", "-4.2", "\\N \\G \\l", "x;y{z}", ""]


def document(names: list[str], tags: tuple[str, ...] = ()) -> dict:
    return {"nodes": [{"id": n, "path": n.replace(".", "/") + ".py"} for n in names],
            "edges": [{"source": names[0], "target": n, "weight": 3.0, "kinds": ["import"],
                       "tags": list(tags)} for n in names[1:]]}


def graphviz_names(text: str) -> list[str]:
    """Node names as Graphviz reads them from node statements: a quoted ID with only \\" as
    an escape, or a bare ID (after the head and the graph, node and edge attribute lines)."""
    body = text.split("\n", 4)[4]
    found = re.findall(r'^\t(?:"((?:[^"\\]|\\.)*)"|([\w.-]+)) \[', body, re.MULTILINE)
    return [quoted.replace('\\"', '"') if quoted or not bare else bare for quoted, bare in found]


def decode(name: str) -> str:
    """Inverse of ``node_id``: shows that no two module names can share a node."""
    singles = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}
    out, i = [], 0
    while i < len(name):
        if name[i] != "\\":
            out.append(name[i])
            i += 1
            continue
        kind = name[i + 1]
        if kind in singles:
            out.append(singles[kind])
            i += 2
        else:
            digits = {"x": 2, "u": 4, "U": 8}[kind]
            out.append(chr(int(name[i + 2:i + 2 + digits], 16)))
            i += 2 + digits
    return "".join(out)


def render(text: str) -> str:
    renderer = find_renderer()
    if renderer is None:
        pytest.skip("no Graphviz (dot or graphviz-pure) installed")
    try:
        return renderer.render(text)
    except DiagramError as exc:
        pytest.fail(f"Graphviz rejected the DOT: {exc}\n{text}")


def test_todays_attributes_are_kept():
    doc = document(["shop.orders", "shop.billing", "shop.util"], tags=("lazy",))
    doc["edges"][1]["kinds"] = ["import", "call"]
    doc["edges"][0]["weight"] = 45.0
    text = to_dot(doc)
    assert text.startswith("digraph dependencies {\n") and text.endswith("}\n")
    assert "\tgraph [rankdir=LR]\n" in text
    assert "\tnode [fontname=Helvetica fontsize=10 shape=box]\n" in text
    assert '\tedge [color="#555555"]\n' in text
    assert '\t"shop.orders" [tooltip="shop/orders.py"]\n' in text
    # penwidth grows with the weight (capped at 5); a tagged import-only edge is dashed
    assert '\t"shop.orders" -> "shop.billing" [label=45 penwidth=5.0 style=dashed]\n' in text
    assert '\t"shop.orders" -> "shop.util" [label=3 penwidth=1.3]\n' in text


def test_edge_labels_are_dropped_above_the_limit():
    doc = document(["a", "b", "c"])
    assert "label=" in to_dot(doc, max_labelled_edges=2)
    assert "label=" not in to_dot(doc, max_labelled_edges=1)
    assert "penwidth=1.3" in to_dot(doc, max_labelled_edges=1)


def test_same_document_gives_byte_identical_dot():
    names = HOSTILE + LOOKALIKES + SYNTAX
    assert to_dot(document(names)) == to_dot(document(list(names)))


def test_no_name_can_split_a_line_or_reach_the_terminal():
    names = ["app"] + HOSTILE
    text = to_dot(document(names))
    lines = text.split("\n")
    # head, three attribute lines, one per node, one per edge, "}", and the final ""
    assert len(lines) == 4 + len(names) + (len(names) - 1) + 2
    assert len(text.splitlines()) == len(lines) - 1
    assert not any(line.startswith("::") for line in lines)
    assert not set(text.replace("\n", "")) & set(LINE_SPLITTERS + CONTROLS + BIDI)
    assert '"app.a\\n::warning file=x::pwned"' in text  # visible, in its quoted ID
    assert 'label="app.a\\\\n::warning file=x::pwned"' in text  # shown, not a line break
    assert 'label="app.d\\\\u202egnp.exe"' in text


def test_names_that_look_alike_stay_different_nodes():
    names = ["app"] + LOOKALIKES
    text = to_dot(document(names))
    found = graphviz_names(text)
    assert len(found) == len(names) and len(set(found)) == len(names)
    assert [decode(n) for n in found] == names
    svg = render(text)
    assert len(re.findall(r'<g id="node\d+" class="node">', svg)) == len(names)
    assert len(re.findall(r'<g id="edge\d+" class="edge">', svg)) == len(names) - 1


def test_quotes_backslashes_html_colons_and_keywords_are_names():
    names = ["app"] + SYNTAX
    text = to_dot(document(names))
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)  # drop every quoted string
    assert "<" not in outside and "node.py" not in outside  # no HTML-like ID, label, tooltip
    assert '\t"a:b" -> ' not in text and '"app" -> "a:b"' not in text
    assert '\tapp -> "a:b" [' in text  # a colon is part of the name, not a port
    found = graphviz_names(text)
    assert [decode(n) for n in found] == names
    svg = render(text)
    titles = re.findall(r'class="node">\s*<title>(.*?)</title>', svg, re.DOTALL)
    assert len(titles) == len(names)


def test_hostile_names_render():
    svg = render(to_dot(document(["app"] + HOSTILE)))
    assert "\x1b" not in svg and "\u202e" not in svg
    assert "app.a\\n::warning file=x::pwned" in svg


def test_display_text_is_one_literal_line():
    assert display("a\nb") == "a\\\\nb"  # Graphviz shows the two characters \n
    assert display("\\N") == "\\\\N"  # not the node-name directive
    assert node_id("abc\n") == "abc\\n"  # quoted: the package would leave "abc<newline>" bare
    assert node_id("<b>") == "<b>" and type(node_id("<b>")).__name__ == "NoHtml"


name_chars = st.characters(blacklist_categories=("Cs",))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(name_chars, min_size=0, max_size=8), min_size=1, max_size=6,
                unique=True))
def test_any_names_give_one_line_per_statement_and_distinct_nodes(names):
    text = to_dot(document(names))
    assert len(text.splitlines()) == 4 + len(names) + len(names) - 1 + 1
    assert not set(text.replace("\n", "")) & set(LINE_SPLITTERS + CONTROLS + BIDI)
    assert [decode(n) for n in graphviz_names(text)] == names
