"""``forbidden``: modules under ``source`` may not depend on modules under ``target``.

A module that is itself under ``target`` is exempt (``source = ["shop"]``, ``target =
["shop.web"]`` still lets ``shop.web`` modules import each other).
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.gate import selectors
from advisor.gate.contracts.base import edge_finding, names
from advisor.gate.options import patterns, require


@dataclass(frozen=True, slots=True)
class Params:
    source: tuple[str, ...]
    target: tuple[str, ...]
    where: str


class Forbidden:
    type = "forbidden"
    guidance = ("Invert the dependency (let the target call back through an interface the "
                "source owns) or move the shared code to a module both may use.")
    options = {"source": "modules or globs that may not depend on target",
               "target": "modules or globs that source may not depend on"}

    def parse(self, table, where):
        return Params(patterns(require(table, "source", where), "source", where),
                      patterns(require(table, "target", where), "target", where), where)

    def describe(self, params):
        return f"{names(params.source)} may not depend on {names(params.target)}"

    def check(self, ctx, edges, params):
        sources = set(ctx.select(params.source, f"{params.where} 'source'"))
        targets = set(ctx.select(params.target, f"{params.where} 'target'"))
        findings = []
        for e in edges:
            src = selectors.owner(e.source, sources)
            tgt = selectors.owner(e.target, targets)
            if src and tgt and not selectors.owner(e.source, targets):
                findings.append(edge_finding(ctx, e, f"{src} may not depend on {tgt}"))
        return findings


FORBIDDEN = Forbidden()
