"""Organisation items. The article: consider microservices when "you have multiple teams that
need to work with minimal coordination"; services "can be managed by different teams".

Git history (with at least ``min_commits`` commits) and CODEOWNERS are the evidence; without
either an item reports no data instead of guessing. History counts people, not accounts: bots
are left out and one person's identities are merged (``analyzers.people``). Team size follows
``advisor.readiness.inputs.estimate_teams``: CODEOWNERS teams (``@org/team``) when there are,
else the active people, one team per ``team_size`` people sharing the work evenly. A context's
owner by commit share, and its author overlap, need ``min_changes`` file changes to it.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

from advisor.readiness.inputs import Inputs, active_people, estimate_teams
from advisor.readiness.model import Evidence, ItemSpec, Result, clamp, no_data

_HISTORY = "(git history)"


def _bots(inp: Inputs) -> str:
    h = inp.history
    if not h or not h.bot_commits:
        return ""
    return (f"; {h.bot_commits} commit(s) by automation left out ("
            + ", ".join(name for name, _ in h.bots[:3]) + (" ..." if len(h.bots) > 3 else "")
            + ")")


def teams(inp: Inputs, th) -> Result:
    people = (active_people(inp.history, inp.ownership, int(th["author_commits"]))
              if inp.history_ok else [])
    estimate = estimate_teams(people, inp.ownership, th["team_size"])
    if estimate.source == "history" and not inp.history_ok:
        return no_data(inp.history_note() + "; no CODEOWNERS team (@org/team)",
                       "Run on a clone with history (or name teams in CODEOWNERS) to judge "
                       "team size.")
    evidence: list[Evidence] = []
    if estimate.source == "codeowners":
        source = inp.ownership.codeowners.source_path
        summary = (f"{estimate.teams} owner team(s) in {source}: {', '.join(estimate.names)}"
                   + (f" ({len(people)} active author(s) in {inp.history.commits} commits)"
                      if inp.history_ok else ""))
        evidence += [Evidence(source, r.line, f"{r.pattern} {' '.join(r.owners)}")
                     for r in inp.ownership.codeowners.rules
                     if set(r.owners) & set(estimate.names)][:20]
    else:
        summary = (f"{len(people)} active author(s) in {inp.history.commits} commits "
                   f"({int(th['author_commits'])}+ each), the work of {estimate.effective:g} "
                   f"people sharing it evenly: {estimate.teams} team(s) of up to "
                   f"{th['team_size']:g}" + _bots(inp))
        evidence += [Evidence(_HISTORY, 0, f"{p}: {p.commits} commits") for p in people[:20]]
    score = clamp((estimate.teams - 1) / (th["full_teams"] - 1))
    advice = ("Several teams: give each one a context to own (CODEOWNERS per context)."
              if estimate.several else "One team can keep one deployable: the coordination "
              "cost microservices remove does not exist yet.")
    return Result(score, summary, tuple(evidence), advice,
                  {"active_authors": len(people) if inp.history_ok else None,
                   "owner_teams": len(estimate.names) if estimate.source == "codeowners" else 0,
                   "teams": estimate.teams, "source": estimate.source,
                   "effective_people": estimate.effective})


def ownership(inp: Inputs, th) -> Result:
    if len(inp.contexts) < 2:
        return no_data("fewer than two contexts: nothing to align ownership with")
    j = inp.judgement
    source = j.owner_source
    if not source:
        return no_data("no CODEOWNERS and " + inp.history_note(),
                       "Add CODEOWNERS per context, or run on a clone with history.")
    measured = [c for c in inp.contexts if j.contexts[c].owners]  # history: enough changes
    unknown = [c for c in inp.contexts if c not in measured]
    few = (f"{len(unknown)} context(s) with fewer than {inp.min_changes} file changes in the "
           f"window ({', '.join(unknown)}): no owner by commit share"
           if unknown and source == "history" else "")
    if source == "history" and not measured:
        return no_data(few, "Run on a longer history (or add CODEOWNERS per context).")
    dominant = {c: (j.contexts[c].owners[0].name, j.contexts[c].owners[0].share)
                for c in measured if j.contexts[c].owners[0].share >= th["share"]}
    counts = Counter(o for o, _ in dominant.values())
    aligned = sorted(c for c, (o, _) in dominant.items() if counts[o] == 1)
    evidence = tuple(Evidence(_HISTORY if source == "history" else
                              inp.ownership.codeowners.source_path, 0,
                              f"{c}: {o} ({s:.0%})" + ("" if c in aligned else " also owns "
                                                       "another context"))
                     for c, (o, s) in sorted(dominant.items()))
    total = len(measured) if source == "history" else len(inp.contexts)
    score = len(aligned) / total
    unowned = [c for c in measured if c not in dominant]
    summary = (f"{len(aligned)} of {total} contexts have their own owner "
               f"(by {'CODEOWNERS' if source == 'codeowners' else 'commit share'})"
               + (f"; {few}" if few else ""))
    advice = ("Give " + ", ".join(unowned or [c for c in measured if c not in aligned])
              + " one owning team each (CODEOWNERS), so a future service has a team."
              if score < 1 else "Ownership follows the contexts: keep CODEOWNERS in step.")
    return Result(score, summary, evidence, advice,
                  {"source": source, "owners": {c: o for c, (o, _) in dominant.items()},
                   "aligned": aligned, "unknown": unknown if source == "history" else []})


def _cosine(a: Counter, b: Counter) -> float:
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def overlap(inp: Inputs, th) -> Result:
    if len(inp.contexts) < 2:
        return no_data("fewer than two contexts: no overlap to measure")
    if not inp.history_ok:
        return no_data(inp.history_note(), "Run on a clone with history.")
    authors = {c: a for c, a in inp.authors().items() if a}
    pairs = [(a, b, _cosine(authors[a], authors[b]))
             for a, b in combinations(sorted(authors), 2)]
    if not pairs:
        return no_data(f"fewer than two contexts with {inp.min_changes} or more file changes "
                       "in the history window: too few to compare who changes them")
    mean = sum(s for _, _, s in pairs) / len(pairs)
    worst = sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))
    evidence = tuple(Evidence(_HISTORY, 0, f"{a} / {b}: {s:.0%} author overlap")
                     for a, b, s in worst[:10])
    advice = ("The same people change every context: extraction would not cut coordination. "
              "Let teams own contexts first." if mean > 0.5 else
              "Contexts are changed by different people: boundaries match teams.")
    return Result(clamp(1 - mean), f"mean author overlap between contexts {mean:.0%} over "
                  f"{len(pairs)} pair(s)", evidence, advice,
                  {"pairs": {f"{a}|{b}": round(s, 3) for a, b, s in pairs}})


ITEMS = (
    ItemSpec("org.teams", "Team size (CODEOWNERS teams, else active people)", "organisation",
             1.5, teams,
             # two-pizza team (8, as max_team_authors); 2 commits a year leave out drive-by
             # contributors; the truth set's products are 1-3.7 people's work: one team each
             {"author_commits": (2.0, "non-merge commits in the window that make a person "
                                      "active"),
              "team_size": (8.0, "people one team holds: history counts one team per this "
                                 "many people sharing the work evenly"),
              "full_teams": (3.0, "teams for a full score (one team scores 0)")},
             article="multiple teams that need to work with minimal coordination"),
    ItemSpec("org.ownership", "Ownership aligned with contexts", "organisation", 1.0, ownership,
             {"share": (0.6, "share of a context one owner must hold to own it")},
             article="Can be managed by different teams"),
    ItemSpec("org.overlap", "Author overlap between contexts", "organisation", 1.0, overlap,
             article="Teams can work in parallel with less coordination overhead"),
)
