"""The judgement model: what every decision knows about each context, computed once.

``judge`` derives it from ``advisor.readiness.inputs.Inputs`` (the partition, the graph with its
framework-string edges, data ownership, history, operations and CODEOWNERS): per context its
modules and lines, the dependencies in and out (with their kinds: imports, calls, Django,
Celery and other framework strings), the cycles it is caught in and the dependencies chosen to
cut them, its tables and who else writes them, its scaling units, the heavy libraries only it
uses, its API surface, its owners and its churn. The checklist items, the verdict, the
candidate ranking, the plan, the contract export and (through the document) the report read
this model; none of them reads another item's result, so switching an item off or reweighting
it changes the score only, never what is detected.

Each fact is derived in ``advisor.context_facts``; cycles and cuts use the one SCC and
feedback-arc implementation of ``advisor.metrics``.
An unknown fact (no history, no CODEOWNERS, operations not scanned) is None or empty: no data,
never a pass. ``build_inputs`` calls ``judge``; this module does not import the inputs module,
so the two form no import cycle.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.context_facts import (
    ContextCycle,
    Owner,
    Tangle,
    api_surfaces,
    cochanges,
    code_owners,
    context_cycles,
    cycle_name,
    heavy_usage,
    owners,
    scaling_units,
    tangles,
)
from advisor.data_ownership import KERNEL, ContextData, label
from advisor.graph import Edge
from advisor.partition_metrics import ApiSymbol
from advisor.readiness.model import Evidence

OWNER_SHARE = 0.6  # default share of a context one owner must hold to own it
STRING = "string"


@dataclass(frozen=True)
class ContextJudgement:
    name: str
    modules: tuple[str, ...]  # application modules (tests and migrations are support)
    lines: int
    edges_out: tuple[Edge, ...]  # module edges to other contexts
    edges_in: tuple[Edge, ...]  # module edges from other contexts
    weight: float  # weight of every application edge with an end in it (kernel included)
    references: Mapping[str, int]  # crossing module edges by kind (import, call, django...)
    depends_on: tuple[str, ...]
    dependents: tuple[str, ...]
    in_cycle: bool  # in a cycle between contexts, or in a module cycle across contexts
    cycle_partners: tuple[str, ...]  # the others in those cycles (KERNEL included)
    cut: tuple[Edge, ...]  # module edges to cut to free it from its cycles
    data: ContextData | None
    scaling: tuple[Evidence, ...]  # its own queue or worker pool
    libraries: tuple[str, ...]  # heavy libraries only it uses
    api_surface: tuple[ApiSymbol, ...]  # its symbols used from outside it
    owners: tuple[Owner, ...]  # largest share first; empty without CODEOWNERS and history
    owner: str | None  # the owner holding at least the owner share, if any
    own_owner: bool  # that owner owns no other context
    churn: int | None  # file changes in the history window; None without history
    churn_share: float | None  # of all contexts' changes; None when nothing changed
    cochange: tuple[int, int] | None  # co-changes (inside, across its boundary); None: no history

    @property
    def out_weight(self) -> float:
        return sum(e.weight for e in self.edges_out)

    @property
    def in_weight(self) -> float:
        return sum(e.weight for e in self.edges_in)

    @property
    def tables(self) -> tuple[str, ...]:
        return self.data.tables if self.data else ()

    def doc(self, links: Mapping[tuple[str, str], tuple[Edge, ...]],
            paths: Mapping[str, str]) -> dict:
        data = self.data
        return {
            "name": self.name, "lines": self.lines, "modules": list(self.modules),
            "depends_on": [{"context": d, "weight": _weight(links[self.name, d]),
                            "edges": len(links[self.name, d])} for d in self.depends_on],
            "used_by": [{"context": d, "weight": _weight(links[d, self.name]),
                         "edges": len(links[d, self.name])} for d in self.dependents],
            "references": dict(sorted(self.references.items())),
            "in_cycle": self.in_cycle, "cycle_partners": list(self.cycle_partners),
            "cut": [edge_doc(e, paths) for e in self.cut],
            "tables": list(self.tables),
            "foreign_writers": sorted({label(w.context) for w in data.foreign_writes})
            if data else [],
            "foreign_writes": len(data.foreign_writes) if data else 0,
            "writes_elsewhere": sorted({w.table for w in data.writes_elsewhere}) if data else [],
            "foreign_keys": len(data.foreign_keys) if data else 0,
            "transactions": len(data.transactions) if data else 0,
            "scaling": [e.doc() for e in self.scaling],
            "libraries": list(self.libraries),
            "api_surface": len(self.api_surface),
            "owners": [{"name": o.name, "share": round(o.share, 4)} for o in self.owners],
            "owner": self.owner, "own_owner": self.own_owner,
            "churn": None if self.churn is None else {
                "changes": self.churn,
                "share": None if self.churn_share is None else round(self.churn_share, 4)},
            "cochange": None if self.cochange is None else {"inside": self.cochange[0],
                                                            "across": self.cochange[1]},
        }


@dataclass(frozen=True)
class Judgement:
    contexts: Mapping[str, ContextJudgement]  # by name, sorted
    links: Mapping[tuple[str, str], tuple[Edge, ...]]  # context -> context: module edges
    cycles: tuple[ContextCycle, ...]  # largest first
    tangles: tuple[Tangle, ...]
    order: tuple[str, ...]  # providers first (a context comes after those it depends on)
    app_lines: int  # lines of application (non-support) modules
    owner_source: str  # "codeowners", "history" or "" (unknown)
    owner_teams: tuple[str, ...]  # distinct CODEOWNERS owners of the modules
    workers: tuple[Evidence, ...]  # every worker or queue declaration found
    heavy: Mapping[str, Mapping[str | None, tuple[str, ...]]]  # library -> context -> modules
    cochange: Mapping[tuple[str, str], int]  # crossing context pairs -> co-changes
    cochange_inside: int
    history: bool  # enough git history to count churn, owners by commits and co-change
    paths: Mapping[str, str]  # module -> path, for evidence
    partition: Mapping[str, str | None]  # module -> context (None: kernel or support)
    references: Mapping[tuple[str, str], tuple[str, ...]]  # string edge -> its families

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.contexts)

    @property
    def context_lines(self) -> int:
        return sum(c.lines for c in self.contexts.values())

    @property
    def share(self) -> float:
        """Share of the application lines that sit inside contexts (1.0 when there are none)."""
        return self.context_lines / self.app_lines if self.app_lines else 1.0

    @property
    def involved(self) -> tuple[str, ...]:
        return tuple(c for c, j in self.contexts.items() if j.in_cycle)

    @property
    def cut_pairs(self) -> set[tuple[str, str]]:
        """Context dependencies to cut: those of the context cycles, and the context pairs of
        the module edges cut in tangles."""
        pairs = {p for cyc in self.cycles for p in cyc.cut}
        for t in self.tangles:
            for e in t.cut:
                a, b = self.context_of(e.source), self.context_of(e.target)
                if a and b and a != b:
                    pairs.add((a, b))
        return pairs

    def context_of(self, module: str) -> str | None:
        return self.partition.get(module)

    def confined(self) -> dict[str, str]:
        """library -> the one context using it (kernel use does not count as confined)."""
        return {lib: next(iter(by)) for lib, by in self.heavy.items()
                if len(by) == 1 and next(iter(by)) is not None}

    def doc(self) -> dict:
        cut = self.cut_pairs
        return {
            "lines": {"application": self.app_lines, "in_contexts": self.context_lines,
                      "share": round(self.share, 4)},
            "order": list(self.order),
            "owner_source": self.owner_source or None,
            "history": self.history,
            "contexts": [j.doc(self.links, self.paths) for j in self.contexts.values()],
            "links": [{"source": a, "target": b, "weight": _weight(es), "edges": len(es),
                       "kinds": _kinds(es, self.references), "cut": (a, b) in cut}
                      for (a, b), es in self.links.items()],
            "cycles": [{"contexts": list(c.contexts),
                        "cut": [{"source": a, "target": b, "weight": _weight(self.links[a, b]),
                                 "edges": [edge_doc(e, self.paths) for e in _heaviest(
                                     self.links[a, b])]} for a, b in c.cut]}
                       for c in self.cycles],
            "tangles": [{"modules": list(t.modules), "contexts": list(t.contexts),
                         "cut": [edge_doc(e, self.paths) for e in t.cut]}
                        for t in self.tangles],
        }


def edge_doc(e: Edge, paths: Mapping[str, str]) -> dict:
    return {"source": e.source, "target": e.target, "kinds": list(e.kinds), "weight": e.weight,
            "path": paths.get(e.source, ""), "lines": list(e.lines)}


def _weight(edges) -> float:
    return round(sum(e.weight for e in edges), 4)


def _heaviest(edges, cap: int = 3) -> list[Edge]:
    return sorted(edges, key=lambda e: (-e.weight, e.source, e.target))[:cap]


def _kinds(edges, families: Mapping[tuple[str, str], tuple[str, ...]]) -> dict[str, int]:
    """Module edges counted by kind; a framework-string edge counts under each family of the
    strings behind it (``django``, ``celery``, ``sqlalchemy``, ``string``)."""
    out: Counter = Counter()
    for e in edges:
        for kind in e.kinds:
            if kind == STRING:
                out.update(families.get((e.source, e.target), (STRING,)))
            else:
                out[kind] += 1
    return dict(sorted(out.items()))


def judge(inp: Any, owner_share: float = OWNER_SHARE) -> Judgement:
    """The judgement of every context of ``inp`` (an ``Inputs``), computed once."""
    names = inp.contexts
    links = dict(inp.context_edges)
    cycles, order = context_cycles(names, links)
    tangled = tangles(inp)
    scaling, workers = scaling_units(inp)
    heavy = heavy_usage(inp)
    confined: dict[str, list[str]] = defaultdict(list)
    for lib, by in heavy.items():
        if len(by) == 1 and next(iter(by)) is not None:
            confined[next(iter(by))].append(lib)
    source, found = owners(inp)
    named = {c: tuple(o for o in os if o.name) for c, os in found.items()}
    dominant = {c: os[0] for c, os in named.items() if os and os[0].share >= owner_share}
    owned = Counter(o.name for o in dominant.values())
    history = inp.history_ok
    churn = inp.churn() if history else {}
    total_churn = sum(churn.values())
    pairs, per, inside = cochanges(inp) if history else ({}, {}, 0)
    surface = api_surfaces(inp)
    weight: dict[str, float] = defaultdict(float)
    for e in inp.graph.edges:
        if e.source in inp.support or e.target in inp.support:
            continue
        for c in {inp.partition.get(e.source), inp.partition.get(e.target)} - {None}:
            weight[c] += e.weight
    partners: dict[str, set[str]] = defaultdict(set)
    cuts: dict[str, list[Edge]] = defaultdict(list)
    for cyc in cycles:
        for c in cyc.contexts:
            partners[c] |= set(cyc.contexts) - {c}
        for a, b in cyc.cut:
            for e in links[a, b]:
                cuts[a].append(e)
                cuts[b].append(e)
    for t in tangled:
        touched = {inp.partition[m] for m in t.modules} - {None}
        for c in touched:
            partners[c] |= set(t.contexts) - {c}
            cuts[c] += [e for e in t.cut if c in (inp.partition[e.source],
                                                  inp.partition[e.target])]
    contexts = {}
    for c in names:
        out_edges = tuple(e for (a, _), es in links.items() if a == c for e in es)
        in_edges = tuple(e for (_, b), es in links.items() if b == c for e in es)
        os = named.get(c, ())
        own = dominant.get(c)
        contexts[c] = ContextJudgement(
            name=c, modules=tuple(inp.members[c]), lines=inp.lines[c],
            edges_out=out_edges, edges_in=in_edges, weight=round(weight[c], 4),
            references=_kinds(out_edges + in_edges, inp.references),
            depends_on=tuple(sorted({b for (a, b) in links if a == c})),
            dependents=tuple(sorted({a for (a, b) in links if b == c})),
            in_cycle=c in partners, cycle_partners=tuple(sorted(partners.get(c, ()))),
            cut=tuple(dict.fromkeys(cuts.get(c, ()))),
            data=inp.data.contexts.get(c),
            scaling=tuple(scaling.get(c, ())), libraries=tuple(sorted(confined.get(c, ()))),
            api_surface=surface.get(c, ()),
            owners=os[:3],
            owner=own.name if own else None, own_owner=bool(own and owned[own.name] == 1),
            churn=churn.get(c, 0) if history else None,
            churn_share=churn.get(c, 0) / total_churn if total_churn else None,
            cochange=per.get(c, (0, 0)) if history else None,
        )
    return Judgement(
        contexts=contexts, links=links, cycles=cycles, tangles=tangled, order=order,
        app_lines=inp.app_lines, owner_source=source,
        owner_teams=tuple(sorted(set(code_owners(inp).values()))), workers=tuple(workers),
        heavy=heavy,
        cochange=dict(sorted(pairs.items())), cochange_inside=inside, history=history,
        paths={n: m.path for n, m in inp.graph.modules.items()},
        partition=inp.partition, references=inp.references,
    )


__all__ = ["KERNEL", "ContextCycle", "ContextJudgement", "Judgement", "Owner", "Tangle",
           "cycle_name", "edge_doc", "judge"]
