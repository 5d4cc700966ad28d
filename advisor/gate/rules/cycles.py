"""No new dependency cycles, at one level of grouping: module, package, or bounded context.

One finding per dependency edge that lies on a cycle (both ends in the same strongly connected
component), keyed ``"a -> b"``: a baseline of a legacy tangle then still catches each new edge
that joins it or closes a new loop, with the file and line of the import that did it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from advisor.gate.context import GateContext, verb
from advisor.gate.model import Finding
from advisor.gate.options import check_keys
from advisor.graph import Edge
from advisor.metrics import strongly_connected

_MAX_SHOWN = 8


class _Loops:
    """A simple loop through each edge of one strongly connected component, from two searches
    in all: a breadth-first tree forward from a root ``r`` and one backward to it.

    The loop shown for ``s -> t`` is ``s -> t ~> r ~> s``, cut short at the first node of the
    way back to ``r`` that already lies on the way from ``r`` to ``s``, so no node repeats; a
    pair that imports each other shows as ``s -> t -> s``. A search per edge target (the
    shortest loop each time) made one warm check on 5,000 densely connected modules take
    minutes; this is O(E log V) for the component, and only the shown part of a loop is built.
    """

    def __init__(self, adj: dict[str, set[str]], members: set[str]) -> None:
        root = min(members)
        self.adj = adj
        parent: dict[str, str] = {}
        order = [root]
        for node in order:  # breadth first, neighbours in name order: deterministic
            for nxt in sorted(adj[node] & members):
                if nxt != root and nxt not in parent:
                    parent[nxt] = node
                    order.append(nxt)
        self.children: dict[str, list[str]] = {n: [] for n in order}
        for node in order[1:]:
            self.children[parent[node]].append(node)
        # depth-first numbering of the forward tree: x is an ancestor of y (or y itself) iff
        # pre[x] <= pre[y] <= last[x]
        self.pre: dict[str, int] = {}
        self.depth = {root: 0}
        stack = [root]
        while stack:
            node = stack.pop()
            self.pre[node] = len(self.pre)
            for child in reversed(self.children[node]):
                self.depth[child] = self.depth[node] + 1
                stack.append(child)
        size = dict.fromkeys(order, 1)
        for node in reversed(order[1:]):
            size[parent[node]] += size[node]
        self.last = {n: self.pre[n] + size[n] - 1 for n in order}
        self.child_pre = {n: [self.pre[c] for c in kids] for n, kids in self.children.items()}
        # breadth first backward from the root: hop[x] is x's next step towards it
        back: dict[str, list[str]] = {n: [] for n in members}
        for node in sorted(members):
            for nxt in adj[node] & members:
                back[nxt].append(node)
        self.hop: dict[str, str] = {}
        order = [root]
        for node in order:
            for prev in back[node]:
                if prev != root and prev not in self.hop:
                    self.hop[prev] = node
                    order.append(prev)

    def _covers(self, x: str, y: str) -> bool:
        return self.pre[x] <= self.pre[y] <= self.last[x]

    def _toward(self, x: str, y: str) -> str:
        """The child of ``x`` on the tree path down to its descendant ``y``."""
        kids = self.children[x]
        return kids[bisect_right(self.child_pre[x], self.pre[y]) - 1]

    def shown(self, s: str, t: str) -> list[str]:
        """The loop through ``s -> t``, from ``s`` back to ``s``; a long one is cut to its
        first nodes, ``...`` and ``s``."""
        if s in self.adj[t]:
            return [s, t, s]
        way_back: list[str] = []  # t ~> r, up to where it meets the tree path r ~> s
        x = t
        while not self._covers(x, s):
            way_back.append(x)
            if len(way_back) >= _MAX_SHOWN:
                return [s, *way_back[:_MAX_SHOWN - 2], "...", s]
            x = self.hop[x]
        length = 1 + len(way_back) + self.depth[s] - self.depth[x] + 1
        loop = [s, *way_back, x]
        while x != s and len(loop) < _MAX_SHOWN:
            x = self._toward(x, s)
            loop.append(x)
        return loop if length <= _MAX_SHOWN else [*loop[:_MAX_SHOWN - 1], "...", s]


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
            loops = _Loops(adj, members)
            for s in comp:
                for t in sorted(adj[s] & members):
                    findings.append(self._finding(ctx, s, t, loops.shown(s, t), behind[(s, t)]))
        return findings

    def _finding(self, ctx: GateContext, s: str, t: str, shown: list[str],
                 module_edges: list[Edge]) -> Finding:
        first = min(module_edges, key=lambda e: (e.source, e.target))
        path, line = ctx.edge_location(first)
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
