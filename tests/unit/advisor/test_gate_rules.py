"""Gate rules and contracts on small in-memory graphs, every expected value worked by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from advisor.analysis import Analysis
from advisor.config import AdvisorConfig
from advisor.errors import ConfigError
from advisor.gate import parse_gate, run_gate
from advisor.graph import build_graph
from analyzers.facts import (
    CALL,
    FROM,
    IMPORT,
    REFERENCE,
    CodebaseFacts,
    DefinitionFact,
    ImportFact,
    ModuleFacts,
    ParsedSource,
    ReferenceFact,
    SkippedFile,
)


def analysis_of(spec: dict[str, list], classes: dict[str, list[bool]] | None = None) -> Analysis:
    """``{"a.b": [(line, "a.c"), (line, "a.d", ("type_checking",))]}`` -> an Analysis.
    Names that prefix another name are packages (``a/__init__.py``)."""
    modules = []
    for name, imports in spec.items():
        is_pkg = any(other.startswith(name + ".") for other in spec)
        path = name.replace(".", "/") + ("/__init__.py" if is_pkg else ".py")
        facts = tuple(ImportFact(i[0], IMPORT, i[1], contexts=i[2] if len(i) > 2 else ())
                      for i in imports)
        defs = tuple(DefinitionFact(f"C{n}", n + 1, "class", abstract=a)
                     for n, a in enumerate((classes or {}).get(name, [])))
        modules.append(ModuleFacts(path, name, is_pkg, "0" * 64,
                                   ParsedSource(10, imports=facts, definitions=defs)))
    facts = CodebaseFacts(root="/repo", modules=tuple(modules))
    return Analysis(AdvisorConfig(), facts, build_graph(facts))


def gate(table: dict):
    return parse_gate(table, "pyproject.toml [tool.advisor.gate]")


def found(result, rule: str) -> list[tuple[str, str | None, int | None]]:
    return [(v.key, v.path, v.line) for v in result.violations if v.rule == rule]


NO_CYCLES = {"module-cycles": "off", "package-cycles": "off"}


def test_module_cycles_one_finding_per_edge_on_a_cycle():
    a = analysis_of({"a": [(3, "b")], "b": [(4, "c")], "c": [(7, "a")], "d": [(1, "a")]})
    result = run_gate(a, gate({"package-cycles": "off"}))
    assert found(result, "module-cycles") == [("a -> b", "a.py", 3), ("b -> c", "b.py", 4),
                                             ("c -> a", "c.py", 7)]
    messages = {v.key: v.message for v in result.violations}
    assert messages["c -> a"] == "c imports a, closing the cycle c -> a -> b -> c"
    assert result.failed and result.errors == 3


def test_package_cycles_point_at_the_first_module_edge():
    a = analysis_of({"s": [], "s.x": [], "s.x.m": [(2, "s.y.n")], "s.x.k": [],
                     "s.y": [], "s.y.n": [(5, "s.x.k")], "s.y.o": [(9, "s.x.m")]})
    result = run_gate(a, gate({"module-cycles": "off"}))
    assert found(result, "package-cycles") == [("s.x -> s.y", "s/x/m.py", 2),
                                              ("s.y -> s.x", "s/y/n.py", 5)]
    message = [v.message for v in result.violations if v.key == "s.y -> s.x"][0]
    assert message == ("package s.y depends on s.x (s.y.n imports s.x.k and 1 more), closing "
                       "the cycle s.y -> s.x -> s.y")


def test_no_cycles_passes():
    result = run_gate(analysis_of({"a": [(1, "b")], "b": []}), gate({}))
    assert result.violations == () and not result.failed


SHOP = {
    "shop": [],
    "shop.web": [], "shop.web.views": [(1, "shop.domain.models"), (2, "shop.web.forms")],
    "shop.web.forms": [],
    "shop.services": [], "shop.services.orders": [(4, "shop.web.views")],
    "shop.domain": [], "shop.domain.models": [(6, "shop.web.forms"), (7, "shop.services.orders")],
    "shop.billing": [(1, "shop.billing.api")], "shop.billing.api": [(2, "shop.billing.models")],
    "shop.billing.models": [],
    "shop.common": [(3, "shop.billing.models"), (4, "shop.billing.api"), (5, "shop.billing")],
}


def contract(**kwargs) -> dict:
    return {**NO_CYCLES, "contracts": [{"name": "c", **kwargs}]}


def test_forbidden_uses_container_semantics_and_exempts_the_target_itself():
    result = run_gate(analysis_of(SHOP), gate(contract(type="forbidden", source=["shop"],
                                                        target=["shop.web"])))
    # shop.web.views -> shop.web.forms is inside the target: allowed.
    assert found(result, "contract/c") == [
        ("shop.domain.models -> shop.web.forms", "shop/domain/models.py", 6),
        ("shop.services.orders -> shop.web.views", "shop/services/orders.py", 4),
    ]
    v = result.violations[0]
    assert v.message == ("shop.domain.models imports shop.web.forms: shop may not depend on "
                         "shop.web")


def test_forbidden_globs_match_one_segment_per_star():
    result = run_gate(analysis_of(SHOP), gate(contract(type="forbidden", source=["shop.*.models"],
                                                        target=["shop.w*"])))
    assert [v.key for v in result.violations] == ["shop.domain.models -> shop.web.forms"]


def test_layers_lower_may_not_import_higher():
    table = contract(type="layers", layers=["shop.web", "shop.services", "shop.domain"])
    result = run_gate(analysis_of(SHOP), gate(table))
    assert [v.key for v in result.violations] == [
        "shop.domain.models -> shop.web.forms",
        "shop.domain.models -> shop.services.orders",
        "shop.services.orders -> shop.web.views",
    ]
    assert result.violations[1].message.endswith(
        "layer shop.domain may not depend on shop.services, which is above it")


def test_layers_list_entry_is_one_layer_and_overlap_is_an_error():
    table = contract(type="layers", layers=["shop.web", ["shop.services", "shop.domain"]])
    keys = [v.key for v in run_gate(analysis_of(SHOP), gate(table)).violations]
    assert keys == ["shop.domain.models -> shop.web.forms",
                    "shop.services.orders -> shop.web.views"]
    bad = contract(type="layers", layers=["shop.web", "shop.w*"])
    with pytest.raises(ConfigError, match="'shop.web' is in two layers"):
        run_gate(analysis_of(SHOP), gate(bad))


def test_independence():
    table = contract(type="independence", modules=["shop.web", "shop.domain", "shop.services"])
    keys = [v.key for v in run_gate(analysis_of(SHOP), gate(table)).violations]
    assert keys == ["shop.domain.models -> shop.web.forms",
                    "shop.domain.models -> shop.services.orders",
                    "shop.services.orders -> shop.web.views",
                    "shop.web.views -> shop.domain.models"]
    with pytest.raises(ConfigError, match="members 'shop' and 'shop.web' nest"):
        run_gate(analysis_of(SHOP), gate(contract(type="independence",
                                                  modules=["shop", "shop.web"])))
    with pytest.raises(ConfigError, match="matches only 'shop.web'"):
        run_gate(analysis_of(SHOP), gate(contract(type="independence", modules=["shop.web"])))


def test_public_interface():
    table = contract(type="public-interface", target=["shop.billing"], interface=["api"])
    result = run_gate(analysis_of(SHOP), gate(table))
    # inside the package (billing -> billing.api -> billing.models) is free; common is not
    assert found(result, "contract/c") == [
        ("shop.common -> shop.billing.models", "shop/common.py", 3),
        ("shop.common -> shop.billing", "shop/common.py", 5),
    ]
    assert result.violations[0].message == (
        "shop.common imports shop.billing.models: other packages may use shop.billing only "
        "through shop.billing.api")
    with_init = contract(type="public-interface", target=["shop.billing"],
                         interface=["api", "__init__"])
    assert [v.key for v in run_gate(analysis_of(SHOP), gate(with_init)).violations] == [
        "shop.common -> shop.billing.models"]
    absolute = contract(type="public-interface", target=["shop.billing"],
                        interface=["shop.billing.api"])
    with pytest.raises(ConfigError, match="'shop.billing.api' matches no module in shop.billing"):
        run_gate(analysis_of(SHOP), gate(absolute))


def test_pattern_matching_nothing_is_a_config_error_naming_it():
    with pytest.raises(ConfigError) as err:
        run_gate(analysis_of(SHOP), gate(contract(type="forbidden", source=["shop.domian"],
                                                  target=["shop.web"])))
    assert str(err.value) == ("pyproject.toml [tool.advisor.gate] contract 1 ('c') 'source': "
                              "'shop.domian' matches no module (did you mean 'shop.domain'?)")


def test_ignore_tags_and_exclude_tags_drop_tagged_imports():
    spec = {"p": [], "p.a": [(2, "p.b", ("type_checking",))], "p.b": [(3, "p.a")]}
    assert len(run_gate(analysis_of(spec), gate({})).violations) == 2  # the module cycle
    assert run_gate(analysis_of(spec), gate({"exclude_tags": ["type_checking"]})).violations == ()
    forbid = contract(type="forbidden", source=["p.a"], target=["p.b"])
    assert len(run_gate(analysis_of(spec), gate(forbid)).violations) == 1
    forbid["contracts"][0]["ignore_tags"] = ["type_checking"]
    assert run_gate(analysis_of(spec), gate(forbid)).violations == ()


def test_excluding_a_tag_drops_the_name_uses_behind_the_import_too():
    # p.a: `if TYPE_CHECKING: from p.b import B` (line 3), then `def f(x: B)` (line 5)
    a = ModuleFacts("p/a.py", "p.a", False, "0" * 64, ParsedSource(
        6, imports=(ImportFact(3, FROM, "p.b", names=(("B", None),),
                               contexts=("type_checking",)),),
        references=(ReferenceFact(5, "B", REFERENCE),)))
    b = ModuleFacts("p/b.py", "p.b", False, "1" * 64, ParsedSource(
        2, imports=(ImportFact(1, IMPORT, "p.a"),),
        definitions=(DefinitionFact("B", 2, "class"),)))
    init = ModuleFacts("p/__init__.py", "p", True, "2" * 64, ParsedSource(0))
    facts = CodebaseFacts("/repo", (init, a, b))
    analysis = Analysis(AdvisorConfig(), facts, build_graph(facts))
    assert [e.kinds for e in analysis.graph.edges if e.source == "p.a"] == [
        ("import", "reference")]
    assert len(run_gate(analysis, gate({})).violations) == 2
    assert run_gate(analysis, gate({"exclude_tags": ["type_checking"]})).violations == ()


def test_line_is_the_import_even_when_a_use_comes_first():
    module = ModuleFacts("a.py", "a", False, "0" * 64, ParsedSource(
        10, imports=(ImportFact(5, IMPORT, "b"),), references=(ReferenceFact(2, "b.f", CALL),)))
    other = ModuleFacts("b.py", "b", False, "1" * 64, ParsedSource(3, imports=(
        ImportFact(1, IMPORT, "a"),)))
    facts = CodebaseFacts("/repo", (module, other))
    result = run_gate(Analysis(AdvisorConfig(), facts, build_graph(facts)),
                      gate({"package-cycles": "off"}))
    assert found(result, "module-cycles") == [("a -> b", "a.py", 5), ("b -> a", "b.py", 1)]


def test_propagation_cost_and_cross_package_edges_by_hand():
    # p, p.a -> p.b -> q.c, q: reach p{p}=1, p.a{p.a,p.b,q.c}=3, p.b=2, q=1, q.c=1 -> 8/25
    spec = {"p": [], "p.a": [(1, "p.b")], "p.b": [(1, "q.c")], "q": [], "q.c": []}
    table = {"propagation-cost": {"max": 0.3}, "cross-package-edges": {"max": 0}}
    result = run_gate(analysis_of(spec), gate(table))
    assert result.metrics == {"propagation-cost": {"project": 0.32},
                              "cross-package-edges": {"project": 1}}
    assert [(v.rule, v.key, v.value, v.message) for v in result.violations] == [
        ("propagation-cost", "project", 0.32,
         "propagation cost is 0.3200, above the maximum 0.3"),
        ("cross-package-edges", "project", 1,
         "1 module dependencies cross package boundaries, above the maximum 0"),
    ]
    assert run_gate(analysis_of(spec), gate({"propagation-cost": {"max": 0.32}})).violations == ()


def test_instability_and_distance_per_package():
    # p.x -> q.y and p.x -> r.z: p has Ce=2, Ca=0 -> I=1; q: Ca=1 -> I=0; r likewise.
    spec = {"p": [], "p.x": [(1, "q.y"), (2, "r.z")], "q": [], "q.y": [], "r": [], "r.z": []}
    classes = {"q.y": [True, False]}  # q: A = 1/2 -> D = |0.5 + 0 - 1| = 0.5; r: A=0 -> D=1
    table = {**NO_CYCLES, "instability": {"max": 0.5, "packages": ["p", "q"]},
             "main-sequence-distance": {"max": 0.6, "packages": ["q", "r"],
                                        "severity": "warn"}}
    result = run_gate(analysis_of(spec, classes), gate(table))
    assert result.metrics["instability"] == {"p": 1.0, "q": 0.0}
    assert result.metrics["main-sequence-distance"] == {"q": 0.5, "r": 1.0}
    assert [(v.rule, v.key, v.severity, v.path) for v in result.violations] == [
        ("instability", "p", "error", "p/__init__.py"),
        ("main-sequence-distance", "r", "warn", "r/__init__.py"),
    ]
    with pytest.raises(ConfigError, match="'q.y' names modules but no package"):
        run_gate(analysis_of(spec), gate({"instability": {"max": 0.5, "packages": ["q.y"]}}))


def test_empty_graph_warns_and_can_be_made_an_error():
    spec = {"p": [], "p.a": [], "p.b": []}
    table = contract(type="forbidden", source=["p.a"], target=["p.b"])
    result = run_gate(analysis_of(spec), gate(table))
    assert [(v.rule, v.severity) for v in result.violations] == [("empty-graph", "warn")]
    assert result.violations[0].message == ("the gate sees no dependency between the 3 analysed "
                                            "modules: its 1 contract(s) and rules check nothing")
    assert not result.failed
    assert run_gate(analysis_of(spec), gate({**table, "empty-graph": "error"})).failed
    plain = run_gate(analysis_of(spec), gate({}))
    assert [v.message for v in plain.violations] == [
        "the gate sees no dependency between the 3 analysed modules: its rules check nothing"]
    assert run_gate(analysis_of({"p": []}), gate({})).violations == ()  # one module: fine
    assert run_gate(analysis_of({"p": [], "p.a": [(1, "p")]}), gate({})).violations == ()


def test_skipped_files_are_noted():
    a = analysis_of({"p": [(1, "p.a")], "p.a": []})
    facts = replace(a.facts, skipped=(SkippedFile("p/b.py", "syntax error at line 1"),))
    result = run_gate(replace(a, facts=facts), gate({}))
    assert result.notes == ("1 file(s) could not be analysed, so the gate cannot see their "
                            "dependencies (e.g. p/b.py: syntax error at line 1)",)


def test_ignore_imports_allows_listed_dependencies_and_is_checked():
    table = contract(type="public-interface", target=["shop.billing"], interface=["api"],
                     ignore_imports=["shop.common -> shop.billing.models"])
    assert [v.key for v in run_gate(analysis_of(SHOP), gate(table)).violations] == [
        "shop.common -> shop.billing"]
    table["contracts"][0]["ignore_imports"] = ["shop.c* -> shop.billing"]
    assert run_gate(analysis_of(SHOP), gate(table)).violations == ()
    table["contracts"][0]["ignore_imports"] = ["shop.nothing -> shop.billing"]
    with pytest.raises(ConfigError, match="'ignore_imports': 'shop.nothing' matches no module"):
        run_gate(analysis_of(SHOP), gate(table))
    table["contracts"][0]["ignore_imports"] = ["shop.common"]
    with pytest.raises(ConfigError, match="needs the form 'source -> target'"):
        gate(table)
