"""How well do the proposed contexts recover real domains? django-oscar 4.2.1 (from PyPI).

    python benchmarks/eval_contexts.py [--seeds 10]

Ground truth: one context per Django app that oscar lists in INSTALLED_APPS, i.e.
- ``oscar/apps/<app>/...`` -> ``<app>`` (16 apps),
- ``oscar/apps/catalogue/reviews/...`` -> ``catalogue.reviews`` (its own app, label "reviews"),
- ``oscar/apps/dashboard/<sub>/...`` -> ``dashboard.<sub>``: each dashboard sub-app is its own
  app in oscar (its own AppConfig and label, e.g. "catalogue_dashboard"), so it is scored as its
  own context; the modules directly in ``oscar/apps/dashboard/`` are the app ``dashboard``.
- Layer sub-packages and modules (migrations, views, forms, tables, admin...) belong to the app
  they sit in; sub-packages that are not apps (customer/alerts, customer/wishlists,
  communication/notifications, search/views) belong to their app.
- Everything outside ``oscar/apps/<app>/`` (oscar/core, templatetags, models, forms, views,
  utils, management, test, and ``oscar``, ``oscar.apps`` themselves) is shared kernel or
  infrastructure: ignored in scoring.
That is 29 apps over 399 modules (each app's ``__init__`` included).

Scoring: NMI (arithmetic normalisation), ARI and MoJoFM(proposal -> truth) over the scored
modules. A scored module the method leaves without a context (kernel, unassigned) counts as a
context of its own, so it is penalised rather than dropped. Migrations are support code, never
members of a context: they are scored where the proposal attributes them
(``ContextProposal.home_of``), which is where the report lists them.

(a) baseline: networkx Louvain (resolution 1, seeded) on import edges only, every module, no
    post-processing. (b) full method: ``advisor.contexts.propose_contexts`` with the default
    signals and settings. Each runs once per seed; the medians are printed.
Targets: full median NMI >= baseline + 0.15, MoJoFM >= 70.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_DASHBOARD_OWN = {"apps", "menu", "models", "nav", "permissions", "tables", "views", "widgets"}


def truth(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 3 or parts[:2] != ["oscar", "apps"]:
        return None
    app, sub = parts[2], parts[3] if len(parts) > 3 else None
    if app == "dashboard" and sub and sub not in _DASHBOARD_OWN:
        return f"dashboard.{sub}"
    if app == "catalogue" and sub == "reviews":
        return "catalogue.reviews"
    return app


def scores(predicted: dict[str, str], expected: dict[str, str]) -> tuple[float, float, float]:
    from advisor import partition_metrics as pm

    pred = {m: predicted.get(m) or f"(alone) {m}" for m in expected}
    return pm.nmi(pred, expected), pm.ari(pred, expected), pm.mojofm(pred, expected)


def baseline(graph, seed: int) -> dict[str, str]:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(sorted(graph.modules))
    for e in graph.edges:
        if "import" in e.kinds or "dynamic" in e.kinds:
            w = g.get_edge_data(e.source, e.target, {"weight": 0.0})["weight"] + 1.0
            g.add_edge(e.source, e.target, weight=w)
    communities = nx.community.louvain_communities(g, weight="weight", seed=seed)
    return {m: f"c{i}" for i, c in enumerate(communities) for m in c}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--root", default=None, help="unpacked django-oscar 4.2.1 (default: "
                        "downloaded into the corpora cache)")
    args = parser.parse_args(argv)

    from advisor.analysis import analyze_path
    from advisor.contexts import propose_contexts
    from advisor.signals import build_signal_graph

    if args.root:
        root = args.root
    else:
        from tests.corpora import corpus_root

        root = str(corpus_root("django-oscar", "4.2.1"))
    graph = analyze_path(root).graph
    expected = {m: t for m in graph.modules if (t := truth(m))}
    print(f"django-oscar 4.2.1: {len(graph.modules)} modules, {len(graph.edges)} edges; scored "
          f"{len(expected)} modules in {len(set(expected.values()))} apps; {args.seeds} seeds")
    signal_graph = build_signal_graph(graph)
    rows = {"(a) Louvain, imports only": [], "(b) full method": []}
    took = []
    for seed in range(args.seeds):
        rows["(a) Louvain, imports only"].append(scores(baseline(graph, seed), expected))
        start = time.perf_counter()
        proposal = propose_contexts(graph, base_seed=seed, signal_graph=signal_graph)
        took.append(time.perf_counter() - start)
        rows["(b) full method"].append(scores(proposal.home_of(), expected))
    print(f"{'method':<28} {'NMI':>6} {'ARI':>6} {'MoJoFM':>7}   (medians)")
    medians = {}
    for name, values in rows.items():
        med = [statistics.median(v[i] for v in values) for i in range(3)]
        medians[name] = med
        print(f"{name:<28} {med[0]:6.3f} {med[1]:6.3f} {med[2]:7.1f}")
    base, full = medians["(a) Louvain, imports only"], medians["(b) full method"]
    print(f"full method: {statistics.median(took):.2f} s per proposal (median); "
          f"resolution {proposal.resolution:g}, {len(proposal.contexts)} contexts, "
          f"kernel {len(proposal.kernel)} modules")
    ok = full[0] >= base[0] + 0.15 and full[2] >= 70
    print(f"targets (NMI >= {base[0] + 0.15:.3f}, MoJoFM >= 70): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
