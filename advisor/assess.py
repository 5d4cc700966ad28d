"""The ``analyze`` use case: a code base in, the rendered assessment out, and the whole run
reused when none of its inputs changed. Returns values, prints nothing.

A run is a function of its inputs: the Python files (``Snapshot.digest``: names, content
digests, packages, skips, scan options), the settings, the git history (by its facts), the
operations evidence (checked against the files it read, ``analyzers.operations_cache``),
CODEOWNERS, what the rendering reads from the environment (dates on or off, the repository
address, the Graphviz program) and the tool's own code and libraries. The rendered files are
kept in the result cache under the digest of all of them; the next run with the same inputs
reads the files, the history and the operations evidence again (all cheap, and all needed to
know nothing changed) and writes the kept outputs without parsing, clustering or rendering.

A run whose outputs depend on its environment (a file that hit the time limit, a worker that
crashed, an unusable facts cache, a diagram Graphviz failed or had no time left to draw) is not
kept. The date a report states is the run's own:
reports are kept with a placeholder that is replaced when they are written.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import secrets
import zlib
from dataclasses import dataclass

from advisor.analysis import Analysis, StageTimes, finish_analysis, start_analysis
from analyzers.codebase import Progress

_KIND = "run"
FORMATS = ("json", "html", "markdown")


@dataclass(frozen=True)
class Assessed:
    """What ``analyze`` writes and says. ``outputs``: file name (in the output folder) ->
    text, with ``date_mark`` standing for the date the reports state."""

    outputs: dict[str, str]
    summary: tuple  # (verdict, extract_first, score, files analysed, lines)
    notes: tuple[str, ...]  # lines for stderr (skipped files, notes of the analysis)
    date_mark: str | None  # None: the reports state no date

    def texts(self, date: str | None) -> dict[str, str]:
        """The outputs with the date put in (``date`` None: no date, as rendered)."""
        if self.date_mark is None:
            return dict(self.outputs)
        return {name: text.replace(self.date_mark, date or "")
                for name, text in self.outputs.items()}


def assess_path(path: str, config_path: str | None = None, *, file_names: dict[str, str],
                use_cache: bool = True, cache_dir: str | None = None, jobs: int | None = None,
                max_file_size_kb: float | None = None, parse_timeout_s: float | None = None,
                progress: Progress | None = None, use_git: bool = True,
                timings: StageTimes | None = None, output_dir: str | None = None) -> Assessed:
    """The assessment of the code base at ``path``, rendered: ``file_names`` maps each of
    ``FORMATS`` to its file name. Options as ``advisor.analysis.analyze_path``; ``output_dir``:
    where the outputs will be written, never read as evidence."""
    from advisor.outputs import generated_at

    timings = timings or StageTimes()
    started = start_analysis(path, config_path, use_cache=use_cache, cache_dir=cache_dir,
                             jobs=jobs, max_file_size_kb=max_file_size_kb,
                             parse_timeout_s=parse_timeout_s, progress=progress,
                             repository_facts=True, use_git=use_git, timings=timings,
                             output_dir=output_dir)
    date_mark = None if generated_at() is None else f"DATE{secrets.token_hex(12)}"
    kept = _RunCache.open(started, use_git, file_names) if started.results_dir else None
    try:
        if kept is not None:
            with timings.stage("reuse"):
                found = kept.lookup(started)
            if found is not None:
                return found
        analysis = finish_analysis(started)
        assessed = _assess(analysis, file_names, date_mark)
        if kept is not None and _reproducible(analysis, assessed):
            kept.store(analysis, assessed)
        return assessed
    finally:
        started.snapshot.release()  # parsers started ahead, if the run was reused (or failed)
        if kept is not None:
            kept.close()


def _assess(analysis: Analysis, file_names: dict[str, str], date_mark: str | None) -> Assessed:
    from advisor.assessment import build_assessment
    from advisor.outputs import render_outputs

    document = build_assessment(analysis)
    with analysis.timings.stage("rendering"):
        rendered = render_outputs(document, FORMATS, date=date_mark)
    rec = document["recommendation"]
    exported = (rec.get("contracts") or {}).get("files", {})
    outputs = {file_names[fmt]: text for fmt, text in rendered.items()} | dict(exported)
    summary = (rec["verdict"], rec["extract_first"], document["readiness"].get("score"),
               document["target"]["files_analyzed"], document["target"]["lines"],
               tuple(sorted(exported)))
    return Assessed(outputs, summary, analysis.notes(), date_mark)


def _reproducible(analysis: Analysis, assessed: Assessed) -> bool:
    """Whether the run's outputs are a function of its inputs alone (see the module doc): no
    file cost its time limit or crashed a worker, the cache was usable, and, Graphviz being
    there, every diagram was drawn (one is shown as DOT text when Graphviz fails or the time
    budget for diagrams is spent, which another run need not repeat)."""
    from reports.diagrams import SOURCE_SHOWN, find_renderer

    stats = analysis.facts.stats
    if stats.get("transient") or stats.get("cache_problems"):
        return False
    return find_renderer() is None or not any(SOURCE_SHOWN in text
                                              for text in assessed.outputs.values())


# --- the cache of whole runs ------------------------------------------------------------------
def _tool_digest() -> str:
    """The tool's code (every file of its three packages) and the libraries that shape its
    results: another version of any of them never reads a kept run."""
    from importlib.metadata import PackageNotFoundError, version

    import advisor
    import analyzers
    import reports
    from analyzers.cache import code_digest, inputs_digest

    paths = []
    for package in (advisor, analyzers, reports):
        for folder, dirs, files in os.walk(os.path.dirname(os.path.abspath(package.__file__))):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            paths += [os.path.join(folder, name) for name in sorted(files)
                      if name.endswith((".py", ".html", ".css", ".js", ".json", ".toml"))]
    base = os.path.dirname(os.path.dirname(os.path.abspath(advisor.__file__)))
    versions = []
    for name in ("libcst", "networkx", "jinja2", "graphviz", "markupsafe"):
        try:
            versions.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            versions.append(f"{name}=-")
    return inputs_digest(tuple(os.path.relpath(p, base) for p in paths), code_digest(*paths),
                         tuple(versions))


def _environment() -> tuple:
    """What rendering reads beyond the document: dates on or off, the repository address for
    links, the Graphviz program that draws the diagrams (by path, size and time)."""
    from advisor.outputs import generated_at, repository_url
    from reports.diagrams import find_renderer

    renderer = find_renderer()
    program = getattr(renderer, "binary", None) or repr(renderer)
    try:
        st = os.stat(program)
        drawn = (program, st.st_size, st.st_mtime_ns)
    except (OSError, TypeError, ValueError):
        drawn = (str(program), 0, 0)
    return (generated_at() is None, repository_url() or "", drawn)


class _RunCache:
    """Kept runs in the result cache: looked up by the code and settings (known before the
    background readers finish), confirmed by the history, operations and CODEOWNERS."""

    def __init__(self, results, key: str) -> None:
        self._results, self._key = results, key

    @classmethod
    def open(cls, started, use_git: bool, file_names: dict[str, str]) -> _RunCache | None:
        from analyzers.cache import inputs_digest, open_results

        results = open_results(started.results_dir)
        if results is None:
            return None
        config = started.config
        key = inputs_digest(_tool_digest(), started.snapshot.digest(started.scan),
                            repr(config.raw), config.source or "", use_git,
                            repr(sorted(file_names.items())), repr(_environment()))
        return cls(results, key)

    def close(self) -> None:
        self._results.close()

    def lookup(self, started) -> Assessed | None:
        blob = self._results.get(_KIND, self._key)
        if blob is None:
            return None
        try:
            inputs, packed, summary, notes, had_date = marshal.loads(blob)
            outputs = marshal.loads(zlib.decompress(packed))
        except (ValueError, EOFError, TypeError, zlib.error):
            return None
        history, operations = started.background_facts()
        if inputs != _side_inputs(started.root, history, operations):
            return None
        return Assessed(dict(outputs), tuple(summary), tuple(notes), had_date or None)

    def store(self, analysis: Analysis, assessed: Assessed) -> None:
        inputs = _side_inputs(analysis.facts.root, analysis.history, analysis.operations)
        packed = zlib.compress(marshal.dumps(assessed.outputs), 1)  # a tenth of the size
        self._results.put(_KIND, self._key, marshal.dumps(
            (inputs, packed, assessed.summary, assessed.notes, assessed.date_mark or "")))


def _side_inputs(root: str, history, operations) -> tuple:
    """Digests of the inputs read beside the code: history, operations evidence, CODEOWNERS."""
    from analyzers.history_cache import dump as dump_history
    from analyzers.operations_cache import dump as dump_operations
    from analyzers.ownership import load_codeowners
    from analyzers.source import Rejected

    try:
        owners = repr(load_codeowners(root))
    except Rejected as exc:
        owners = f"rejected: {exc}"
    return (hashlib.sha256(dump_history(history) if history is not None else b"").hexdigest(),
            hashlib.sha256(marshal.dumps(dump_operations(operations))).hexdigest(),
            hashlib.sha256(owners.encode("utf-8", "surrogatepass")).hexdigest())
