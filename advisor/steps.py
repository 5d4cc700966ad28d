"""Plan steps and the pieces they are made of, shared by every verdict's plan
(``advisor.plan`` for the extract plan and the summary, ``advisor.advice`` for the others)."""

from __future__ import annotations

from advisor.readiness.inputs import Inputs
from advisor.readiness.model import Evidence

from advisor.outputs import GATE_FILE, IMPORTLINTER_FILE  # noqa: F401 - re-exported


def _ev(items, cap: int = 12) -> list[dict]:
    return [e.doc() for e in items[:cap]]


def _step(title: str, detail: str, evidence=(), **extra) -> dict:
    return {"title": title, "detail": detail, "evidence": _ev(list(evidence)), **extra}


def _where(path: str, line: int) -> str:
    return f"{path}:{line}" if line else path


def _at(inp: Inputs, e) -> str:
    """``path:line`` of an edge, with up to three lines (``path:12,40``)."""
    lines = ",".join(str(n) for n in e.lines[:3]) + ("..." if len(e.lines) > 3 else "")
    return f"{inp.path_of(e.source)}:{lines}" if lines else inp.path_of(e.source)


def cycle_step(inp: Inputs) -> dict | None:
    j = inp.judgement
    if not j.cycles and not j.tangles:
        return None
    parts, evidence = [], []
    for cyc in j.cycles:
        cuts = []
        for a, b in cyc.cut:
            es = sorted(j.links[a, b], key=lambda e: (-e.weight, e.source))
            cuts.append(f"{a} -> {b} (" + ", ".join(
                f"{e.source} -> {e.target} at {_at(inp, e)}" for e in es[:3]) + ")")
            evidence += [Evidence(inp.path_of(e.source), e.lines[0] if e.lines else 0,
                                  f"cut {e.source} -> {e.target}") for e in es[:3]]
        parts.append(f"contexts {cyc.name}: " + "; ".join(f"cut {c}" for c in cuts))
    for t in j.tangles:
        parts.append(f"module cycle {{{', '.join(t.modules)}}} across {', '.join(t.contexts)}: "
                     "cut " + ", ".join(f"{e.source} -> {e.target} ({_at(inp, e)}"
                                        + (", lazy" if "lazy" in e.tags else "") + ")"
                                        for e in t.cut))
        evidence += [Evidence(inp.path_of(e.source), e.lines[0] if e.lines else 0,
                              f"cut {e.source} -> {e.target}") for e in t.cut]
    return _step("Break the dependency cycles between contexts",
                 "Invert or remove the lighter direction (an event, or a callback interface the "
                 "lower context owns). " + " | ".join(parts), evidence, item="bound.cycles",
                 cycles=[list(c.contexts) for c in j.cycles],
                 module_cycles=[list(t.modules) for t in j.tangles])
