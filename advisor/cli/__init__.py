"""The ``advisor`` command. The only package that prints or chooses exit codes.

Exit codes: 0 success (gate passed), 1 gate failed, 2 usage, configuration or input error, or
an output that cannot or must not be written (a full disk, a device), 3 internal error (one line;
``--debug`` shows the traceback), 130 interrupted. Whatever it prints from the analysed tree
goes through ``printable``: one line each, no terminal escapes.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import click

from advisor import __version__
from advisor.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    _analyze,
    _note,
    _report_skips,
    _say,
    common_options,
    progress_line,
)
from advisor.cli.gate import baseline_command, check
from advisor.cli.init import init
from advisor.errors import AdvisorError
from advisor.outputs import (
    GATE_FILE,
    IMPORTLINTER_FILE,
    REPORT_FORMATS,
    check_default_folder,
    check_target,
    os_error_hint,
    render_outputs,
    user_fixable,
    write_files,
)
from reports.terminal import printable

_MAX_ASSESSMENT_BYTES = 512 * 1024 * 1024  # a 1M-line code base writes tens of MB


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="advisor")
@click.option("--debug", is_flag=True, help="Show the full traceback of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Should this Python monolith stay a monolith, or which service goes first?

    \b
    advisor analyze PATH      full assessment: advisor-report/report.html + assessment.json
    advisor graph PATH        the module dependency graph as JSON or DOT on stdout
    advisor report FILE.json  re-render a saved assessment (HTML, Markdown or JSON)
    advisor check PATH        CI gate: coupling rules and contracts, exit 0/1/2
    advisor baseline PATH     accept today's violations so the gate fails only on new ones
    advisor init PATH         set up the gate: [tool.advisor.gate] in pyproject.toml + baseline

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
def analyze(path, outdir, no_git, config_path, no_cache, cache_dir, jobs, quiet, **limits):
    """Assess the code base at PATH and write the report.

    Writes OUTDIR/assessment.json (the versioned document every report is rendered from),
    OUTDIR/report.html (self-contained; open it in any browser, offline), OUTDIR/report.md (a
    summary for pull-request comments), and the proposed
    boundaries as contracts: OUTDIR/advisor-gate.toml ([tool.advisor.gate]) and
    OUTDIR/importlinter.ini.
    """
    from advisor.assess import assess_path
    from advisor.outputs import generated_at

    if click.get_current_context().get_parameter_source("outdir").name == "DEFAULT":
        check_default_folder(outdir)  # the working directory may be the untrusted repository
    names = {"json": "assessment.json", "html": "report.html", "markdown": "report.md"}
    for name in (*names.values(), GATE_FILE, IMPORTLINTER_FILE):
        check_target(os.path.join(outdir, name))  # before the (slower) analysis
    with progress_line(quiet) as progress:
        assessed = assess_path(path, config_path, file_names=names, use_cache=not no_cache,
                               cache_dir=cache_dir, jobs=jobs,
                               max_file_size_kb=limits.get("max_file_size_kb"),
                               parse_timeout_s=limits.get("parse_timeout"), progress=progress,
                               use_git=not no_git, output_dir=outdir)
    # all rendered, then all written or none: a failure leaves the previous set whole
    write_files({os.path.join(outdir, name): text
                 for name, text in sorted(assessed.texts(generated_at()).items())})
    for note in assessed.notes:
        _note(note, quiet)
    verdict, extract_first, score, files, lines, exported = assessed.summary
    _say(f"verdict: {verdict or 'not computed'}"
         + (f" (extract first: {extract_first})" if extract_first else "")
         + (f"; readiness {score:g}/100" if score is not None else ""))
    _say(f"analysed {files} files, {lines} lines; report: "
         f"{os.path.join(outdir, names['html'])}")
    if exported:
        _say("contracts: " + ", ".join(os.path.join(outdir, n) for n in exported))


@cli.command()
@click.argument("path", type=click.Path(), default=".")
@click.option("--format", "fmt", type=click.Choice(["json", "dot", "mermaid"]), default="json",
              show_default=True, help="JSON (nodes, edges), Graphviz DOT or a Mermaid flowchart.")
@click.option("--depth", type=click.IntRange(min=1), default=None, metavar="N",
              help="Fold every node into its first N dotted parts (shop.orders.models -> "
                   "shop.orders at 2): a graph Graphviz can lay out.")
@click.option("--focus", default=None, metavar="MODULE",
              help="Only MODULE (or the modules of that package) and its direct neighbours.")
@click.option("--cycles-only", is_flag=True,
              help="Only the nodes in dependency cycles and the edges inside each cycle.")
@click.option("--level", type=click.Choice(["module", "package"]), default="module",
              show_default=True, help="One node per module, or per package.")
@click.option("--kinds", default=None, metavar="LIST",
              help="Comma-separated edge kinds to keep: import, dynamic, call, inheritance, "
                   "reference (default: these five), string (framework strings such as "
                   "ForeignKey('app.Model'): only when named).")
@click.option("--exclude-tag", "exclude_tags", multiple=True,
              type=click.Choice(["lazy", "conditional", "type_checking"]),
              help="Drop import edges whose every import carries this tag (repeatable), e.g. "
                   "--exclude-tag type_checking.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE instead of stdout.")
@common_options
def graph(path, fmt, depth, focus, cycles_only, level, kinds, exclude_tags, output, config_path,
          no_cache, cache_dir, jobs, quiet, **limits):
    """Export the dependency graph of the code base at PATH.

    Edges are internal module -> module dependencies with their kinds (import, dynamic, call,
    inheritance, reference), weight (statements and uses behind them), source lines and import
    tags (lazy, conditional, type_checking). Progress and notes go to stderr, so stdout stays
    machine-readable.
    """
    from advisor.export import graph_document, shape, to_json
    from reports.dot import to_dot
    from reports.mermaid import to_mermaid
    from advisor.graph import EDGE_KINDS, filter_edges
    from advisor.string_edges import with_strings

    kind_list = None
    if kinds:
        kind_list = tuple(k.strip() for k in kinds.split(",") if k.strip())
        bad = [k for k in kind_list if k not in EDGE_KINDS]
        if bad:
            raise click.BadParameter(f"unknown kind {bad[0]!r}; choose from "
                                     f"{', '.join(EDGE_KINDS)}", param_hint="--kinds")
    if output:
        check_target(output)
    analysis = _analyze(path, config_path, no_cache, cache_dir, jobs, quiet, limits)
    edges = filter_edges(with_strings(analysis.graph, kind_list), kind_list, tuple(exclude_tags))
    document = graph_document(analysis.graph, edges, level)
    try:
        document = shape(document, depth, focus, cycles_only)
    except ValueError:
        raise click.BadParameter(f"no {level} named {focus!r} or inside it; list the names "
                                 "with 'advisor graph PATH --depth 2'",
                                 param_hint="--focus") from None
    if fmt == "json":
        document["skipped"] = [{"path": s.path, "reason": s.reason}
                               for s in analysis.facts.skipped]
    text = {"json": to_json, "dot": to_dot, "mermaid": to_mermaid}[fmt](document)
    if output:
        write_files({output: text})
    else:
        click.echo(text, nl=False)
    _report_skips(analysis, quiet)
    _note(f"{len(document['nodes'])} nodes, {len(document['edges'])} edges", quiet)


@cli.command()
@click.argument("assessment", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="The file to write, '-' for stdout (default: report.html, report.md or "
                   "report.json, after the format).")
@click.option("--format", "fmt", type=click.Choice(list(REPORT_FORMATS)), default=None,
              help="html (the full report), markdown (a summary for pull-request comments) or "
                   "json (the document itself). Default: from the -o extension, else html.")
def report(assessment, output, fmt):
    """Re-render a saved ASSESSMENT (assessment.json) without re-analysis.

    The report states the date it was made, except when SOURCE_DATE_EPOCH is set or
    ADVISOR_GOLDEN=1 (reproducible output).
    """
    from analyzers.source import Rejected, read_named

    try:
        document = json.loads(read_named(assessment, _MAX_ASSESSMENT_BYTES,
                                         "is this an assessment.json?").decode("utf-8"))
    except (Rejected, ValueError) as exc:
        raise AdvisorError(f"{assessment}: not a readable assessment document ({exc})",
                           "pass the assessment.json written by 'advisor analyze'") from None
    if not isinstance(document, dict) or "schema_version" not in document:
        raise AdvisorError(f"{assessment}: not an assessment document (no schema_version)",
                           "pass the assessment.json written by 'advisor analyze'")
    if not str(document["schema_version"]).startswith("1."):
        raise AdvisorError(f"{assessment}: schema version {document['schema_version']} is not "
                           "supported by this advisor", "re-run 'advisor analyze'")
    from advisor.document_schema import validate_document

    validate_document(document, source=assessment)  # the first bad field, before any output
    if fmt is None:
        extension = os.path.splitext(output or "")[1].lower()
        fmt = {".md": "markdown", ".markdown": "markdown", ".json": "json"}.get(extension, "html")
    output = output or f"report{REPORT_FORMATS[fmt]}"
    if output == "-":
        click.echo(render_outputs(document, (fmt,))[fmt], nl=False)
    else:
        check_target(output)
        write_files({output: render_outputs(document, (fmt,))[fmt]})
        _say(f"report: {output}")


cli.add_command(check)
cli.add_command(baseline_command)
cli.add_command(init)


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
        for line in exc.lines():  # several for settings: every error at once, one line each
            click.echo(printable(f"advisor: error: {line}"), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("advisor: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        if exc.filename is None and not user_fixable(exc):
            return _internal_error(exc, debug)  # not about a path the user gave: a bug
        # the file system refused a path (an output folder that is a file, a full disk...),
        # or stdout went to a full disk: the user can fix it
        if debug:
            traceback.print_exc()
        where = exc.filename if exc.filename is not None else "writing the output"
        click.echo(printable(f"advisor: error: {where}: {exc.strerror or exc} "
                             f"({os_error_hint(exc)}; rerun with --debug for the traceback)"),
                   err=True)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        return _internal_error(exc, debug)
    return result if isinstance(result, int) else EXIT_OK


def _internal_error(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    detail = (str(exc).strip().splitlines() or [""])[0][:300]  # one line, however long
    click.echo(printable(f"advisor: internal error: {type(exc).__name__}: {detail} (rerun with "
                         "--debug for the traceback, and please report it)"), err=True)
    return EXIT_INTERNAL


def _silence_stdout() -> None:
    """The reader of stdout went away (``advisor graph ... | head``): stop Python from
    complaining about it again when it flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
