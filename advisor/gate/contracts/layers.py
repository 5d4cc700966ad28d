"""``layers``: an ordered list, highest first; a lower layer may not depend on a higher one.

An entry is a module/glob or a list of them (one layer made of several parts, which may use
each other). A module belongs to the layer whose pattern matches its deepest package, so
``layers = ["shop.web", "shop"]`` puts ``shop.web.views`` in the first layer and ``shop.models``
in the second. Modules in no layer are not restricted.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.errors import ConfigError
from advisor.gate import selectors
from advisor.gate.contracts.base import edge_finding
from advisor.gate.options import patterns, require


@dataclass(frozen=True, slots=True)
class Params:
    layers: tuple[tuple[str, ...], ...]  # highest first
    where: str


class Layers:
    type = "layers"
    guidance = ("Lower layers must not know about higher ones: pass what they need in as "
                "arguments or callbacks, or move the code up to the layer that uses it.")
    options = {"layers": "ordered list, highest layer first; an entry may be a list of parts"}

    def parse(self, table, where):
        value = require(table, "layers", where)
        if not isinstance(value, list) or len(value) < 2:
            raise ConfigError(f"{where}: 'layers' must list at least two layers, highest first")
        layers = tuple(patterns(entry, "layers", where) for entry in value)
        return Params(layers, where)

    def describe(self, params):
        return "layers, highest first: " + " > ".join(" | ".join(p) for p in params.layers)

    def check(self, ctx, edges, params):
        layer_of: dict[str, int] = {}
        for index, parts in enumerate(params.layers):
            for root in ctx.select(parts, f"{params.where} 'layers'"):
                if root in layer_of and layer_of[root] != index:
                    raise ConfigError(f"{params.where}: '{root}' is in two layers",
                                      "each module may belong to one layer only")
                layer_of[root] = index
        root_of = selectors.Owners(set(layer_of))
        findings = []
        for e in edges:
            src, tgt = root_of(e.source), root_of(e.target)
            if src and tgt and layer_of[src] > layer_of[tgt]:
                findings.append(edge_finding(
                    ctx, e, f"layer {src} may not depend on {tgt}, which is above it"))
        return findings


LAYERS = Layers()
