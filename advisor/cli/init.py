"""``advisor init``: start gating a project in one command (the logic: ``advisor.init_config``)."""

from __future__ import annotations

import os
import shlex
import tempfile

import click

from advisor.cli.common import EXIT_OK, _analyze, _note, _report_skips, _say, common_options
from advisor.outputs import check_target, write_files


@click.command("init")
@click.argument("path", type=click.Path(), default=".")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), default=None,
              help="Where to write the baseline (default: PATH/.advisor-baseline.json).")
@click.option("--force", is_flag=True,
              help="Replace an existing [tool.advisor.gate] table and baseline with a new "
                   "proposal.")
@common_options
def init(path, baseline_file, force, config_path, no_cache, cache_dir, jobs, quiet, **limits):
    """Set up the CI gate for the project at PATH.

    Writes the [tool.advisor.gate] table 'advisor analyze' proposes (the bounded contexts and
    the contracts between them) into PATH/pyproject.toml, or into the --config file (created
    when missing), keeping everything else in the file byte for byte; then writes the
    baseline that accepts today's violations, so 'advisor check' passes until a change adds
    a new one. Safe to re-run: an existing table and baseline are kept unless --force.
    """
    from advisor.analysis import check_root
    from advisor.gate import default_path
    from advisor.init_config import plan, read_config_file

    root = check_root(path)
    target = config_path or os.path.join(root, "pyproject.toml")
    todo = plan(read_config_file(target, bare_allowed=bool(config_path),
                                 root=None if config_path else root),
                baseline_file or default_path(root), force)
    if todo.write_table or todo.write_baseline:
        for file in (target, todo.baseline_path):
            check_target(file)  # before the (slower) analysis
        files, summary = _prepare(todo, path, config_path, no_cache, cache_dir, jobs, quiet,
                                  limits)
        write_files(files)
    else:
        summary = ()
    _say_done(todo, summary)
    _say_next(root, todo, config_path, baseline_file)
    return EXIT_OK


def _prepare(todo, path, config_path, no_cache, cache_dir, jobs, quiet, limits):
    """The files to write, and what each one holds in words."""
    from advisor.gate import from_result, load_gate_config, parse_gate, render_baseline, run_gate
    from advisor.init_config import gate_table, merged, proposed_table

    config = todo.config
    with tempfile.TemporaryDirectory(prefix="advisor-init-") as scratch:
        read_from = config_path
        if config_path and config.text is None:  # the file to create: settings are defaults
            read_from = os.path.join(scratch, "empty.toml")
            open(read_from, "w").close()
        analysis = _analyze(path, read_from, no_cache, cache_dir, jobs, quiet, limits,
                            repository_facts=todo.needs_assessment)
    files, summary = {}, []
    if todo.write_table:
        from advisor.assessment import build_assessment
        from advisor.plan import GATE_FILE

        table = proposed_table(build_assessment(analysis), GATE_FILE)
        values = gate_table(table)
        gate = parse_gate(values, f"{config.path} [tool.advisor.gate]",
                          os.path.realpath(config.path))
        files[config.path] = merged(config, table)
        summary.append(f"{len(values.get('contexts', {}))} context(s), "
                       f"{len(values.get('contracts', []))} contract(s)")
    else:
        gate = load_gate_config(path, config_path)
    result = run_gate(analysis, gate, None)  # a pattern that matches nothing fails here
    accepted = from_result(result, todo.baseline_path)
    if todo.write_baseline:
        files[todo.baseline_path] = render_baseline(accepted)
        metrics = sum(len(values) for values in accepted.metrics.values())
        summary.append(f"{accepted.size} violation(s) and {metrics} metric value(s) accepted "
                       "as known debt")
    _report_skips(analysis, quiet)
    if result.failed and todo.write_baseline:
        _note("note: today's violations are in the baseline; 'advisor check' fails only on "
              "new ones", quiet)
    return files, summary


def _say_done(todo, summary) -> None:
    config = _shown(todo.config.path)
    _say(f"wrote [tool.advisor.gate] to {config}: {summary[0]}" if todo.write_table else
         f"kept the [tool.advisor.gate] table in {config} (--force replaces it)")
    baseline = _shown(todo.baseline_path)
    _say(f"wrote the baseline {baseline}: {summary[-1]}" if todo.write_baseline else
         f"kept the baseline {baseline} (--force rewrites it)")


def _say_next(root, todo, config_path, baseline_file) -> None:
    """The two commands that follow: commit both files, run the gate as CI will."""
    files = (todo.config.path, todo.baseline_path)
    _say("next:")
    _say("  git add " + " ".join(shlex.quote(_shown(f)) for f in files)
         + " && git commit -m 'Gate coupling with advisor'")
    check = ["advisor", "check", _shown(root)]
    if config_path:
        check += ["--config", _shown(todo.config.path)]
    if baseline_file:
        check += ["--baseline", _shown(todo.baseline_path)]
    _say("  " + " ".join(shlex.quote(a) for a in check))


def _shown(path: str) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative
