"""Organisation items. The article: consider microservices when "you have multiple teams that
need to work with minimal coordination"; services "can be managed by different teams".

Git history (with at least ``min_commits`` commits) and CODEOWNERS are the evidence; without
either an item reports no data instead of guessing.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

from advisor.readiness.inputs import Inputs
from advisor.readiness.model import Evidence, ItemSpec, Result, clamp, no_data

_HISTORY = "(git history)"


def teams(inp: Inputs, th) -> Result:
    parts, evidence, summary = [], [], []
    if inp.history_ok:
        active = inp.active_authors(int(th["author_commits"]))
        parts.append(clamp((len(active) - th["one_team"]) / (th["full"] - th["one_team"])))
        summary.append(f"{len(active)} active author(s) in {inp.history.commits} commits")
        evidence += [Evidence(_HISTORY, 0, f"{a}: {n} commits") for a, n in active[:20]]
    distinct = inp.judgement.owner_teams
    if distinct:
        parts.append(clamp((len(distinct) - 1) / (th["full_teams"] - 1)))
        summary.append(f"{len(distinct)} owner team(s) in {inp.ownership.codeowners.source_path}")
        evidence += [Evidence(inp.ownership.codeowners.source_path, r.line,
                              f"{r.pattern} {' '.join(r.owners)}")
                     for r in inp.ownership.codeowners.rules if r.owners][:20]
    if not parts:
        return no_data(inp.history_note() + "; no CODEOWNERS",
                       "Run on a clone with history (or add CODEOWNERS) to judge team size.")
    score = max(parts)
    advice = ("One team can keep one deployable: the coordination cost microservices remove "
              "does not exist yet." if score < 0.5 else
              "Several teams: give each one a context to own (CODEOWNERS per context).")
    return Result(score, "; ".join(summary), tuple(evidence), advice,
                  {"active_authors": len(inp.active_authors(int(th["author_commits"])))
                   if inp.history_ok else None, "owner_teams": len(distinct)})


def ownership(inp: Inputs, th) -> Result:
    if len(inp.contexts) < 2:
        return no_data("fewer than two contexts: nothing to align ownership with")
    j = inp.judgement
    source = j.owner_source
    dominant = {c: (cj.owners[0].name, cj.owners[0].share) for c, cj in j.contexts.items()
                if cj.owners and cj.owners[0].share >= th["share"]}
    if not source:
        return no_data("no CODEOWNERS and " + inp.history_note(),
                       "Add CODEOWNERS per context, or run on a clone with history.")
    counts = Counter(o for o, _ in dominant.values())
    aligned = sorted(c for c, (o, _) in dominant.items() if counts[o] == 1)
    evidence = tuple(Evidence(_HISTORY if source == "history" else
                              inp.ownership.codeowners.source_path, 0,
                              f"{c}: {o} ({s:.0%})" + ("" if c in aligned else " also owns "
                                                       "another context"))
                     for c, (o, s) in sorted(dominant.items()))
    score = len(aligned) / len(inp.contexts)
    unowned = [c for c in inp.contexts if c not in dominant]
    summary = (f"{len(aligned)} of {len(inp.contexts)} contexts have their own owner "
               f"(by {'CODEOWNERS' if source == 'codeowners' else 'commit share'})")
    advice = ("Give " + ", ".join(unowned or [c for c in inp.contexts if c not in aligned])
              + " one owning team each (CODEOWNERS), so a future service has a team."
              if score < 1 else "Ownership follows the contexts: keep CODEOWNERS in step.")
    return Result(score, summary, evidence, advice,
                  {"source": source, "owners": {c: o for c, (o, _) in dominant.items()},
                   "aligned": aligned})


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
        return no_data("fewer than two contexts changed in the history window")
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
    ItemSpec("org.teams", "Active authors (team size)", "organisation", 1.5, teams,
             {"one_team": (2.0, "active authors a single team has (score 0 at or below)"),
              "full": (8.0, "active authors for a full score"),
              "author_commits": (2.0, "commits that make an author active"),
              "full_teams": (3.0, "CODEOWNERS teams for a full score")},
             article="multiple teams that need to work with minimal coordination"),
    ItemSpec("org.ownership", "Ownership aligned with contexts", "organisation", 1.0, ownership,
             {"share": (0.6, "share of a context one owner must hold to own it")},
             article="Can be managed by different teams"),
    ItemSpec("org.overlap", "Author overlap between contexts", "organisation", 1.0, overlap,
             article="Teams can work in parallel with less coordination overhead"),
)
