"""The verdict: monolith-first, modularize-first, or extract (naming the first service).

How it decides (the rules are tried in this order; the first that applies wins, and the
summary cites every reason that applies). Each default threshold was read off the ten real
repositories of the truth set (``benchmarks/truth``), never off the samples; README's "How it
decides" has the table of measured values behind each one.

1. **monolith-first** when there is nothing to split along: fewer than ``min_contexts`` (2)
   bounded contexts of at least ``min_context_lines`` (100) lines can be told apart.
2. **modularize-first** when the boundaries are tangled, whatever the size or the team (the
   seed article: "start with a modular monolith and extract services as boundaries become
   clear"; untangling pays off inside one deployable too): the boundaries group of the
   readiness checklist scores below ``min_boundaries`` (50%), or no context is *clean*. A
   clean context is in no dependency cycle with another context (imports, calls and framework
   strings such as ``get_class``/``"app.Model"`` count), its tables are written by nobody
   else, it writes no other context's tables, no foreign key crosses its boundary and no
   transaction spans it and another context. The reasons a split is not in view either
   (small, one team) are cited after the boundaries. The plan names the cycles to break
   (context and module level, with the lightest edges to cut and their file:line), the tables
   written from outside their context (with every writer's file:line), the spanning
   transactions, the cross-context foreign keys and the missing operations items.
3. **monolith-first** when the boundaries are clean but splitting cannot pay off yet (the seed
   article: "for smaller applications or startups just finding product-market fit, a
   well-designed monolith may be a better starting point"):
   - the code base is small: fewer than ``min_lines`` (10,000) lines of application code,
     tests and migrations not counted; or
   - one team does all the work: git history (at least ``min_commits`` (10) commits in the 365
     days up to HEAD) shows at most ``max_team_authors`` (8, a two-pizza team) active authors
     (2+ commits each).
4. **modularize-first** when operations are not ready to run a second deployable: the
   operations group scores below ``min_operations`` (60%: CI that runs the tests, containers,
   configuration and a test suite reach about 50% on every real repository; automated deploys
   are what takes one past 60%), or CI does not run the tests.
5. **extract** the clean context with the highest ``benefit x ease`` when its benefit is at
   least ``min_benefit`` (0.3: with churn and owners measured, one force alone, an own queue
   or a library only it uses, weighs 1.5/5.5 = 0.27, where the best context of five real
   repositories sits; more is needed: a second force, or a large share of the code); otherwise **monolith-first** (clean, ready, but nothing pushes
   a context out: keep the modular monolith and enforce its boundaries).
   - ease (0-1): low cross-context coupling in and out, few contexts depending on it, own data
     (no foreign writers, no cross-context foreign keys or transactions), no cycles, little
     co-change with other contexts;
   - benefit (0-1): a large share of the churn, its own owning team (CODEOWNERS or commit
     share), its own queue or worker pool (independent scaling), a specialised library only it
     uses (technology needs), size.
   Every context gets a candidate entry with its score, reasons, blockers, API surface, data to
   split and edges to cut, so the ranking can be checked, and the first one a strangler-fig
   plan: enforce its boundary with a contract the gate checks, break its cycles, introduce its
   interface, move or replicate its data, route traffic, extract.

Every input above comes from the judgement model (``advisor.judgement``), never from another
checklist item's result: switching an item off or reweighting it moves the group scores, not
what the candidates' reasons and blockers say. ``Decision.blockers`` holds the reasons that
are facts (no clean context, CI without tests, small, one team, too few contexts), apart from
the score thresholds.

All thresholds live in ``[tool.advisor.verdict]``; unknown keys are errors. ``contexts``
chooses how the one partition is drawn (the report shows the same one): ``"proposed"``
(default) the contexts the clustering proposes; ``"packages"`` pins each declared domain
package (``advisor.readiness.partition``) as a context and clusters the rest around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.errors import ConfigError
from advisor.fields import MAX_COUNT, Problems, real, whole
from advisor.judgement import ContextJudgement, Judgement
from advisor.readiness.inputs import Inputs
from advisor.readiness.model import Checklist, clamp

MONOLITH, MODULARIZE, EXTRACT = "monolith-first", "modularize-first", "extract"

_KEYS = {
    "min_lines": ("application lines below which the code base is small", 10_000),
    "max_team_authors": ("active authors that are still one team", 8),
    "min_contexts": ("separable contexts needed to consider a split", 2),
    "min_context_lines": ("lines a context needs to count as separable", 100),
    "min_operations": ("operations group score (0-1) needed to extract", 0.6),
    "min_boundaries": ("boundaries group score (0-1) below which boundaries are tangled", 0.5),
    "min_benefit": ("benefit (0-1) the first candidate needs", 0.3),
}
CONTEXT_SOURCES = ("packages", "proposed")
EASE_WEIGHTS = {"coupling": 1.0, "fan_in": 1.0, "data": 1.5, "cycles": 1.5, "cochange": 1.0}
BENEFIT_WEIGHTS = {"churn": 1.0, "ownership": 1.0, "scaling": 1.5, "technology": 1.5,
                   "size": 0.5}


@dataclass(frozen=True)
class VerdictConfig:
    min_lines: int = 10_000
    max_team_authors: int = 8
    min_contexts: int = 2
    min_context_lines: int = 100
    min_operations: float = 0.6
    min_boundaries: float = 0.5
    min_benefit: float = 0.3
    contexts: str = "proposed"  # the proposed contexts, or each declared package pinned


def parse_verdict(raw: Any, where: str = "[tool.advisor.verdict]") -> VerdictConfig:
    if raw is None:
        return VerdictConfig()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    values: dict[str, Any] = {}
    problems = Problems()  # every error at once
    for key, value in raw.items():
        if key == "contexts":
            if value not in CONTEXT_SOURCES:
                problems.add(ConfigError(f"{where}: 'contexts' must be one of "
                                         f"{', '.join(CONTEXT_SOURCES)}, not {value!r}"))
            values[key] = value
            continue
        if key not in _KEYS:
            problems.add(ConfigError(f"{where}: unknown key '{key}'", "known keys: " + "; ".join(
                f"{k} ({doc}, default {d})" for k, (doc, d) in _KEYS.items())
                + "; contexts (proposed or packages, default proposed)"))
            continue
        default = _KEYS[key][1]
        with problems.check():
            values[key] = whole(value, key, where, 0, MAX_COUNT) if isinstance(default, int) \
                else real(value, key, where, 0, 1)
    problems.raise_any()
    return VerdictConfig(**values)


@dataclass(frozen=True)
class Candidate:
    context: str
    score: float  # benefit x ease
    benefit: float
    ease: float
    clean: bool
    reasons: tuple[str, ...]  # for it
    blockers: tuple[str, ...]  # against it (what makes it not clean)
    components: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    verdict: str
    extract_first: str | None
    rule: str  # small, one-team, contexts, operations, boundaries, no-force, extract
    reasons: tuple[str, ...]  # the deciding evidence, in words with numbers
    candidates: tuple[Candidate, ...]  # best first
    separable: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()  # the reasons that are facts, not score thresholds


def _mean(parts: dict[str, float], weights: dict[str, float]) -> float:
    total = sum(weights[k] for k in parts)
    return sum(weights[k] * v for k, v in parts.items()) / total if total else 0.0


def candidate(j: Judgement, k: ContextJudgement) -> Candidate:
    """Benefit and ease of extracting context ``k``, from the judgement model only."""
    c, others = k.name, len(j.contexts) - 1
    data = k.data
    ease: dict[str, float] = {
        "coupling": 1 - clamp(((k.in_weight + k.out_weight) / k.weight if k.weight else 0.0)
                              / 0.5),
        "fan_in": 1 - len(k.dependents) / others if others else 1.0,
        "cycles": 0.0 if k.in_cycle else 1.0,
    }
    reasons, blockers = [], []
    if data is not None:
        checks = [not data.foreign_writes, not data.writes_elsewhere, not data.foreign_keys,
                  not data.transactions]
        ease["data"] = sum(checks) / len(checks)
        if data.foreign_writes:
            writers = sorted({w.context or "kernel" for w in data.foreign_writes})
            blockers.append(f"its tables are written by {', '.join(writers)} "
                            f"({len(data.foreign_writes)} writes)")
        if data.writes_elsewhere:
            owned = sorted({w.table for w in data.writes_elsewhere})
            blockers.append(f"it writes other contexts' tables: {', '.join(owned[:5])}")
        if data.foreign_keys:
            blockers.append(f"{len(data.foreign_keys)} foreign keys cross its boundary")
        if data.transactions:
            blockers.append(f"{len(data.transactions)} transactions span it and other contexts")
        if data.clean and data.tables:
            reasons.append(f"owns its data ({len(data.tables)} table(s): "
                           f"{', '.join(data.tables[:4])}), no foreign writers or "
                           "cross-context foreign keys")
        elif data.clean:
            reasons.append("holds no tables and writes nobody else's")
    if k.in_cycle:
        blockers.append("in a dependency cycle" + (f" with {', '.join(k.cycle_partners)}"
                                                   if k.cycle_partners else " across contexts"))
    else:
        reasons.append("in no dependency cycle")
    reasons.append("no other context depends on it" if not k.dependents else
                   f"{len(k.dependents)} context(s) depend on it ({', '.join(k.dependents)})")
    if k.cochange is not None and sum(k.cochange):
        inside, across = k.cochange
        ease["cochange"] = 1 - clamp(across / (inside + across) / 0.5)
    benefit: dict[str, float] = {}
    if k.churn_share is not None and len(j.contexts) >= 2:
        benefit["churn"] = clamp(k.churn_share * len(j.contexts) / 2)
        if k.churn_share * len(j.contexts) >= 1.25:
            reasons.append(f"changes most often ({k.churn_share:.0%} of the context changes)")
    if j.owner_source and len(j.contexts) >= 2:
        benefit["ownership"] = 1.0 if k.own_owner else 0.0
        if k.own_owner:
            reasons.append(f"its own owner: {k.owner}")
    benefit["scaling"] = 1.0 if k.scaling else 0.0
    if k.scaling:
        ev = k.scaling[0]
        reasons.append(f"scales on its own (own queue/worker: {ev.path}:{ev.line})")
    benefit["technology"] = 1.0 if k.libraries else 0.0
    if k.libraries:
        reasons.append(f"only it uses {', '.join(k.libraries)}")
    mean_lines = j.app_lines / max(len(j.contexts), 1)
    benefit["size"] = clamp(k.lines / (2 * mean_lines)) if mean_lines else 0.0
    e, b = _mean(ease, EASE_WEIGHTS), _mean(benefit, BENEFIT_WEIGHTS)
    return Candidate(c, round(b * e, 4), round(b, 4), round(e, 4), not blockers,
                     tuple(reasons), tuple(blockers),
                     {**{f"ease.{k}": round(v, 4) for k, v in ease.items()},
                      **{f"benefit.{k}": round(v, 4) for k, v in benefit.items()}})


def rank_candidates(inp: Inputs) -> list[Candidate]:
    j = inp.judgement
    ranked = [candidate(j, k) for k in j.contexts.values()]
    return sorted(ranked, key=lambda k: (not k.clean, -k.score, k.context))


def _no_split(inp: Inputs, cfg: VerdictConfig) -> list[tuple[str, str]]:
    """(rule, reason) for each reason a split cannot pay off yet: small, or one team."""
    small = []
    if inp.app_lines < cfg.min_lines:
        small.append(("small", (f"{inp.app_lines:,} lines of application code, below "
                               f"{cfg.min_lines:,}: small enough to stay one deployable")))
    if inp.history_ok:
        active = inp.active_authors()
        if len(active) <= cfg.max_team_authors:
            names = ", ".join(a for a, _ in active[:5]) or "nobody"
            more = f" and {len(active) - 5} more" if len(active) > 5 else ""
            small.append(("one-team", (f"{len(active)} active author(s) in "
                                      f"{inp.history.commits} commits ({names}{more}): one "
                                      "team, no coordination cost for services to remove")))
    return small


def decide(inp: Inputs, checklist: Checklist, config: VerdictConfig | None = None) -> Decision:
    cfg = config or VerdictConfig()
    candidates = tuple(rank_candidates(inp))
    separable = tuple(c for c in inp.contexts if inp.lines[c] >= cfg.min_context_lines)

    blockers: list[str] = []  # the fact-based reasons, whatever the item weights

    def verdict(kind: str, rule: str, *reasons: str, first: str | None = None) -> Decision:
        return Decision(kind, first, rule, tuple(reasons), candidates, separable,
                        tuple(blockers))

    small = _no_split(inp, cfg)  # the reasons no split is in view; the first names the rule
    if len(separable) < cfg.min_contexts:
        small.append(("contexts", f"{len(separable)} separable context(s) of at least "
                                  f"{cfg.min_context_lines} lines"
                                  + (f" ({', '.join(separable)})" if separable else "")
                                  + f": fewer than {cfg.min_contexts}, nothing to split along"))
        blockers += [why for _, why in small]
        return verdict(MONOLITH, small[0][0], *(why for _, why in small))
    ops = checklist.group_score("operations")
    not_ready = []
    if ops is not None and ops < cfg.min_operations:
        not_ready.append(f"operations score {ops:.0%} (needs {cfg.min_operations:.0%})")
    if inp.operations is not None and not inp.operations.ci_runs_tests:
        not_ready.append("CI does not run the tests")
        blockers.append("operations not ready: CI does not run the tests")
    bounds = checklist.group_score("boundaries")
    clean = [k for k in candidates if k.clean]
    tangled = []
    if bounds is not None and bounds < cfg.min_boundaries:
        tangled.append(f"boundaries score {bounds:.0%} (needs {cfg.min_boundaries:.0%})")
    if not clean:
        tangled.append("no context is clean: every one is in a cycle or shares data")
        blockers.insert(0, "boundaries tangled: no context is clean: every one is in a cycle "
                           "or shares data")
    ops_reason = [f"operations not ready: {'; '.join(not_ready)}"] if not_ready else []
    if tangled:  # untangling pays off inside one deployable too: first, at any size or team
        blockers += [why for _, why in small]
        return verdict(MODULARIZE, "boundaries", f"boundaries tangled: {'; '.join(tangled)}",
                       *ops_reason, *(["even untangled, no split is in view: "
                                       + "; ".join(why for _, why in small)] if small else []))
    if small:  # clean boundaries, but nothing a split would pay for yet
        blockers += [why for _, why in small]
        return verdict(MONOLITH, small[0][0], *(why for _, why in small))
    if ops_reason:
        return verdict(MODULARIZE, "operations", *ops_reason)
    best = clean[0]
    if best.benefit < cfg.min_benefit:
        return verdict(MONOLITH, "no-force", f"boundaries and operations are ready, but no "
                       f"context has a reason to leave (best benefit {best.benefit:.2f}, "
                       f"{best.context}); keep the modular monolith")
    return verdict(EXTRACT, "extract", f"{best.context}: benefit {best.benefit:.2f} x ease "
                   f"{best.ease:.2f} = {best.score:.2f}; " + "; ".join(best.reasons),
                   first=best.context)
