"""The versioned assessment document (contract in DESIGN.md): a plain JSON-able dict.

Reports read only this document, so ``advisor report assessment.json`` re-renders without
re-analysis. Keys listed in DESIGN.md keep their meaning within a major schema version.
"""

from __future__ import annotations

from dataclasses import replace

from advisor import __version__
from advisor.analysis import Analysis, section_location
from advisor.export import edge_dict

SCHEMA_VERSION = "1.2"  # 1.1: judgement, blockers, partition_notes, wiring, tests per context;
#                         1.2: readiness items say what they argue, plan steps their kind


def build_assessment(analysis: Analysis) -> dict:
    graph = analysis.graph
    from advisor.contexts import parse_contexts, propose_contexts
    from advisor.readiness.partition import package_pins
    from advisor.signals import parse_signals
    from advisor.verdict import parse_verdict

    raw = analysis.config.raw
    where = section_location(analysis.config)  # "<file> [tool.advisor.{}]"
    context_config = parse_contexts(raw.get("contexts"), where.format("contexts"))
    if parse_verdict(raw.get("verdict"), where.format("verdict")).contexts == "packages":
        taken = {name for name, _ in context_config.pins}  # the user's own pins come first
        context_config = replace(context_config, pins=context_config.pins + tuple(
            pin for pin in package_pins(graph) if pin[0] not in taken))
    from advisor.clustering import remembered

    with analysis.timings.stage("clustering"), remembered(analysis.results_dir):
        proposal = propose_contexts(graph, context_config,
                                    parse_signals(raw.get("signals"), where.format("signals")),
                                    history=analysis.history)
        support = support_of(graph, proposal)
        proposal = judged_proposal(graph, proposal, support)
    context_of = proposal.context_of()
    readiness, recommendation, judgement = readiness_sections(analysis, context_of, where,
                                                               support)
    with analysis.timings.stage("metrics"):
        return _document(analysis, proposal, context_of, readiness, recommendation, judgement)


def _document(analysis: Analysis, proposal, context_of, readiness, recommendation,
              judgement) -> dict:
    facts, graph = analysis.facts, analysis.graph
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "monolith-advisor", "version": __version__},
        "target": {
            "root": facts.root,
            "commit": analysis.history.head if analysis.history else None,
            "files_analyzed": len(facts.modules),
            "lines": facts.lines,
            "files_skipped": [{"path": s.path, "reason": s.reason} for s in facts.skipped],
            "source_roots": list(facts.source_roots),
            "notes": list(facts.notes),
        },
        "modules": [
            {"name": name, "path": m.path, "lines": m.lines, "context": context_of.get(name),
             "external": list(graph.external.get(name, ()))}
            for name, m in graph.modules.items()
        ],
        "dependencies": [edge_dict(e) for e in graph.edges],
        "problems": [
            {"module": p.module, "path": p.path, "line": p.line, "detail": p.detail}
            for p in graph.problems
        ],
        "metrics": metrics_section(graph, proposal),
        "contexts": contexts_section(graph, proposal),
        "readiness": readiness,
        "recommendation": recommendation,
        "judgement": judgement,
    }


def support_of(graph, proposal) -> frozenset[str]:
    """Tests, fixtures and migrations: by path, plus those the proposal set aside."""
    from advisor.data_ownership import is_support_module

    by_path = {n for n, m in graph.modules.items() if is_support_module(m.path)}
    return frozenset(by_path | set(getattr(proposal, "support", ())))


def judged_proposal(graph, proposal, support):
    """The proposal without contexts that hold no application line (an empty package, a
    context of tests only): those are never contexts, candidates or cards."""
    lines = {c.name: sum(graph.modules[m].lines for m in c.modules if m not in support)
             for c in proposal.contexts}
    keep = {name for name, n in lines.items() if n > 0}
    if len(keep) == len(proposal.contexts):
        return proposal
    contexts = tuple(replace(c, depends_on=tuple(d for d in c.depends_on if d[0] in keep))
                     for c in proposal.contexts if c.name in keep)
    assignments = []
    for a in proposal.assignments:
        if a.context is not None and a.context not in keep:
            a = replace(a, context=None, placed_by="unassigned")
        if getattr(a, "attributed", None) not in (None, *keep):
            a = replace(a, attributed=None)
        assignments.append(a)
    return replace(proposal, contexts=contexts, assignments=tuple(assignments))


def readiness_sections(analysis: Analysis, partition: dict[str, str],
                       where: str = "[tool.advisor.{}]", support=None
                       ) -> tuple[dict, dict, dict]:
    """The ``readiness``, ``recommendation`` and ``judgement`` sections (checklist, verdict,
    plan, contracts, and the per-context facts they all read).

    They judge ``partition`` (module -> context), the contexts the document shows; the declared
    packages only add ``recommendation.partition_notes`` where they disagree with it."""
    from advisor.contract_export import (
        export_document,
        gate_toml,
        importlinter_ini,
        propose,
    )
    from advisor.plan import GATE_FILE, IMPORTLINTER_FILE, recommendation
    from advisor.readiness import parse_config
    from advisor.readiness.partition import package_partition, partition_notes
    from advisor.verdict import parse_verdict

    raw = analysis.config.raw
    graph = analysis.graph
    config = parse_config(raw.get("readiness"), where.format("readiness"))
    verdict_config = parse_verdict(raw.get("verdict"), where.format("verdict"))
    stage = analysis.timings.stage
    with stage("readiness"):
        readiness, inputs, checklist, decision = _checklist(analysis, partition, support, config,
                                                            verdict_config)
    with stage("plan"):
        notes = partition_notes(inputs.partition, package_partition(graph),
                                {n: m.lines for n, m in graph.modules.items()}, inputs.support)
        rec = recommendation(decision, inputs, checklist, notes, verdict_config)
    with stage("contracts"):
        contracts = propose(inputs)
        rec["contracts"] = {
            "proposed": export_document(contracts),
            "files": {GATE_FILE: gate_toml(inputs, contracts),
                      IMPORTLINTER_FILE: importlinter_ini(inputs, contracts)},
        }
        if contracts.left_out:
            rec["contracts"]["left_out"] = list(contracts.left_out)
    return readiness, rec, inputs.judgement.doc()


def _checklist(analysis: Analysis, partition, support, config, verdict_config):
    """The readiness section, with the inputs, checklist and decision it was made from."""
    from advisor.advice import argues
    from advisor.data_ownership import data_document
    from advisor.readiness import SPECS, build_inputs, evaluate
    from advisor.readiness.registry import thresholds
    from advisor.verdict import decide

    graph = analysis.graph
    inputs = build_inputs(graph, partition, history=analysis.history,
                          operations=analysis.operations, ownership=analysis.ownership,
                          min_commits=config.min_commits, min_changes=config.min_changes,
                          heavy_libraries=config.heavy_libraries,
                          support=support,
                          owner_share=thresholds(SPECS["org.ownership"], config)["share"])
    checklist = evaluate(inputs, config)
    decision = decide(inputs, checklist, verdict_config)
    readiness = checklist.doc()
    for item in readiness["items"]:
        item["argues"] = argues(item["id"], item["group"], item["status"], item["score"])
    readiness["contexts_source"] = verdict_config.contexts
    readiness["contexts"] = {c: list(ms) for c, ms in inputs.members.items()}
    readiness["data_ownership"] = data_document(inputs.data)
    if not inputs.history_ok:
        readiness["notes"] = [inputs.history_note()]
    return readiness, inputs, checklist, decision


def contexts_section(graph, proposal) -> list[dict]:
    """The proposed bounded contexts, largest first (see advisor.contexts)."""
    from advisor.metrics import group_metrics

    coupling = {p.name: p for p in group_metrics(graph, proposal.context_of())}
    members: dict[str, list] = {}
    for a in proposal.assignments:
        if a.context is not None:
            members.setdefault(a.context, []).append(
                {"module": a.module, "confidence": a.confidence, "placed_by": a.placed_by})
    out = []
    for c in proposal.contexts:
        pm = coupling[c.name]
        out.append({
            "name": c.name,
            "modules": list(c.modules),
            "lines": c.lines,
            "cohesion": c.cohesion,
            "coupling": c.coupling,
            "confidence": c.confidence,
            "pinned": c.pinned,
            "ca": pm.ca, "ce": pm.ce, "instability": pm.instability,
            "abstractness": pm.abstractness, "distance": pm.distance,
            "depends_on": [{"context": k, "dependencies": n} for k, n in c.depends_on],
            "api_surface": [{"module": s.module, "symbol": s.symbol, "uses": s.uses,
                             "used_by": list(s.used_by)} for s in c.api_surface],
            "tables": [{"model": t.model, "module": t.module, "table": t.table}
                       for t in c.tables],
            "members": members.get(c.name, []),
            "tests": list(c.tests),  # support code attributed to it, never members
            "migrations": list(c.migrations),
        })
    return out


def metrics_section(graph, proposal) -> dict:
    """Coupling of the module graph, and the quality of the context proposal."""
    from advisor import partition_metrics as pm
    from advisor.graph import package_of
    from advisor.metrics import (
        core_periphery,
        cycle_breakers,
        cycles,
        group_metrics,
        package_metrics,
        propagation_cost,
    )

    context_of = proposal.context_of()
    signal_edges = proposal.signals.edges()
    deps = [(e.source, e.target) for e in graph.edges]
    uses = [(e.source, e.target, e.weight) for e in graph.edges
            if "call" in e.kinds or "reference" in e.kinds]
    conductance = pm.conductance(context_of, signal_edges)
    cp = core_periphery(graph.modules, graph.edges)
    packages = {n: package_of(m) for n, m in graph.modules.items() if n in context_of}

    def coupling_rows(rows):
        return [{"name": r.name, "modules": r.modules, "lines": r.lines, "ca": r.ca, "ce": r.ce,
                 "instability": r.instability, "abstractness": r.abstractness,
                 "distance": r.distance} for r in rows]

    return {
        "cycles": cycles(graph),
        "cycle_breakers": [
            {"modules": list(b.modules), "cut_weight": b.cut_weight,
             "cut": [{"source": s, "target": t, "weight": w} for s, t, w in b.cut]}
            for b in cycle_breakers(graph)],
        "propagation_cost": round(propagation_cost(graph.modules, graph.edges), 4),
        "core_periphery": {
            "architecture": cp.architecture, "largest_cycle_group": cp.largest_cycle_group,
            "vfi_threshold": cp.vfi_threshold, "vfo_threshold": cp.vfo_threshold,
            "counts": {k: len(getattr(cp, k)) for k in ("core", "shared", "control",
                                                         "periphery")},
            "core": list(cp.core), "shared": list(cp.shared), "control": list(cp.control)},
        "packages": coupling_rows(package_metrics(graph)),
        "contexts": coupling_rows(group_metrics(graph, context_of)),
        "modularity": round(pm.modularity(context_of, signal_edges), 4),
        "proposal": {
            "contexts": len(proposal.contexts),
            "kernel": list(proposal.kernel),
            "unassigned": [a.module for a in proposal.assignments if a.placed_by == "unassigned"],
            # composition roots and the plumbing only they use: no context, never a candidate
            "wiring": list(proposal.wiring),
            "resolution": proposal.resolution,
            "resolution_scan": [
                {"resolution": r.resolution, "runs": r.runs, "communities": r.communities,
                 "surprise": r.surprise, "modularity": r.modularity, "stability": r.stability}
                for r in proposal.scan],
            "signals": {name: len(pairs) for name, pairs in proposal.signals.raw.items()},
            "structural_modularity": round(pm.structural_modularity(context_of, deps), 4),
            "icp": round(pm.inter_call_percentage(context_of, uses), 4),
            "ifn": round(pm.interface_number(
                {c.name: len(c.api_surface) for c in proposal.contexts}), 4),
            "ned": round(pm.non_extreme_distribution(context_of), 4),
            "conductance": round(sum(conductance.values()) / len(conductance), 4)
            if conductance else 0.0,
            "cross_context_edge_share": round(pm.cross_edge_share(context_of, deps), 4),
            "mojofm_vs_packages": round(pm.mojofm(context_of, packages), 2),
        },
    }
