"""Benchmark ``analyzers.history.collect_history`` on a synthetic repository.

    python benchmarks/bench_history.py [--commits 10000] [--runs 3]
    python benchmarks/bench_history.py --stress [--commits 20000] [--files 4000] [--per-commit 50]

The repository is built once with ``git fast-import`` (seconds, not minutes) and cached under
``$XDG_CACHE_HOME`` or ``~/.cache/monolith-advisor/`` (never inside this repository): a few hundred
files in modules, several authors with favourite modules, renames, merges, and now and then a
commit touching far more files than the co-change cap. The reference is a bare
``git log --name-status -M`` on the same repository (what the history needs: the changed
paths and renames); ``git log --numstat``, which the history read until it dropped the line
counts nothing used, is printed beside it.

``--stress`` is the shape from issue 15: every commit changes ``--per-commit`` files drawn at
random from ``--files`` (so co-change pairs grow with commits x per-commit squared), all inside
the default one-year window. ``collect_history(repo)`` then runs once in a child process, which
reports its time and peak RSS (its own and git's); ``--limit-mb`` caps the child's address space
so a run that would take the whole machine fails early instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analyzers.gitrunner import locate_repository  # noqa: E402
from analyzers.history import collect_history, log_args, parse_log, run_git  # noqa: E402

LAYOUT_VERSION = "1"
MODULES = 12
FILES_PER_MODULE = 25
AUTHORS = ("Ada Lovelace", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra",
           "Grace Hopper", "Ken Thompson", "Margaret Hamilton", "Niklaus Wirth")
START = 1_640_995_200  # 2022-01-01T00:00:00Z
STEP = 3_600  # one commit an hour


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "monolith-advisor", "bench_history")


def fast_import_stream(commits: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    paths = [f"shop/mod{m:02d}/part{k:02d}.py" for m in range(MODULES)
             for k in range(FILES_PER_MODULE)]
    contents = {p: [f"# {p}\n"] + [f"value_{i} = {i}\n" for i in range(40)] for p in paths}
    favourite = {a: rng.randrange(MODULES) for a in AUTHORS}
    out: list[bytes] = []
    mark = 0
    when = START

    def blob_cmd(path: str) -> bytes:
        data = "".join(contents[path]).encode()
        return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)

    def touch(path: str) -> None:
        lines = contents[path]
        lines[rng.randrange(1, len(lines))] = f"value_x = {rng.random()!r}\n"
        lines.append(f"extra_{len(lines)} = {rng.randrange(1000)}\n")

    def commit(ref: str, author: str, body: list[bytes], parents: list[bytes]) -> int:
        nonlocal mark, when
        mark += 1
        when += STEP
        email = author.lower().replace(" ", ".") + "@example.com"
        msg = b"change %d\n" % mark
        head = [b"commit %s\n" % ref.encode(), b"mark :%d\n" % mark,
                b"author %s <%s> %d +0000\n" % (author.encode(), email.encode(), when),
                b"committer %s <%s> %d +0000\n" % (author.encode(), email.encode(), when),
                b"data %d\n%s" % (len(msg), msg)]
        out.extend(head + parents + body + [b"\n"])
        return mark

    # the first commit adds every file
    commit("refs/heads/main", AUTHORS[0], [blob_cmd(p) for p in paths], [])
    made = 1
    while made < commits:
        author = rng.choice(AUTHORS)
        module = favourite[author] if rng.random() < 0.7 else rng.randrange(MODULES)
        in_module = [p for p in paths if p.startswith(f"shop/mod{module:02d}/")]
        if made % 500 == 250:  # a mass change, over the co-change cap
            chosen = rng.sample(paths, 120)
        else:
            chosen = rng.sample(in_module, min(len(in_module), rng.randint(1, 6)))
            if rng.random() < 0.1:
                chosen.append(rng.choice(paths))
        body = []
        if made % 300 == 150:  # a rename
            old = rng.choice(paths)
            new = old.replace(".py", f"_v{made}.py")
            contents[new] = contents.pop(old)
            paths[paths.index(old)] = new
            body.append(b"D %s\n" % old.encode())
            chosen = [new]
        for path in sorted(set(chosen)):
            touch(path)
            body.append(blob_cmd(path))
        if made % 100 == 50 and made + 2 <= commits:  # a side branch and its merge
            out.append(b"reset refs/heads/side\nfrom refs/heads/main\n\n")
            side = commit("refs/heads/side", author, body, [])
            commit("refs/heads/main", AUTHORS[-1], body, [b"merge :%d\n" % side])
            made += 2
        else:
            commit("refs/heads/main", author, body, [])
            made += 1
    return b"".join(out)


def stress_stream(commits: int, files: int, per_commit: int, seed: int = 15) -> bytes:
    """Issue 15's shape: each commit changes ``per_commit`` random files out of ``files``."""
    rng = random.Random(seed)
    paths = [f"big/d{i // 100:03d}/f{i:05d}.py" for i in range(files)]
    version = dict.fromkeys(paths, 0)
    step = (360 * 86_400) // max(commits, 1)  # all inside the default one-year window
    out: list[bytes] = []
    when = START

    def blob_cmd(path: str) -> bytes:
        data = f"# {path}\nversion = {version[path]}\n".encode()
        return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)

    for n in range(1, commits + 1):
        when += step
        author = AUTHORS[n % len(AUTHORS)]
        email = author.lower().replace(" ", ".") + "@example.com"
        chosen = paths if n == 1 else sorted(rng.sample(paths, per_commit))
        for path in chosen:
            version[path] += 1
        msg = b"change %d\n" % n
        out += [b"commit refs/heads/main\n",
                b"author %s <%s> %d +0000\n" % (author.encode(), email.encode(), when),
                b"committer %s <%s> %d +0000\n" % (author.encode(), email.encode(), when),
                b"data %d\n%s" % (len(msg), msg), *map(blob_cmd, chosen), b"\n"]
    return b"".join(out)


def build(name: str, stream) -> str:
    repo = os.path.join(cache_dir(), name)
    done = os.path.join(repo, ".git", "advisor-bench-complete")
    if os.path.exists(done):
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    git = ["git", "-C", repo]
    subprocess.run(git + ["init", "-q"], check=True)
    t = time.perf_counter()
    subprocess.run(git + ["fast-import", "--quiet"], input=stream(), check=True)
    subprocess.run(git + ["symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run(git + ["read-tree", "HEAD"], check=True)
    print(f"built {repo} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    with open(done, "w") as fh:
        fh.write("ok\n")
    return repo


def measure_child(repo: str, limit_mb: int) -> dict:
    """Run ``collect_history(repo)`` once in a fresh interpreter: seconds, peak RSS, counts."""
    code = ("import json, resource, sys, time\n"
            f"sys.path.insert(0, {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))!r})\n"
            "if int(sys.argv[2]) > 0:\n"
            "    cap = int(sys.argv[2]) << 20\n"
            "    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
            "from analyzers.history import collect_history\n"
            "t = time.perf_counter()\n"
            "f = collect_history(sys.argv[1])\n"
            "s = time.perf_counter() - t\n"
            "r = resource.getrusage\n"
            "print(json.dumps({'seconds': s, 'rss_mb': r(resource.RUSAGE_SELF).ru_maxrss / 1024,\n"
            "    'git_rss_mb': r(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,\n"
            "    'commits': f.commits, 'files': len(f.files), 'pairs': len(f.co_changes),\n"
            "    'large': f.large_commits_ignored, 'note': f.note}))\n")
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, repo, str(limit_mb)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": f"exit {done.returncode} after {wall:.0f} s: {last}",
                "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
    return json.loads(done.stdout)


def stress(args: argparse.Namespace) -> int:
    name = f"stress-{args.commits}x{args.per_commit}-of-{args.files}-v{LAYOUT_VERSION}"
    repo = build(name, lambda: stress_stream(args.commits, args.files, args.per_commit))
    result = measure_child(repo, args.limit_mb)
    print(f"repository        {repo}")
    if "failed" in result:
        print(f"collect_history   FAILED: {result['failed']}")
        print(f"  peak RSS        {result['rss_mb']:.0f} MB (child)")
        return 1
    print(f"commits           {result['commits']}, files {result['files']}")
    print(f"co-change pairs   {result['pairs']} (large commits ignored: {result['large']})")
    print(f"collect_history   {result['seconds']:.1f} s")
    print(f"  peak RSS        {result['rss_mb']:.0f} MB (python), {result['git_rss_mb']:.0f} MB "
          "(git)")
    print(f"note              {result['note']}", flush=True)
    return 0


def best_of(runs: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=None,
                        help="default 10,000 (20,000 with --stress)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stress", action="store_true",
                        help="issue 15's shape: 20,000 commits x 50 random files of 4,000")
    parser.add_argument("--files", type=int, default=4_000)
    parser.add_argument("--per-commit", type=int, default=50)
    parser.add_argument("--limit-mb", type=int, default=0,
                        help="--stress: cap the child's address space (MB); 0: no cap")
    args = parser.parse_args(argv)
    args.commits = args.commits or (20_000 if args.stress else 10_000)
    if args.stress:
        return stress(args)
    repo = build(f"commits-{args.commits}-v{LAYOUT_VERSION}",
                 lambda: fast_import_stream(args.commits))

    def bare_log(*how: str):
        return lambda: subprocess.run(["git", "-C", repo, "log", *how], check=True,
                                      capture_output=True).stdout

    ours, facts = best_of(args.runs, lambda: collect_history(repo, window_days=0))
    bare, _ = best_of(args.runs, bare_log("--name-status", "-M"))
    numstat, _ = best_of(args.runs, bare_log("--numstat"))
    where = locate_repository(os.path.realpath(repo))
    our_git, out = best_of(args.runs, lambda: run_git(where, log_args(window_days=0)))
    parse, _ = best_of(args.runs, lambda: parse_log(out))
    print(f"repository        {repo}")
    print(f"commits           {facts.commits} (+ {facts.merges} merges), "
          f"{len(facts.authors)} authors")
    print(f"files             {len(facts.files)}")
    print(f"co-change pairs   {len(facts.co_changes)} "
          f"(large commits ignored: {facts.large_commits_ignored})")
    print(f"collect_history   {ours:.3f} s (best of {args.runs})")
    print(f"  its git log     {our_git:.3f} s ({len(out) / 1e6:.1f} MB of output)")
    print(f"  its parsing     {parse:.3f} s")
    print(f"git log --name-status -M {bare:.3f} s (bare reference)")
    print(f"git log --numstat {numstat:.3f} s (what the history read before it dropped line "
          "counts)")
    print(f"ratio             {ours / bare:.2f}x the bare git log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
