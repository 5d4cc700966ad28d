"""Speed of ``advisor check`` on django 6.1.3 (from PyPI): cold (empty facts cache) vs warm.

    python benchmarks/bench_check.py [--package django==6.1.3] [--runs 3]
    python benchmarks/bench_check.py --repo /tmp/repos/saleor [--gate advisor-gate.toml]

Runs the real CLI in a subprocess, as CI does (interpreter start-up included), with its own
cache folder: one cold run, then the best of ``--runs`` warm runs, then warm runs against a
baseline written by ``advisor baseline``. Also times the gate itself (rules on a ready graph)
in-process. Prints the times, the warm/cold ratio and what the gate found.

With ``--repo``: a warm ``advisor check`` with the contracts ``advisor analyze`` exports for
that repository (``--gate``, else analysed once here with ``--no-git``) against a warm
``advisor graph`` on the same cache, best of ``--runs`` each, and their ratio (the target: a
check within 2x of a graph).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)


def run_cli(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True,
                          text=True, cwd=HERE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"advisor {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return elapsed, proc


def gate_only(root: str, cache: str) -> float:
    from advisor.analysis import analyze_path
    from advisor.gate import load_gate_config, run_gate

    analysis = analyze_path(root, cache_dir=cache)
    gate = load_gate_config(root)
    start = time.perf_counter()
    run_gate(analysis, gate)
    return time.perf_counter() - start


def exported_contracts(repo: str, gate: str | None, runs: int) -> int:
    """Warm check with the exported contracts vs warm graph, on ``repo``."""
    with tempfile.TemporaryDirectory() as work:
        cache, graph_out = os.path.join(work, "cache"), os.path.join(work, "graph.json")
        common = ["--cache-dir", cache, "-q"]
        if gate is None:
            out = os.path.join(work, "report")
            analyze_s, _ = run_cli("analyze", repo, "-o", out, "--no-git", *common)
            gate = os.path.join(out, "advisor-gate.toml")
            print(f"advisor analyze (cold, exports the contracts): {analyze_s:.1f} s")
        else:
            run_cli("graph", repo, "-o", graph_out, *common)  # fills the cache
        graph_s = min(run_cli("graph", repo, "-o", graph_out, *common)[0] for _ in range(runs))
        checks = [run_cli("check", repo, "--config", gate, "--format", "json", *common)
                  for _ in range(runs)]
        check_s = min(t for t, _ in checks)
    doc = json.loads(checks[0][1].stdout)
    contracts = [r for r in doc["rules"] if r["kind"] == "contract"]
    print(f"repository: {repo}; {len(contracts)} exported contracts, "
          f"{len(doc['violations'])} violations without a baseline")
    print(f"{'graph warm (best of ' + str(runs) + ')':<30}: {graph_s:7.2f} s")
    print(f"{'check warm, exported contracts':<30}: {check_s:7.2f} s  exit {checks[0][1].returncode}")
    print(f"check / graph = {check_s / graph_s:.2f}  (target: at most 2)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="django==6.1.3")
    parser.add_argument("--python-version", default="3.12",
                        help="wheel tag to download for (django 6 needs 3.12)")
    parser.add_argument("--runs", type=int, default=3, help="warm runs; the best is reported")
    parser.add_argument("--repo", help="time check with exported contracts against graph here")
    parser.add_argument("--gate", help="with --repo: the advisor-gate.toml to check with "
                                       "(default: advisor analyze exports one first)")
    args = parser.parse_args()
    if args.repo:
        return exported_contracts(os.path.abspath(args.repo), args.gate, args.runs)
    name, version = args.package.split("==")
    from tests.corpora import corpus_root

    root = str(corpus_root(name, version, python_version=args.python_version))
    with tempfile.TemporaryDirectory() as work:
        cache = os.path.join(work, "cache")
        baseline = os.path.join(work, "baseline.json")
        common = ["--cache-dir", cache, "-q"]
        cold_s, cold = run_cli("check", root, "--format", "json", *common)
        warm = [run_cli("check", root, "--format", "json", *common) for _ in range(args.runs)]
        warm_s = min(t for t, _ in warm)
        run_cli("baseline", root, "-o", baseline, *common)
        based = [run_cli("check", root, "--baseline", baseline, *common)
                 for _ in range(args.runs)]
        based_s = min(t for t, _ in based)
        gate_s = gate_only(root, cache)
    doc = json.loads(cold.stdout)
    by_rule: dict[str, int] = {}
    for v in doc["violations"]:
        by_rule[v["rule"]] = by_rule.get(v["rule"], 0) + 1
    rows = [("check cold (empty cache)", f"{cold_s:7.2f} s  exit {cold.returncode}"),
            (f"check warm (best of {args.runs})", f"{warm_s:7.2f} s"),
            ("check warm with baseline", f"{based_s:7.2f} s  exit {based[0][1].returncode}"),
            ("gate rules alone, in-process", f"{gate_s:7.3f} s")]
    print(f"corpus: {name} {version} (default gate: module and package cycles)")
    for label, value in rows:
        print(f"{label:<30}: {value}")
    print(f"warm / cold = {warm_s / cold_s:.3f}  (cold is {cold_s / warm_s:.1f}x slower)")
    print("violations without a baseline: " + ", ".join(
        f"{rule} {count}" for rule, count in sorted(by_rule.items())))
    print(f"metrics: {json.dumps(doc['metrics'], sort_keys=True)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
