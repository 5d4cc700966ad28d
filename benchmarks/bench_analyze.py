"""The whole ``advisor analyze`` against the bare parse bound, stage by stage, in one run.

    python benchmarks/bench_analyze.py [--corpus saleor] [--corpus django] [--no-stress]

Corpora: saleor at the commit pinned in ``benchmarks/truth/saleor.toml`` (a clone with its
history at ``/tmp/repos/saleor``, or ``--saleor PATH``; the script prints the clone command and
skips it when absent) and django 6.1.3 from PyPI (``tests/corpora.py``; no history). For each:

- the bound: bare ``libcst.parse_module`` over every file the analysis reads, on all cores (a
  process pool, largest files first), texts read beforehand; measured before and after the
  cold run, the mean taken (the machine is slower after a long full load);
- ``advisor analyze`` cold (empty cache), warm (the cache it filled: the whole run is reused,
  ``advisor.assess``) and on an edited copy (a clone with one module edited and committed, as
  a small pull request would: a new path and a new HEAD, so the run is not reused and history
  is read again; the per-file facts are reused), each the real CLI in a subprocess; the
  process tree (CLI, parser workers, git) is sampled from /proc every 50 ms for the peak
  summed RSS (see ``bench_large.TreeSampler``, which costs ~3% of a core);
- the ratio bound / cold (1.0: the whole run costs what parsing costs), and the time of each
  stage (``advisor.analysis.StageTimes``; "reuse" is the look-up of a kept run; discovery is
  timed around the function the CLI calls).

Then, unless ``--no-stress``, the two shapes the untrusted-repositories issue bounds, each as a
doubling series ending at its bound, with its peak RSS and how the memory grows per doubling
(x2: linear; x4 would be the square): the history of 5,000, 10,000 and 20,000-commit
repositories (``bench_history.py``'s stress shape) and ``advisor analyze`` on dense graphs of
1,250, 2,500 and 5,000 modules (``bench_dense.py``'s tree).

Every figure comes from this run; the machine is shared, so compare the ratios, not the seconds.
Targets (issue 17): cold >= 0.7 of the bound, warm <= 4 s, peak RSS < 1 GB on saleor.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

from benchmarks.bench_large import measured  # noqa: E402

STAGES = ("discovery", "parse", "graph", "history", "operations", "clustering", "readiness",
          "plan", "contracts", "metrics", "rendering", "reuse")
TARGET_RATIO, TARGET_WARM_S, TARGET_RSS_MB = 0.7, 4.0, 1024


# --- the bound --------------------------------------------------------------------------------
def _parse(text: str) -> int:
    import libcst

    try:
        libcst.parse_module(text)
    except Exception:  # noqa: BLE001 - a file libcst cannot read costs what it cost
        pass
    return 0


def parse_bound(root: str, jobs: int) -> tuple[float, int, int]:
    """(seconds, files, lines) of bare ``libcst.parse_module`` on ``jobs`` processes."""
    import multiprocessing

    from analyzers.discovery import discover
    from analyzers.source import DEFAULT_MAX_FILE_BYTES, Rejected, decode, read_bytes

    texts = []
    for entry in discover(root).files:
        try:
            if os.path.getsize(entry.real_path) <= DEFAULT_MAX_FILE_BYTES:
                texts.append(decode(read_bytes(entry.real_path)).text)
        except (Rejected, OSError):
            pass
    texts.sort(key=len, reverse=True)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(_parse, ["pass\n"] * jobs)  # workers up and libcst imported: not timed
        start = time.perf_counter()
        for _ in pool.imap_unordered(_parse, texts, chunksize=1):
            pass
        elapsed = time.perf_counter() - start
    return elapsed, len(texts), sum(t.count("\n") for t in texts)


# --- one instrumented CLI run (in the child) --------------------------------------------------
def instrumented_main(argv: list[str], timings_file: str) -> int:
    """``advisor.cli.main(argv)`` with the stages timed; the times go to ``timings_file``."""
    import advisor.analysis as analysis
    import advisor.assess as assess
    import analyzers.codebase as codebase

    times = analysis.StageTimes()
    assess_path, discover = assess.assess_path, codebase.discover

    def timed(name, function):
        def wrapper(*args, **kwargs):
            with times.stage(name):
                return function(*args, **kwargs)
        return wrapper

    assess.assess_path = lambda *a, **k: assess_path(*a, timings=times, **k)
    codebase.discover = timed("discovery", discover)
    import advisor.cli as cli

    start = time.perf_counter()
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    times.seconds["total"] = time.perf_counter() - start
    # discovery runs inside collect: the parse is what is left of it
    times.seconds["parse"] = times.seconds.get("parse", 0.0) - times.seconds.get("discovery", 0)
    with open(timings_file, "w", encoding="utf-8") as fh:
        json.dump(times.seconds, fh)
    return int(code or 0)


def run_analyze(root: str, out: str, cache: str, extra: tuple[str, ...] = ()) -> dict:
    timings = os.path.join(out, "timings.json")
    os.makedirs(out, exist_ok=True)
    argv = ["analyze", root, "-o", out, "--cache-dir", cache, "-q", *extra]
    cmd = [sys.executable, os.path.abspath(__file__), "--child", timings, "--", *argv]
    wall, sampler, returncode, err = measured(cmd, cwd=HERE)
    if returncode != 0:
        raise SystemExit(f"advisor analyze {root} failed ({returncode}): {err[-2000:]}")
    with open(timings, encoding="utf-8") as fh:
        stages = json.load(fh)
    with open(os.path.join(out, "assessment.json"), "rb") as fh:
        document = fh.read()
    return {"wall_s": wall, "rss_mb": sampler.peak_rss_kb / 1024,
            "pss_mb": sampler.peak_pss_kb / 1024, "stages": stages, "document": document}


# --- the corpora ------------------------------------------------------------------------------
def saleor_root(path: str) -> str | None:
    with open(os.path.join(HERE, "benchmarks", "truth", "saleor.toml"), "rb") as fh:
        pinned = tomllib.load(fh)["repository"]["commit"]
    fetch = (f"git clone https://github.com/saleor/saleor {path} && "
             f"git -C {path} checkout {pinned}")
    if not os.path.isdir(os.path.join(path, ".git")):
        print(f"saleor: skipped, no clone at {path}; get it with:\n  {fetch}")
        return None
    head = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    if head != pinned:
        print(f"saleor: skipped, {path} is at {head[:12]}, not the pinned {pinned[:12]}:\n"
              f"  git -C {path} checkout {pinned}")
        return None
    return path


def django_root() -> str | None:
    from tests.corpora import corpus_root

    try:
        return str(corpus_root("django", "6.1.3"))
    except BaseException as exc:  # noqa: BLE001 - pytest.skip when offline
        print(f"django: skipped ({exc})")
        return None


def edited_copy(root: str, dest: str) -> str:
    """A copy of ``root`` with one module edited the way a small pull request edits it: a
    function added, no import changed. A git ``root`` is cloned (a local clone: its objects
    hard-linked, not borrowed, since history is never read through ``objects/info/alternates``)
    at its commit, and the edit is committed on top, so the run meets a new HEAD as CI does on
    a pull request; anything else is copied. Returns the edited file's path."""
    import shutil

    is_git = os.path.isdir(os.path.join(root, ".git"))
    if is_git:
        head = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        subprocess.run(["git", "clone", "-q", "--no-checkout", root, dest], check=True)
        subprocess.run(["git", "-C", dest, "checkout", "-q", head], check=True)
    else:
        shutil.copytree(root, dest, symlinks=True)
    from analyzers.discovery import discover

    modules = sorted(f.path for f in discover(dest).files if not f.path.endswith("__init__.py")
                     and "test" not in f.path)
    edited = modules[len(modules) // 2]
    with open(os.path.join(dest, edited), "a", encoding="utf-8") as fh:
        fh.write("\n\ndef _benchmark_edit():\n    return 1\n")
    if is_git:  # an hour after HEAD: the history window (which ends at HEAD) moves an hour
        stamp = subprocess.run(["git", "-C", dest, "log", "-1", "--format=%ct"],
                               capture_output=True, text=True, check=True).stdout.strip()
        when = f"@{int(stamp) + 3600} +0000"
        who = ["-c", "user.name=Benchmark", "-c", "user.email=bench@example.invalid"]
        subprocess.run(["git", "-C", dest, *who, "commit", "-q", "-m", "benchmark edit",
                        "--", edited], check=True,
                       env={**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    return edited


def measure(name: str, root: str, jobs: int, scratch: str) -> dict:
    # the bound before and after the cold run, and their mean as the reference: on a shared
    # machine the second of two long full-load runs is the slower (measured: a cold run 10%
    # slower right after 40 s of load than after an idle minute), so neither goes first alone
    before_s, files, lines = parse_bound(root, jobs)
    cache = os.path.join(scratch, f"{name}-cache")
    cold = run_analyze(root, os.path.join(scratch, f"{name}-cold"), cache)
    after_s = parse_bound(root, jobs)[0]
    bound_s = (before_s + after_s) / 2
    warm = run_analyze(root, os.path.join(scratch, f"{name}-warm"), cache)
    copy = os.path.join(scratch, f"{name}-edited")
    edited = edited_copy(root, copy)
    changed = run_analyze(copy, os.path.join(scratch, f"{name}-changed"), cache)
    return {"name": name, "files": files, "lines": lines, "bound_s": bound_s,
            "bounds": (before_s, after_s), "cold": cold,
            "warm": warm, "changed": changed, "edited": edited,
            "identical": cold["document"] == warm["document"]}


def print_table(results: list[dict], jobs: int) -> None:
    print(f"\n{'':26}" + "".join(f"{r['name']:>14}" for r in results))

    def row(label, values):
        print(f"{label:26}" + "".join(f"{v:>14}" for v in values))

    row("files / lines", [f"{r['files']}/{r['lines'] // 1000}k" for r in results])
    row(f"bare parse, {jobs} cores (s)", [f"{r['bound_s']:.1f}" for r in results])
    row("  before / after cold (s)", [f"{r['bounds'][0]:.1f}/{r['bounds'][1]:.1f}"
                                      for r in results])
    row("analyze cold (s)", [f"{r['cold']['wall_s']:.1f}" for r in results])
    row("ratio bound / cold", [f"{r['bound_s'] / r['cold']['wall_s']:.2f}" for r in results])
    row("analyze warm (s)", [f"{r['warm']['wall_s']:.1f}" for r in results])
    row("warm / bound", [f"{r['warm']['wall_s'] / r['bound_s']:.2f}" for r in results])
    row("one file edited (s)", [f"{r['changed']['wall_s']:.1f}" for r in results])
    for run in ("cold", "warm", "changed"):
        print(f"stages, {run} run (s):")
        for stage in (*STAGES, "total"):
            row(f"  {stage}", [f"{r[run]['stages'].get(stage, 0.0):.2f}" for r in results])
    row("peak tree RSS cold (MB)", [f"{r['cold']['rss_mb']:.0f}" for r in results])
    row("peak tree RSS warm (MB)", [f"{r['warm']['rss_mb']:.0f}" for r in results])
    row("peak tree RSS edited (MB)", [f"{r['changed']['rss_mb']:.0f}" for r in results])
    row("warm document == cold", ["yes" if r["identical"] else "NO" for r in results])
    for r in results:
        print(f"{r['name']}: the edited copy is a clone with {r['edited']} edited (and "
              "committed, in a git corpus): a new path and a new HEAD, so the whole run is not "
              "reused, per-file facts are")


# --- the stress shapes ------------------------------------------------------------------------
def _growth(label: str, unit: str, points: list[tuple[int, float]]) -> None:
    """Print a doubling series and how the memory grows: with RSS = a + b*n the increments
    double with n (ratio 2 per doubling); with the square of n they would quadruple."""
    for n, mb in points:
        print(f"  {label} {n:>7,} {unit}: peak {mb:6.0f} MB")
    steps = [b[1] - a[1] for a, b in zip(points, points[1:])]
    if len(steps) >= 2 and steps[0] > 5:
        per_doubling = (max(steps[-1], 0) / steps[0]) ** (1 / (len(steps) - 1))
        growth = ("less than linear" if per_doubling < 1.5 else "linear"
                  if per_doubling <= 2.5 else "FASTER THAN LINEAR")
        print(f"  increments {', '.join(f'{d:+.0f}' for d in steps)} MB: x{per_doubling:.1f} per "
              f"doubling ({growth}; linear is x2, the square x4)")
    else:
        print(f"  increments {', '.join(f'{d:+.0f}' for d in steps)} MB: too small to tell a "
              "growth rate (flat)")


def stress(scratch: str) -> None:
    """The two shapes the untrusted-repositories issue bounds, each as a doubling series
    ending at its bound: git history up to 20,000 commits, a dense graph up to 5,000 modules."""
    from benchmarks.bench_dense import write_tree
    from benchmarks.bench_history import LAYOUT_VERSION, build, measure_child, stress_stream

    files, per_commit = 4_000, 50
    print(f"\nhistory, commits of {per_commit} files out of {files:,} (collect_history in a "
          "fresh interpreter):")
    points = []
    for commits in (5_000, 10_000, 20_000):
        repo = build(f"stress-{commits}x{per_commit}-of-{files}-v{LAYOUT_VERSION}",
                     lambda commits=commits: stress_stream(commits, files, per_commit))
        h = measure_child(repo, 0)
        if "failed" in h:
            print(f"  {commits:,} commits: FAILED {h['failed']}")
            return
        print(f"  {commits:>7,} commits: {h['seconds']:.1f} s, python {h['rss_mb']:.0f} MB + "
              f"git {h['git_rss_mb']:.0f} MB, {h['pairs']:,} co-change pairs kept")
        points.append((commits, h["rss_mb"]))
    _growth("history", "commits", points)
    print("\ndense import graph, 10-20 imports per module, advisor analyze --no-git:")
    points = []
    for modules in (1_250, 2_500, 5_000):
        tree = os.path.join(scratch, f"dense-{modules}")
        edges = write_tree(tree, modules, (10, 20), 1)
        dense = run_analyze(tree, os.path.join(scratch, f"dense-{modules}-out"),
                            os.path.join(scratch, f"dense-{modules}-cache"), ("--no-git",))
        print(f"  {modules:>7,} modules, {edges:,} imports: {dense['wall_s']:.1f} s (clustering "
              f"{dense['stages'].get('clustering', 0):.1f} s), peak RSS {dense['rss_mb']:.0f} MB")
        # PSS: the forked copies that share the seed runs and the rendering share the parent's
        # pages, which a sum of RSS counts once per copy
        points.append((modules, dense["pss_mb"]))
    _growth("dense (PSS)", "modules", points)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return instrumented_main(argv[3:], argv[1])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=("saleor", "django"))
    parser.add_argument("--saleor", default="/tmp/repos/saleor", help="the saleor clone")
    parser.add_argument("--no-stress", action="store_true",
                        help="leave out the 20k-commit history and the dense 5k-module graph")
    args = parser.parse_args(argv)
    from analyzers.workers import default_jobs

    jobs = default_jobs()
    roots = {"saleor": lambda: saleor_root(args.saleor), "django": django_root}
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-analyze-") as scratch:
        for name in args.corpus or ("saleor", "django"):
            root = roots[name]()
            if root:
                results.append(measure(name, root, jobs, scratch))
        if results:
            print_table(results, jobs)
        if not args.no_stress:
            stress(scratch)
    ok = all(r["identical"] for r in results)
    for r in results:
        if r["name"] == "saleor":
            print(f"saleor targets: ratio {r['bound_s'] / r['cold']['wall_s']:.2f} "
                  f"(>= {TARGET_RATIO}), warm {r['warm']['wall_s']:.1f} s (<= {TARGET_WARM_S}),"
                  f" peak RSS {max(r['cold']['rss_mb'], r['warm']['rss_mb']):.0f} MB "
                  f"(< {TARGET_RSS_MB})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
