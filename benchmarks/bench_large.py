"""Wall time and peak memory of ``advisor graph`` on a large real code base (homeassistant).

    python benchmarks/bench_large.py [--package homeassistant==2025.4.4] [--python-version 3.13]

The wheel comes from PyPI through ``tests/corpora.py`` (downloaded once, unzipped, never
installed or imported). ``advisor graph`` runs in a subprocess twice, with an empty facts cache
(cold) and then with the cache it filled (warm). While it runs, the process tree (the CLI and
its parser workers) is sampled from /proc every 50 ms; the peak of the summed RSS is reported
(an over-estimate: forked workers share pages with the parent) next to the peak of the summed
PSS (shared pages divided among the sharers) and the largest single process
(``getrusage(RUSAGE_CHILDREN)``). Target: peak under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TARGET_MB = 2048


def _children(pid: int) -> list[int]:
    """The children of ``pid`` (every thread's ``children`` file: a thread may fork too)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                out += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kb(pid: int) -> int:
    """Resident set of one process in kB from ``statm`` (a counter: cheap), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """Proportional set of one process in kB (``smaps_rollup`` walks the page tables: costly,
    so read only near a peak), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak summed RSS / PSS and process count of a process tree, sampled until stopped.

    The sampler must not slow what it measures (reading ``smaps_rollup`` of every process 20
    times a second took 38% of a core): children come from ``/proc/PID/task/*/children``, RSS
    from ``statm``, and PSS is read when the RSS sum grew 5% past the last such reading, and
    otherwise once every 2 s."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kb = self.peak_pss_kb = self.peak_procs = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        every = max(1, round(2.0 / self.interval))
        samples, read_at = 0, 0
        while not self._stop_event.is_set():
            pids = _tree(self.pid)
            rss = [_rss_kb(p) for p in pids]
            total = sum(rss)
            samples += 1
            if total > 1.05 * read_at or samples % every == 0:
                read_at = max(read_at, total)
                self.peak_pss_kb = max(self.peak_pss_kb,
                                       sum(_pss_kb(p) for p, r in zip(pids, rss) if r))
            self.peak_rss_kb = max(self.peak_rss_kb, total)
            self.peak_procs = max(self.peak_procs, sum(1 for r in rss if r))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measured(cmd: list[str], cwd: str | None = None) -> tuple[float, TreeSampler, int, str]:
    """Run ``cmd`` to its end: (wall seconds, the sampler of its process tree's memory, exit
    code, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    return wall, sampler, proc.returncode, err


def run_graph(root: str, cache_dir: str, out_file: str) -> dict:
    cmd = [sys.executable, "-m", "advisor", "graph", root, "--format", "json", "-o", out_file,
           "--cache-dir", cache_dir, "--quiet"]
    wall, sampler, returncode, err = measured(cmd)
    if returncode != 0:
        raise SystemExit(f"advisor graph failed with exit {returncode}: {err.strip()}")
    with open(out_file, encoding="utf-8") as fh:
        document = json.load(fh)
    return {
        "wall_s": wall,
        "peak_rss_mb": sampler.peak_rss_kb / 1024,
        "peak_pss_mb": sampler.peak_pss_kb / 1024,
        "peak_procs": sampler.peak_procs,
        "modules": len(document["nodes"]),
        "edges": len(document["edges"]),
        "lines": sum(n["lines"] for n in document["nodes"]),
        "skipped": document.get("skipped", []),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="homeassistant==2025.4.4")
    parser.add_argument("--python-version", default="3.13",
                        help="wheel tag to download for (recent homeassistant needs 3.13)")
    args = parser.parse_args()
    name, version = args.package.split("==")
    from tests.corpora import corpus_root

    root = str(corpus_root(name, version, python_version=args.python_version))
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = os.path.join(tmp, "cache"), os.path.join(tmp, "graph.json")
        cold = run_graph(root, cache, out)
        warm = run_graph(root, cache, out)
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"corpus: {name} {version} ({root})")
    print(f"modules analysed: {cold['modules']:,}, lines analysed: {cold['lines']:,}, "
          f"edges: {cold['edges']:,}")
    print(f"files skipped: {len(cold['skipped'])}")
    for s in cold["skipped"][:20]:
        print(f"  {s['path']}: {s['reason']}")
    for label, r in (("cold", cold), ("warm", warm)):
        print(f"{label}: wall {r['wall_s']:7.2f} s, peak tree RSS {r['peak_rss_mb']:7.0f} MB "
              f"(PSS {r['peak_pss_mb']:.0f} MB, {r['peak_procs']} processes)")
    print(f"largest single process (getrusage children): {largest:.0f} MB")
    # sampling can miss a short peak of one process: never report less than that process
    peak = max(cold["peak_rss_mb"], warm["peak_rss_mb"], largest)
    print(f"peak tree RSS {peak:.0f} MB vs target {TARGET_MB} MB: "
          f"{'OK' if peak < TARGET_MB else 'MISSED'}")
    if warm["lines"] != cold["lines"] or warm["edges"] != cold["edges"]:
        print("WARNING: warm and cold runs disagree")
        return 1
    return 0 if peak < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
