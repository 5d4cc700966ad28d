"""Speed of contexts + metrics on a synthetic 10k-module graph (~50k edges).

    python benchmarks/bench_clustering.py [--modules 10000] [--edges 50000]

The graph: packages ``app.d<k>`` of 50 modules each (200 domains for 10k modules); 80% of the
edges stay inside a domain, 20% go anywhere; each edge is an import plus calls (1-5 uses).
Times, separately: the signal graph, the context proposal (kernel, Louvain with the resolution
climb and seed runs, folding, naming, API surface), and the metrics of the assessment
(cycles and cycle breakers, propagation cost, core/periphery, package and context metrics,
partition quality). Target: seconds, not minutes (wall time depends on what else runs: CPU time is printed too). Also prints how well the planted domains
were recovered (NMI), as a sanity check.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def synthetic_graph(modules: int, edges: int, seed: int = 7):
    from advisor.graph import DependencyGraph, Edge
    from analyzers.facts import ModuleFacts, ParsedSource

    rng = random.Random(seed)
    size = 50
    names = [f"app.d{i // size:03d}.m{i % size:02d}" for i in range(modules)]
    facts = {n: ModuleFacts(path=n.replace(".", "/") + ".py", name=n, is_package=False,
                            sha256="", source=ParsedSource(lines=100)) for n in names}
    pairs: dict[tuple[str, str], int] = {}
    while len(pairs) < edges:
        a = rng.randrange(modules)
        b = ((a // size) * size + rng.randrange(size) if rng.random() < 0.8
             else rng.randrange(modules))
        b = min(b, modules - 1)
        if a != b:
            pairs[names[a], names[b]] = rng.randint(1, 5)
    graph_edges = tuple(Edge(s, t, ("call", "import"), float(1 + uses), (1,))
                        for (s, t), uses in sorted(pairs.items()))
    return DependencyGraph(modules=dict(sorted(facts.items())), edges=graph_edges, external={})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=50_000)
    args = parser.parse_args(argv)

    from advisor import partition_metrics as pm
    from advisor.assessment import metrics_section
    from advisor.contexts import propose_contexts
    from advisor.signals import build_signal_graph

    graph = synthetic_graph(args.modules, args.edges)
    print(f"synthetic graph: {len(graph.modules)} modules, {len(graph.edges)} edges")
    c0, t0 = time.process_time(), time.perf_counter()
    signals = build_signal_graph(graph)
    t1 = time.perf_counter()
    proposal = propose_contexts(graph, signal_graph=signals)
    t2 = time.perf_counter()
    metrics = metrics_section(graph, proposal)
    c3, t3 = time.process_time(), time.perf_counter()
    planted = {n: n.rsplit(".", 1)[0] for n in graph.modules}
    found = proposal.context_of()
    nmi = pm.nmi({n: found.get(n, n) for n in planted}, planted)
    print(f"signal graph  {t1 - t0:6.2f} s")
    print(f"contexts      {t2 - t1:6.2f} s  ({len(proposal.contexts)} contexts, resolution "
          f"{proposal.resolution:g}, {sum(s.runs for s in proposal.scan)} scan runs)")
    print(f"metrics       {t3 - t2:6.2f} s  (propagation cost {metrics['propagation_cost']}, "
          f"{len(metrics['cycles'])} cycle groups)")
    print(f"total         {t3 - t0:6.2f} s wall, {c3 - c0:.2f} s CPU; planted domains "
          f"recovered: NMI {nmi:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
