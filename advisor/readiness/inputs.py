"""Everything the checklist, the verdict and the plan read, derived once from the facts and a
partition (module -> context name, None for the shared kernel). ``build_inputs`` ends by
computing the per-context judgement (``advisor.judgement``) every reader shares.

Test modules and migrations (``advisor.data_ownership.is_support_module``, or the support set
the caller gives) are left out of contexts, sizes and coupling; a context without a line of
application code (an empty package) is no context. Git history counts only with at least
``min_commits`` commits: less than that says nothing about teams or churn (and a sample inside
another repository sees that repository's history), so history items then report no data. A
context's authors (its owner by commit share, its author overlap) count only with at least
``min_changes`` file changes in the window: one change would make its author the 100% owner.

History's authors are people, not accounts (``analyzers.people``: bots left out, identities
merged). ``active_people`` and ``estimate_teams`` are the one rule for "who works here" and "how
many teams": the checklist's ``org.teams`` and ``benchmarks/eval_detectors.py`` both call them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from advisor.data_ownership import (
    DataOwnership,
    build_data_ownership,
    is_support_module,
)
from typing import TYPE_CHECKING

from advisor.graph import DependencyGraph, Edge, Resolver
from advisor.readiness.model import DEFAULT_HEAVY_LIBRARIES
from analyzers.history import HistoryFacts
from analyzers.operations import OperationsFacts
from analyzers.ownership import OwnershipFacts

if TYPE_CHECKING:
    from advisor.judgement import Judgement


TEAM_SIZE = 8.0  # people one team holds (the "two-pizza" team); more working evenly: several
MIN_CHANGES = 5  # file changes a context needs before history names its authors and owner
_TEAM = re.compile(r"@[^\s/@]+/[^\s@]+")  # @org/team (GitHub), @group/subgroup (GitLab)


class Person(str):
    """A person's name, as they usually sign, that also knows their commits in the window."""

    commits: int

    def __new__(cls, name: str, commits: int) -> Person:
        person = super().__new__(cls, name)
        person.commits = commits
        return person


def active_people(history: HistoryFacts | None, ownership: OwnershipFacts | None = None,
                  min_commits: int = 2) -> list[str]:
    """The people (bots left out, identities merged: ``analyzers.people``) with at least
    ``min_commits`` non-merge commits in the history window, most commits first; each is a
    ``Person``. ``ownership`` is not read: people come from history alone."""
    return [Person(a, n) for a, n in (history.authors if history and history.available else ())
            if n >= min_commits]


def codeowners_teams(ownership: OwnershipFacts | None) -> list[str]:
    """The teams (``@org/team``) CODEOWNERS makes owners of the analysed files, sorted. Users
    and emails are people, not teams."""
    if ownership is None or ownership.codeowners is None:
        return []
    return sorted({o for f in ownership.files for o in f.owners if _TEAM.fullmatch(o)})


def effective_people(people: list[str]) -> float:
    """How many people share the work evenly: (sum of commits)^2 / sum of squares (the inverse
    Simpson index). One maintainer with many drive-by contributors is about one; eight people
    with equal commits are eight. A name without commits (a plain ``str``) counts as one."""
    commits = [getattr(p, "commits", 1) for p in people]
    squares = sum(n * n for n in commits)
    return sum(commits) ** 2 / squares if squares else 0.0


@dataclass(frozen=True)
class TeamEstimate:
    teams: int  # 0: nobody active and no CODEOWNERS team
    source: str  # "codeowners" or "history"
    names: tuple[str, ...]  # the CODEOWNERS teams, or the active people
    effective: float | None  # history: people sharing the work evenly

    @property
    def several(self) -> bool:
        return self.teams > 1


def estimate_teams(people: list[str], ownership: OwnershipFacts | None = None,
                   team_size: float = TEAM_SIZE) -> TeamEstimate:
    """How many teams work here. CODEOWNERS teams decide when it names any (their count).
    Otherwise the active people: one or two are one team whatever ``team_size``; more make
    ``effective_people / team_size`` teams, rounded up, so one maintainer with many occasional
    contributors is one team, and several teams need more than ``team_size`` people sharing
    the work."""
    named = codeowners_teams(ownership)
    if named:
        return TeamEstimate(len(named), "codeowners", tuple(named), None)
    effective = effective_people(people)
    teams = min(len(people), 1) if len(people) <= 2 else math.ceil(round(effective / team_size, 6))
    return TeamEstimate(teams, "history", tuple(people), round(effective, 2))


def several_teams(people: list[str], ownership: OwnershipFacts | None = None) -> bool:
    """Does more than one team work here? Two or more CODEOWNERS teams; without CODEOWNERS
    teams, more than ``TEAM_SIZE`` active people sharing the work (``estimate_teams``)."""
    return estimate_teams(people, ownership).several


@dataclass(frozen=True)
class Inputs:
    graph: DependencyGraph  # with string edges (kind "string"), see with_string_edges
    partition: Mapping[str, str | None]  # every module -> context (None: kernel / support)
    data: DataOwnership
    history: HistoryFacts | None = None
    operations: OperationsFacts | None = None
    ownership: OwnershipFacts | None = None
    min_commits: int = 10
    min_changes: int = MIN_CHANGES
    heavy_libraries: tuple[str, ...] = ()
    # derived
    contexts: tuple[str, ...] = ()
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    app_lines: int = 0
    cross_edges: tuple[Edge, ...] = ()  # between modules of two different domain contexts
    domain_weight: float = 0.0  # weight of edges with at least one end in a domain context
    context_edges: Mapping[tuple[str, str], tuple[Edge, ...]] = field(default_factory=dict)
    path_context: Mapping[str, str | None] = field(default_factory=dict)
    support: frozenset[str] = frozenset()  # tests, fixtures and migrations
    references: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    judgement: Judgement | None = None  # set by build_inputs: read it, never recompute it

    # --- history -----------------------------------------------------------------------
    @property
    def history_ok(self) -> bool:
        h = self.history
        return bool(h and h.available and h.commits >= self.min_commits)

    def history_note(self) -> str:
        h = self.history
        if h is None or not h.available:
            return (h.note if h and h.note else "no git history was read") + \
                ": history items are left out of the total"
        bots = (f" ({h.bot_commits} more by automation, not counted)" if h.bot_commits
                else "")
        if not h.commits:
            return (f"no commits by people in the last {h.window_days} days of git history"
                    f"{bots}: nobody is changing this code now; history items are left out of "
                    "the total")
        return (f"only {h.commits} commit(s) by people in the history window{bots}, fewer than "
                f"{self.min_commits} (min_commits): too little to judge teams, churn or "
                "co-change; left out of the total")

    def churn(self) -> dict[str, int]:
        """Context -> file changes (commits per file, summed) in the history window."""
        out: dict[str, int] = {c: 0 for c in self.contexts}
        for f in self.history.files if self.history else ():
            c = self.path_context.get(f.path)
            if c is not None:
                out[c] += f.commits
        return out

    def authors(self) -> dict[str, Counter]:
        """Context -> Counter(person -> commits to its files); empty for a context with fewer
        than ``min_changes`` file changes in the window (too few to say who owns it)."""
        out: dict[str, Counter] = {c: Counter() for c in self.contexts}
        for f in self.history.files if self.history else ():
            c = self.path_context.get(f.path)
            if c is not None:
                out[c].update(dict(f.authors))
        return {c: a if a.total() >= self.min_changes else Counter() for c, a in out.items()}

    def active_authors(self, min_commits: int = 2) -> list[tuple[str, int]]:
        """(person, commits) of ``active_people``."""
        return [(p, p.commits) for p in active_people(self.history, self.ownership, min_commits)]

    # --- contexts ----------------------------------------------------------------------
    def context_of(self, module: str) -> str | None:
        return self.partition.get(module)

    def path_of(self, module: str) -> str:
        return self.graph.modules[module].path

    def dependents(self, context: str) -> list[str]:
        """Other domain contexts that depend on ``context``."""
        return sorted({a for (a, b) in self.context_edges if b == context})

    def dependencies(self, context: str) -> list[str]:
        return sorted({b for (a, b) in self.context_edges if a == context})


STRING = "string"  # edge kind: a framework string naming code (get_class, "app.Model", include)
_CELERY = frozenset({"send_task", "signature"})
_DJANGO = frozenset({"include", "app_label", "get_models"})
_SQLALCHEMY = frozenset({"relationship"})


def reference_family(context: str) -> str:
    """What kind of framework string a reference is, from where it was found: ``celery``
    (``send_task``, task routes and beat schedules), ``django`` (model strings, ``include``,
    settings), ``sqlalchemy`` (``relationship("Order")``), else ``string`` (``get_class``,
    ``import_string``...)."""
    from advisor.signals import MODEL_CONTEXTS

    upper = context.upper() == context and context.isupper()
    if context in _CELERY or (upper and ("CELERY" in context or "TASK" in context
                                         or "BEAT" in context)):
        return "celery"
    if context in _SQLALCHEMY:
        return "sqlalchemy"
    if context in MODEL_CONTEXTS or context in _DJANGO or upper:
        return "django"
    return STRING


def string_references(graph: DependencyGraph,
                      index) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(source, target) -> [(line, family)] of the dependencies framework strings express
    (``get_class("catalogue.models", ...)``, ``ForeignKey("orders.Order")``,
    ``apps.get_model``, ``include("app.urls")``, settings, celery routes), resolved as the
    clustering's string signal resolves them (``advisor.signals``)."""
    from advisor.signals import CODE_CONTEXTS, MODEL_CONTEXTS, StringResolver

    resolver = StringResolver(graph, index)
    found: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for name, module in graph.modules.items():
        for fact in module.source.strings:
            if fact.context in MODEL_CONTEXTS:
                targets = {i.module for i in index.resolve_string(fact.value, name)}
            elif fact.context in CODE_CONTEXTS or fact.context.isupper():
                targets = set(resolver.resolve(fact.value, fact.context, name))
            else:
                continue
            for target in targets - {name}:
                found[name, target].append((fact.line, reference_family(fact.context)))
    return found


def with_string_edges(graph: DependencyGraph, index, found=None) -> DependencyGraph:
    """The graph plus the dependencies framework strings express (kind ``string``): Django code
    such as django-oscar wires most of its apps together this way, so boundaries judged on
    imports alone would look cleaner than they are."""
    found = string_references(graph, index) if found is None else found
    if not found:
        return graph
    edges = {(e.source, e.target): e for e in graph.edges}
    for (source, target), refs in found.items():
        old = edges.get((source, target))
        kinds = tuple(sorted({*(old.kinds if old else ()), STRING}))
        weight = (old.weight if old else 0.0) + len(refs)
        merged = tuple(sorted({*(old.lines if old else ()), *(n for n, _ in refs if n)}))
        edges[source, target] = Edge(source, target, kinds, weight, merged,
                                     old.tags if old else ())
    return replace(graph, edges=tuple(edges[k] for k in sorted(edges)))


def build_inputs(graph: DependencyGraph, partition: Mapping[str, str | None], *,
                 history: HistoryFacts | None = None, operations: OperationsFacts | None = None,
                 ownership: OwnershipFacts | None = None, min_commits: int = 10,
                 min_changes: int = MIN_CHANGES,
                 heavy_libraries: tuple[str, ...] = DEFAULT_HEAVY_LIBRARIES,
                 data: DataOwnership | None = None, owner_share: float = 0.6,
                 support: Collection[str] | None = None) -> Inputs:
    """``min_commits`` / ``min_changes``: the history samples below which history items and a
    context's authors are no data; ``owner_share``: the share of a context one owner must hold
    to own it (the ``org.ownership`` threshold ``share``); ``support``: the support modules
    (default: those ``is_support_module`` tells by path)."""
    from advisor.judgement import judge
    from advisor.signals import build_model_index

    index = build_model_index(graph, Resolver(graph.modules))
    strings = string_references(graph, index)
    graph = with_string_edges(graph, index, strings)
    if support is None:
        support = {n for n, m in graph.modules.items() if is_support_module(m.path)}
    support = set(support) & set(graph.modules)
    part = {n: (None if n in support else partition.get(n)) for n in graph.modules}
    held: dict[str, int] = defaultdict(int)
    for n, c in part.items():
        if c is not None:
            held[c] += graph.modules[n].lines
    part = {n: c if c is None or held[c] else None for n, c in part.items()}  # no empty contexts
    members: dict[str, list[str]] = defaultdict(list)
    for n, c in sorted(part.items()):
        if c is not None:
            members[c].append(n)
    contexts = tuple(sorted(members))
    lines = {c: sum(graph.modules[m].lines for m in ms) for c, ms in members.items()}
    app_lines = sum(m.lines for n, m in graph.modules.items() if n not in support)
    cross, by_pair, weight = [], defaultdict(list), 0.0
    for e in graph.edges:
        if e.source in support or e.target in support:
            continue
        a, b = part[e.source], part[e.target]
        if a is None and b is None:
            continue
        weight += e.weight
        if a is not None and b is not None and a != b:
            cross.append(e)
            by_pair[a, b].append(e)
    inputs = Inputs(
        graph=graph, partition=part,
        data=data if data is not None else build_data_ownership(graph, part, index),
        history=history, operations=operations, ownership=ownership, min_commits=min_commits,
        min_changes=min_changes,
        heavy_libraries=heavy_libraries, contexts=contexts,
        members={c: tuple(ms) for c, ms in members.items()}, lines=lines, app_lines=app_lines,
        cross_edges=tuple(cross), domain_weight=weight,
        context_edges={k: tuple(v) for k, v in sorted(by_pair.items())},
        path_context={m.path: part[n] for n, m in graph.modules.items()},
        support=frozenset(support),
        references={k: tuple(sorted({f for _, f in refs})) for k, refs in sorted(strings.items())},
    )
    return replace(inputs, judgement=judge(inputs, owner_share=owner_share))
