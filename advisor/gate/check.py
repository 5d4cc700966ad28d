"""The gate use case: analysis + gate settings + baseline -> GateResult. Prints nothing.

Needs no git history and no renderer: only the graph ``analyze_path`` builds (from the facts
cache when warm) and the plain-Python metrics.
"""

from __future__ import annotations

import os

from advisor.analysis import Analysis
from advisor.fields import Problems
from advisor.gate.baseline import EPSILON, Baseline
from advisor.gate.config import ConfiguredRule, GateConfig
from advisor.gate.context import GateContext, gate_edges
from advisor.graph import Edge
from advisor.string_edges import with_strings
from advisor.gate.model import (
    BASELINED,
    NEW,
    Finding,
    GateResult,
    Improvement,
    RuleReport,
    StaleEntry,
    Violation,
)
from advisor.gate.rules import MetricRule
from advisor.gate.rules.metrics import CROSS_PACKAGE_EDGES, PROPAGATION_COST

_ALWAYS_MEASURED = (PROPAGATION_COST, CROSS_PACKAGE_EDGES)  # project-wide, cheap, always kept


def _relative(path: str | None, root: str) -> str | None:
    if path is None:
        return None
    rel = os.path.relpath(path, root)
    return None if rel.startswith("..") else rel.replace(os.sep, "/")


def _display(baseline: Baseline | None, root: str) -> str | None:
    if baseline is None or baseline.path is None:
        return None
    return _relative(os.path.realpath(baseline.path), root) or baseline.path


def _status(rule: ConfiguredRule, finding: Finding, baseline: Baseline | None) -> tuple[str, str]:
    """(status, message): a baselined metric breach stays known only while it gets no worse."""
    if baseline is None or not finding.baselinable or not baseline.knows(rule.id, finding.key):
        return NEW, finding.message
    before = baseline.value(rule.id, finding.key)
    if finding.value is None or before is None:
        return BASELINED, finding.message
    growth = getattr(rule.params, "max_growth", None) or 0.0
    if finding.value <= before + growth + EPSILON:
        return BASELINED, finding.message
    return NEW, f"{finding.message}; the baseline accepted {before:g}"


def _growth(rule: ConfiguredRule, values: dict[str, float], baseline: Baseline | None,
            ctx: GateContext) -> list[Finding]:
    limit = getattr(rule.params, "max_growth", None)
    if baseline is None or limit is None:
        return []
    out = []
    for subject, value in sorted(values.items()):
        before = baseline.value(rule.id, subject)
        if before is not None and value > before + limit + EPSILON:
            path, line = rule.rule.location(ctx, subject)
            what = "" if subject == "project" else f" of {subject}"
            out.append(Finding(key=f"{subject}: growth", path=path, line=line, value=value,
                               baselinable=False,
                               message=f"{rule.rule.noun}{what} grew from {before:g} to "
                                       f"{value:g}, more than the allowed growth {limit:g}"))
    return out


def _findings(rule: ConfiguredRule, ctx: GateContext, metrics: dict,
              baseline: Baseline | None) -> list:
    """What one rule finds; its metric values go into ``metrics``."""
    rule_edges = ctx.without_tags(rule.ignore_tags)
    if rule.kinds is not None:  # a contract's kinds narrow the gate's
        rule_edges = _narrowed(ctx, rule_edges, rule.kinds)
    rule_edges = ctx.without_imports(rule_edges, rule.ignore_imports, rule.where)
    findings = list(rule.rule.check(ctx, rule_edges, rule.params))
    if isinstance(rule.rule, MetricRule):
        values = rule.rule.values(ctx, rule_edges, rule.params)
        metrics[rule.id] = values
        findings += _growth(rule, values, baseline, ctx)
    return findings


def _narrowed(ctx: GateContext, edges: tuple[Edge, ...], kinds: tuple[str, ...]
              ) -> tuple[Edge, ...]:
    """``edges`` of ``kinds`` only, computed once per run for all the contracts that ask (the
    exported ones all check imports)."""
    key = ("kinds", id(edges), tuple(sorted(kinds)))
    if key not in ctx.memo:
        ctx.memo[key] = (edges, gate_edges(edges, kinds, ()))  # holds ``edges``: its id stays
    return ctx.memo[key][1]


def run_gate(analysis: Analysis, gate: GateConfig, baseline: Baseline | None = None) -> GateResult:
    graph = with_strings(analysis.graph, gate.kinds)  # string edges when ``kinds`` asks
    root = analysis.facts.root
    enabled = [r for r in gate.rules if r.severity != "off"]
    edges = gate_edges(graph.edges, gate.kinds, gate.exclude_tags)
    ctx = GateContext(graph, edges, _relative(gate.config_file, root),
                      contracts=sum(1 for r in enabled if r.kind == "contract"),
                      contexts=gate.contexts)
    metrics = {rule.id: rule.values(ctx, edges, None) for rule in _ALWAYS_MEASURED}
    violations: list[tuple[int, Violation]] = []
    problems = Problems()  # patterns that match no module: every rule's, at once
    for order, rule in enumerate(enabled):
        findings = problems.value(_findings, rule, ctx, metrics, baseline, default=[])
        for f in findings:
            status, message = _status(rule, f, baseline)
            violations.append((order, Violation(rule.id, rule.severity, f.key, message, f.path,
                                                f.line, rule.guidance, status, f.value,
                                                f.baselinable)))
    problems.raise_any()
    violations.sort(key=lambda item: (item[0], item[1].path or "", item[1].line or 0,
                                      item[1].key))
    found = [v for _, v in violations]
    stale: list[StaleEntry] = []
    improvements: list[Improvement] = []
    notes: list[str] = []
    if baseline is not None:
        current = {(v.rule, v.key) for v in found}
        stale = [StaleEntry(rule, key) for rule, keys in sorted(baseline.violations.items())
                 for key in keys if (rule, key) not in current]
        for rule_id, values in sorted(metrics.items()):
            for subject, value in sorted(values.items()):
                before = baseline.value(rule_id, subject)
                if before is not None and value < before - EPSILON:
                    improvements.append(Improvement(rule_id, subject, before, value))
    elif any(v.status == NEW and v.baselinable for v in found):
        notes.append("no baseline: every violation counts as new; accept the current state "
                     "with 'advisor baseline PATH' to gate only new ones")
    skipped = analysis.facts.skipped
    if skipped:
        notes.append(f"{len(skipped)} file(s) could not be analysed, so the gate cannot see "
                     f"their dependencies (e.g. {skipped[0].path}: {skipped[0].reason})")
    reports = tuple(RuleReport(r.id, r.title, r.description, r.severity, r.guidance, r.kind)
                    for r in gate.rules)
    return GateResult(
        root=root,
        rules=reports,
        violations=tuple(found),
        metrics=metrics,
        baseline_path=_display(baseline, root),
        stale=tuple(stale),
        improvements=tuple(improvements),
        notes=tuple(notes),
        config_file=gate.config_file and os.path.realpath(gate.config_file),
        first_file=min((m.path for m in graph.modules.values()), default=None),
    )
