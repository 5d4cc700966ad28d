"""The weighted, undirected module graph the clustering reads: several signals, each switchable.

Signals (``[tool.advisor.signals]``, weight 0 switches one off):
- ``imports``: a module imports another (counted once per direction).
- ``calls``: uses of imported names resolved to the defining module (call and reference edges;
  counted per use).
- ``inheritance``: a class derives from a class of another module.
- ``data``: ORM coupling. A module that relates to (foreign keys, incl. ``"app.Model"`` strings),
  reads or writes a model (``Order.objects...``, ``session.query(Order)``, ``get_model("app",
  "Model")``, raw SQL naming its table) is coupled to the module defining the model; counted as
  the number of distinct models of the other module it touches.
- ``strings``: framework string references that name code (INSTALLED_APPS, ``include("app.urls")``,
  ``get_class("app.module", ...)``, settings dotted paths, celery routes); see ``StringResolver``.
- ``cochange``: commits changing both files (git history; optional input).
- ``authorship``: cosine similarity of the two files' author/commit vectors (optional input);
  only between modules another signal already links, so it reinforces, never invents, edges.

Support code (tests, migrations, fixtures, test settings: ``advisor.support``) is no node of
this graph: its edges are kept aside, per support module, as the uses that attribute it to the
context it exercises (``support_uses``, each signal's amount shaped by log(1 + x) and weighted).

Normalisation, so that no signal dominates by sheer count: per signal, each pair's raw amount x
becomes log(1 + x) (similarities stay as they are), then is divided by the mean of that signal
over the pairs it links, and capped at 4. Each signal thus contributes edges of mean 1.0 before
its configured weight; the pair weight is Σ weight_s × normalised_s.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import ConfigError
from advisor.fields import MAX_WEIGHT, Problems, real
from advisor.graph import DependencyGraph, Resolver
from advisor.modelindex import ModelIndex
from advisor.modeltables import build_model_index
from advisor.support import support_modules

SIGNALS = ("imports", "calls", "inheritance", "data", "strings", "cochange", "authorship")
DEFAULT_WEIGHTS = {"imports": 1.0, "calls": 1.0, "inheritance": 1.0, "data": 1.0,
                   "strings": 2.0, "cochange": 1.0, "authorship": 0.5}
_SIMILARITY = frozenset({"authorship"})
_CAP = 4.0
# String contexts that name models (-> data signal) rather than modules (-> strings signal).
MODEL_CONTEXTS = frozenset({"get_model", "ForeignKey", "OneToOneField", "ManyToManyField",
                            "ParentalKey", "ParentalManyToManyField", "lazy_model",
                            "relationship", "GenericRelation", "swapper"})
CODE_CONTEXTS = frozenset({"include", "get_class", "get_classes", "get_models",
                           "import_string", "import_module", "send_task", "signature",
                           "import_by_path", "locate", "app_label", "autodiscover_tasks"})

Pair = tuple[str, str]


@dataclass(frozen=True)
class SignalConfig:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, signal: str) -> float:
        return float(self.weights.get(signal, 0.0))


def parse_signals(raw: Any, where: str = "[tool.advisor.signals]") -> SignalConfig:
    if raw is None:
        return SignalConfig()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table of signal = weight")
    weights = dict(DEFAULT_WEIGHTS)
    problems = Problems()  # every error at once
    for key, value in raw.items():
        if key not in SIGNALS:
            problems.add(ConfigError(f"{where}: unknown key '{key}'",
                                     "known keys: " + ", ".join(SIGNALS)))
            continue
        if isinstance(value, bool):
            value = DEFAULT_WEIGHTS[key] if value else 0.0
        with problems.check():
            weights[key] = real(value, key, where, 0, MAX_WEIGHT,
                                hint="0 switches it off; or true/false")
    problems.raise_any()
    return SignalConfig(weights)


@dataclass(frozen=True)
class SignalGraph:
    nodes: tuple[str, ...]
    raw: Mapping[str, Mapping[Pair, float]]  # signal -> (a, b) with a < b -> raw amount
    weights: Mapping[Pair, float]  # combined, normalised
    depends: Mapping[str, frozenset[str]]  # module -> modules it depends on (any directed signal)
    models: ModelIndex
    support: Mapping[str, str] = field(default_factory=dict)  # support module -> kind
    support_uses: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def edges(self) -> list[tuple[str, str, float]]:
        return [(a, b, w) for (a, b), w in sorted(self.weights.items())]


class StringResolver:
    """Maps a dotted string to the internal modules it names, trying in turn: an absolute module
    name (or ``module.Symbol``); an app label with a model name (``"orders.Order"``); a suffix
    of module names (``"catalogue.models"`` -> ``oscar.apps.catalogue.models``; the shortest
    matches win); the same without the last part (``"app.module.Symbol"``)."""

    def __init__(self, graph: DependencyGraph, models: ModelIndex) -> None:
        self.modules = graph.modules
        self.models = models
        self.tops = {n.partition(".")[0] for n in self.modules}
        self.suffixes: dict[str, list[str]] = defaultdict(list)
        for name in self.modules:
            parts = name.split(".")
            for i in range(len(parts)):
                self.suffixes[".".join(parts[i:])].append(name)

    def _suffix(self, value: str) -> list[str]:
        found = self.suffixes.get(value, [])
        if not found:
            return []
        depth = min(n.count(".") for n in found)
        return sorted(n for n in found if n.count(".") == depth)

    def resolve(self, value: str, context: str = "", origin: str = "") -> list[str]:
        parts = value.split(".")
        if parts[0] in self.tops:
            for cut in (len(parts), len(parts) - 1):
                if cut >= 1 and ".".join(parts[:cut]) in self.modules:
                    return [".".join(parts[:cut])]
        if len(parts) == 2:
            found = self.models.by_label(parts[0], parts[1])
            if found:
                return sorted({m.module for m in found})
        elif len(parts) == 1:
            if context in MODEL_CONTEXTS and origin:
                found = self.models.by_label(self.models.label_of(origin), value)
                return sorted({m.module for m in found})
            return []
        found = self._suffix(value)
        if not found and len(parts) > 2:
            found = self._suffix(".".join(parts[:-1]))
        return found


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _history_inputs(history: Any) -> tuple[dict[Pair, float], dict[str, dict[str, float]]]:
    """(path pair -> commits, path -> {author: commits}) from a HistoryFacts-like object or a
    plain mapping of (path_a, path_b) -> count."""
    cochange: dict[Pair, float] = {}
    authors: dict[str, dict[str, float]] = {}
    if history is None:
        return cochange, authors
    if isinstance(history, Mapping):
        for (a, b), n in history.items():
            cochange[_pair(a, b)] = float(n)
        return cochange, authors
    for c in getattr(history, "co_changes", ()) or ():
        cochange[_pair(c.path_a, c.path_b)] = float(c.commits)
    for f in getattr(history, "files", ()) or ():
        if f.authors:
            authors[f.path] = {a: float(n) for a, n in f.authors}
    return cochange, authors


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def normalise(raw: Mapping[Pair, float], similarity: bool = False) -> dict[Pair, float]:
    """log(1 + x) (similarities unchanged), divided by the mean over linked pairs, capped."""
    shaped = {p: (x if similarity else math.log1p(x)) for p, x in raw.items() if x > 0}
    if not shaped:
        return {}
    mean = math.fsum(shaped.values()) / len(shaped)
    return {p: min(_CAP, v / mean) for p, v in shaped.items()}


def build_signal_graph(graph: DependencyGraph, config: SignalConfig | None = None,
                       history: Any = None) -> SignalGraph:
    config = config or SignalConfig()
    resolver = Resolver(graph.modules)
    support = support_modules(graph)
    models = build_model_index(graph, resolver, support)
    raw: dict[str, dict[Pair, float]] = {s: defaultdict(float) for s in SIGNALS}
    depends: dict[str, set[str]] = defaultdict(set)
    aside: dict[tuple[str, str, str], float] = defaultdict(float)  # (signal, support, target)

    def add(signal: str, a: str, b: str, amount: float, directed: bool = True) -> None:
        if a == b or a not in graph.modules or b not in graph.modules:
            return
        if a in support or b in support:
            if directed and a in support:
                aside[signal, a, b] += amount
            return
        raw[signal][_pair(a, b)] += amount
        if directed:
            depends[a].add(b)

    for e in graph.edges:
        if "import" in e.kinds or "dynamic" in e.kinds:
            add("imports", e.source, e.target, 1.0)
        if "call" in e.kinds or "reference" in e.kinds:
            add("calls", e.source, e.target, e.weight)
        if "inheritance" in e.kinds:
            add("inheritance", e.source, e.target, 1.0)

    strings = StringResolver(graph, models)
    for name, module in graph.modules.items():
        touched: set[tuple[str, str]] = set()  # (module, model) this module relates to/uses
        for fact in module.source.strings:
            if fact.context in MODEL_CONTEXTS:
                for info in models.resolve_string(fact.value, name):
                    touched.add((info.module, info.name))
            elif fact.context in CODE_CONTEXTS or fact.context.isupper():
                for target in strings.resolve(fact.value, fact.context, name):
                    add("strings", name, target, 1.0)
        for model in module.source.models:
            for rel in model.relations:
                for info in models.resolve_name(rel.target, name):
                    touched.add((info.module, info.name))
        for access in module.source.data_access:
            for info in models.resolve_name(access.target, name):
                touched.add((info.module, info.name))
        per_module: dict[str, int] = defaultdict(int)
        for target, _ in touched:
            per_module[target] += 1
        for target, count in per_module.items():
            add("data", name, target, float(count))

    cochange, authors = _history_inputs(history)
    by_path = {m.path: n for n, m in graph.modules.items()}
    for (pa, pb), n in cochange.items():
        if pa in by_path and pb in by_path:
            add("cochange", by_path[pa], by_path[pb], n, directed=False)
    if authors:
        linked = set()
        for signal in SIGNALS:
            if config.weight(signal) > 0 and signal != "authorship":
                linked |= set(raw[signal])
        for a, b in linked:
            va, vb = authors.get(graph.modules[a].path), authors.get(graph.modules[b].path)
            if va and vb:
                sim = _cosine(va, vb)
                if sim > 0:
                    raw["authorship"][(a, b)] = sim

    weights: dict[Pair, float] = defaultdict(float)
    for signal in SIGNALS:
        w = config.weight(signal)
        if w <= 0:
            continue
        for p, v in normalise(raw[signal], signal in _SIMILARITY).items():
            weights[p] += w * v
    uses: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (signal, a, b), amount in sorted(aside.items()):
        if config.weight(signal) > 0 and amount > 0:
            uses[a][b] += config.weight(signal) * math.log1p(amount)
    return SignalGraph(
        nodes=tuple(n for n in graph.modules if n not in support),
        raw={s: dict(sorted(raw[s].items())) for s in SIGNALS},
        weights=dict(sorted(weights.items())),
        depends={n: frozenset(depends.get(n, ())) for n in graph.modules},
        models=models,
        support=support,
        support_uses={m: dict(sorted(ts.items())) for m, ts in sorted(uses.items())},
    )
