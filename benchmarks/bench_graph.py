"""Speed of the graph pass on django 6.1.3 (from PyPI), against references measured in the same run.

    python benchmarks/bench_graph.py [--package django==6.1.3]

Prints: bare ``libcst.parse_module`` over every file on one core (the reference), our cold
analysis on all cores (empty cache), our warm analysis (everything cached), grimp's cold build,
the ratios the targets are stated in, and peak memory (RSS) of this process and of the workers.
Targets: cold throughput >= 0.70 x (bare parse throughput x cores); warm <= 3 x grimp cold.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def bare_parse(root: str, gc_off: bool = False) -> tuple[float, int, int]:
    import gc

    import libcst

    from analyzers.discovery import discover
    from analyzers.source import Rejected, decode, read_bytes

    texts = []
    for entry in discover(root).files:
        try:
            texts.append(decode(read_bytes(entry.real_path)).text)
        except Rejected:
            pass
    lines = sum(t.count("\n") for t in texts)
    if gc_off:
        gc.disable()
    start = time.perf_counter()
    for text in texts:
        try:
            libcst.parse_module(text)
        except libcst.ParserSyntaxError:
            pass
    elapsed = time.perf_counter() - start
    gc.enable()
    return elapsed, lines, len(texts)


def ours(root: str, cache_dir: str) -> float:
    from advisor.graph import build_graph
    from analyzers.codebase import ScanOptions, collect

    start = time.perf_counter()
    facts = collect(root, ScanOptions(cache_dir=cache_dir))
    build_graph(facts)
    return time.perf_counter() - start


def grimp_cold(root: str, package: str) -> float:
    import grimp

    sys.path.insert(0, root)
    try:
        start = time.perf_counter()
        grimp.build_graph(package, cache_dir=None)
        return time.perf_counter() - start
    finally:
        sys.path.remove(root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="django==6.1.3")
    parser.add_argument("--python-version", default="3.12",
                        help="wheel tag to download for (django 6 needs 3.12)")
    args = parser.parse_args()
    name, version = args.package.split("==")
    from analyzers.workers import default_jobs
    from tests.corpora import corpus_root

    root = str(corpus_root(name, version, python_version=args.python_version))
    top = name.replace("django-oscar", "oscar").replace("-", "_")
    cores = default_jobs()
    parse_s, lines, files = bare_parse(root)
    parse_nogc_s, _, _ = bare_parse(root, gc_off=True)
    with tempfile.TemporaryDirectory() as cache:
        cold_s = ours(root, cache)
        warm_s = min(ours(root, cache) for _ in range(3))
    grimp_s = min(grimp_cold(root, top) for _ in range(3))
    parse_tp = lines / parse_s
    cold_tp = lines / cold_s
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"corpus: {name} {version}, {files} files, {lines:,} lines, {cores} cores")
    print(f"bare libcst parse, 1 core : {parse_s:7.2f} s  ({parse_tp:,.0f} lines/s)")
    print(f"  same, cyclic GC off      : {parse_nogc_s:7.2f} s  ({lines / parse_nogc_s:,.0f} "
          "lines/s; how the workers run)")
    print(f"advisor cold, {cores} workers  : {cold_s:7.2f} s  ({cold_tp:,.0f} lines/s)")
    print(f"advisor warm (cached)    : {warm_s:7.3f} s")
    print(f"grimp cold build         : {grimp_s:7.3f} s")
    ratio_cold = cold_tp / (parse_tp * cores)
    ratio_warm = warm_s / grimp_s
    print(f"cold throughput / (bare parse x cores) = {ratio_cold:.2f}  (target >= 0.70) "
          f"{'OK' if ratio_cold >= 0.70 else 'MISSED'}")
    print(f"  against the GC-off parse: {cold_tp / (lines / parse_nogc_s * cores):.2f} (our "
          "own work next to parsing, the GC tuning taken out)")
    print(f"warm / grimp cold = {ratio_warm:.2f}  (target <= 3.0) "
          f"{'OK' if ratio_warm <= 3.0 else 'MISSED'}")
    print(f"peak RSS: main process {self_rss:.0f} MB, largest worker {child_rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
