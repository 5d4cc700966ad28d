"""The ``advisor`` command. The only module that prints or chooses exit codes.

Exit codes: 0 success (gate passed), 1 gate failed, 2 usage, configuration or input error,
3 internal error (one line; ``--debug`` shows the traceback), 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback

import click

from advisor import __version__
from advisor.errors import AdvisorError

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class _Progress:
    """One self-overwriting status line on stderr, only for a terminal and only after 1 s."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < 1.0:
            return
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{stage:<8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def _note(message: str, quiet: bool = False) -> None:
    if not quiet:
        click.echo(message, err=True)


def write_atomic(path: str, text: str) -> None:
    """Write via a temp file in the same folder and rename: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".advisor-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_common = [
    click.option("--config", "config_path", type=click.Path(dir_okay=False),
                 help="TOML file with the settings (default: PATH/pyproject.toml [tool.advisor])."),
    click.option("--no-cache", is_flag=True, help="Parse every file again; do not read or "
                 "write the facts cache."),
    click.option("--cache-dir", type=click.Path(file_okay=False),
                 help="Where parsed facts are cached (default ~/.cache/monolith-advisor)."),
    click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
                 help="Worker processes for parsing (default: one per core)."),
    click.option("--quiet", "-q", is_flag=True, help="No progress or notes on stderr."),
]


def common_options(func):
    for option in reversed(_common):
        func = option(func)
    return func


def _analyze(path, config_path, no_cache, cache_dir, jobs, quiet, repository_facts=False,
             use_git=True):
    from advisor.analysis import analyze_path

    progress = _Progress(not quiet)
    try:
        return analyze_path(path, config_path, use_cache=not no_cache, cache_dir=cache_dir,
                            jobs=jobs, progress=progress, repository_facts=repository_facts,
                            use_git=use_git)
    finally:
        progress.close()


def _report_skips(analysis, quiet: bool) -> None:
    skipped = analysis.facts.skipped
    if skipped and not quiet:
        _note(f"note: {len(skipped)} file(s) skipped (listed in the output), e.g. "
              f"{skipped[0].path}: {skipped[0].reason}")
    for note in analysis.facts.notes:
        _note(f"note: {note}", quiet)
    if analysis.history is not None and analysis.history.note:
        _note(f"note: {analysis.history.note}", quiet)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="advisor")
@click.option("--debug", is_flag=True, help="Show the full traceback of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Should this Python monolith stay a monolith, or which service goes first?

    \b
    advisor analyze PATH      full assessment: advisor-report/report.html + assessment.json
    advisor graph PATH        the module dependency graph as JSON or DOT on stdout
    advisor report FILE.json  re-render a saved assessment as HTML

    Nothing under PATH is imported or executed: the code is only parsed.
    Settings live in PATH/pyproject.toml under [tool.advisor] (see README).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("path", type=click.Path(), default=".")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False),
              default="advisor-report", show_default=True,
              help="Folder for report.html and assessment.json.")
@click.option("--no-git", is_flag=True,
              help="Do not read git history (churn, co-change, authors are then reported as "
                   "unknown).")
@common_options
def analyze(path, outdir, no_git, config_path, no_cache, cache_dir, jobs, quiet):
    """Assess the code base at PATH and write the report.

    Writes OUTDIR/assessment.json (the versioned document every report is rendered from) and
    OUTDIR/report.html (self-contained; open it in any browser, offline).
    """
    from advisor.assessment import build_assessment
    from reports.html import render_html

    analysis = _analyze(path, config_path, no_cache, cache_dir, jobs, quiet,
                        repository_facts=True, use_git=not no_git)
    document = build_assessment(analysis)
    json_path = os.path.join(outdir, "assessment.json")
    html_path = os.path.join(outdir, "report.html")
    write_atomic(json_path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    write_atomic(html_path, render_html(document))
    _report_skips(analysis, quiet)
    rec = document["recommendation"]
    click.echo(f"verdict: {rec['verdict'] or 'not computed'}"
               + (f" (extract first: {rec['extract_first']})" if rec["extract_first"] else ""))
    click.echo(f"analysed {document['target']['files_analyzed']} files, "
               f"{document['target']['lines']} lines; report: {html_path}")


@cli.command()
@click.argument("path", type=click.Path(), default=".")
@click.option("--format", "fmt", type=click.Choice(["json", "dot"]), default="json",
              show_default=True, help="JSON (nodes, edges) or Graphviz DOT.")
@click.option("--level", type=click.Choice(["module", "package"]), default="module",
              show_default=True, help="One node per module, or per package.")
@click.option("--kinds", default=None, metavar="LIST",
              help="Comma-separated edge kinds to keep: import, dynamic, call, inheritance, "
                   "reference (default: all).")
@click.option("--exclude-tag", "exclude_tags", multiple=True,
              type=click.Choice(["lazy", "conditional", "type_checking"]),
              help="Drop import edges whose every import carries this tag (repeatable), e.g. "
                   "--exclude-tag type_checking.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE instead of stdout.")
@common_options
def graph(path, fmt, level, kinds, exclude_tags, output, config_path, no_cache, cache_dir, jobs,
          quiet):
    """Export the dependency graph of the code base at PATH.

    Edges are internal module -> module dependencies with their kinds (import, dynamic, call,
    inheritance, reference), weight (statements and uses behind them), source lines and import
    tags (lazy, conditional, type_checking). Progress and notes go to stderr, so stdout stays
    machine-readable.
    """
    from advisor.export import graph_document, to_dot, to_json
    from advisor.graph import EDGE_KINDS, filter_edges

    kind_list = None
    if kinds:
        kind_list = tuple(k.strip() for k in kinds.split(",") if k.strip())
        bad = [k for k in kind_list if k not in EDGE_KINDS]
        if bad:
            raise click.BadParameter(f"unknown kind {bad[0]!r}; choose from "
                                     f"{', '.join(EDGE_KINDS)}", param_hint="--kinds")
    analysis = _analyze(path, config_path, no_cache, cache_dir, jobs, quiet)
    edges = filter_edges(analysis.graph, kind_list, tuple(exclude_tags))
    document = graph_document(analysis.graph, edges, level)
    if fmt == "json":
        document["skipped"] = [{"path": s.path, "reason": s.reason}
                               for s in analysis.facts.skipped]
    text = to_json(document) if fmt == "json" else to_dot(document)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    _report_skips(analysis, quiet)
    _note(f"{len(document['nodes'])} nodes, {len(document['edges'])} edges", quiet)


@cli.command()
@click.argument("assessment", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="The HTML file to write.")
def report(assessment, output):
    """Re-render a saved ASSESSMENT (assessment.json) as HTML, without re-analysis."""
    from reports.html import render_html

    try:
        with open(assessment, encoding="utf-8") as fh:
            document = json.load(fh)
    except (OSError, ValueError) as exc:
        raise AdvisorError(f"{assessment}: not a readable assessment document ({exc})",
                           "pass the assessment.json written by 'advisor analyze'") from None
    if not isinstance(document, dict) or "schema_version" not in document:
        raise AdvisorError(f"{assessment}: not an assessment document (no schema_version)",
                           "pass the assessment.json written by 'advisor analyze'")
    if not str(document["schema_version"]).startswith("1."):
        raise AdvisorError(f"{assessment}: schema version {document['schema_version']} is not "
                           "supported by this advisor", "re-run 'advisor analyze'")
    write_atomic(output, render_html(document))
    click.echo(f"report: {output}")


def main(argv: list[str] | None = None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        result = cli.main(args=argv, prog_name="advisor", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("advisor: interrupted", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except AdvisorError as exc:
        click.echo(f"advisor: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("advisor: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            traceback.print_exc()
        click.echo(f"advisor: internal error: {type(exc).__name__}: {exc} (rerun with --debug "
                   "for the traceback, and please report it)", err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK
