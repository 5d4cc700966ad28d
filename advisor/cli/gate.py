"""The CI gate's commands: ``advisor check`` and ``advisor baseline``."""

from __future__ import annotations

import os
import stat

import click

from advisor import __version__
from advisor.cli.common import EXIT_GATE_FAILED, EXIT_OK, _analyze, _note, _report_skips, _say
from advisor.cli.common import common_options
from advisor.errors import AdvisorError, InputError
from advisor.outputs import OutputError, check_target, write_files
from analyzers.gitrunner import enclosing_work_tree
from reports.gate_formats import FORMAT_NAMES as GATE_FORMATS


def _gate_inputs(path, config_path, baseline_file, need_baseline, read_baseline=True):
    """Settings and baseline, read before the (slower) analysis so their errors come first."""
    from advisor.analysis import check_root, load_settings
    from advisor.gate import default_path, load_baseline, load_gate_config

    root = check_root(path)
    load_settings(root, config_path)  # every section's errors at once, before the gate's alone
    gate = load_gate_config(root, config_path)
    baseline_path = baseline_file or default_path(root)
    baseline = None
    if read_baseline and (baseline_file or os.path.exists(baseline_path)):
        # the default baseline is the repository's: read only inside its root
        baseline = load_baseline(baseline_path, None if baseline_file else root)
    elif need_baseline:
        raise AdvisorError(f"{baseline_path}: no baseline to update",
                           "create one with 'advisor baseline PATH' first")
    return root, gate, baseline


HOME_URL = "https://github.com/monolith-advisor/monolith-advisor"  # when not installed
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def _home_url() -> str:
    """The tool's home page, from the installed package's [project.urls] Homepage."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("monolith-advisor").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "homepage" and url.strip():
            return url.strip().rstrip("/")
    return HOME_URL


def _source_root(root: str, sarif_root: str | None) -> str:
    """The folder SARIF paths are relative to: ``--sarif-root``, else the repository holding
    ``root`` (the nearest folder upwards with a ``.git``; only looked for, nothing in it is
    read or run), else ``root`` itself."""
    if sarif_root:
        given = os.path.realpath(sarif_root)
        if not os.path.isdir(given):
            raise InputError(f"--sarif-root {sarif_root}: not a directory",
                             "give the root of the repository the SARIF is uploaded for")
        if os.path.commonpath([given, root]) != given:
            raise InputError(f"--sarif-root {sarif_root}: does not contain the analysed "
                             f"folder {root}", "give the repository root that holds PATH")
        return given
    return enclosing_work_tree(root) or root


def _summary_target() -> str | None:
    """``$GITHUB_STEP_SUMMARY`` when set, checked like any output (no device, FIFO, folder)."""
    path = os.environ.get(SUMMARY_ENV)
    if path:
        check_target(path)
    return path or None


def _append(path: str, text: str) -> None:
    """Append ``text`` to ``path``, as GitHub expects of a job summary; refuse anything but a
    regular file (checked on the open file, so a swap after ``check_target`` is caught)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_NOCTTY,
                 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(f"{path}: not a regular file; the job summary was not written",
                              f"point {SUMMARY_ENV} at a file")
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


@click.command()
@click.argument("path", type=click.Path(), default=".")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), default=None,
              help="Baseline to ratchet against (default: PATH/.advisor-baseline.json, "
                   "when it exists).")
@click.option("--format", "fmt", type=click.Choice(GATE_FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--update-baseline", is_flag=True,
              help="Tighten the baseline: drop entries that no longer occur and lower improved "
                   "metric values. Never accepts new violations.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE instead of stdout (a summary goes to stderr).")
@click.option("--sarif-root", type=click.Path(file_okay=False), default=None,
              help="Make SARIF, GitHub annotation and job summary paths relative to DIR "
                   "(default: the git repository holding PATH): GitHub reads them from the "
                   "repository root.")
@common_options
def check(path, baseline_file, fmt, update_baseline, output, sarif_root, config_path, no_cache,
          cache_dir, jobs, quiet, **limits):
    """Gate the code base at PATH on coupling rules and contracts ([tool.advisor.gate]).

    Exit 0 when no new violation of error severity (warnings alone pass), 1 when there is
    one, 2 on a configuration, baseline or input error. Violations recorded in the baseline
    are known debt and do not fail; see docs/ci.md. When $GITHUB_STEP_SUMMARY is set, a
    Markdown summary is appended to that file.
    """
    from advisor.gate import render_baseline, run_gate, tighten
    from reports.gate_formats import format_gate, summary_line

    root, gate, baseline = _gate_inputs(path, config_path, baseline_file, update_baseline)
    source_root = _source_root(root, sarif_root)
    for target in [output] + ([baseline.path] if update_baseline else []):
        if target:
            check_target(target)
    summary_file = _summary_target()
    analysis = _analyze(path, config_path, no_cache, cache_dir, jobs, quiet, limits)
    result = run_gate(analysis, gate, baseline)
    prefix = os.path.relpath(root, os.path.realpath(os.getcwd())).replace(os.sep, "/")
    if prefix.startswith(".."):  # outside the working directory: absolute paths stay usable
        prefix = root.replace(os.sep, "/")
    home = _home_url()
    document = result.to_document(__version__, "" if prefix == "." else prefix, source_root,
                                  home, f"{home}/blob/main/docs/ci.md")
    text = format_gate(fmt, document)
    files = {output: text} if output else {}
    if update_baseline:
        tightened = tighten(baseline, result)
        before, after = render_baseline(baseline), render_baseline(tightened)
        if before != after:
            files[baseline.path] = after
    write_files(files)  # the report and the tightened baseline, both or neither
    if summary_file:
        from reports.gate_summary import render_summary  # Markdown helpers: not on the fast path

        _append(summary_file, render_summary(document))
    if output:
        _note(summary_line(document), quiet)
    else:
        click.echo(text, nl=False)
    if update_baseline:
        if before != after:
            _note(f"baseline tightened: {baseline.path} ({baseline.size - tightened.size} "
                  "entries removed; metric values lowered where they improved)", quiet)
        else:
            _note(f"baseline unchanged: {baseline.path}", quiet)
        if result.failed:
            _note("new violations were not added to the baseline; fix them, or accept them "
                  "explicitly with 'advisor baseline PATH'", quiet)
    _report_skips(analysis, quiet)
    return EXIT_GATE_FAILED if result.failed else EXIT_OK


@click.command("baseline")
@click.argument("path", type=click.Path(), default=".")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write it (default: PATH/.advisor-baseline.json).")
@common_options
def baseline_command(path, output, config_path, no_cache, cache_dir, jobs, quiet, **limits):
    """Accept the current state of PATH as the baseline 'advisor check' ratchets against.

    Records every current violation of [tool.advisor.gate] (keyed by rule and modules, not
    lines) and the metric values, as sorted JSON meant to be committed and reviewed.
    """
    from advisor.gate import (
        BaselineError,
        default_path,
        from_result,
        load_baseline,
        render_baseline,
        run_gate,
    )

    # the old baseline is only compared with, never required: a broken one is replaced
    root, gate, _ = _gate_inputs(path, config_path, None, False, read_baseline=False)
    target = output or default_path(root)
    check_target(target)
    analysis = _analyze(path, config_path, no_cache, cache_dir, jobs, quiet, limits)
    result = run_gate(analysis, gate, None)
    accepted = from_result(result, target)
    previous = None
    if os.path.exists(target):
        try:
            previous = load_baseline(target, None if output else root)
        except BaselineError:
            _note(f"note: {target} was not a valid baseline; replacing it", quiet)
    write_files({target: render_baseline(accepted)})
    _report_skips(analysis, quiet)
    if previous is not None:
        old = {(r, k) for r, keys in previous.violations.items() for k in keys}
        new = {(r, k) for r, keys in accepted.violations.items() for k in keys}
        _note(f"compared with the previous baseline: {len(new - old)} violation(s) added, "
              f"{len(old - new)} removed", quiet)
    metrics = sum(len(values) for values in accepted.metrics.values())
    _say(f"baseline: {target}: {accepted.size} violation(s) and {metrics} metric "
         "value(s) recorded")
    return EXIT_OK
