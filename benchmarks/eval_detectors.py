"""Precision and recall of every detector over the labelled truth set (``benchmarks/truth/``).

    python benchmarks/eval_detectors.py [--repos DIR] [--only NAME ...] [--misses]

Each ``benchmarks/truth/<name>.toml`` names a public repository and a commit, and the facts a
reader of that repository states (see ``benchmarks/truth/README.md``). The repository must be
checked out at that commit in ``DIR/<name>`` (default ``$ADVISOR_TRUTH_REPOS``, else
``~/.cache/advisor-truth``); one that is not there is skipped with the commands that fetch it.
The tool runs on each as ``advisor analyze`` does (the facts cache is used); nothing of the
repository is imported or executed.

For each detector and repository, the tool's findings and the labels are compared as sets:
``path:line`` items, files, queue names, ``table -> owner`` pairs, ``from -> to`` foreign keys,
people's names (case-folded). A detector's precision is TP / (TP + FP) and its recall
TP / (TP + FN), summed over the repositories; "-" when there is nothing to divide. ``--misses``
prints every false positive and false negative, which is where to start fixing.

Target (the evidence issue): every detector at >= 0.9 precision and recall over the set.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TRUTH = Path(__file__).resolve().parent / "truth"
TARGET = 0.9
# (detector, section, key): the labels each detector is scored against
DETECTORS = (
    ("ci.runs_tests", "ci", "runs_tests"),
    ("ci.deploys", "ci", "deploys"),
    ("containers", "containers", "files"),
    ("iac", "iac", "files"),
    ("config.env", "config", "env_files"),
    ("workers.processes", "workers", "processes"),
    ("workers.queues", "workers", "queues"),
    ("resilience.timeouts", "resilience", "timeouts"),
    ("resilience.retries", "resilience", "retries"),
    ("resilience.breakers", "resilience", "circuit_breakers"),
    ("health.endpoints", "health", "endpoints"),
    ("health.probes", "health", "probes"),
    ("data.tables", "data", "tables"),
    ("data.cross_fks", "data", "cross_fks"),
    ("people.active", "people", "active"),
    ("people.several_teams", "people", "several_teams"),
)


def labels(truth: dict, section: str, key: str) -> set[str] | None:
    value = truth.get(section, {}).get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return {"yes"} if value else set()
    if isinstance(value, dict):
        if key == "tables":
            return {f"{table} -> {owner}" for table, owner in value.items()}
        return set(value)  # queues: the names
    if key == "active":
        return {v.casefold() for v in value}
    return set(value)


# --- what the tool finds -------------------------------------------------------------------------
def _lines(evidence, kinds, python: bool | None = None) -> set[str]:
    return {f"{e.path}:{e.line}" for e in evidence if e.kind in kinds and e.line
            and (python is None or e.path.endswith(".py") == python)}


def _files(evidence, kinds=None, python: bool | None = None) -> set[str]:
    return {e.path for e in evidence if (kinds is None or e.kind in kinds)
            and (python is None or e.path.endswith(".py") == python)}


def _queue_names(evidence) -> set[str]:
    names = set()
    for e in evidence:
        if e.kind == "queues" and "'" in e.detail:
            names.add(e.detail.split("'")[1])
    return names


def _owner(graph, module: str, django: bool) -> str:
    """The package that defines a model, as the labels name it: for Django the app package (a
    ``models`` package counts as its app), for other ORMs the package itself."""
    from advisor.graph import package_of

    parts = package_of(graph.modules[module]).split(".")
    if django and len(parts) > 1 and parts[-1] in ("models", "model"):
        parts.pop()
    return ".".join(parts)


def _data(analysis, django: bool) -> tuple[set[str], set[str]]:
    from advisor.data_ownership import build_data_ownership

    graph = analysis.graph
    owners = {name: _owner(graph, name, django) for name in graph.modules}
    data = build_data_ownership(graph, owners)
    tables = {f"{m.table} -> {owners[m.module]}" for m in data.models if m.table}
    # keys may point at tables outside the code base (django.contrib.auth's auth_user)
    by_name = {m.qualname: m for m in (*data.models, *data.external_models)}
    fks = set()
    for fk in data.foreign_keys:
        source, target = by_name.get(fk.source), by_name.get(fk.target)
        if source and target and source.table and target.table and fk.crosses:
            fks.add(f"{source.table} -> {target.table}")
    return tables, fks


def _people(analysis) -> tuple[set[str], bool]:
    from advisor.readiness.inputs import active_people, several_teams

    people = active_people(analysis.history, analysis.ownership)
    return {p.casefold() for p in people}, several_teams(people, analysis.ownership)


def findings(analysis, django: bool) -> dict[str, set[str]]:
    ops = analysis.operations
    tables, fks = _data(analysis, django)
    people, teams = _people(analysis)
    return {
        "ci.runs_tests": _lines(ops.ci, {"runs_tests"}),
        "ci.deploys": _lines(ops.ci, {"deploys"}),
        "containers": _files(ops.containers),
        "iac": _files(ops.iac),
        "config.env": _files(ops.config, {"env_vars", "pydantic-settings", "django-environ",
                                          "python-decouple", "dynaconf"}, python=True),
        "workers.processes": _lines(ops.messaging, {"worker"}),
        "workers.queues": _queue_names(ops.messaging),
        "resilience.timeouts": _files(ops.resilience, {"timeout"}, python=True),
        "resilience.retries": _files(ops.resilience, {"retry"}, python=True),
        "resilience.breakers": _files(ops.resilience, {"circuit_breaker"}, python=True),
        "health.endpoints": _lines(ops.observability, {"health_check"}, python=True),
        "health.probes": _lines(ops.observability, {"health_check"}, python=False),
        "data.tables": tables,
        "data.cross_fks": fks,
        "people.active": people,
        "people.several_teams": {"yes"} if teams else set(),
    }


# --- scoring -------------------------------------------------------------------------------------
_FILE_SECTIONS = ("ci", "containers", "iac", "config", "workers", "resilience", "health")


def _same_file(repo: Path, item: str) -> str:
    """``path`` or ``path:line`` with the path as the file it really is inside ``repo``."""
    path, sep, line = item.partition(":")
    real = os.path.realpath(repo / path)
    root = os.path.realpath(repo)
    if real.startswith(root + os.sep):
        path = os.path.relpath(real, root).replace(os.sep, "/")
    return path + sep + line
def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _fmt(x: float | None) -> str:
    return "    -" if x is None else f"{x:5.2f}"


def _head(repo: Path) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=30, check=False)
    except OSError:
        return None
    return done.stdout.strip() or None


def _fetch_line(truth: dict, where: Path) -> str:
    repo = truth["repository"]
    url = "https://github.com/" + repo["source"].removeprefix("github:")
    return f"git clone {url} {where} && git -C {where} checkout {repo['commit']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("ADVISOR_TRUTH_REPOS") or os.path.expanduser("~/.cache/advisor-truth")
    parser.add_argument("--repos", default=default,
                        help=f"checked-out repositories (default {default})")
    parser.add_argument("--only", nargs="*", help="truth files to run (stems)")
    parser.add_argument("--misses", action="store_true", help="print every FP and FN")
    args = parser.parse_args(argv)

    from advisor.analysis import analyze_path

    truths = sorted(TRUTH.glob("*.toml"))
    if args.only:
        truths = [t for t in truths if t.stem in args.only]
    rows: list[tuple[str, str, int, int, int]] = []
    skipped = []
    agree: dict[str, list[bool]] = {name: [] for name, _, _ in DETECTORS}
    held_out: set[str] = set()
    for path in truths:
        truth = tomllib.loads(path.read_text(encoding="utf-8"))
        if truth["repository"].get("held_out"):
            held_out.add(path.stem)
        where = Path(args.repos) / path.stem
        commit = truth["repository"]["commit"]
        if not where.is_dir():
            skipped.append(f"{path.stem}: not on disk; fetch it with: {_fetch_line(truth, where)}")
            continue
        head = _head(where)
        if head != commit:
            skipped.append(f"{path.stem}: {where} is at {head}, labelled at {commit}; run: "
                           f"git -C {where} checkout {commit}")
            continue
        start = time.perf_counter()
        analysis = analyze_path(str(where.resolve()), repository_facts=True)
        found = findings(analysis, truth.get("data", {}).get("orm") == "django")
        print(f"{path.stem}: analysed in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        for name, section, key in DETECTORS:
            expected = labels(truth, section, key)
            if expected is None:
                continue
            got = found[name]
            if section in _FILE_SECTIONS:  # one file under two names (a link) is one item
                expected = {_same_file(where, e) for e in expected}
                got = {_same_file(where, g) for g in got}
            scope = truth.get(section, {}).get(f"{key}_scope")  # packages labelled, if partial
            if scope:
                inside = lambda item: any(  # noqa: E731
                    item.rpartition(" -> ")[2] == p or item.rpartition(" -> ")[2]
                    .startswith(p + ".") for p in scope)
                got = {g for g in got if inside(g)}
            tp, fp, fn = len(got & expected), len(got - expected), len(expected - got)
            rows.append((name, path.stem, tp, fp, fn))
            if isinstance(truth.get(section, {}).get(key), bool):  # a yes/no fact
                agree[name].append(got == expected)
            if args.misses and (fp or fn):
                for item in sorted(got - expected):
                    print(f"  FP {name} {path.stem}: {item}")
                for item in sorted(expected - got):
                    print(f"  FN {name} {path.stem}: {item}")

    repos = sorted({r[1] for r in rows})
    print("\nper detector and repository (precision/recall; TP FP FN)")
    for name, _, _ in DETECTORS:
        cells = []
        for repo in repos:
            row = next((r for r in rows if r[0] == name and r[1] == repo), None)
            if row is None:
                continue
            _, _, tp, fp, fn = row
            if tp + fp + fn:
                cells.append(f"{repo} {_fmt(_ratio(tp, tp + fp)).strip()}/"
                             f"{_fmt(_ratio(tp, tp + fn)).strip()} ({tp} {fp} {fn})")
        print(f"  {name:22} " + "; ".join(cells))
    failing = []
    for title, chosen in (("", sorted(set(repos) - held_out)),
                          ("held out (labelled by someone who never saw the detectors) ",
                           sorted(set(repos) & held_out))):
        if not chosen:
            continue
        print(f"\n{title}{'detector':22} {'prec':>5} {'recall':>6}   TP   FP   FN   over "
              f"{len(chosen)} repositories: {', '.join(chosen)}")
        for name, _, _ in DETECTORS:
            tp, fp, fn = (sum(r[i] for r in rows if r[0] == name and r[1] in chosen)
                          for i in (2, 3, 4))
            p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
            ok = (p is None or p >= TARGET) and (r is None or r >= TARGET)
            if not ok:
                failing.append(f"{name}{' (held out)' if title else ''}")
            print(f"{name:22} {_fmt(p)} {_fmt(r):>6} {tp:4} {fp:4} {fn:4}   "
                  f"{'ok' if ok else 'BELOW'}")
    for name, verdicts in agree.items():
        if verdicts:
            print(f"{name}: a yes/no fact; the tool agrees with the label on "
                  f"{sum(verdicts)} of {len(verdicts)} repositories")
    for line in skipped:
        print("skipped " + line)
    print(f"\ntarget >= {TARGET} precision and recall: "
          + ("met" if not failing else "not met: " + ", ".join(failing)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
