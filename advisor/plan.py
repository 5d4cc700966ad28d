"""The plan behind a verdict, and its one-paragraph summary in plain words.

modularize-first / monolith-first: what to fix first, ranked by the readiness points each
failing item loses (weight x (1 - score)), each step naming its evidence (cycles with the edges
to cut, tables with their writers, transactions, foreign keys, missing operations items).
extract: a strangler-fig plan for the first candidate: enforce the boundary inside the monolith
with a contract the gate checks -> break its cycles -> introduce the interface -> move or
replicate its data -> route traffic -> extract.
"""

from __future__ import annotations

from collections import Counter

from advisor.data_ownership import KERNEL, label, write_doc
from advisor.readiness.inputs import Inputs
from advisor.readiness.model import MEASURED, Checklist, Evidence
from advisor.advice import verdict_plan
from advisor.steps import GATE_FILE, IMPORTLINTER_FILE, _at, _step, _where, cycle_step
from advisor.verdict import EXTRACT, MODULARIZE, Candidate, Decision, VerdictConfig

_FIXABLE = ("operations", "boundaries")
_FIX_CAP = 5  # operations steps listed at most


# --- what to fix ------------------------------------------------------------------------------
def shared_table_step(inp: Inputs) -> dict | None:
    shared = inp.data.contested_tables()
    if not shared:
        return None
    parts, evidence, tables = [], [], []
    for table, by in shared.items():
        owner = label(inp.data.tables[table].context)
        writers = []
        for who, ws in sorted(by.items()):
            writers.append(f"{who} ({', '.join(_where(w.path, w.line) for w in ws[:3])}"
                           + (f" +{len(ws) - 3}" if len(ws) > 3 else "") + ")")
            if who != owner:
                evidence += [Evidence(w.path, w.line, f"{table} written by {who}") for w in ws]
        parts.append(f"{table} (owner {owner}) written by " + ", ".join(writers))
        tables.append({"table": table, "owner": owner,
                       "writers": {who: [write_doc(w) for w in ws] for who, ws in by.items()}})
    return _step("Give every table a single writing context, its owner",
                 "Other contexts call the owner's API or react to its events instead of writing "
                 "its tables. " + "; ".join(parts), evidence, item="bound.data_ownership",
                 tables=tables)


def transaction_step(inp: Inputs) -> dict | None:
    spanning = inp.data.spanning_transactions
    if not spanning:
        return None
    return _step("Split the transactions that span contexts",
                 "One context commits; the others follow from an event (transactional outbox) "
                 "or a saga. " + "; ".join(f"{t.module} at {_where(t.path, t.line)} writes "
                                           f"{', '.join(t.contexts)}" for t in spanning),
                 [Evidence(t.path, t.line, f"writes {', '.join(t.tables)}") for t in spanning],
                 item="bound.transactions")


def foreign_key_step(inp: Inputs) -> dict | None:
    cross = inp.data.cross_foreign_keys
    if not cross:
        return None
    return _step("Replace cross-context foreign keys by ids",
                 "Keep the id, look the rest up through the owner's API. " + "; ".join(
                     f"{fk.source}.{fk.field} -> {fk.target}" for fk in cross[:10])
                 + (f" (+{len(cross) - 10} more)" if len(cross) > 10 else ""),
                 [Evidence(fk.path, fk.line, f"{fk.source}.{fk.field} -> {fk.target}")
                  for fk in cross], item="bound.foreign_keys")


def contract_step(inp: Inputs, names=None) -> dict:
    names = names or inp.contexts
    return _step("Enforce the proposed boundaries inside the monolith",
                 f"Add the generated contracts ({GATE_FILE} for 'advisor check', "
                 f"{IMPORTLINTER_FILE} for import-linter) to CI, with a baseline for today's "
                 f"violations, so coupling between {', '.join(names)} cannot grow back.",
                 (), item="bound.enforced", files=[GATE_FILE, IMPORTLINTER_FILE])


_SPECIFIC = {"bound.cycles": cycle_step, "bound.data_ownership": shared_table_step,
             "bound.transactions": transaction_step, "bound.foreign_keys": foreign_key_step}


def fixes(inp: Inputs, checklist: Checklist) -> list[dict]:
    """Boundary work first (it is what modularizing means), then operations and ownership;
    within each tier, most lost points first. The boundary steps come from the judgement
    model: a cycle, a shared table, a spanning transaction or a crossing foreign key is a step
    whatever its item's weight (a switched-off item only moves it to the end of its tier).
    The other steps are the failing measured items."""
    def tier(item) -> int:
        return 0 if item.group == "boundaries" else 1

    by_id = {i.id: i for i in checklist.items}
    steps = []
    for item_id, make in _SPECIFIC.items():
        step = make(inp)
        if step is not None:
            item = by_id.get(item_id)
            step["lost_points"] = round(item.lost, 3) if item else 0.0
            step["tier"] = 0
            steps.append(step)
    failing = sorted((i for i in checklist.items if i.status == MEASURED and i.score < 0.8
                      and i.id not in _SPECIFIC
                      and (i.group in _FIXABLE or i.id == "org.ownership")),
                     key=lambda i: (tier(i), -i.lost, i.id))
    for item in failing:
        if tier(item) and sum(1 for s in steps if s.get("tier") == 1) >= _FIX_CAP:
            break
        if item.id == "bound.enforced":
            step = contract_step(inp)
        else:
            step = _step(f"{item.title}: {item.advice}", item.summary, item.evidence,
                         item=item.id)
        step["lost_points"] = round(item.lost, 3)
        step["tier"] = tier(item)
        steps.append(step)
    order = list(_SPECIFIC)
    return sorted(steps, key=lambda s: (s["tier"], -s["lost_points"],
                                        order.index(s["item"]) if s["item"] in order
                                        else len(order), s["item"]))


# --- extraction -------------------------------------------------------------------------------
def api_surface(inp: Inputs) -> dict[str, list[dict]]:
    """Context -> symbols other contexts (and the kernel) use today, with use counts."""
    return {c: [{"module": s.module, "symbol": s.symbol, "uses": s.uses,
                 "used_by": list(s.used_by)} for s in k.api_surface]
            for c, k in inp.judgement.contexts.items() if k.api_surface}


def edges_to_cut(inp: Inputs, c: str) -> list[dict]:
    k = inp.judgement.contexts[c]
    edges = k.edges_out + k.edges_in
    return [{"source": e.source, "target": e.target, "kinds": list(e.kinds), "weight": e.weight,
             "path": inp.path_of(e.source), "lines": list(e.lines)}
            for e in sorted(edges, key=lambda e: (-e.weight, e.source, e.target))]


def data_to_split(inp: Inputs, c: str) -> dict:
    data = inp.judgement.contexts[c].data
    if data is None:
        return {"tables": [], "foreign_writes": [], "writes_elsewhere": [], "foreign_keys": []}
    return {"tables": list(data.tables),
            "foreign_writes": [write_doc(w) for w in data.foreign_writes],
            "writes_elsewhere": [write_doc(w) for w in data.writes_elsewhere],
            "foreign_keys": [f"{fk.source}.{fk.field} -> {fk.target} ({fk.path}:{fk.line})"
                             for fk in data.foreign_keys]}


def strangler_plan(inp: Inputs, k: Candidate, surface: list[dict]) -> list[dict]:
    c = k.context
    cut = edges_to_cut(inp, c)
    data = data_to_split(inp, c)
    uses = sum(s["uses"] for s in surface)
    cycles = [cyc.contexts for cyc in inp.judgement.cycles if c in cyc.contexts]
    judged = inp.judgement.contexts[c]
    steps = [
        _step(f"Enforce the {c} boundary inside the monolith",
              f"Add the generated '{c}' contracts ({GATE_FILE}: what {c} may not depend on and "
              f"the public modules others may use; {IMPORTLINTER_FILE}) and make "
              "'advisor check' required in CI, so no new dependency on its internals appears.",
              item="bound.enforced", files=[GATE_FILE, IMPORTLINTER_FILE]),
        _step(f"Break the cycles involving {c}",
              ("; ".join([" <-> ".join(cyc) for cyc in cycles] + [
                  f"cut {e.source} -> {e.target} ({_at(inp, e)})" for e in judged.cut[:6]])
               + ": invert the lighter direction")
              if judged.in_cycle else f"none today: {c} is in no dependency cycle; keep it so",
              item="bound.cycles"),
        _step(f"Introduce the {c} interface",
              f"{len(surface)} symbol(s) of {c} are used from outside it ({uses} uses): "
              + (", ".join(f"{s['module']}.{s['symbol']} ({s['uses']}x by "
                           f"{', '.join(s['used_by'])})" for s in surface[:8])
                 if surface else "none")
              + ". Put them behind one module (an API client that can later call the service) "
                "and route every caller through it.", api_surface=surface),
        _step(f"Move or replicate {c}'s data",
              (f"Move tables {', '.join(data['tables'])} to {c}'s own database"
               if data["tables"] else f"{c} owns no tables")
              + (f"; stop {len(data['foreign_writes'])} foreign write(s) into them"
                 if data["foreign_writes"] else "")
              + (f"; stop {len(data['writes_elsewhere'])} write(s) into other contexts' tables"
                 if data["writes_elsewhere"] else "")
              + (f"; replace {len(data['foreign_keys'])} cross-context foreign key(s) by ids"
                 if data["foreign_keys"] else "")
              + "; data it reads from others comes from their events or APIs (replicate "
                "read models where latency matters).", data=data),
        _step(f"Route traffic to {c}",
              f"Put {c}'s entry points (HTTP routes, tasks, event subscriptions) behind the "
              f"gateway or broker and switch callers over gradually; {len(cut)} module "
              "dependencies cross its boundary today: " + ", ".join(
                  f"{e['source']} -> {e['target']}" for e in cut[:6])
              + (" ..." if len(cut) > 6 else ""), edges_to_cut=cut),
        _step(f"Extract {c}",
              f"Deploy {c} as its own service with its own pipeline, database and scaling "
              "(its own worker pool), then delete the in-process path. Watch its traces and "
              "error rates while the old path drains."),
    ]
    return steps


# --- summary ----------------------------------------------------------------------------------
_GAP_NAMES = {"ops.ci_tests": "tests in CI", "ops.containers": "containers",
              "ops.deploy": "deploy automation", "ops.iac": "infrastructure as code",
              "ops.observability": "observability", "ops.resilience": "resilience patterns",
              "ops.config": "externalised configuration", "ops.tests": "a test safety net"}


def _ops_gaps(checklist: Checklist, cap: int = 3) -> list[str]:
    gaps = sorted((i for i in checklist.items if i.group == "operations" and i.status == MEASURED
                   and i.score < 0.5), key=lambda i: (-i.lost, i.id))
    return [_GAP_NAMES.get(i.id, i.title.lower()) for i in gaps[:cap]]


COVERAGE = 0.7  # below this share of application lines inside contexts, the summary says so


def coverage(inp: Inputs) -> str:
    """A clause for the summary when the contexts hold less than COVERAGE of the code."""
    j = inp.judgement
    if j.share >= COVERAGE or not j.app_lines:
        return ""
    return (f"; only {j.share:.0%} of the application lines ({j.context_lines:,}) are inside "
            "these contexts, the rest is shared kernel or code no context claims, so this "
            "judgement covers a minority of the code")


def summary(decision: Decision, inp: Inputs, checklist: Checklist, steps: list[dict]) -> str:
    n = len(inp.contexts)
    names = ", ".join(inp.contexts) if n <= 6 else ", ".join(inp.contexts[:6]) + ", ..."
    size = (f"{inp.app_lines:,} lines of application code in {n} context(s)"
            + (f" ({names})" if n else "") + coverage(inp))
    ops = checklist.group_score("operations")
    ops_text = f"operations score {ops:.0%}" if ops is not None else "operations unknown"
    gaps = _ops_gaps(checklist)
    first_steps = "; ".join(s["title"].split(":")[0].lower() for s in steps[:3])
    if decision.verdict == EXTRACT:
        k = decision.candidates[0]
        runner = next((c for c in decision.candidates[1:]), None)
        return (f"Extract {k.context} first. {size}; {ops_text}, boundaries "
                f"{checklist.group_score('boundaries') or 0:.0%}. {k.context} scores "
                f"{k.score:.2f} (benefit {k.benefit:.2f} x ease {k.ease:.2f})"
                + (f", ahead of {runner.context} ({runner.score:.2f})" if runner else "")
                + ": " + "; ".join(k.reasons) + ". Follow the strangler-fig plan: enforce "
                "its boundary with the generated contract, introduce its interface, move its "
                "data, route traffic, then extract.")
    if decision.verdict == MODULARIZE:
        facts = []
        j = inp.judgement
        if j.involved:
            across = Counter(tuple(t.contexts) for t in j.tangles)
            cited = [c.name for c in j.cycles] + [
                f"{n_} module cycle{'s' if n_ > 1 else ''} across "
                + (", ".join(names) if len(names) <= 4 else f"{len(names)} contexts")
                for names, n_ in sorted(across.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
            facts.append(f"{len(j.involved)} of {n} contexts are caught in dependency cycles ("
                         + "; ".join(cited) + ")")
        shared = inp.data.contested_tables()
        if shared:
            table, by = next(iter(shared.items()))
            facts.append(f"{len(shared)} table(s) are written from outside their context (e.g. "
                         f"{table} by {', '.join(sorted(by))})")
        cross = inp.data.cross_foreign_keys
        if cross:
            facts.append(f"{len(cross)} foreign key(s) cross contexts")
        spanning = inp.data.spanning_transactions
        if spanning:
            facts.append(f"{len(spanning)} transaction(s) span contexts")
        if gaps:
            facts.append(f"operations lack {', '.join(gaps)}")
        why = "; ".join(decision.reasons)
        return (f"Modularize first: stay one deployable and fix the boundaries. {size}. "
                f"{why[0].upper()}{why[1:]}. "
                + "; ".join(facts) + ". Extracting now would turn these into network calls "
                f"and distributed transactions. Fix first: {first_steps}.")
    return (f"Stay a monolith: {'; '.join(decision.reasons)}. {size[0].upper()}{size[1:]}; "
            f"{ops_text}" + (f" (missing: {', '.join(gaps)})" if gaps else "")
            + ". Keep the modules separated, enforce them with the generated contract, and "
            "revisit when teams, scaling needs or specialised technology appear.")


def recommendation(decision: Decision, inp: Inputs, checklist: Checklist,
                   partition_notes: tuple[str, ...] = (), config=None) -> dict:
    """The ``recommendation`` section of the assessment document. ``partition_notes``: where
    the judged contexts disagree with the declared packages (at most three lines). The plan
    follows the verdict (``advisor.advice``)."""

    surfaces = api_surface(inp)
    candidates = []
    for k in decision.candidates:
        candidates.append({
            "context": k.context, "score": k.score, "benefit": k.benefit, "ease": k.ease,
            "clean": k.clean, "reasons": list(k.reasons), "blockers": list(k.blockers),
            "components": k.components, "api_surface": surfaces.get(k.context, [])[:50],
            "data": data_to_split(inp, k.context), "edges_to_cut": edges_to_cut(inp, k.context),
        })
    if decision.verdict == EXTRACT:
        first = decision.candidates[0]
        steps = [dict(s, kind="extract")
                 for s in strangler_plan(inp, first, surfaces.get(first.context, []))]
        steps += [dict(s, kind="operations") for s in fixes(inp, checklist)
                  if s.get("item", "").startswith("ops.")][:3]
    else:
        steps = verdict_plan(decision, inp, checklist, config or VerdictConfig())
    for i, step in enumerate(steps, start=1):
        step["order"] = i
    return {
        "verdict": decision.verdict,
        "extract_first": decision.extract_first,
        "summary": summary(decision, inp, checklist, steps),
        "rule": decision.rule,
        "reasons": list(decision.reasons),
        "blockers": list(decision.blockers),
        "partition_notes": list(partition_notes)[:3],
        "separable_contexts": list(decision.separable),
        "candidates": candidates,
        "plan": steps,
    }


__all__ = ["KERNEL", "fixes", "recommendation", "strangler_plan", "summary"]
