"""Speed of ``advisor check`` on django 6.1.3 (from PyPI): cold (empty facts cache) vs warm.

    python benchmarks/bench_check.py [--package django==6.1.3] [--runs 3]

Runs the real CLI in a subprocess, as CI does (interpreter start-up included), with its own
cache folder: one cold run, then the best of ``--runs`` warm runs, then warm runs against a
baseline written by ``advisor baseline``. Also times the gate itself (rules on a ready graph)
in-process. Prints the times, the warm/cold ratio and what the gate found.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="django==6.1.3")
    parser.add_argument("--python-version", default="3.12",
                        help="wheel tag to download for (django 6 needs 3.12)")
    parser.add_argument("--runs", type=int, default=3, help="warm runs; the best is reported")
    args = parser.parse_args()
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
