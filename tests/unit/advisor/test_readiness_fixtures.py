"""Builders for readiness, verdict and data-ownership tests: facts made in memory, no parsing.

A code base here is a dict ``{module name: ModuleFacts}``; ``graph`` turns it into the
dependency graph the advisor builds, ``inputs`` into what the checklist reads.
"""

from __future__ import annotations

from advisor.graph import build_graph
from advisor.readiness import SPECS, build_inputs
from advisor.readiness.model import ReadinessConfig
from advisor.readiness.registry import thresholds
from analyzers.facts import (
    FROM,
    CodebaseFacts,
    DataAccessFact,
    DefinitionFact,
    ImportFact,
    ModelFact,
    ModuleFacts,
    ParsedSource,
    ReferenceFact,
    RelationFact,
    StringRefFact,
)
from analyzers.history import CoChange, FileHistory, HistoryFacts
from analyzers.operations import Evidence, OperationsFacts, SuiteStats
from analyzers.ownership import CodeOwners, FileOwnership, OwnerRule, OwnershipFacts


def imp(module: str, *names: str, line: int = 1) -> ImportFact:
    """``from module import names`` (or ``import module`` without names)."""
    if names:
        return ImportFact(line, FROM, module, names=tuple((n, None) for n in names))
    return ImportFact(line, "import", module)


def ref(name: str, line: int = 5, kind: str = "call") -> ReferenceFact:
    return ReferenceFact(line, name, kind)


def model(name: str, line: int = 3, table: str | None = None, abstract: bool = False,
          bases=("models.Model",), relations=(), framework: str = "django") -> ModelFact:
    return ModelFact(name, line, framework, table, abstract, tuple(bases), tuple(relations))


def fk(target: str, line: int = 4, field: str = "ref", kind: str = "ForeignKey") -> RelationFact:
    return RelationFact(line, field, kind, target)


def write(target: str, line: int = 9, tx: int = 0, via: str = "objects.filter.update"
          ) -> DataAccessFact:
    return DataAccessFact(line, target, "write", via, tx)


def mod(name: str, *, lines: int = 100, imports=(), refs=(), models=(), access=(), strings=(),
        classes=(), functions=(), package: bool = False, path: str | None = None
        ) -> ModuleFacts:
    if path is None:
        path = name.replace(".", "/") + ("/__init__.py" if package else ".py")
    definitions = tuple(DefinitionFact(c, 1, "class", bases) for c, bases in classes)
    definitions += tuple(DefinitionFact(m.name, m.line, "class", m.bases) for m in models)
    definitions += tuple(DefinitionFact(f, 2, "function") for f in functions)
    source = ParsedSource(lines, tuple(imports), definitions, tuple(refs), None,
                          tuple(StringRefFact(1, v, c) for v, c in strings), tuple(models),
                          tuple(access))
    return ModuleFacts(path, name, package, "0" * 64, source)


def uses(name: str, *targets: str, **kw) -> ModuleFacts:
    """A module defining ``f``, importing and calling ``f`` of each target module."""
    return mod(name, imports=[imp(t, "f", line=i + 1) for i, t in enumerate(targets)],
               refs=[ref("f")] if targets else [], functions=("f",), **kw)


def graph(*modules: ModuleFacts):
    return build_graph(CodebaseFacts("/repo", tuple(modules)))


def by_package(g) -> dict[str, str | None]:
    """Each module's top-level package is its context; ``core`` is the kernel."""
    out = {}
    for name in g.modules:
        top = name.partition(".")[0]
        out[name] = None if top in ("core", "app") else top
    return out


def ev(kind: str, path: str = "ci.yml", line: int = 1, detail: str = "") -> Evidence:
    return Evidence(path, line, detail or kind, kind)


def operations(**topics) -> OperationsFacts:
    stats = topics.pop("test_stats", SuiteStats())
    return OperationsFacts(**{k: tuple(v) for k, v in topics.items()}, test_stats=stats)


def history(files: dict[str, dict[str, int]], co=(), commits: int | None = None
            ) -> HistoryFacts:
    """``files``: path -> {author: commits}. Authors' totals are summed over files unless
    ``commits`` is given."""
    totals: dict[str, int] = {}
    rows = []
    for path, authors in sorted(files.items()):
        for a, n in authors.items():
            totals[a] = totals.get(a, 0) + n
        ranked = tuple(sorted(authors.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append(FileHistory(path, sum(authors.values()), ranked, "2026-01-01",
                                "2026-02-01"))
    authors = tuple(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))
    return HistoryFacts(True, commits=commits if commits is not None else sum(totals.values()),
                        authors=authors, files=tuple(rows),
                        co_changes=tuple(CoChange(*sorted((a, b)), n) for a, b, n in co))


def codeowners(g, owners: dict[str, str]) -> OwnershipFacts:
    """``owners``: path prefix -> owner; every module of ``g`` gets the longest match."""
    rules = tuple(OwnerRule(p + "/", (o,), i + 1) for i, (p, o) in enumerate(owners.items()))
    files = []
    for m in g.modules.values():
        match = max((p for p in owners if m.path.startswith(p + "/")), key=len, default=None)
        files.append(FileOwnership(m.path, (owners[match],) if match else (), 1))
    return OwnershipFacts(CodeOwners(".github/CODEOWNERS", rules), tuple(sorted(
        files, key=lambda f: f.path)))


def inputs(g, partition=None, **kw):
    return build_inputs(g, by_package(g) if partition is None else partition, **kw)


def check(item_id: str, inp, **overrides):
    """Run one checklist item with its default thresholds (plus ``overrides``)."""
    spec = SPECS[item_id]
    th = thresholds(spec, ReadinessConfig())
    th.update(overrides)
    return spec.check(inp, th)


def three_contexts():
    """orders -> billing -> shop, orders -> shop: three contexts, no cycle."""
    return graph(
        mod("orders", package=True), mod("orders.service", imports=[imp("billing.api", "pay")],
                                          refs=[ref("pay")]),
        mod("billing", package=True), mod("billing.api", imports=[imp("shop.api", "x")],
                                           refs=[ref("x")]),
        mod("shop", package=True), mod("shop.api"))


def test_builders_make_a_graph_with_the_expected_edges():
    g = three_contexts()
    assert {(e.source, e.target) for e in g.edges} == {("orders.service", "billing.api"),
                                                        ("billing.api", "shop.api")}
    assert by_package(g)["orders.service"] == "orders"
