"""Properties of module resolution and of the graph export, over generated package trees and
import statements (hypothesis).

The reference model is written independently of ``advisor.graph``: relative imports are
resolved by the standard library's own ``importlib.util.resolve_name`` (which raises for an
import beyond the top-level package, as Python does), ``from X import Y`` names the submodule
``X.Y`` when there is one and ``X`` otherwise, and a target that is not a module resolves to its
longest dotted prefix that is one.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.export import graph_document, to_json
from advisor.graph import build_graph
from analyzers.facts import (
    CONDITIONAL,
    DYNAMIC,
    FROM,
    IMPORT,
    LAZY,
    TYPE_CHECKING,
    CodebaseFacts,
    ImportFact,
    ModuleFacts,
    ParsedSource,
)
from reports.dot import to_dot

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(SETTINGS, max_examples=40)

PARTS = ("a", "b", "c", "d")
EXTERNAL_TOPS = ("os", "json", "requests", "numpy")  # two stdlib, two third-party
CONTEXTS = (LAZY, CONDITIONAL, TYPE_CHECKING)

dotted = st.lists(st.sampled_from(PARTS), min_size=1, max_size=4).map(".".join)


@st.composite
def package_trees(draw) -> dict[str, bool]:
    """module name -> is_package. Any prefix may be missing (a namespace package)."""
    names = set(draw(st.lists(dotted, min_size=1, max_size=12)))
    for name in list(names):
        parts = name.split(".")
        for k in range(1, len(parts)):
            if draw(st.booleans()) or draw(st.booleans()):  # most prefixes are packages
                names.add(".".join(parts[:k]))
    parents = {n.rpartition(".")[0] for n in names}
    return {n: n in parents or draw(st.booleans()) for n in sorted(names)}


@st.composite
def import_facts(draw, line: int) -> ImportFact:
    contexts = tuple(sorted(draw(st.sets(st.sampled_from(CONTEXTS), max_size=2))))
    kind = draw(st.sampled_from(["import", "from", "relative", "star", "dynamic", "external"]))
    names = tuple((n, None) for n in draw(st.lists(st.sampled_from(PARTS + ("X", "Y")),
                                                   min_size=1, max_size=3)))
    if kind == "import":
        return ImportFact(line, IMPORT, draw(dotted), contexts=contexts)
    if kind == "external":
        module = draw(st.sampled_from(EXTERNAL_TOPS)) + draw(st.sampled_from(["", ".x"]))
        return ImportFact(line, draw(st.sampled_from([IMPORT, FROM])), module,
                          names=names, contexts=contexts)
    if kind == "from":
        return ImportFact(line, FROM, draw(dotted), names=names, contexts=contexts)
    if kind == "relative":
        module = draw(st.one_of(st.just(""), dotted))
        return ImportFact(line, FROM, module, level=draw(st.integers(1, 5)), names=names,
                          contexts=contexts)
    if kind == "star":
        return ImportFact(line, FROM, draw(dotted), level=draw(st.integers(0, 2)), star=True,
                          contexts=contexts)
    return ImportFact(line, DYNAMIC, draw(dotted), contexts=contexts)


@st.composite
def codebases(draw) -> CodebaseFacts:
    tree = draw(package_trees())
    modules = []
    for name, is_package in tree.items():
        count = draw(st.integers(0, 6))
        imports = tuple(draw(import_facts(line)) for line in range(1, count + 1))
        path = name.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        modules.append(ModuleFacts(path=path, name=name, is_package=is_package,
                                   sha256=f"sha-{name}", source=ParsedSource(lines=count,
                                                                             imports=imports)))
    return CodebaseFacts(root="/repo", modules=tuple(modules))


# --- the reference model ------------------------------------------------------------------------

def reference(facts: CodebaseFacts):
    modules = {m.name for m in facts.modules}
    tops = {n.split(".")[0] for n in modules}
    edges: dict[tuple[str, str], dict] = {}
    problems: set[tuple[str, int, str]] = set()
    external: dict[str, set[str]] = defaultdict(set)
    stdlib: dict[str, set[str]] = defaultdict(set)

    def resolve(target: str) -> str | None:
        parts = target.split(".")
        for k in range(len(parts), 0, -1):
            if ".".join(parts[:k]) in modules:
                return ".".join(parts[:k])
        return None

    for m in facts.modules:
        package = m.name if m.is_package else m.name.rpartition(".")[0]  # __package__
        for fact in m.source.imports:
            try:
                base = importlib.util.resolve_name("." * fact.level + fact.module, package)
            except ImportError:  # beyond the top-level package, or no package at all
                problems.add((m.name, fact.line, "climbs above"))
                continue
            top = base.split(".")[0]
            if top not in tops:
                (stdlib if top in sys.stdlib_module_names else external)[m.name].add(top)
                continue
            if fact.form == FROM and not fact.star:
                targets = [f"{base}.{n}" if f"{base}.{n}" in modules else base
                           for n, _ in fact.names]
            else:
                targets = [base]
            for target in targets:
                resolved = resolve(target)
                if resolved is None:
                    problems.add((m.name, fact.line, "matches no module"))
                    continue
                if resolved == m.name:
                    continue
                edge = edges.setdefault((m.name, resolved), {
                    "kinds": set(), "weight": 0, "lines": set(), "tags": set(CONTEXTS)})
                edge["kinds"].add("dynamic" if fact.form == DYNAMIC else "import")
                edge["weight"] += 1
                edge["lines"].add(fact.line)
                edge["tags"] &= set(fact.contexts)
    return edges, problems, external, stdlib


def _as_plain(graph):
    edges = {(e.source, e.target): {"kinds": set(e.kinds), "weight": e.weight,
                                    "lines": set(e.lines), "tags": set(e.tags)}
             for e in graph.edges}
    problems = set()
    for p in graph.problems:
        kind = "climbs above" if "climbs above" in p.detail else (
            "matches no module" if "matches no module" in p.detail else p.detail)
        problems.add((p.module, p.line, kind))
    return edges, problems


# --- properties -----------------------------------------------------------------------------------

@SETTINGS
@given(codebases())
def test_resolution_agrees_with_the_reference_model(facts):
    graph = build_graph(facts)
    want_edges, want_problems, want_external, want_stdlib = reference(facts)
    got_edges, got_problems = _as_plain(graph)
    assert got_edges == want_edges
    assert got_problems == want_problems
    assert {k: set(v) for k, v in graph.external.items()} == dict(want_external)
    assert {k: set(v) for k, v in graph.stdlib.items()} == dict(want_stdlib)
    # edges are sorted, never self-loops, always between modules of the code base
    assert [(e.source, e.target) for e in graph.edges] == sorted(want_edges)
    assert all(e.source in graph.modules and e.target in graph.modules for e in graph.edges)


odd_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@SETTINGS
@given(package_trees(), st.lists(st.builds(
    ImportFact, line=st.integers(0, 10**6), form=st.sampled_from([IMPORT, FROM, DYNAMIC]),
    module=odd_text, level=st.integers(0, 50),
    names=st.lists(st.tuples(odd_text, st.none() | odd_text), max_size=3).map(tuple),
    asname=st.none() | odd_text, star=st.booleans()), max_size=8))
def test_resolution_never_raises_on_any_import_fact(tree, imports):
    """Import facts the parser would never produce (empty names, dots, 50 levels) are still
    resolved or recorded as problems, never an exception."""
    modules = tuple(
        ModuleFacts(path=name.replace(".", "/") + ".py", name=name, is_package=is_package,
                    sha256=name, source=ParsedSource(lines=1, imports=tuple(imports)))
        for name, is_package in tree.items())
    graph = build_graph(CodebaseFacts(root="/r", modules=modules))
    assert all(e.source != e.target for e in graph.edges)


@FEWER
@given(codebases(), st.sampled_from(["module", "package"]))
def test_graph_export_round_trips_through_json(facts, level):
    graph = build_graph(facts)
    document = graph_document(graph, graph.edges, level)
    assert json.loads(to_json(document)) == document
    if level == "module":
        rebuilt = {(e["source"], e["target"]): (tuple(e["kinds"]), e["weight"], tuple(e["lines"]),
                                                tuple(e["tags"]))
                   for e in json.loads(to_json(document))["edges"]}
        assert rebuilt == {(e.source, e.target): (e.kinds, e.weight, e.lines, e.tags)
                           for e in graph.edges}
        assert [n["id"] for n in document["nodes"]] == sorted(m.name for m in facts.modules)


@FEWER
@given(codebases(), st.randoms(use_true_random=False))
def test_same_code_base_in_any_order_gives_identical_exports(facts, rnd: random.Random):
    modules = list(facts.modules)
    rnd.shuffle(modules)
    shuffled = CodebaseFacts(root=facts.root, modules=tuple(modules))
    for level in ("module", "package"):
        first = graph_document(build_graph(facts), build_graph(facts).edges, level)
        again = graph_document(build_graph(shuffled), build_graph(shuffled).edges, level)
        assert to_json(first) == to_json(again)
        assert to_dot(first) == to_dot(again)
