"""The facts of the judgement model (``advisor.judgement``), each derived from the inputs
(``advisor.readiness.inputs.Inputs``; duck-typed here, so the modules form no import cycle).

- ``context_cycles``: cycles between contexts, with the context dependencies to cut (the
  lightest that close a loop, ``advisor.metrics.feedback_arcs``), and the contexts in order,
  providers first (``advisor.metrics.strongly_connected``);
- ``tangles``: module cycles whose modules belong to two or more contexts (the kernel counting
  as one), with the crossing module edges to cut (an edge inside one context counts INSIDE
  times its weight, so the cut falls on the boundary);
- ``scaling_units``: a context's own queue or worker pool (worker and queue declarations that
  name it, or sit in it and name a queue);
- ``heavy_usage``: which contexts import each specialised library;
- ``owners``: who owns each context, by CODEOWNERS (share of its lines) or else by git
  history (share of its commits);
- ``cochanges``: files changed together, inside a context or across two;
- ``api_surfaces``: each context's symbols that application code outside it uses.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from advisor.data_ownership import label
from advisor.graph import Edge, Resolver
from advisor.metrics import cycles as module_cycles
from advisor.metrics import feedback_arcs, strongly_connected
from advisor.partition_metrics import ApiSymbol, api_surface
from advisor.readiness.model import Evidence

INSIDE = 1000  # when cutting a module cycle, an edge inside one context counts this many times
_QUEUES = re.compile(r"(?:-Q|--queues)[\s\"',=]+([\w.:,-]+)")
_QUEUE_KW = re.compile(r"queue=['\"]([\w.:-]+)['\"]")
_GENERIC_QUEUES = frozenset({"default", "celery", "high", "low", "main"})


def cycle_name(cycle, cap: int = 6) -> str:
    names = list(cycle[:cap]) + ([f"... ({len(cycle)} contexts)"] if len(cycle) > cap else [])
    return " <-> ".join(names)


@dataclass(frozen=True)
class ContextCycle:
    contexts: tuple[str, ...]  # strongly connected contexts, sorted
    cut: tuple[tuple[str, str], ...]  # context dependencies whose removal leaves no cycle

    @property
    def name(self) -> str:
        return cycle_name(self.contexts)


@dataclass(frozen=True)
class Tangle:
    """A module cycle whose modules belong to two or more contexts (the kernel counting as
    one): the contexts may look acyclic, their code is not."""

    modules: tuple[str, ...]
    contexts: tuple[str, ...]  # labels, "(shared kernel)" for modules outside contexts
    cut: tuple[Edge, ...]  # crossing module edges whose removal breaks it


@dataclass(frozen=True)
class Owner:
    name: str
    share: float  # of the context's lines (CODEOWNERS) or commits (history)


def context_cycles(names, links) -> tuple[tuple[ContextCycle, ...], tuple[str, ...]]:
    adjacency: dict[str, set[str]] = {c: set() for c in names}
    for a, b in links:
        adjacency[a].add(b)
    components = strongly_connected(adjacency)  # providers first
    order = tuple(c for comp in components for c in comp)
    found = []
    for comp in sorted((c for c in components if len(c) > 1), key=lambda c: (-len(c), c)):
        members = set(comp)
        arcs = [(a, b, sum(e.weight for e in es)) for (a, b), es in links.items()
                if a in members and b in members]
        found.append(ContextCycle(tuple(comp), tuple((a, b) for a, b, _ in feedback_arcs(arcs))))
    return tuple(found), order


def tangles(inp) -> tuple[Tangle, ...]:
    app = tuple(e for e in inp.graph.edges
                if e.source not in inp.support and e.target not in inp.support)
    out = []
    for scc in module_cycles(inp.graph, app):
        labels = {inp.partition[m] for m in scc}
        if len(labels) < 2:
            continue
        members = set(scc)
        edges = {(e.source, e.target): e for e in app if e.source in members
                 and e.target in members}
        arcs = [(s, t, e.weight * (INSIDE if inp.partition[s] == inp.partition[t] else 1))
                for (s, t), e in edges.items()]
        out.append(Tangle(tuple(scc), tuple(sorted(label(c) for c in labels)),
                          tuple(edges[s, t] for s, t, _ in feedback_arcs(arcs))))
    return tuple(out)


def _tokens(text: str) -> set[str]:
    return {t.lower().rstrip("s") for t in re.split(r"[^A-Za-z0-9]+", text) if t}


def _named(text: str, context: str) -> bool:
    return context.lower().rstrip("s") in _tokens(text)


def scaling_units(inp) -> tuple[dict[str, list[Evidence]], list[Evidence]]:
    """(context -> evidence of its own queue or worker pool, all worker/queue evidence)."""
    ops = inp.operations
    own: dict[str, list[Evidence]] = defaultdict(list)
    every: list[Evidence] = []
    for e in ops.messaging if ops else ():
        if e.kind not in ("worker", "queues"):
            continue
        ev = Evidence(e.path, e.line, e.detail)
        every.append(ev)
        queues = [q for m in _QUEUES.finditer(e.detail) for q in m.group(1).split(",")]
        queues += _QUEUE_KW.findall(e.detail)
        queues = [q for q in queues if q and q.lower() not in _GENERIC_QUEUES]
        owner = inp.path_context.get(e.path)
        for c in inp.contexts:
            if (owner == c and queues) or any(_named(q, c) for q in queues) or (
                    e.kind == "worker" and _named(e.path.rpartition("/")[2], c)):
                own[c].append(ev)
    return dict(own), every


def heavy_usage(inp) -> dict[str, dict[str | None, tuple[str, ...]]]:
    """library -> context (None: kernel) -> application modules importing it."""
    wanted = set(inp.heavy_libraries)
    out: dict[str, dict[str | None, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, libs in sorted(inp.graph.external.items()):
        if module not in inp.partition or module in inp.support:
            continue
        for lib in libs:
            if lib in wanted:
                out[lib][inp.partition[module]].append(module)
    return {lib: {c: tuple(ms) for c, ms in v.items()} for lib, v in sorted(out.items())}


def code_owners(inp) -> dict[str, str]:
    """path -> owners (joined) of the modules CODEOWNERS assigns."""
    own = inp.ownership
    if own is None or own.codeowners is None:
        return {}
    modules = {m.path for m in inp.graph.modules.values()}
    return {f.path: " ".join(f.owners) for f in own.files if f.owners and f.path in modules}


def owners(inp) -> tuple[str, dict[str, tuple[Owner, ...]]]:
    """("codeowners" | "history" | "", context -> owners, largest share first; lines no
    CODEOWNERS rule covers count as the owner "")."""
    by_path = code_owners(inp)
    weights: dict[str, Counter] = {}
    if by_path:
        for c, ms in inp.members.items():
            counter: Counter = Counter()
            for m in ms:
                module = inp.graph.modules[m]
                counter[by_path.get(module.path, "")] += max(module.lines, 1)
            weights[c] = counter
        source = "codeowners"
    elif inp.history_ok:
        weights = {c: a for c, a in inp.authors().items() if a}
        source = "history"
    else:
        return "", {}
    out = {}
    for c, counter in weights.items():
        total = sum(counter.values())
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        out[c] = tuple(Owner(o, n / total) for o, n in ranked)
    return source, out


def cochanges(inp) -> tuple[dict[tuple[str, str], int], dict[str, tuple[int, int]], int]:
    """(crossing context pair -> co-changes, context -> (co-changes inside it, across its
    boundary), co-changes inside contexts) over the history's co-changing file pairs."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    per: dict[str, list[int]] = {c: [0, 0] for c in inp.contexts}
    inside = 0
    for co in inp.history.co_changes:
        a, b = inp.path_context.get(co.path_a), inp.path_context.get(co.path_b)
        if a is None or b is None:
            continue
        if a == b:
            inside += co.commits
            per[a][0] += co.commits
        else:
            pairs[tuple(sorted((a, b)))] += co.commits
            per[a][1] += co.commits
            per[b][1] += co.commits
    return dict(pairs), {c: (n[0], n[1]) for c, n in per.items()}, inside


def api_surfaces(inp) -> dict[str, tuple[ApiSymbol, ...]]:
    """Context -> its symbols application code outside it uses (tests do not count)."""
    context_of = {m: c for m, c in inp.partition.items() if c is not None}
    app = {n: m for n, m in inp.graph.modules.items() if n not in inp.support}
    graph = replace(inp.graph, modules=app,
                    edges=tuple(e for e in inp.graph.edges if e.source in app and e.target in app))
    return api_surface(graph, context_of, Resolver(app))
