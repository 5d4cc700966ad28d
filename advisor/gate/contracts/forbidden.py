"""``forbidden``: modules under ``source`` may not depend on modules under ``target``.

A module that is itself under the target name it depends on is exempt from it (``source =
["shop"]``, ``target = ["shop.web"]`` still lets ``shop.web`` modules import each other), as
import-linter skips a source and forbidden module that overlap; it is not exempt from the
other targets. ``transitive = true`` also
forbids indirect dependencies (``a -> x -> b``), per pair of source and target names, as
import-linter's forbidden contract does when indirect imports are not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.gate import selectors
from advisor.gate.contracts.base import (
    TRANSITIVE_HELP,
    edge_finding,
    indirect_findings,
    names,
    transitive_flag,
)
from advisor.gate.options import patterns, require


@dataclass(frozen=True, slots=True)
class Params:
    source: tuple[str, ...]
    target: tuple[str, ...]
    where: str
    transitive: bool = False


class Forbidden:
    type = "forbidden"
    guidance = ("Invert the dependency (let the target call back through an interface the "
                "source owns) or move the shared code to a module both may use.")
    options = {"source": "modules or globs that may not depend on target",
               "target": "modules or globs that source may not depend on",
               "transitive": TRANSITIVE_HELP}

    def parse(self, table, where):
        return Params(patterns(require(table, "source", where), "source", where),
                      patterns(require(table, "target", where), "target", where), where,
                      transitive_flag(table, where))

    def describe(self, params):
        how = " even indirectly" if params.transitive else ""
        return f"{names(params.source)} may not depend on {names(params.target)}{how}"

    def check(self, ctx, edges, params):
        sources = set(ctx.select(params.source, f"{params.where} 'source'"))
        targets = set(ctx.select(params.target, f"{params.where} 'target'"))
        source_of, target_of = selectors.Owners(sources), selectors.Owners(targets)
        findings = []
        for e in edges:
            src = source_of(e.source)
            tgt = target_of(e.target) if src is not None else None
            if tgt is not None and not selectors.within(e.source, tgt):
                findings.append(edge_finding(ctx, e, f"{src} may not depend on {tgt}"))
        if params.transitive:
            findings += self._indirect(ctx, edges, sources, targets, findings)
        return findings

    def _indirect(self, ctx, edges, sources, targets, direct):
        found = {f.key for f in direct}
        out = []
        for src in sorted(sources):
            for tgt in sorted(targets):
                if selectors.within(src, tgt) or selectors.within(tgt, src):
                    continue  # overlapping names: import-linter skips the pair too
                for f in indirect_findings(ctx, edges, src, tgt,
                                           f"{src} may not depend on {tgt}",
                                           lambda m, tgt=tgt: selectors.within(m, tgt)):
                    if f.key not in found:
                        found.add(f.key)
                        out.append(f)
        return out


FORBIDDEN = Forbidden()
