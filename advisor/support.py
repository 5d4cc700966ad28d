"""Support code in the dependency graph, and the context each support module exercises.

Support code (tests, migrations, fixtures, test settings; ``analyzers.support`` tells them by
path and content) is never judged: it is no node of the graph the clustering sees, adds no
fan-in to the kernel, is no user of an API, no writer of a table and no edge between contexts.
It is *attributed*: each context reports the tests and migrations that exercise it.

Graph rule: a module named like a fixture (``factories.py``, ``*_fixtures.py``...) or importing
a fixture or test library (factory_boy, faker, model_bakery, pytest...) is a fixture when
support modules, and only they, import it (or, named so and importing such a library, when
nothing imports it: a pytest plugin named in a string). A package whose modules are all
support is support too.

Attribution of a support module, in order:
1. Home: the package it sits in, without its support folders (``orders/tests/test_x.py`` and
   ``orders/migrations/0001.py`` -> ``orders``). When that package is a domain (an app holding
   a ``models`` module, or not top-level) with placed application modules: the context holding
   most of those directly in it (ties: most below it, then by name), else most below it. Tests
   next to the code exercise it through URLs and fixtures that no import shows, and a migration
   is its app's schema history.
2. Otherwise the context its uses of application modules (imports, calls, bases, data, string
   references; weighted as the signals are) point to most; ties go to the context holding most
   of its nearest package, then by name. A module that only uses other support modules (a test
   using only factories) takes the context those are attributed to.
3. Otherwise none (a test of the shared kernel, a root conftest).
"""

from __future__ import annotations

import weakref
from collections import Counter, defaultdict
from collections.abc import Mapping

from advisor.graph import DependencyGraph
from analyzers.support import (
    FIXTURE,
    FIXTURE_LIBRARIES,
    TEST_LIBRARIES,
    support_folder,
    support_kind,
    uses_libraries,
)

__all__ = ["support_modules", "attribute", "home_package"]

_FIXTURE_STEMS = ("factories", "fixtures")
_LIBRARIES = FIXTURE_LIBRARIES | TEST_LIBRARIES


def _named_fixture(module) -> bool:
    stem = module.name.rpartition(".")[2]
    return stem in _FIXTURE_STEMS or stem.endswith(tuple("_" + s for s in _FIXTURE_STEMS))


_last: tuple[weakref.ref, dict[str, str]] | None = None  # the graph asked last, its answer


def support_modules(graph: DependencyGraph) -> dict[str, str]:
    """module -> support kind (``analyzers.support.KINDS``), for the support modules only.
    Computed once per graph (the data model, the signals and data ownership each ask)."""
    global _last
    if _last is not None and _last[0]() is graph:
        return dict(_last[1])
    kinds = _support_modules(graph)
    _last = (weakref.ref(graph), kinds)
    return dict(kinds)


def _support_modules(graph: DependencyGraph) -> dict[str, str]:
    kinds = {n: k for n, m in graph.modules.items() if (k := support_kind(m.path, m.source))}
    importers: dict[str, set[str]] = defaultdict(set)
    for e in graph.edges:
        if e.source != e.target:
            importers[e.target].add(e.source)
    candidates = {}  # module -> may nothing import it (a pytest plugin named in a string)
    for n, m in graph.modules.items():
        if n not in kinds and not m.is_package:
            named, libraries = _named_fixture(m), uses_libraries(m.source, _LIBRARIES)
            if named or libraries:
                candidates[n] = named and libraries
    grown = True
    while grown:  # a fixture used only by fixtures is one too
        grown = False
        for n, unused_ok in sorted(candidates.items()):
            users = importers[n]
            if n not in kinds and (users or unused_ok) and users <= kinds.keys():
                kinds[n] = FIXTURE
                grown = True
    below: dict[str, list[str]] = defaultdict(list)  # folder -> modules in or below it
    for n, m in graph.modules.items():
        parts = m.path.split("/")
        for cut in range(1, len(parts)):
            below["/".join(parts[:cut])].append(n)
    for n, m in graph.modules.items():
        inside = [x for x in below.get(m.path.rpartition("/")[0], ()) if x != n]
        if m.is_package and n not in kinds and inside and all(x in kinds for x in inside):
            kinds[n] = Counter(kinds[x] for x in inside).most_common(1)[0][0]
    return dict(sorted(kinds.items()))


def home_package(graph: DependencyGraph, module: str) -> str:
    """The package a support module belongs to, without its support folders."""
    parts = module.split(".")
    dirs = parts if graph.modules[module].is_package else parts[:-1]
    for i, part in enumerate(dirs):
        if support_folder(part):
            return ".".join(dirs[:i])
    return ".".join(dirs)


def _majority(counts: Counter | None) -> str | None:
    """The label holding more than half of the counts, or None."""
    if not counts:
        return None
    top = min(counts, key=lambda k: (-counts[k], k))
    return top if counts[top] * 2 > sum(counts.values()) else None


def attribute(graph: DependencyGraph, support: Mapping[str, str],
              context_of: Mapping[str, str],
              uses: Mapping[str, Mapping[str, float]]) -> dict[str, tuple[str | None, float]]:
    """support module -> (context it exercises or None, confidence: the share of its uses
    that point there, 1.0 when its home decides). ``uses``: support module -> module -> weight
    (``SignalGraph.support_uses``)."""
    below: dict[str, Counter] = defaultdict(Counter)  # package -> contexts of modules below
    direct: dict[str, Counter] = defaultdict(Counter)  # package -> contexts of its own modules
    for m, c in context_of.items():
        parts = m.split(".")
        for cut in range(1, len(parts) + 1):
            below[".".join(parts[:cut])][c] += 1
        direct[m if graph.modules[m].is_package else ".".join(parts[:-1])][c] += 1

    def is_domain(package: str) -> bool:
        return "." in package or f"{package}.models" in graph.modules

    def home_of(package: str) -> str | None:
        """Most modules directly in the package, then below it, then by name."""
        if not package or not is_domain(package):
            return None
        counts, deep = direct.get(package) or below.get(package), below.get(package)
        return min(counts, key=lambda c: (-counts[c], -deep[c], c)) if counts else None

    def nearest(package: str) -> str | None:
        parts = package.split(".") if package else []
        for cut in range(len(parts), 0, -1):
            found = _majority(below.get(".".join(parts[:cut])))
            if found:
                return found
        return None

    out: dict[str, tuple[str | None, float]] = {}
    waiting = []
    for m in sorted(support):
        package = home_package(graph, m)
        home = home_of(package)
        if home is not None:
            out[m] = (home, 1.0)
            continue
        score: Counter = Counter()
        for target, w in uses.get(m, {}).items():
            if target in context_of:
                score[context_of[target]] += w
        if score:
            out[m] = _pick(score, nearest(package))
        else:
            waiting.append(m)
    for _ in range(3):  # tests that reach the code only through support (factories, helpers)
        still = []
        for m in waiting:
            score = Counter()
            for target, w in uses.get(m, {}).items():
                if out.get(target, (None,))[0] is not None:
                    score[out[target][0]] += w
            if score:
                out[m] = _pick(score, nearest(home_package(graph, m)))
            else:
                still.append(m)
        if len(still) == len(waiting):
            break
        waiting = still
    for m in waiting:
        out[m] = (None, 0.0)
    return dict(sorted(out.items()))


def _pick(score: Counter, preferred: str | None) -> tuple[str, float]:
    best = max(score.values())
    tied = sorted(c for c, v in score.items() if v == best)
    chosen = preferred if preferred in tied else tied[0]
    return chosen, round(best / sum(score.values()), 4)
