"""``independence``: the listed modules may not depend on each other.

Every name a pattern matches is one member (``modules = ["shop.*"]`` makes each sub-package of
``shop`` a member); a member's sub-modules belong to it. Members may not nest.
``transitive = true`` also forbids indirect dependencies between members (``a -> x -> b``), as
import-linter's independence contract does.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.errors import ConfigError
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
    modules: tuple[str, ...]
    where: str
    transitive: bool = False


class Independence:
    type = "independence"
    guidance = ("Independent modules talk through a shared kernel or events, not directly: "
                "move what both need to a common module, or publish an event the other handles.")
    options = {"modules": "modules or globs that may not depend on each other",
               "transitive": TRANSITIVE_HELP}

    def parse(self, table, where):
        return Params(patterns(require(table, "modules", where), "modules", where), where,
                      transitive_flag(table, where))

    def describe(self, params):
        how = ", even indirectly" if params.transitive else ""
        return f"independent of each other{how}: {names(params.modules)}"

    def check(self, ctx, edges, params):
        members = ctx.select(params.modules, f"{params.where} 'modules'")
        if len(members) < 2:
            raise ConfigError(f"{params.where}: 'modules' matches only {members[0]!r}",
                              "independence needs at least two modules")
        for a in members:
            for b in members:
                if a != b and selectors.within(b, a):
                    raise ConfigError(f"{params.where}: members '{a}' and '{b}' nest",
                                      "list siblings, e.g. 'shop.*' or named sub-packages")
        member_of = selectors.Owners(set(members))
        findings = []
        for e in edges:
            src, tgt = member_of(e.source), member_of(e.target)
            if src and tgt and src != tgt:
                findings.append(edge_finding(ctx, e, f"{src} and {tgt} must stay independent"))
        if params.transitive:
            found = {f.key for f in findings}
            for a in members:
                for b in members:
                    if a == b:
                        continue
                    for f in indirect_findings(ctx, edges, a, b,
                                               f"{a} and {b} must stay independent"):
                        if f.key not in found:
                            found.add(f.key)
                            findings.append(f)
        return findings


INDEPENDENCE = Independence()
