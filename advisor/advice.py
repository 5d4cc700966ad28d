"""The plan that follows each verdict, and how each checklist item is framed.

* monolith-first: stay one deployable; name the few module boundaries worth keeping now; adopt
  the gate contract today; what would change the verdict (each threshold beside its measured
  value).
* modularize-first: ordered steps inside the monolith: the top cycle's cuts with the exact
  imports (file:line); a facade for the most-used cross-context API (its symbols and callers);
  the tables written from outside their owner, with those writers (never the owner); the gate
  contract and its baseline; what must be true before an extract verdict.
* extract: the strangler-fig plan (``advisor.plan.strangler_plan``).

Sagas, foreign-key-to-id changes, infrastructure as code and a team per context belong to
extraction: they appear only in the extract plan, where its evidence asks for them.

Framing: the forces (``forces.*`` and the team size) measure pressure to split; a low score
argues for staying one deployable and is no failure. The other items measure readiness: a low
score is a gap to close, but only before an extraction.
"""

from __future__ import annotations

from advisor.data_ownership import label
from advisor.steps import GATE_FILE, IMPORTLINTER_FILE, _at, _step, _where, cycle_step
from advisor.readiness.inputs import Inputs
from advisor.readiness.model import MEASURED, Checklist, Evidence
from advisor.verdict import MODULARIZE, Decision, VerdictConfig

FORCES = ("forces", "org.teams")  # groups or item ids that measure pressure to split
READY, PARTIAL = 0.8, 0.5  # readiness item scores for "ready" and "partial"; below: "gap"
ARGUES = ("extract", "stay", "ready", "partial", "gap", "unknown")
_MODULES = 5  # module boundaries named under monolith-first
_SYMBOLS = 8  # facade symbols listed
_TABLES = 10  # tables with foreign writers listed


def argues(item_id: str, group: str, status: str, score: float | None) -> str:
    """What an item's evidence argues: ``extract`` or ``stay`` for a force; ``ready``,
    ``partial`` or ``gap`` for readiness; ``unknown`` without data."""
    if status != MEASURED or score is None:
        return "unknown"
    if group in FORCES or item_id in FORCES:
        return "extract" if score >= 0.5 else "stay"
    return "ready" if score >= READY else "partial" if score >= PARTIAL else "gap"


def _pct(x: float | None) -> str:
    return "unknown" if x is None else f"{x:.0%}"


def conditions(decision: Decision, inp: Inputs, checklist: Checklist,
               cfg: VerdictConfig) -> list[tuple[str, str, bool]]:
    """(condition, measured value, met) for each rule of the verdict, in the rules' order."""
    active = len(inp.active_authors()) if inp.history_ok else None
    bounds, ops = checklist.group_score("boundaries"), checklist.group_score("operations")
    clean = [k for k in decision.candidates if k.clean]
    best = max((k.benefit for k in clean), default=None)
    ci = inp.operations.ci_runs_tests if inp.operations is not None else None
    return [
        (f"at least {cfg.min_lines:,} lines of application code", f"{inp.app_lines:,}",
         inp.app_lines >= cfg.min_lines),
        (f"more than {cfg.max_team_authors} active authors",
         "unknown: no git history" if active is None else str(active),
         active is not None and active > cfg.max_team_authors),
        (f"at least {cfg.min_contexts} contexts of {cfg.min_context_lines}+ lines",
         str(len(decision.separable)), len(decision.separable) >= cfg.min_contexts),
        (f"boundaries score at least {cfg.min_boundaries:.0%}", _pct(bounds),
         bounds is not None and bounds >= cfg.min_boundaries),
        ("at least one clean context", str(len(clean)), bool(clean)),
        (f"operations score at least {cfg.min_operations:.0%}", _pct(ops),
         ops is not None and ops >= cfg.min_operations),
        ("CI runs the tests", "unknown" if ci is None else "yes" if ci else "no", bool(ci)),
        (f"a clean context with a benefit of at least {cfg.min_benefit:.2f}",
         "none" if best is None else f"{best:.2f}",
         best is not None and best >= cfg.min_benefit),
    ]


def later_step(decision: Decision, inp: Inputs, checklist: Checklist,
               cfg: VerdictConfig) -> dict:
    rows = conditions(decision, inp, checklist, cfg)
    unmet = [f"{what} (now {value})" for what, value, met in rows if not met]
    met = [f"{what} (now {value})" for what, value, ok in rows if ok]
    title = ("What must be true before an extract verdict" if decision.verdict == MODULARIZE
             else "What would change the verdict")
    detail = ("Not yet: " + "; ".join(unmet) + "." if unmet else "Every condition holds.") + (
        " Already true: " + "; ".join(met) + "." if met else "") + (
        " A clean context is in no dependency cycle and shares no data; a benefit comes from "
        "its own churn, team, queue or technology.")
    return _step(title, detail, kind="later",
                 conditions=[{"condition": w, "value": v, "met": ok} for w, v, ok in rows])


def gate_step(inp: Inputs, names) -> dict:
    return _step("Adopt the gate contract today",
                 f"Copy {GATE_FILE} into pyproject.toml ([tool.advisor.gate]) or use "
                 f"{IMPORTLINTER_FILE} with import-linter; run 'advisor baseline .' once to "
                 "accept today's violations, then 'advisor check .' in CI: coupling between "
                 f"{', '.join(names)} can no longer grow.", item="bound.enforced", kind="gate",
                 files=[GATE_FILE, IMPORTLINTER_FILE])


def stay_step(decision: Decision) -> dict:
    return _step("Stay one deployable",
                 "; ".join(decision.reasons) + ". Services would add network calls, "
                 "deployments and on-call work without removing a cost you have today.",
                 kind="stay")


def modules_step(inp: Inputs, cfg: VerdictConfig) -> dict | None:
    big = sorted((c for c in inp.contexts if inp.lines[c] >= cfg.min_context_lines),
                 key=lambda c: (-inp.lines[c], c))[:_MODULES]
    if len(big) < 2:
        return None
    j = inp.judgement
    def tables(c: str) -> str:
        n = len(j.contexts[c].tables)
        return f", {n} table{'s' if n > 1 else ''}" if n else ""

    parts = [f"{c} ({inp.lines[c]:,} lines{tables(c)})" for c in big]
    watch, evidence = "", []
    if j.cycles:
        a, b = j.cycles[0].cut[0]
        e = sorted(j.links[a, b], key=lambda e: (-e.weight, e.source))[0]
        watch = (f" One cycle to keep from growing: {a} -> {b} ({e.source} -> {e.target} at "
                 f"{_at(inp, e)}).")
        evidence.append(Evidence(inp.path_of(e.source), e.lines[0] if e.lines else 0,
                                 f"{e.source} -> {e.target}"))
    return _step("Keep these module boundaries",
                 "Treat them as modules of one code base, each with its own package and "
                 "public functions: " + ", ".join(parts) + "." + watch, evidence, kind="modules",
                 contexts=big)


_VERBS = (("import", "imports"), ("dynamic", "imports"), ("inheritance", "inherits from"),
          ("call", "calls"), ("reference", "uses"), ("string", "names by string"),
          ("data", "relates to"))


def _verb(kinds) -> str:
    """How a dependency is written, strongest first (a relationship("Canvas") is no import)."""
    kinds = set(kinds)
    return next((verb for kind, verb in _VERBS if kind in kinds), "depends on")


def top_cycle_step(inp: Inputs) -> dict | None:
    """The largest cycle's cuts, each with the imports (file:line) to change."""
    step = cycle_step(inp)
    if step is None:
        return None
    j = inp.judgement
    if j.cycles:
        cyc = max(j.cycles, key=lambda c: (len(c.contexts), c.name))
        cuts, evidence = [], []
        for a, b in cyc.cut[:5]:
            es = sorted(j.links[a, b], key=lambda e: (-e.weight, e.source))[:3]
            cuts.append(f"{a} -> {b}: " + ", ".join(f"{e.source} {_verb(e.kinds)} {e.target} at "
                                                     f"{_at(inp, e)}" for e in es))
            evidence += [Evidence(inp.path_of(e.source), e.lines[0] if e.lines else 0,
                                  f"cut {e.source} -> {e.target}") for e in es]
        more = len(cyc.cut) - 5
        step["title"] = (f"Break the cycle between {len(cyc.contexts)} contexts"
                         if len(cyc.contexts) > 2 else f"Break the cycle {cyc.name}")
        step["detail"] = ("Change these imports, lightest direction first (move the code, or "
                          "invert it with an event or a callback the lower context owns): "
                          + "; ".join(cuts) + (f" (+{more} more cuts)" if more > 0 else "")
                          + ".")
        step["evidence"] = [e.doc() for e in evidence[:12]]
    step["kind"] = "cycles"
    return step


def facade_step(inp: Inputs) -> dict | None:
    """A facade for the context whose API other contexts use most: its symbols, callers."""
    j = inp.judgement
    used = {c: sum(s.uses for s in k.api_surface) for c, k in j.contexts.items()
            if k.api_surface}
    if not used:
        return None
    c = min(used, key=lambda c: (-used[c], c))
    symbols = sorted(j.contexts[c].api_surface, key=lambda s: (-s.uses, s.module, s.symbol))
    users = {u for s in symbols for u in s.used_by}
    callers = sorted(users & set(inp.contexts))
    who = ", ".join(callers) + (" and shared code" if users - set(callers) else "")
    listed = ", ".join(f"{s.module}.{s.symbol} ({s.uses} uses)" for s in symbols[:_SYMBOLS])
    return _step(f"Give {c} one public API (a facade)",
                 f"{len(symbols)} of its symbols are used {used[c]} times from {who}. Route "
                 "those calls through one module of its package (an api.py) and make the rest "
                 f"private. Most used: {listed}.",
                 kind="facade", context=c, symbols=[f"{s.module}.{s.symbol}"
                                                    for s in symbols[:_SYMBOLS]],
                 callers=callers)


def tables_step(inp: Inputs) -> dict | None:
    """Tables written from outside their owner, with those writers only."""
    contested = inp.data.contested_tables()
    if not contested:
        return None
    owners = {t: label(m.context) for t, m in inp.data.tables.items()}
    parts, evidence, tables = [], [], []
    for table, by in list(contested.items())[:_TABLES]:
        owner = owners.get(table)
        foreign = {who: ws for who, ws in by.items() if who != owner}
        if not foreign:
            continue
        parts.append(f"{table} (owner {owner}) written by " + ", ".join(
            f"{who} at {', '.join(_where(w.path, w.line) for w in ws[:2])}"
            + (f" +{len(ws) - 2}" if len(ws) > 2 else "") for who, ws in sorted(foreign.items())))
        evidence += [Evidence(w.path, w.line, f"{table} written by {who}")
                     for who, ws in sorted(foreign.items()) for w in ws[:2]]
        tables.append(table)
    if not parts:
        return None
    more = len(contested) - len(tables)
    return _step("Let each table's owner be its only writer",
                 "The other contexts call the owner's functions instead of writing its rows: "
                 + "; ".join(parts) + (f" (+{more} more tables)" if more > 0 else "") + ".",
                 evidence[:12], item="bound.data_ownership", kind="tables",
                 tables_written=tables)


def ci_step(checklist: Checklist) -> dict | None:
    item = next((i for i in checklist.items if i.id == "ops.ci_tests"), None)
    if item is None or item.status != MEASURED or item.score >= READY:
        return None
    return _step(f"{item.title}: {item.advice}", item.summary, item.evidence, item=item.id,
                 kind="ci")


def verdict_plan(decision: Decision, inp: Inputs, checklist: Checklist,
                 cfg: VerdictConfig) -> list[dict]:
    """The steps of a monolith-first or modularize-first plan (see the module docstring)."""
    names = inp.contexts
    if decision.verdict == MODULARIZE:
        steps = [top_cycle_step(inp), facade_step(inp), tables_step(inp), ci_step(checklist),
                 gate_step(inp, names)]
    else:
        steps = [stay_step(decision), modules_step(inp, cfg),
                 gate_step(inp, names) if len(names) >= 2 else None]
    steps = [s for s in steps if s is not None]
    steps.append(later_step(decision, inp, checklist, cfg))
    return steps
