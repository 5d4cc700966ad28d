"""Speed and memory of ``advisor check`` on a synthetic, densely connected code base.

    python benchmarks/bench_dense.py [--modules 5000] [--fanout 10 20] [--seed 1] [--runs 1]
                                     [--acyclic] [--profile] [--keep DIR]

Writes a tree of ``--modules`` modules in packages of 100, each importing between the two
``--fanout`` numbers of others chosen at random (seeded, so every run sees the same graph): one
huge strongly connected component, the worst case for the cycle rules (``--acyclic``: only
earlier modules, a dense graph without any cycle, for the other rules). Runs the real CLI in a
subprocess (cold once to fill the facts cache, then warm) with the default gate (module and
package cycles, empty graph) plus the metric rules, and prints wall time and the child's peak
RSS. ``--profile`` then runs the gate rules in-process under cProfile and prints where the time
goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

GATE = """\
[tool.advisor.gate]
module-cycles = "error"
package-cycles = "error"
propagation-cost = { max = 0.25, severity = "warn" }
cross-package-edges = { max = 400, severity = "warn" }
instability = { max = 0.3, packages = ["app.p000"], severity = "warn" }
main-sequence-distance = { max = 0.7, packages = ["app.*"], severity = "warn" }
"""


def write_tree(root: str, modules: int, fanout: tuple[int, int], seed: int,
               acyclic: bool = False) -> int:
    rnd = random.Random(seed)
    names = [f"app.p{i // 100:03d}.m{i:05d}" for i in range(modules)]
    edges = 0
    os.makedirs(os.path.join(root, "app"))
    open(os.path.join(root, "app", "__init__.py"), "w").close()
    for i in range(0, modules, 100):
        package = os.path.join(root, "app", f"p{i // 100:03d}")
        os.makedirs(package)
        open(os.path.join(package, "__init__.py"), "w").close()
    for i, name in enumerate(names):
        pool = range(i) if acyclic else range(modules)
        targets = rnd.sample(pool, min(len(pool), rnd.randint(*fanout)))
        lines = [f"import {names[t]}" for t in sorted(set(targets) - {i})]
        edges += len(lines)
        lines.append(f"\n\ndef f{i}():\n    return {i}\n")
        with open(os.path.join(root, *name.split(".")) + ".py", "w") as f:
            f.write("\n".join(lines))
    with open(os.path.join(root, "pyproject.toml"), "w") as f:
        f.write(GATE)
    return edges


def run_cli(*args: str) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS of the child in MB)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "advisor", *args], stdout=out,
                                stderr=subprocess.STDOUT, cwd=HERE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            out.seek(0)
            raise SystemExit(f"advisor {' '.join(args)} failed ({proc.returncode}): "
                             f"{out.read().decode(errors='replace')[-2000:]}")
    return elapsed, proc.returncode, usage.ru_maxrss // 1024


def profile_gate(root: str, cache: str, top: int) -> None:
    from advisor.analysis import analyze_path
    from advisor.gate import load_gate_config, run_gate

    analysis = analyze_path(root, cache_dir=cache)
    gate = load_gate_config(root)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    run_gate(analysis, gate)
    profiler.disable()
    print(f"gate rules alone, in-process: {time.perf_counter() - start:.2f} s")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--fanout", type=int, nargs=2, default=(10, 20), metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1, help="warm runs; the best is reported")
    parser.add_argument("--acyclic", action="store_true",
                        help="import only modules written before: a dense graph without cycles")
    parser.add_argument("--profile", action="store_true", help="profile the gate in-process")
    parser.add_argument("--top", type=int, default=25, help="profile rows to print")
    parser.add_argument("--keep", metavar="DIR", help="write the tree and cache here and keep "
                        "them (for profiling the CLI by hand); DIR must not exist")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or scratch
        root = os.path.join(work, "tree")
        cache = os.path.join(work, "cache")
        edges = write_tree(root, args.modules, tuple(args.fanout), args.seed, args.acyclic)
        print(f"tree: {args.modules} modules, {edges} imports (fan-out {args.fanout[0]}-"
              f"{args.fanout[1]}, seed {args.seed}{', acyclic' if args.acyclic else ''})")
        common = ["--cache-dir", cache, "-q", "--format", "json"]
        cold_s, code, cold_mb = run_cli("check", root, *common)
        print(f"check cold : {cold_s:8.2f} s  peak RSS {cold_mb:5d} MB  exit {code}")
        warm = [run_cli("check", root, *common) for _ in range(args.runs)]
        warm_s, code, warm_mb = min(warm)
        print(f"check warm : {warm_s:8.2f} s  peak RSS {warm_mb:5d} MB  exit {code}"
              f"  (best of {args.runs})")
        if args.profile:
            profile_gate(root, cache, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
