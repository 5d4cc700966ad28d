"""Bounded contexts proposed from the signal graph: kernel, clustering, pins, layer folding,
naming. Returns frozen values the assessment serialises; prints nothing.

How it decides, in order:
0. Support code (tests, migrations, fixtures, test settings: ``advisor.support``) is never a
   member: it is out of the clustering, the kernel's fan-in, layer folding, pins, API surfaces
   and context edges. Each support module is attributed to the context it exercises
   (``Assignment.attributed``; ``Context.tests`` and ``Context.migrations``), which changes
   none of that context's modules, lines, cohesion or coupling.
1. Pins (``[tool.advisor.contexts.pins]``: name -> globs over paths or dotted names) are final;
   each pin is contracted into one node before clustering, so the rest organises around it.
2. Hubs leave the clustering. Shared kernel: ``kernel`` globs, plus modules that at least
   ``kernel_fan_in`` other packages depend on (default max(3, ⌈√packages⌉)), depended on by at
   least as many packages as they depend on, owning no concrete model (data owners are the heart
   of a domain). Composition roots (settings, INSTALLED_APPS, root urls): modules depending on
   twice that many packages, and twice as many as depend on them; they are placed at step 7.
3. Louvain on the rest (``advisor.clustering``); modules without any coupling stay out.
4. Layer modules (a path part in ``layers``: api, views, forms, migrations...) join the domain
   they serve: a word after the layer part naming a domain package (``shop/api/orders.py`` ->
   orders), else the context of their package's own modules (``orders/views.py``,
   ``orders/migrations/``) when that package is an app or not top-level, else their strongest
   coupling to non-layer modules.
5. Contexts under ``min_size`` merge into the context they are most coupled to.
6. A context under FRAGMENT modules whose main package has more modules in another context is a
   splinter of it and joins it. A detected kernel module whose package is the main package of
   exactly one context is that domain's published interface and joins it.
7. A package ``__init__`` joins the context holding at least half of its package's modules.
   Composition roots in the project's own package or at a layer's root (settings, root urls,
   ``graphql/api.py``) stay wiring whoever imports them. Other modules still unplaced (no
   coupling at all, composition roots inside a domain package) join the context holding at
   least half of the placed modules of their package (or, if none, of the modules below it);
   otherwise they stay unassigned. A context that owns no table and whose modules live mostly
   in the project's root package (template tags, checks, commands beside the apps) is the
   project's plumbing, not a domain: unassigned, once two or more domain contexts exist.
8. Names (``advisor.context_names``): the last part of the package most members live in
   (layer parts stripped), or of its ancestor below the top level holding 90% of them; a
   package that owns models is a domain whatever its name (a Django app called ``api``).
   Clashes take the next package the members live in, the parent package (unless top-level
   or a container such as ``apps``), or the most common word of the module names, then a
   number.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from advisor.clustering import (
    DEFAULT_SEEDS,
    ResolutionScore,
    cluster,
    contract,
    facades,
    merge_fragments,
    merge_small,
    place_by_package,
)
from advisor.clustering import confidence as seed_confidence
from advisor.errors import ConfigError
from advisor.fields import Problems, real, unknown_keys, whole
from advisor.graph import DependencyGraph, Resolver, package_of
from advisor.context_builder import (  # noqa: F401 - layer_of is re-exported
    Builder,
    _layer_root,
    layer_of,
)
from advisor.context_names import _domain_package, data_apps, dominant_package, name_contexts
from advisor.layers import domain_stems, layer_roles, wiring
from advisor.metrics import omnipresent
from advisor.partition_metrics import ApiSymbol, api_surface, boundaries
from advisor.signals import SignalConfig, SignalGraph, build_signal_graph
from advisor.support import attribute
from analyzers.support import MIGRATION

# Technical layers of web code bases (Django, DRF, Flask, FastAPI, GraphQL servers, task queues,
# CLIs): a module under one of these serves a domain, it is not one.
DEFAULT_LAYERS = ("admin", "api", "apis", "cli", "commands", "endpoints", "filters", "forms",
                  "formsets", "graphql", "handlers", "management", "migrations", "mutations",
                  "queries", "resolvers", "routers", "schemas", "serializers", "tables", "tasks",
                  "templatetags", "test", "tests", "urls", "views", "viewsets")
KERNEL = "kernel"
WIRING = "wiring"  # composition roots and the plumbing only they use (``advisor.layers``)
SUPPORT = "support"
FRAGMENT = 5  # contexts smaller than this may be splinters (NED's lower bound)
_KEYS = ("seeds", "resolution", "min_size", "kernel_fan_in", "kernel", "layers", "pins")
MAX_SEEDS = 64  # each seed is one Louvain run per resolution step: seeds = 10^8 took 6 GB
MAX_MODULES = 100_000  # bound for sizes and fan-ins (no code base comes near it)
MAX_RESOLUTION = 100.0


@dataclass(frozen=True)
class ContextConfig:
    seeds: int = DEFAULT_SEEDS
    resolution: float | None = None  # None: chosen by asymptotic surprise
    min_size: int = 2
    kernel_fan_in: int | None = None
    kernel: tuple[str, ...] = ()
    layers: tuple[str, ...] = DEFAULT_LAYERS
    pins: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _globs(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of glob strings")
    return tuple(value)


def parse_contexts(raw: Any, where: str = "[tool.advisor.contexts]") -> ContextConfig:
    if raw is None:
        return ContextConfig()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    problems = Problems()  # every error at once
    for error in unknown_keys(raw, _KEYS, where, "known keys: " + ", ".join(_KEYS)):
        problems.add(error)
    out: dict[str, Any] = {}
    for key, high in (("seeds", MAX_SEEDS), ("min_size", MAX_MODULES),
                      ("kernel_fan_in", MAX_MODULES)):
        if key in raw:
            with problems.check():
                out[key] = whole(raw[key], key, where, 1, high)
    if "resolution" in raw and raw["resolution"] != "auto":
        with problems.check():
            out["resolution"] = real(raw["resolution"], "resolution", where, 0,
                                     MAX_RESOLUTION, above=True, hint='or "auto"')
    for key in ("kernel", "layers"):
        if key in raw:
            with problems.check():
                out[key] = _globs(raw[key], key, where)
    if "pins" in raw:
        if not isinstance(raw["pins"], dict):
            problems.add(ConfigError(f"{where}: 'pins' must be a table of context name = "
                                     "[globs]"))
        else:
            pins = [(str(k), problems.value(_globs, v, f"pins.{k}", where))
                    for k, v in raw["pins"].items()]
            out["pins"] = tuple(pins)
    problems.raise_any()
    return ContextConfig(**out)


@dataclass(frozen=True, slots=True)
class Table:
    model: str
    module: str
    table: str | None


@dataclass(frozen=True)
class Context:
    name: str
    modules: tuple[str, ...]
    cohesion: float  # share of its modules' signal weight that stays inside
    coupling: float  # share of dependency edges touching it that cross its boundary
    api_surface: tuple[ApiSymbol, ...]
    tables: tuple[Table, ...]
    confidence: float  # mean module confidence
    lines: int = 0
    depends_on: tuple[tuple[str, int], ...] = ()  # (context, module dependencies), by name
    pinned: bool = False
    tests: tuple[str, ...] = ()  # support modules (tests, fixtures) attributed to it
    migrations: tuple[str, ...] = ()  # migrations attributed to it


@dataclass(frozen=True, slots=True)
class Assignment:
    module: str
    context: str | None  # None: shared kernel, unassigned or support
    confidence: float
    placed_by: str  # clustering, pin, layer, merge, interface, package, kernel, unassigned,
    #                 support (then ``attributed`` names the context it exercises, if any)
    attributed: str | None = None


@dataclass(frozen=True)
class ContextProposal:
    contexts: tuple[Context, ...]
    kernel: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    resolution: float
    scan: tuple[ResolutionScore, ...]
    signals: SignalGraph = field(repr=False, compare=False)

    def context_of(self) -> dict[str, str]:
        """The judged partition: members only (no kernel, no support)."""
        return {a.module: a.context for a in self.assignments if a.context is not None}

    @property
    def support(self) -> dict[str, str]:
        """support module -> kind (test, migration, fixture, test-settings)."""
        return dict(self.signals.support)

    @property
    def wiring(self) -> tuple[str, ...]:
        """Composition roots and plumbing: in no context, not the kernel."""
        return tuple(sorted(a.module for a in self.assignments if a.placed_by == WIRING))

    def home_of(self) -> dict[str, str]:
        """Members and the support modules attributed to a context (where a reader finds a
        module's tests and migrations); never use it to judge a context."""
        return {a.module: a.context or a.attributed for a in self.assignments
                if (a.context or a.attributed) is not None}


def _match(graph: DependencyGraph, name: str, globs: tuple[str, ...]) -> bool:
    path = graph.modules[name].path
    return any(fnmatchcase(path, g) or fnmatchcase(name, g) for g in globs)


def detect_hubs(graph: DependencyGraph, sg: SignalGraph, config: ContextConfig,
                pinned: set[str]) -> tuple[set[str], set[str]]:
    """(shared kernel, composition roots), see step 2."""
    packages = {n: package_of(m) for n, m in graph.modules.items() if n not in sg.support}
    threshold = config.kernel_fan_in or max(3, math.ceil(math.sqrt(len(set(packages.values())))))
    owners = {i.module for i in sg.models.models if not i.abstract}
    suppliers, clients = omnipresent(sg.depends, packages, threshold)
    kernel = {n for n in packages if n not in pinned and (
        _match(graph, n, config.kernel) or (n in suppliers and n not in owners))}
    return kernel, {n for n in clients if n not in pinned and n not in kernel}


def _pin_map(graph: DependencyGraph, config: ContextConfig,
             support: Any = ()) -> dict[str, str]:
    pins: dict[str, str] = {}
    for pin, globs in config.pins:  # the first pin (in config order) that matches wins
        for n in graph.modules:
            if n not in pins and n not in support and _match(graph, n, globs):
                pins[n] = pin
    return pins


def propose_contexts(graph: DependencyGraph, config: ContextConfig | None = None,
                     signals: SignalConfig | None = None, history: Any = None,
                     base_seed: int = 0, signal_graph: SignalGraph | None = None
                     ) -> ContextProposal:
    config = config or ContextConfig()
    sg = signal_graph or build_signal_graph(graph, signals, history)
    pins = _pin_map(graph, config, sg.support)
    user_pins = set(pins.values())
    owners = {i.module for i in sg.models.models if not i.abstract}
    seeded = {n: d for n, d in domain_stems(graph, sg.support, owners, config.layers).items()
              if n not in pins}
    layer_kernel, layer_wiring = layer_roles(graph, sg.depends, seeded, sg.support, owners)
    layer_kernel -= set(pins)
    layer_wiring -= set(pins) | layer_kernel
    pins.update(seeded)
    kernel, roots = detect_hubs(graph, sg, config, set(pins))
    kernel |= layer_kernel
    roots = (roots | layer_wiring) - kernel
    # a root in the project's own package (settings, root urls) or at the root of a layer
    # (graphql/api.py mounting every schema) is the composition root whoever else imports it
    top_roots = {n for n in roots if n not in pins and (
        "." not in package_of(graph.modules[n]) or _layer_root(n, config.layers))}
    g = contract(sg.nodes, sg.weights, {n: f"pin:{p}" for n, p in pins.items()}, kernel | roots)
    result = cluster(g, config.seeds, config.resolution, base_seed)
    b = Builder(graph, sg, config, set(kernel), set(pins.values()), data_apps(graph, owners))
    for i, community in enumerate(result.communities):
        in_pins = [n[4:] for n in community if n.startswith("pin:")]
        for n in community:
            if n.startswith("pin:"):
                continue
            if in_pins:  # joins the pin of its community it is most linked to
                b.set(n, max(in_pins, key=lambda p: (sum(
                    w for o, w in b.neighbours[n].items() if pins.get(o) == p), p)), "clustering")
            else:
                b.set(n, f"\0{i}", "clustering")  # cannot clash with a pin name
    for n, pin in pins.items():
        b.set(n, pin, "pin")
    b.kernel_or_root = b.kernel | top_roots
    b.fold_layers()
    b.apply(merge_small(b.label, b.neighbours, config.min_size, b.pins), "merge")
    homes = {n: _domain_package(m, config.layers, b.apps) for n, m in graph.modules.items()}
    b.apply(merge_fragments(b.label, homes, FRAGMENT, b.pins), "merge")
    packages = {n: package_of(m) for n, m in graph.modules.items()}
    inits = {n for n, m in graph.modules.items()
             if m.is_package and n not in pins and n not in sg.support}
    b.apply(facades(b.label, packages, inits), "package")
    b.publish_apis({n for n in kernel if _match(graph, n, config.kernel)} | layer_kernel)
    b.apply(place_by_package(b.label, [n for n in graph.modules if n not in b.label
                                       and n not in b.kernel_or_root and n not in sg.support],
                             packages), "package")
    b.merge_split_domains()
    plumbing = wiring(graph, sg.depends, b.label, sg.support, owners, b.domain_layer,
                      layer_wiring | top_roots, set(pins) | b.kernel)
    for n in plumbing:
        b.label.pop(n, None)
        b.placed[n] = WIRING
    groups: dict[str, list[str]] = defaultdict(list)
    for n, lab in b.label.items():
        groups[lab].append(n)

    def container(pkg: str) -> bool:  # holds several contexts' modules, or none
        inside = {lab for n, lab in b.label.items() if n.startswith(pkg + ".")}
        return len(inside) != 1

    home = {lab: dominant_package(graph, ms, config.layers, b.apps) for lab, ms in groups.items()}
    domains = sum("." in h for h in home.values())
    for lab, ms in groups.items():
        markers = plumbing and all(graph.modules[n].is_package and container(n) for n in ms)
        # the project's own plumbing (template tags, commands, checks beside its apps) owns no
        # table and lives in the project's root package: no domain, once domains exist
        project = ("." not in home[lab] and domains >= 2 and not any(n in owners for n in ms)
                   and not any(n in seeded for n in ms))
        if lab not in b.pins and (markers or project):
            for n in ms:
                b.label.pop(n)
                b.placed[n] = "unassigned"
    return _describe(graph, sg, b, result, user_pins, set(seeded))


def _describe(graph: DependencyGraph, sg: SignalGraph, b: Builder, result,
              user_pins: set[str], seeded: set[str]) -> ContextProposal:
    groups: dict[str, list[str]] = defaultdict(list)
    for m, lab in sorted(b.label.items()):
        groups[lab].append(m)
    names = name_contexts(graph, {k: v for k, v in groups.items() if k not in b.pins},
                          b.config.layers, set(b.pins), b.apps)
    names.update({p: p for p in b.pins})
    final = {m: names[lab] for m, lab in b.label.items()}
    members: dict[str, list[str]] = defaultdict(list)
    for m, c in sorted(final.items()):
        members[c].append(m)
    clustered = set(result.confidence)
    conf = seed_confidence([[m for m in ms if m in clustered] for ms in members.values()],
                           list(result.runs))
    attributed = attribute(graph, sg.support, final, sg.support_uses)
    assignments = tuple(
        Assignment(m, None, attributed[m][1], SUPPORT, attributed[m][0]) if m in attributed
        else Assignment(m, final.get(m), 1.0 if b.placed.get(m) == "pin" else conf.get(m, 0.0),
                        "layer" if m in seeded and m in final else
                        b.placed.get(m, KERNEL if m in b.kernel else "unassigned"))
        for m in graph.modules)
    support: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for m, (c, _) in attributed.items():
        if c is not None:
            support[c, sg.support[m] == MIGRATION].append(m)
    bounds = boundaries(final, sg.edges(), [(e.source, e.target) for e in graph.edges],
                        [(m, t) for m, ts in sg.depends.items() for t in sorted(ts)])
    tables: dict[str, list[Table]] = defaultdict(list)
    for i in sg.models.models:
        if i.module in final and not i.abstract:
            tables[final[i.module]].append(Table(i.name, i.module, i.table))
    surface = api_surface(graph, final, Resolver(graph.modules), ignore=sg.support)
    conf_sum: Counter = Counter()
    for a in assignments:
        if a.context is not None:
            conf_sum[a.context] += a.confidence
    contexts = tuple(Context(
        name=c, modules=tuple(ms),
        cohesion=bounds[c].cohesion,
        coupling=bounds[c].coupling,
        api_surface=surface.get(c, ()),
        tables=tuple(tables[c]),
        confidence=round(conf_sum[c] / len(ms), 4),
        lines=sum(graph.modules[m].lines for m in ms),
        depends_on=bounds[c].depends_on,
        pinned=c in user_pins,
        tests=tuple(support[c, False]),
        migrations=tuple(support[c, True]),
    ) for c, ms in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    return ContextProposal(contexts, tuple(sorted(b.kernel)), assignments, result.resolution,
                           result.scan, sg)
