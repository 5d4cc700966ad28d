"""How a proposal is built, step by step, after the clustering (``advisor.contexts`` runs the
steps in order): which modules are layers, layer folding, merging split domains, published
interfaces. Mutable state lives here only while one proposal is built."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from advisor.context_names import _domain_package, dominant_package
from advisor.graph import package_of


_VERSION = re.compile(r"v\d+\Z")


def layer_of(name: str, layers: tuple[str, ...], apps=frozenset()
             ) -> tuple[str, tuple[str, ...]] | None:
    """(package the layer sits in, name tokens after the layer part) or None. A package that
    owns models (``apps``) is a domain whatever its name."""
    parts = name.split(".")
    for i, part in enumerate(parts):
        if part in layers and ".".join(parts[:i + 1]) not in apps:
            tokens = tuple(t for p in parts[i + 1:] for t in p.lower().split("_")
                           if t and t not in layers and not _VERSION.match(t) and t != "test")
            return ".".join(parts[:i]), tokens
    return None


def _root(info: tuple[str, tuple[str, ...]]) -> bool:
    """A layer (``layer_of``) directly below the project that names no domain."""
    return not info[1] and "." not in info[0]


def _layer_root(name: str, layers: tuple[str, ...]) -> bool:
    """``shop/graphql/api.py``: a layer module directly below the project, naming no domain."""
    info = layer_of(name, layers)
    return info is not None and _root(info)


def _stem(token: str) -> str:
    return token[:-1] if token.endswith("s") and len(token) > 3 else token


class Builder:
    def __init__(self, graph, sg, config, kernel, pins, apps=frozenset()):
        self.graph, self.sg, self.config, self.apps = graph, sg, config, apps
        self.kernel, self.pins = kernel, pins
        self.kernel_or_root = set(kernel)
        self.label: dict[str, str] = {}
        self.placed: dict[str, str] = {}
        self.neighbours: dict[str, dict[str, float]] = defaultdict(dict)
        for (a, b), w in sg.weights.items():
            self.neighbours[a][b] = w
            self.neighbours[b][a] = w
        self.layers = {n: layer_of(n, config.layers, apps) for n in graph.modules}

    def domain_layer(self, module: str) -> bool:
        """A layer module that serves one domain (``shop/api/orders.py``, ``orders/views.py``),
        unlike the project's own layer root (``shop/api.py``, ``shop/cli.py``), which may be
        wiring."""
        info = self.layers[module]
        return info is not None and not _root(info)

    def set(self, module: str, label: str, how: str) -> None:
        self.label[module] = label
        self.placed[module] = how

    def majority(self, members) -> str | None:
        counts = Counter(self.label[m] for m in members if m in self.label)
        return min(counts, key=lambda k: (-counts[k], k)) if counts else None

    def coupling(self, module: str) -> str | None:
        """The context its non-layer neighbours weigh most in."""
        score: dict[str, float] = defaultdict(float)
        for other, w in self.neighbours[module].items():
            if other in self.label and not self.layers[other]:
                score[self.label[other]] += w
        return min(score, key=lambda k: (-score[k], k)) if score else None

    def fold_layers(self) -> None:
        tokens: dict[str, Counter] = defaultdict(Counter)
        direct: dict[str, list[str]] = defaultdict(list)
        for m, lab in self.label.items():
            if not self.layers[m]:
                pkg = package_of(self.graph.modules[m])
                if "." in pkg:  # a top-level package names the project, not a domain
                    tokens[_stem(pkg.rpartition(".")[2].lower())][lab] += 1
                if not self.graph.modules[m].is_package:
                    direct[pkg].append(m)
        for m in sorted(self.graph.modules):
            info = self.layers[m]
            if (info is None or m in self.kernel_or_root or self.placed.get(m) == "pin"
                    or m in self.sg.support):
                continue
            parent, tail = info
            target = None
            for t in tail:
                counter = tokens.get(_stem(t))
                if counter:
                    target = min(counter, key=lambda k: (-counter[k], k))
                    break
            is_app = parent + ".models" in self.graph.modules or any(
                self.sg.models.in_module.get(d) for d in direct.get(parent, ()))
            if target is None and parent and ("." in parent or is_app):
                target = self.majority(direct.get(parent, ()))
            if target is None:
                target = self.coupling(m)
            if target is not None and target != self.label.get(m):
                self.set(m, target, "layer")

    def apply(self, moves: dict, how: str) -> None:
        for m, target in sorted(moves.items()):
            if target is None:
                self.label.pop(m, None)
                self.placed.pop(m, None)
            elif target != self.label.get(m):
                self.set(m, target, how)

    def merge_split_domains(self) -> None:
        """Two contexts whose modules mostly live in the same domain package and that depend on
        each other both ways are one domain cut in two (e.g. a search package's query and
        indexing halves): a boundary across a cycle inside one package helps nobody. The
        smaller joins the larger; pins are never merged."""
        while True:
            groups: dict[str, list[str]] = defaultdict(list)
            for m, lab in sorted(self.label.items()):
                groups[lab].append(m)
            home = {lab: dominant_package(self.graph, ms, self.config.layers, self.apps)
                    for lab, ms in groups.items()}
            links = {(self.label[e.source], self.label[e.target]) for e in self.graph.edges
                     if e.source in self.label and e.target in self.label}
            pairs = sorted(
                (a, b) for a, b in links
                if a < b and (b, a) in links and home[a] == home[b]
                and a not in self.pins and b not in self.pins)
            if not pairs:
                return
            a, b = pairs[0]
            keep, drop = (a, b) if (len(groups[a]), b) >= (len(groups[b]), a) else (b, a)
            for m in groups[drop]:
                self.set(m, keep, "merge")

    def publish_apis(self, forced: set[str]) -> None:
        """A domain's published interface (``catalog/api.py``, ``catalog/contracts.py``) is a
        module whose package is the main package of exactly one context and that is either
        detected as kernel (used everywhere) or clustered into a context it only serves (it
        depends on none of that context's modules outside its own package: it is there because
        a client uses it more than its own domain does). Either way it joins its package's
        context."""
        groups: dict[str, list[str]] = defaultdict(list)
        for m, lab in sorted(self.label.items()):
            groups[lab].append(m)
        owner: dict[str, list[str]] = defaultdict(list)
        for lab, ms in groups.items():
            owner[dominant_package(self.graph, ms, self.config.layers, self.apps)].append(lab)

        def package(m: str) -> str:
            return _domain_package(self.graph.modules[m], self.config.layers, self.apps)

        def home(m: str) -> str | None:
            pkg = package(m)
            return owner[pkg][0] if "." in pkg and len(owner.get(pkg, ())) == 1 else None

        for m in sorted(self.kernel - forced):
            if home(m) is not None:
                self.kernel.discard(m)
                self.set(m, home(m), "interface")
        for m, lab in sorted(self.label.items()):
            target = home(m)
            if (target is None or target == lab or self.placed.get(m) in ("pin", "layer")
                    or self.graph.modules[m].is_package):
                continue
            if not any(self.label.get(t) == lab and package(t) != package(m)
                       for t in self.sg.depends.get(m, ())):
                self.set(m, target, "interface")
