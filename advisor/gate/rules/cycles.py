"""No new dependency cycles, at one level of grouping: module, package, or bounded context.

One finding per dependency edge that lies on a cycle (both ends in the same strongly connected
component), keyed ``"a -> b"``: a baseline of a legacy tangle then still catches each new edge
that joins it or closes a new loop, with the file and line of the import that did it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from advisor.gate.context import GateContext, verb
from advisor.gate.model import Finding
from advisor.gate.options import check_keys
from advisor.graph import Edge
from advisor.metrics import strongly_connected

_MAX_SHOWN = 8


def _shortest(adj: dict[str, set[str]], start: str, members: set[str]) -> dict[str, str | None]:
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(adj[node]):
            if nxt in members and nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return parents


def _path(parents: dict[str, str | None], end: str) -> list[str]:
    out = [end]
    while parents[out[-1]] is not None:
        out.append(parents[out[-1]])  # type: ignore[arg-type]
    return out[::-1]


class CycleRule:
    options: dict[str, str] = {}
    default_severity = "error"

    def __init__(self, rule_id: str, level: str,
                 grouping: Callable[[GateContext], dict[str, str] | None]) -> None:
        self.id = rule_id
        self.level = level
        self.grouping = grouping
        self.title = f"No new {level} cycles"
        self.description = (f"No dependency cycle between {level}s beyond those in the baseline: "
                            f"every {level} dependency that lies on a cycle is reported.")
        self.guidance = (f"Break the cycle: move the shared code into a {level} both can depend "
                         "on, invert one dependency (pass a callback or depend on an interface), "
                         "or merge the two if they are really one unit.")

    def parse(self, table: dict[str, Any], where: str) -> None:
        check_keys(table, {"severity": "", "guidance": ""}, where)

    def check(self, ctx: GateContext, edges: tuple[Edge, ...], params: Any) -> list[Finding]:
        group = self.grouping(ctx)
        if group is None:  # this level is not known for the code base (e.g. no contexts yet)
            return []
        behind: dict[tuple[str, str], list[Edge]] = {}
        adj: dict[str, set[str]] = {g: set() for g in set(group.values())}
        for e in edges:
            s, t = group.get(e.source), group.get(e.target)
            if s is None or t is None or s == t:
                continue
            adj[s].add(t)
            behind.setdefault((s, t), []).append(e)
        findings = []
        for comp in strongly_connected(adj):
            if len(comp) < 2:
                continue
            members = set(comp)
            trees: dict[str, dict[str, str | None]] = {}
            for s in comp:
                for t in sorted(adj[s] & members):
                    if t not in trees:
                        trees[t] = _shortest(adj, t, members)
                    loop = [s, *_path(trees[t], s)]
                    findings.append(self._finding(ctx, s, t, loop, behind[(s, t)]))
        return findings

    def _finding(self, ctx: GateContext, s: str, t: str, loop: list[str],
                 module_edges: list[Edge]) -> Finding:
        first = min(module_edges, key=lambda e: (e.source, e.target))
        path, line = ctx.edge_location(first)
        shown = loop if len(loop) <= _MAX_SHOWN else [*loop[:_MAX_SHOWN - 1], "...", loop[-1]]
        cycle = " -> ".join(shown)
        if self.level == "module":
            message = f"{s} {verb(first)} {t}, closing the cycle {cycle}"
        else:
            via = f"{first.source} {verb(first)} {first.target}"
            more = f" and {len(module_edges) - 1} more" if len(module_edges) > 1 else ""
            message = (f"{self.level} {s} depends on {t} ({via}{more}), closing the cycle "
                       f"{cycle}")
        return Finding(key=f"{s} -> {t}", message=message, path=path, line=line)


MODULE_CYCLES = CycleRule("module-cycles", "module",
                          lambda ctx: {name: name for name in ctx.graph.modules})
PACKAGE_CYCLES = CycleRule("package-cycles", "package", lambda ctx: ctx.owners)
# bounded contexts from [tool.advisor.gate.contexts]; checks nothing until contexts are given
CONTEXT_CYCLES = CycleRule("context-cycles", "context", lambda ctx: ctx.contexts)
