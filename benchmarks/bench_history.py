"""Benchmark ``analyzers.history.collect_history`` on a synthetic repository.

    python benchmarks/bench_history.py [--commits 10000] [--runs 3]

The repository is built once with ``git fast-import`` (seconds, not minutes) and cached under
``$XDG_CACHE_HOME`` or ``~/.cache/monolith-advisor/`` (never inside this repository): a few hundred
files in modules, several authors with favourite modules, renames, merges, and now and then a
commit touching far more files than the co-change cap. The reference is a bare
``git log --numstat`` on the same repository.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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


def build(commits: int) -> str:
    repo = os.path.join(cache_dir(), f"commits-{commits}-v{LAYOUT_VERSION}")
    done = os.path.join(repo, ".git", "advisor-bench-complete")
    if os.path.exists(done):
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    git = ["git", "-C", repo]
    subprocess.run(git + ["init", "-q"], check=True)
    t = time.perf_counter()
    subprocess.run(git + ["fast-import", "--quiet"], input=fast_import_stream(commits),
                   check=True)
    subprocess.run(git + ["symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run(git + ["read-tree", "HEAD"], check=True)
    print(f"built {repo} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    with open(done, "w") as fh:
        fh.write("ok\n")
    return repo


def best_of(runs: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    repo = build(args.commits)

    def bare_log() -> bytes:
        return subprocess.run(["git", "-C", repo, "log", "--numstat"], check=True,
                              capture_output=True).stdout

    ours, facts = best_of(args.runs, lambda: collect_history(repo, window_days=0))
    bare, _ = best_of(args.runs, bare_log)
    our_git, out = best_of(args.runs, lambda: run_git(repo, log_args(window_days=0)))
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
    print(f"git log --numstat {bare:.3f} s (bare reference)")
    print(f"ratio             {ours / bare:.2f}x the bare git log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
