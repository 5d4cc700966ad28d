"""DOT generation, the Graphviz seam (found, missing, failing, slow, too big) and its caps."""

from __future__ import annotations

import os
import re
import stat

import pytest

from reports import diagrams
from reports.diagrams import (
    DiagramError,
    DiagramMaker,
    Graph,
    GraphvizRenderer,
    Link,
    Node,
    cap_graph,
    find_renderer,
    to_dot,
)
from reports.terminal import printable
from tests.unit.reports.documents import IMG, QUOTES, SCRIPT

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt" viewBox="0 0 10 10">'
       '<g class="node"><title>n0</title><text x="1" y="1">{label}</text></g></svg>')


class FakeRenderer:
    name = "fake"

    def __init__(self, svg: str = SVG.format(label="x")) -> None:
        self.svg = svg
        self.calls: list[str] = []

    def render(self, dot: str) -> str:
        self.calls.append(dot)
        return self.svg


def graph(n: int = 3, links: int = 2) -> Graph:
    nodes = [Node(f"m{i}", float(10 * (i + 1))) for i in range(n)]
    edges = [Link(f"m{i}", f"m{(i + 1) % n}", float(i + 1)) for i in range(links)]
    return Graph("test", nodes, edges)


def executable(path, text: str) -> str:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.mark.parametrize("name, shown", [
    ("plain", "plain"), ('q"uote', '"q\\"uote"'), ("back\\slash", '"back\\\\slash"'),
    ("two\nlines", '"two\\\\nlines"'), ("tab\there", '"tab\\\\there"'),
    ("\\N \\G \\l", '"\\\\N \\\\G \\\\l"'), ("esc\x1b[2J", '"esc\\\\x1b[2J"'),
    ("rlo\u202e", '"rlo\\\\u202e"'), ("<b>x</b>", '"<b>x</b>"'),
])
def test_labels_show_names_literally_on_one_line(name, shown):
    """Quoted by the graphviz package; a control character is shown as its escape (not a line
    break, not a terminal escape); no escString directive, no HTML label."""
    dot, titles = to_dot(Graph("g", [Node(name, 1.0)], []))
    assert f"\tn0 [label={shown} " in dot
    assert titles["n0"] == printable(name) and "\n" not in titles["n0"]


def test_a_name_never_ends_the_label_line():
    g = Graph("g", [Node("a\n::warning::x\r\x1b]0;t\x07", 5.0, detail="12 modules")], [])
    dot, _ = to_dot(g)
    assert len(dot.splitlines()) == 6 and "\x1b" not in dot and "\r" not in dot
    # escaped control characters, then one real break: the detail on line 2
    assert 'label="a\\\\n::warning::x\\\\r\\\\x1b]0;t\\\\x07\\n12 modules"' in dot


def test_names_appear_only_inside_quoted_labels_with_synthetic_ids():
    names = [SCRIPT, IMG, QUOTES, "a -> b; c [label=x]"]
    g = Graph("evil", [Node(n, 1.0) for n in names], [Link(names[0], names[1], 2.0)])
    dot, titles = to_dot(g)
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)  # drop every quoted string
    for name in names:
        assert name not in outside
    assert re.findall(r"^\t(n\d+) \[", dot, re.MULTILINE) == ["n0", "n1", "n2", "n3"]
    assert sorted(titles[f"n{i}"] for i in range(4)) == sorted(names)
    assert titles["n0->n1"].startswith(f"{SCRIPT} \u2192 {IMG}")


def test_sparse_graphs_use_dot_and_dense_ones_a_spring_layout():
    assert "layout=dot" in to_dot(graph(3, 2))[0]
    dense = Graph("d", [Node(f"m{i}") for i in range(4)],
                  [Link(f"m{i}", f"m{j}") for i in range(4) for j in range(4) if i != j])
    assert "layout=neato" in to_dot(dense)[0] and "start=7" in to_dot(dense)[0]


def test_cap_keeps_the_biggest_nodes_and_heaviest_links_and_says_so():
    g = graph(10, 10)
    capped = cap_graph(g, max_nodes=4, max_edges=100)
    assert [n.name for n in capped.nodes] == ["m6", "m7", "m8", "m9"]
    assert capped.notes == ["showing the 4 largest of 10"]
    many = Graph("many", [Node(f"m{i}") for i in range(30)],
                 [Link(f"m{i}", f"m{j}", float(i + j)) for i in range(30) for j in range(30)
                  if i != j])
    capped = cap_graph(many)
    assert len(capped.links) == 2 * 30  # at most two links a node on a big graph
    assert {n.name for n in capped.nodes} <= {lk.source for lk in capped.links} | {
        lk.target for lk in capped.links}  # every node keeps its heaviest link
    assert "lightest links not drawn" in capped.notes[-1]


def test_maker_renders_sanitised_svg_with_real_names_as_titles():
    fake = FakeRenderer(SVG.format(label="m0").replace("</g>", "</g><script>alert(1)</script>"))
    d = DiagramMaker(fake).draw(graph())
    assert d.svg is not None and "<script" not in d.svg
    assert "<title>m0</title>" in d.svg and d.note is None and len(fake.calls) == 1


def test_without_graphviz_the_dot_source_is_kept_with_a_note():
    d = DiagramMaker(None).draw(graph())
    assert d.svg is None and d.dot.startswith("digraph G {")
    assert "no Graphviz found" in d.note and "graphviz-pure" in d.note


def test_a_failing_renderer_gives_a_note_not_an_exception():
    class Broken(FakeRenderer):
        def render(self, dot):
            raise DiagramError("dot failed (exit 1): syntax error")

    d = DiagramMaker(Broken()).draw(graph())
    assert d.svg is None and "not drawn: dot failed (exit 1): syntax error" in d.note


def test_unparsable_svg_is_not_inlined():
    d = DiagramMaker(FakeRenderer("<svg><g></svg>")).draw(graph())
    assert d.svg is None and "does not parse" in d.note


def test_the_time_budget_stops_further_diagrams():
    maker = DiagramMaker(FakeRenderer(), budget_s=0.0)
    d = maker.draw(graph())
    assert d.svg is None and "budget" in d.note


def test_graphs_without_links_are_not_drawn():
    fake = FakeRenderer()
    d = DiagramMaker(fake).draw(graph(3, 0))
    assert d.svg is None and "no dependencies" in d.note and fake.calls == []


def test_find_renderer_prefers_dot_then_graphviz_pure(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    executable(a / "graphviz-pure", "#!/bin/sh\n")
    assert find_renderer(str(a)).binary == str(a / "graphviz-pure")
    executable(b / "dot", "#!/bin/sh\n")
    assert find_renderer(os.pathsep.join([str(a), str(b)])).binary == str(b / "dot")
    assert find_renderer(str(tmp_path)) is None


def test_renderer_errors_timeouts_and_size_cap(tmp_path):
    failing = executable(tmp_path / "failing", "#!/bin/sh\necho 'Error: syntax' >&2\nexit 3\n")
    with pytest.raises(DiagramError, match=r"exit 3\): Error: syntax"):
        GraphvizRenderer(failing).render("digraph {}")
    slow = executable(tmp_path / "slow", "#!/bin/sh\nexec sleep 5\n")
    with pytest.raises(DiagramError, match="longer than 0.3 s"):
        GraphvizRenderer(slow, timeout_s=0.3).render("digraph {}")
    big = executable(tmp_path / "big", "#!/bin/sh\nhead -c 5000 /dev/zero\n")
    with pytest.raises(DiagramError, match="over the 100 byte cap"):
        GraphvizRenderer(big, max_bytes=100).render("digraph {}")
    with pytest.raises(DiagramError, match="could not be run"):
        GraphvizRenderer(str(tmp_path / "missing")).render("digraph {}")


def test_the_installed_graphviz_draws_hostile_labels_as_text():
    renderer = find_renderer()
    if renderer is None:
        pytest.skip("no Graphviz (dot or graphviz-pure) installed")
    bell = "a\n::warning::x\x1b]0;t\x07\u202e"
    g = Graph("hostile", [Node(SCRIPT, 10), Node(IMG, 5), Node(QUOTES, 1), Node(bell, 1)],
              [Link(SCRIPT, IMG, 2), Link(IMG, QUOTES, 1), Link(QUOTES, bell, 1)])
    d = DiagramMaker(renderer).draw(g)
    assert d.svg is not None, d.note
    assert not set(d.svg) & set("\x1b\x07\u202e") and "\n::warning" not in d.svg
    assert "a\\n::warning::x\\x1b]0;t\\x07\\u202e" in d.svg  # shown, as text and title
    assert SCRIPT not in d.svg and IMG not in d.svg
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in d.svg
    assert d.svg.count("<text") >= 3 and "<script" not in d.svg
    assert not re.search(r"<[^>]*\son\w+\s*=", d.svg)  # no event handler attribute


def test_default_budget_and_caps_are_sane():
    assert diagrams.BUDGET_S <= 30 and diagrams.TIMEOUT_S <= diagrams.BUDGET_S
    assert diagrams.MAX_NODES <= 100 and diagrams.MAX_EDGES <= 200
