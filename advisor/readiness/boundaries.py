"""Boundary items. The article's "distributed systems complexity": what is an in-process call or
a shared transaction today becomes a network call or a distributed transaction after a split.
Coupling, cycles, shared tables, cross-context foreign keys and transactions measure how much of
that a split would create; co-change shows whether the boundaries match how the code changes.
"""

from __future__ import annotations

from advisor.data_ownership import KERNEL, label
from advisor.readiness.inputs import Inputs
from advisor.readiness.model import Evidence, ItemSpec, Result, clamp, no_data


def _edge_evidence(inp: Inputs, edges, limit: int = 3) -> list[Evidence]:
    out = []
    for e in sorted(edges, key=lambda e: (-e.weight, e.source, e.target))[:limit]:
        out.append(Evidence(inp.path_of(e.source), e.lines[0] if e.lines else 0,
                            f"{e.source} -> {e.target} ({'/'.join(e.kinds)}, weight "
                            f"{e.weight:g})"))
    return out


def pair_weight(inp: Inputs, a: str, b: str) -> float:
    return sum(e.weight for e in inp.context_edges.get((a, b), ()))


def coupling(inp: Inputs, th) -> Result:
    if len(inp.contexts) < 2:
        return no_data("fewer than two contexts: nothing crosses")
    if not inp.domain_weight:
        return no_data("no dependencies between modules of the contexts")
    cross = sum(e.weight for e in inp.cross_edges)
    share = cross / inp.domain_weight
    pairs = sorted(inp.context_edges, key=lambda p: (-pair_weight(inp, *p), p))
    evidence = []
    for a, b in pairs[:8]:
        evidence += _edge_evidence(inp, inp.context_edges[a, b], 2)
    summary = (f"{share:.0%} of the dependency weight crosses contexts ({len(inp.cross_edges)} "
               f"module edges between {len(pairs)} context pairs)")
    top = ", ".join(f"{a} -> {b}" for a, b in pairs[:3])
    return Result(1 - clamp(share / th["max_share"]), summary, tuple(evidence),
                  f"Route cross-context calls through each context's public API; heaviest: "
                  f"{top}." if pairs else "Contexts do not depend on each other directly.",
                  {"share": round(share, 4)})


def cycles(inp: Inputs, th) -> Result:
    j = inp.judgement
    if len(inp.contexts) < 2:
        return no_data("fewer than two contexts: no cycles between them")
    involved = j.involved
    evidence = []
    for cyc in j.cycles:
        for a, b in cyc.cut:
            evidence += [Evidence(ev.path, ev.line, f"cut {a} -> {b}: {ev.detail}")
                         for ev in _edge_evidence(inp, j.links[a, b])]
    for t in j.tangles:
        evidence.append(Evidence(inp.path_of(t.modules[0]), 0, "module cycle across "
                                 f"{', '.join(t.contexts)}: {' / '.join(t.modules[:8])}"
                                 + (" ..." if len(t.modules) > 8 else "")))
    score = 1 - len(involved) / len(inp.contexts)
    names = [c.name for c in j.cycles]
    summary = (f"{len(involved)} of {len(inp.contexts)} contexts in dependency cycles"
               + (f": {'; '.join(names)}" if names else "")
               + (f"; {len(j.tangles)} module cycle(s) cross contexts" if j.tangles else ""))
    advice = ("Break the cycles before any split (invert the lighter dependency: an event or a "
              "callback interface owned by the lower context)." if involved else
              "Contexts depend on each other in one direction only: keep it so with a contract.")
    return Result(score, summary, tuple(evidence), advice, {"involved": list(involved)})


def _tables_unknown(inp: Inputs) -> Result | None:
    """No data when at least half of the mapped models have a table name that cannot be
    read statically (a dynamic ``__tablename__``): what is written where is then unknown, and
    a clean score would be a guess."""
    unknown = inp.data.unresolved
    known = [m for m in inp.data.models if m.table]
    if not unknown or len(unknown) < len(known):
        return None
    first = unknown[0]
    return no_data(f"the table names of {len(unknown)} of {len(unknown) + len(known)} mapped "
                   f"models cannot be read statically (e.g. {first.qualname}, "
                   f"{inp.path_of(first.module)}:{first.line})",
                   "Give the models a literal __tablename__, or a declared_attr rule built from "
                   "cls.__name__ (lower(), re.sub, a snake-case helper), so their tables can be "
                   "told apart.")


def _unknown_note(inp: Inputs) -> str:
    n = len(inp.data.unresolved)
    return f"; the tables of {n} model(s) could not be read" if n else ""


def data_ownership(inp: Inputs, th) -> Result:
    if not inp.data.models:
        return no_data("no ORM models found")
    unknown = _tables_unknown(inp)
    if unknown is not None:
        return unknown
    writers = inp.data.writers()
    if not writers:
        return no_data("no writes to ORM models found")
    contested = inp.data.contested_tables()
    share = len(contested) / len(writers)
    evidence = []
    for table, by in contested.items():
        owner = label(inp.data.tables[table].context)
        for who, ws in sorted(by.items()):
            if who != owner:
                evidence += [Evidence(w.path, w.line, f"{table} (owner {owner}) written by "
                                      f"{who}: {w.via}") for w in ws]
    names = ", ".join(f"{t} ({', '.join(sorted(by))})" for t, by in list(contested.items())[:5])
    summary = (f"{len(contested)} of {len(writers)} written tables are written from outside "
               f"their owning context" + (f": {names}" if names else "") + _unknown_note(inp))
    return Result(1 - clamp(share / th["max_share"]), summary, tuple(evidence),
                  "Give every table one writing context, its owner; others call its API or "
                  "react to its events." if contested else
                  "Each table is written only by its owning context: keep it so.",
                  {"contested": list(contested)})


def foreign_keys(inp: Inputs, th) -> Result:
    rels = inp.data.foreign_keys
    unknown = _tables_unknown(inp) if inp.data.models else None
    if unknown is not None:
        return unknown
    if not rels:
        return no_data("no resolved foreign keys between models")
    cross = inp.data.cross_foreign_keys
    share = len(cross) / len(rels)
    evidence = tuple(Evidence(fk.path, fk.line, f"{fk.source}.{fk.field} -> {fk.target} "
                              f"({fk.source_context or KERNEL} -> {fk.target_context})")
                     for fk in cross)
    return Result(1 - clamp(share / th["max_share"]), f"{len(cross)} of {len(rels)} foreign keys "
                  "cross contexts" + _unknown_note(inp), evidence,
                  "Replace cross-context foreign keys by plain ids (and a lookup through the "
                  "owner's API): a database cannot enforce them across services."
                  if cross else "No foreign key crosses a context boundary.")


def transactions(inp: Inputs, th) -> Result:
    txs = inp.data.transactions
    unknown = _tables_unknown(inp) if inp.data.models else None
    if unknown is not None:
        return unknown
    if not txs:
        return no_data("no transaction blocks with writes found")
    spanning = inp.data.spanning_transactions
    share = len(spanning) / len(txs)
    evidence = tuple(Evidence(t.path, t.line, f"atomic block in {t.module} writes "
                              f"{', '.join(t.contexts)} ({', '.join(t.tables)})")
                     for t in spanning)
    return Result(1 - clamp(share / th["max_share"]), f"{len(spanning)} of {len(txs)} "
                  "transactions write the tables of several contexts", evidence,
                  "Split each spanning transaction: one context commits, the others follow "
                  "from an event (outbox) or a saga." if spanning else
                  "Every transaction stays inside one context.")


def cochange(inp: Inputs, th) -> Result:
    if len(inp.contexts) < 2:
        return no_data("fewer than two contexts")
    if not inp.history_ok:
        return no_data(inp.history_note(), "Run on a clone with history.")
    crossing = inp.judgement.cochange
    inside, across = inp.judgement.cochange_inside, sum(crossing.values())
    if not inside + across:
        return no_data("no files of the contexts changed together")
    if inside + across < inp.min_changes:
        return no_data(f"only {inside + across} co-change(s) between files of the contexts, "
                       f"fewer than {inp.min_changes} (min_changes): too few to judge the "
                       "boundaries", "Run on a longer history.")
    share = across / (inside + across)
    evidence = tuple(Evidence("(git history)", 0, f"{a} / {b}: {n} co-changes")
                     for (a, b), n in sorted(crossing.items(), key=lambda kv: (-kv[1], kv[0])))
    return Result(1 - clamp(share / th["max_share"]), f"{share:.0%} of co-changing file pairs "
                  "cross contexts", evidence,
                  "Features keep touching several contexts: the boundaries do not match how "
                  "the code changes yet." if share > th["max_share"] / 2 else
                  "Changes stay inside contexts.", {"share": round(share, 4),
                                                    "pairs": {f"{a}|{b}": n for (a, b), n
                                                              in crossing.items()}})


def enforced(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data("operations files were not scanned")
    found = ops.boundaries
    evidence = tuple(Evidence(e.path, e.line, e.detail) for e in found)
    if any(e.kind in ("contract", "advisor-gate", "tach") for e in found):
        return Result(1.0, f"architecture contracts checked ({len(found)} declaration(s))",
                      evidence, "Add the proposed contexts' contracts (advisor-gate.toml).")
    if found:
        return Result(0.5, "import-linter configured without contracts", evidence,
                      "Declare independence/forbidden contracts between the contexts.")
    return Result(0.0, "no architecture contracts (import-linter, tach, advisor gate)", (),
                  "Enforce the proposed boundaries in CI first: advisor writes "
                  "advisor-gate.toml and importlinter.ini next to the report.")


ITEMS = (
    ItemSpec("bound.coupling", "Cross-context coupling", "boundaries", 1.5, coupling,
             {"max_share": (0.4, "crossing share of dependency weight that scores 0")},
             article="Communicates via well-defined APIs"),
    ItemSpec("bound.cycles", "Cycles between contexts", "boundaries", 2.0, cycles,
             article="Can be deployed independently"),
    ItemSpec("bound.data_ownership", "Each table has one writing context", "boundaries", 2.0,
             data_ownership, {"max_share": (0.5, ("share of written tables with several writing "
                                                 "contexts that scores 0"))},
             article="Consistency vs. availability tradeoffs"),
    ItemSpec("bound.foreign_keys", "Cross-context foreign keys", "boundaries", 1.0,
             foreign_keys, {"max_share": (0.3, "crossing share of foreign keys that scores 0")},
             article="Distributed transactions"),
    ItemSpec("bound.transactions", "Transactions spanning contexts", "boundaries", 1.0,
             transactions, {"max_share": (0.5, "spanning share of transactions that scores 0")},
             article="Distributed transactions"),
    ItemSpec("bound.cochange", "Co-change across boundaries", "boundaries", 1.0, cochange,
             {"max_share": (0.5, "crossing share of co-changes that scores 0")},
             article="Teams can work in parallel"),
    ItemSpec("bound.enforced", "Boundaries already enforced", "boundaries", 1.0, enforced,
             article="Start with a modular monolith"),
)
