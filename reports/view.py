"""The assessment document -> the view model the templates show.

All decisions about what to show live here, tested: defaults for absent or not-yet-computed
data, caps on long lists, formatting, status words. The view model always has every key, so the
templates (StrictUndefined) stay dumb and every section renders, empty or not.
"""

from __future__ import annotations

from reports import structure
from reports.chart import chart
from reports.diagrams import Diagram, DiagramMaker
from reports.fields import (
    as_dict,
    as_list,
    fmt_number,
    get,
    integer,
    location,
    number,
    strings,
    text,
)
from reports.glossary import GLOSSARY

VERDICTS = {
    "monolith-first": ("Stay a monolith", "Invest in the basics before any split.", "hold"),
    "modularize-first": ("Modularize first", ("Draw and enforce boundaries inside the "
                                              "monolith before extracting anything."), "hold"),
    "extract": ("Extract a service", "A context is ready to leave the monolith.", "go"),
}
SECTIONS = (("summary", "Executive summary"), ("context-map", "Context map"),
            ("contexts", "Contexts"), ("readiness", "Readiness checklist"),
            ("plan", "Plan"), ("cycles", "Cycles"),
            ("packages", "Package metrics"), ("dsm", "Dependency matrix"),
            ("notes", "Skipped files and notes"), ("glossary", "Glossary"))
QUALITY = {"structural_modularity": "structural modularity (SM)",
           "icp": "inter-call percentage (ICP)", "ifn": "interface number (IFN)",
           "ned": "non-extreme distribution (NED)", "conductance": "conductance",
           "cross_context_edge_share": "cross-context edge share",
           "mojofm_vs_packages": "MoJoFM vs packages"}
PASS, PARTIAL = 0.8, 0.5  # item score thresholds for "pass" and "partial"; below is "fail"
# what an item argues (the document's ``argues``) -> (status class, badge words)
FRAMES = {"ready": ("pass", "ready"), "partial": ("partial", "partial"), "gap": ("fail", "gap"),
          "extract": ("extract", "for extraction"), "stay": ("stay", "for staying"),
          "unknown": ("no-data", "no data")}
LIST_CAP = 12  # names shown per list in a context card
EVIDENCE_CAP = 50  # evidence entries kept per item (the document keeps up to 50 too)
EVIDENCE_SHOWN = 5  # shown at once; the rest behind a "more" toggle
DETAIL_CHARS = 400
SUMMARY_CHARS, NOTE_CHARS = 700, 220  # shown before "more" in the summary and its notes
CANDIDATES_SHOWN = 5  # candidates shown at once when the verdict extracts nothing
MAP_NODES = 12  # contexts drawn on the map (by size and coupling); the rest are listed
ROWS_CAP = 500
INTERNAL_NODES, INTERNAL_EDGES = 15, 30


def meta(document: dict, generated_at: str | None = None) -> dict:
    tool, target = as_dict(document.get("tool")), as_dict(document.get("target"))
    commit = text(target.get("commit"))
    return {"tool": text(tool.get("name"), "monolith-advisor"),
            "version": text(tool.get("version"), "unknown"),
            "schema": text(document.get("schema_version"), "unknown"),
            "root": text(target.get("root")), "commit": commit, "commit_short": commit[:12],
            "generated_at": generated_at}


def summary(document: dict) -> dict:
    rec, target = as_dict(document.get("recommendation")), as_dict(document.get("target"))
    verdict = text(rec.get("verdict")) or None
    unknown = ((verdict, "A verdict this version of the report does not know.", "none")
               if verdict else ("Not computed yet", "This document holds no verdict yet.", "none"))
    label, gist, tone = VERDICTS.get(verdict or "", unknown)
    score = number(get(document, "readiness", "score"))
    first = text(rec.get("extract_first")) or None
    ranked = [as_dict(c) for c in as_list(rec.get("candidates"))]
    reasons = next((strings(c.get("reasons")) for c in ranked
                    if first and text(c.get("context")) == first), [])
    cycles = [c for c in as_list(get(document, "metrics", "cycles")) if len(as_list(c)) > 1]
    share = number(get(document, "judgement", "lines", "share"))
    facts = [("files analysed", fmt_number(integer(target.get("files_analyzed")))),
             ("lines", fmt_number(integer(target.get("lines")))),
             ("modules", fmt_number(len(as_list(document.get("modules"))))),
             ("dependencies", fmt_number(len(as_list(document.get("dependencies"))))),
             ("contexts", fmt_number(len(as_list(document.get("contexts")))))]
    if share is not None:
        facts.append(("application lines in contexts", f"{share:.0%}"))
    facts += [("import cycles", fmt_number(len(cycles))),
              ("files skipped", fmt_number(len(as_list(target.get("files_skipped")))))]
    top = next(({"context": text(c.get("context")), "score": fmt_score(number(c.get("score")))}
                for c in ranked if text(c.get("context"))), None)
    return {"verdict": verdict, "label": label, "gist": gist, "tone": tone, "top": top,
            "notes": [dict(zip(("text", "rest"), split_text(text(n), NOTE_CHARS)))
                      for n in as_list(rec.get("partition_notes")) if text(n)][:3],
            "text": text(rec.get("summary")) or "No recommendation in this document yet.",
            "text_head": split_text(text(rec.get("summary")) or "No recommendation in this "
                                    "document yet.", SUMMARY_CHARS)[0],
            "text_rest": split_text(text(rec.get("summary")), SUMMARY_CHARS)[1],
            "score": None if score is None else round(score),
            "score_label": "\u2013" if score is None else f"{round(score)}/100",
            "first": first, "first_reasons": reasons[:3], "facts": facts}


def fmt_score(value: float | None) -> str:
    """Scores and shares of 0-1 always with two decimals (0.00, never 0)."""
    return "\u2013" if value is None else f"{value:.2f}"


_RATIOS = frozenset({"instability", "abstractness", "distance", "cohesion", "coupling",
                     "confidence", "score", "benefit", "ease"})


def fmt_metric(key: str, value: float | None) -> str:
    """One format per kind of figure: ratios of 0-1 with two decimals, counts with commas."""
    return fmt_score(value) if key in _RATIOS else fmt_number(value)


def status(score: float | None, declared: str = "") -> str:
    """pass / partial / fail from the score; the document's "no-data" and "disabled" kept."""
    if declared in ("no-data", "disabled"):
        return declared
    if score is None:
        return "no-data"
    return "pass" if score >= PASS else "partial" if score >= PARTIAL else "fail"


def readiness(document: dict) -> dict:
    items, groups = [], {}
    group_scores = as_dict(get(document, "readiness", "groups"))
    for raw in as_list(get(document, "readiness", "items")):
        raw = as_dict(raw)
        score = number(raw.get("score"))
        evidence = [as_dict(e) for e in as_list(raw.get("evidence"))]
        total = max(len(evidence), integer(raw.get("evidence_total")) or 0)
        weight = number(raw.get("weight"))
        item = {
            "id": text(raw.get("id")),
            "title": text(raw.get("title")) or text(raw.get("id"), "(untitled)"),
            "weight": "\u2013" if weight is None else f"{weight:g}",
            "score": None if score is None else round(score, 2),
            "score_label": "\u2013" if score is None else f"{score:.2f}",
            "percent": None if score is None else round(100 * max(0.0, min(1.0, score))),
            "status": status(score, text(raw.get("status"))),
            "badge": "",
            "summary": text(raw.get("summary")), "advice": text(raw.get("advice")),
            "evidence": [{"where": location(e.get("path"), e.get("line")),
                          "detail": text(e.get("detail"))} for e in evidence[:EVIDENCE_SHOWN]],
            "evidence_extra": [{"where": location(e.get("path"), e.get("line")),
                                "detail": text(e.get("detail"))}
                               for e in evidence[EVIDENCE_SHOWN:EVIDENCE_CAP]],
            "evidence_more": max(0, total - min(len(evidence), EVIDENCE_CAP)),
        }
        frame = FRAMES.get(text(raw.get("argues")))
        if frame and item["status"] not in ("disabled", "no-data"):
            item["status"], item["badge"] = frame
        item["badge"] = item["badge"] or {"pass": "ready", "fail": "gap"}.get(
            item["status"], item["status"].replace("-", " "))
        items.append(item)
        group = text(raw.get("group")) or text(raw.get("category")) or "checklist"
        groups.setdefault(group, []).append(item)
    counts = {s: sum(i["status"] == s for i in items)
              for s in ("pass", "partial", "fail", "no-data", "disabled", "stay", "extract")}
    failing = sorted((i for i in items if i["status"] == "fail"),
                     key=lambda i: (i["score"] if i["score"] is not None else 0, i["title"]))
    score = number(get(document, "readiness", "score"))
    return {"score": None if score is None else round(score), "all": items,
            "groups": [{"name": g[:1].upper() + g[1:], "entries": v,
                        "score": _percent(group_scores.get(g))} for g, v in groups.items()],
            "counts": counts, "failing": failing,
            "notes": [text(n) for n in as_list(get(document, "readiness", "notes")) if text(n)]}


def _percent(value) -> str:
    n = number(value)
    return "" if n is None else f"{round(n)}/100"


def candidates(document: dict) -> list[dict]:
    out = []
    first = text(get(document, "recommendation", "extract_first"))
    for c in as_list(get(document, "recommendation", "candidates")):
        c = as_dict(c)
        name = text(c.get("context"))
        if name:
            reasons = strings(c.get("reasons")) or ([text(c.get("reasons"))]
                                                    if text(c.get("reasons")) else [])
            out.append({"context": name, "score": fmt_score(number(c.get("score"))),
                        "score_value": number(c.get("score")) or 0.0,
                        "benefit": fmt_score(number(c.get("benefit"))),
                        "ease": fmt_score(number(c.get("ease"))),
                        "reasons": reasons, "blockers": strings(c.get("blockers")),
                        "first": name == first})
    return sorted(out, key=lambda c: (not c["first"], -c["score_value"], c["context"]))


def plan(document: dict) -> list[dict]:
    steps = []
    for raw in as_list(get(document, "recommendation", "plan")):
        if isinstance(raw, dict):
            title = next((text(raw.get(k)) for k in ("title", "step", "action", "name")
                          if text(raw.get(k))), "")
            detail = next((text(raw.get(k)) for k in ("detail", "description", "why", "advice")
                           if text(raw.get(k))), "")
            evidence = [{"where": location(e.get("path"), e.get("line")),
                         "detail": text(e.get("detail"))}
                        for e in (as_dict(x) for x in as_list(raw.get("evidence")))]
            evidence = [e for e in evidence if e["where"] or e["detail"]]
            head, rest = split_text(detail if title else "")
            steps.append({"title": title or detail or "(step)", "detail": head, "detail_rest": rest,
                          "full": detail if title else "", "kind": text(raw.get("kind")),
                          "item": text(raw.get("item")), "files": strings(raw.get("files")),
                          "evidence": evidence[:EVIDENCE_CAP],
                          "evidence_more": max(0, len(evidence) - EVIDENCE_CAP)})
        elif text(raw):
            steps.append({"title": text(raw), "detail": "", "detail_rest": "", "item": "",
                          "full": "", "kind": "",
                          "files": [],
                          "evidence": [], "evidence_more": 0})
    return steps


def split_text(value: str, limit: int = DETAIL_CHARS) -> tuple[str, str]:
    """A long text cut at a word boundary near ``limit``: (shown, the rest)."""
    if len(value) <= limit:
        return value, ""
    cut = value.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    return value[:cut].rstrip() + " \u2026", value[cut:].lstrip()


def _owners(value) -> list[str]:
    out = []
    for o in as_list(value):
        if isinstance(o, (list, tuple)) and o:
            share = number(o[1]) if len(o) > 1 else None
            out.append(text(o[0]) + (f" ({share:.0%})" if share is not None and share <= 1 else ""))
        elif isinstance(o, dict):
            share = number(o.get("share"))
            name = text(o.get("name")) or text(o.get("owner")) or text(o.get("team"))
            out.append(name + (f" ({share:.0%})" if share is not None and share <= 1 else ""))
        else:
            out.append(text(o))
    return [o for o in out if o]


def _scalars(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {text(v)}" for k, v in value.items() if text(v))
    return text(value)


def _api(value) -> list[str]:
    out = []
    for a in as_list(value):
        if isinstance(a, dict) and text(a.get("symbol")):
            uses = integer(a.get("uses"))
            out.append(f"{text(a.get('module'))}.{text(a.get('symbol'))}".lstrip(".")
                       + (f" ({uses}\u00d7)" if uses else ""))
        elif isinstance(a, dict) and text(a.get("table")):
            model = text(a.get("model"))
            out.append(text(a.get("table")) + (f" ({model.rpartition('.')[2]})" if model else ""))
        else:
            out += strings([a], ("name", "title", "module", "path"))
    return list(dict.fromkeys(out))


def _depends_on(value) -> list[str]:
    out = []
    for d in as_list(value):
        if isinstance(d, dict) and text(d.get("context")):
            n = integer(d.get("dependencies")) or integer(d.get("edges"))
            out.append(text(d.get("context")) + (f" ({n})" if n else ""))
        elif text(d):
            out.append(text(d))
    return out


_METRIC_ORDER = {k: i for i, k in enumerate(("cohesion", "coupling", "confidence", "ca", "ce",
                                              "instability", "abstractness", "distance"))}
_CARD_KEYS = {"name", "modules", "api_surface", "tables", "owners", "churn", "summary",
              "description", "kind", "lines", "metrics", "depends_on", "members"}


def _churn(value) -> str:
    """A judgement's churn entry in words; "" when there is no history."""
    churn = as_dict(value)
    changes, share = integer(churn.get("changes")), number(churn.get("share"))
    if changes is None:
        return _scalars(value)
    return f"{changes} file change{'s' if changes != 1 else ''}" + (
        f" ({share:.0%} of all contexts' changes)" if share is not None else "")


def context_cards(document: dict, u: structure.Units, index: structure.ModuleIndex,
                  maker: DiagramMaker | None, judged: structure.Judged | None = None
                  ) -> list[dict]:
    """One card per context of the document; owners, churn, dependencies and cycles come from
    the document's judgement of that context when it has one."""
    scores = {c["context"]: c["score"] for c in candidates(document)}
    judged = judged or structure.judged(document)
    cycles = structure.module_cycles(document)
    cards = []
    for i, c in enumerate(as_dict(x) for x in as_list(document.get("contexts"))):
        name = text(c.get("name"), f"context {i + 1}")
        j = judged.contexts.get(name, {})
        modules = strings(c.get("modules")) or u.members.get(name, [])
        api, tables = _api(c.get("api_surface")), _api(c.get("tables"))
        depends = _depends_on(j.get("depends_on") if j else c.get("depends_on"))
        metrics = [(k.replace("_", " "), fmt_metric(k, number(v)))
                   for k, v in sorted(c.items(), key=lambda kv: (_METRIC_ORDER.get(kv[0], 99),
                                                                 kv[0]))
                   if k not in _CARD_KEYS and number(v) is not None]
        metrics += [(k.replace("_", " "), fmt_metric(k, number(v)))
                    for k, v in sorted(as_dict(c.get("metrics")).items())
                    if number(v) is not None]
        lines = integer(c.get("lines")) or u.lines.get(name, 0)
        cards.append({
            "name": name, "anchor": f"ctx-{i + 1}",
            "kind": text(c.get("kind")) or ("pinned" if c.get("pinned") is True else ""),
            "depends_on": depends[:LIST_CAP], "depends_more": max(0, len(depends) - LIST_CAP),
            "summary": text(c.get("summary")) or text(c.get("description")),
            "lines": fmt_number(lines), "module_count": len(modules),
            "modules": modules[:LIST_CAP], "modules_more": max(0, len(modules) - LIST_CAP),
            "api": api[:LIST_CAP], "api_more": max(0, len(api) - LIST_CAP),
            "tables": tables[:LIST_CAP], "tables_more": max(0, len(tables) - LIST_CAP),
            "owners": _owners(j.get("owners") if j else c.get("owners"))[:10],
            "churn": _churn(j.get("churn") if j else c.get("churn")),
            "cycle": strings(j.get("cycle_partners")) if j.get("in_cycle") is True else [],
            "metrics": metrics, "candidate_score": scores.get(name),
            "diagram": _draw(maker, structure.context_internals(name, u, index, INTERNAL_NODES,
                                                                cycles),
                             INTERNAL_NODES, INTERNAL_EDGES),
        })
    return cards


def _draw(maker, graph, max_nodes=structure.MAX_UNITS + 20, max_edges=150,
          scaled=False) -> Diagram:
    if maker is None:
        maker = DiagramMaker(renderer=None)
    return maker.draw(graph, max_nodes, max_edges, scaled)


def packages(document: dict) -> dict:
    rows = []
    for p in (as_dict(x) for x in as_list(get(document, "metrics", "packages"))):
        name = text(p.get("name"))
        if not name:
            continue
        vals = {k: number(p.get(k)) for k in ("modules", "lines", "ca", "ce", "instability",
                                               "abstractness", "distance")}
        rows.append({"name": name, "raw": vals,
                     "cells": {k: fmt_metric(k, v) for k, v in vals.items()}})
    rows.sort(key=lambda r: (-(r["raw"]["lines"] or 0), r["name"]))
    plotted = [{"name": r["name"], "instability": r["raw"]["instability"],
                "abstractness": r["raw"]["abstractness"], "distance": r["raw"]["distance"],
                "lines": int(r["raw"]["lines"] or 0)} for r in rows
               if None not in (r["raw"]["instability"], r["raw"]["abstractness"],
                               r["raw"]["distance"]) and not _isolated(r["raw"])]
    isolated = sum(_isolated(r["raw"]) for r in rows)
    metrics = as_dict(document.get("metrics"))
    headline = [(k.replace("_", " "), fmt_number(number(v))) for k, v in sorted(metrics.items())
                if number(v) is not None]
    architecture = text(get(metrics, "core_periphery", "architecture"))
    if architecture:
        headline.append(("architecture", architecture))
    quality = [(QUALITY.get(k, k.replace("_", " ")), fmt_number(number(v)))
               for k, v in sorted(as_dict(metrics.get("proposal")).items())
               if number(v) is not None and k not in ("contexts", "resolution")]
    return {"rows": rows[:ROWS_CAP], "more": max(0, len(rows) - ROWS_CAP),
            "chart": chart(plotted), "headline": headline, "quality": quality,
            "isolated": isolated}


def _isolated(raw: dict) -> bool:
    """No package depends on it and it depends on none: its D = 1 says nothing."""
    return raw["ca"] == 0 and raw["ce"] == 0


def notes(document: dict, u: structure.Units) -> dict:
    target = as_dict(document.get("target"))
    skipped = [{"path": text(s.get("path")), "reason": text(s.get("reason"))}
               for s in (as_dict(x) for x in as_list(target.get("files_skipped")))]
    problems = [{"where": location(p.get("path") or p.get("module"), p.get("line")),
                 "detail": text(p.get("detail"))}
                for p in (as_dict(x) for x in as_list(document.get("problems")))]
    remarks = [text(n) for n in as_list(target.get("notes")) if text(n)]
    if u.level == "package":
        remarks.append("No contexts in this document: the map and the matrix show packages "
                       f"(grouped to depth {u.depth}) instead.")
    if u.level == "context" and u.unassigned:
        remarks.append(f"{u.unassigned} modules belong to no context and are not drawn.")
    return {"skipped": skipped[:ROWS_CAP], "skipped_more": max(0, len(skipped) - ROWS_CAP),
            "problems": problems[:ROWS_CAP], "problems_more": max(0, len(problems) - ROWS_CAP),
            "remarks": remarks}


def build_view(document: dict, generated_at: str | None = None,
               maker: DiagramMaker | None = None) -> dict:
    document = as_dict(document)
    index = structure.module_index(document)
    u = structure.units(document, index)
    judged = structure.judged(document)
    links = structure.context_links(u, index, judged)
    return {
        "meta": meta(document, generated_at),
        "sections": [{"id": i, "title": t} for i, t in SECTIONS],
        "summary": summary(document),
        "map": {"level": u.level,
                "diagram": _draw(maker, structure.context_map(u, links, judged, MAP_NODES),
                                 MAP_NODES, 3 * MAP_NODES, scaled=True)},
        "contexts": context_cards(document, u, index, maker, judged),
        "readiness": readiness(document),
        "candidates": candidates(document),
        "plan": plan(document),
        "cycles": structure.cycle_views(document, index),
        "packages": packages(document),
        "dsm": structure.dsm(u, links, order=judged.order),
        "notes": notes(document, u),
        "glossary": [{"term": t, "meaning": m} for t, m in GLOSSARY],
    }
