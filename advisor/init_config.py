"""``advisor init``: the ``[tool.advisor.gate]`` table and the baseline a project starts from.

The table is the one ``advisor analyze`` proposes (``advisor-gate.toml``: the bounded contexts,
the contracts between them, ``package-cycles = "warn"`` because a top package that wires its
sub-packages together forms package cycles by design). It goes into the project's
``pyproject.toml`` (or a ``--config`` file) with tomlkit, so every other byte of the file stays
as it was. The baseline accepts today's violations of that table, so ``advisor check`` passes
until a change adds a new one.

Re-running is safe: an existing table and an existing baseline are kept unless ``force``.
Nothing here prints; the CLI (``advisor.cli.init``) says what happened.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass

from advisor.config import parse_toml, read_toml_text
from advisor.errors import ConfigError

TOOL_KEYS = ("tool", "advisor", "gate")
HEADER = ("# Written by 'advisor init' from the bounded contexts 'advisor analyze' proposes.",
          "# Today's violations are accepted in the baseline; 'advisor check' fails on new",
          "# ones. Reference: docs/ci.md of monolith-advisor.")
# No contexts proposed (a small or flat project): the cycle rules alone, with the same
# allowance for a wiring package as the proposed table.
FALLBACK_TABLE = ('[tool.advisor.gate]\nmodule-cycles = "error"\n'
                  "# a project package that wires its sub-packages together forms package\n"
                  '# cycles by design\npackage-cycles = "warn"\n')


@dataclass(frozen=True)
class ConfigFile:
    """The settings file ``init`` writes to, as it is now."""

    path: str
    text: str | None  # None: the file does not exist yet
    keys: tuple[str, ...]  # where the gate table lives in it
    has_table: bool


def read_config_file(path: str, bare_allowed: bool, root: str | None = None) -> ConfigFile:
    """``path`` as it is. ``bare_allowed``: a ``--config`` file may hold the ``[tool.advisor]``
    keys at its top level (no ``tool`` table), as ``advisor.config.load_config`` reads it.
    ``root``: the analysed root, when ``path`` is the project's own ``pyproject.toml``: read
    only as a regular file inside it (never through a link leading out), like every file of
    the analysed tree."""
    if not os.path.lexists(path):
        return ConfigFile(path, None, TOOL_KEYS, False)
    text = read_toml_text(path, root)
    document = parse_toml(text, path)
    keys = ("gate",) if bare_allowed and document and "tool" not in document else TOOL_KEYS
    node = document
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return ConfigFile(path, text, keys, node is not None)


def proposed_table(assessment: dict, gate_file: str) -> str:
    """The ``[tool.advisor.gate]`` TOML ``advisor analyze`` exports for this assessment (its
    ``advisor-gate.toml``), with a header saying where it came from; the cycle rules alone when
    no contexts were proposed."""
    files = ((assessment.get("recommendation") or {}).get("contracts") or {}).get("files") or {}
    text = files.get(gate_file) or FALLBACK_TABLE
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "[tool.advisor.gate]")
    return "\n".join([lines[start], *HEADER, *lines[start + 1:]]).rstrip("\n") + "\n"


def gate_table(table_text: str) -> dict:
    """The gate table of ``table_text`` as plain values, for ``advisor.gate.parse_gate``."""
    return tomllib.loads(table_text)["tool"]["advisor"]["gate"]


def merged(config: ConfigFile, table_text: str) -> str:
    """The file's new text: its gate table replaced by (or, when it has none, added from)
    ``table_text``; everything else in it kept byte for byte."""
    import tomlkit

    document = tomlkit.parse(config.text or "")
    # the blank line after the table separates it from a table that follows it
    gate = tomlkit.parse(table_text.rstrip("\n") + "\n\n")["tool"]["advisor"]["gate"]
    try:
        _put(document, config, gate)
    except ValueError:  # tomlkit: e.g. a table inside an inline table
        raise _cannot_keep(config) from None
    text = tomlkit.dumps(document)
    if text.endswith("\n\n") and not (config.text or "").endswith("\n\n"):
        text = text.rstrip("\n") + "\n"  # ... but not at the end of the file
    after = tomllib.loads(text)
    if _without_gate(after, config.keys) != _without_gate(tomllib.loads(config.text or ""),
                                                           config.keys) \
            or _gate_of(after, config.keys) != gate_table(table_text):
        raise _cannot_keep(config)  # a layout tomlkit could not keep: a guard
    return text


def _put(document, config: ConfigFile, gate) -> None:
    import tomlkit

    node = document
    for key in config.keys[:-1]:
        if key not in node:
            node[key] = tomlkit.table(is_super_table=True)
        node = node[key]
        if not isinstance(node, dict):
            raise ConfigError(f"{config.path}: '{key}' is not a table",
                              "make it a table, or pass another file with --config FILE")
    node[config.keys[-1]] = gate  # in place when there is one


def _cannot_keep(config: ConfigFile) -> ConfigError:
    return ConfigError(f"{config.path}: cannot add the gate table without changing the rest "
                       "of the file", "paste it yourself: 'advisor analyze' writes it to "
                       "advisor-report/advisor-gate.toml")


def _gate_of(document: dict, keys: tuple[str, ...]):
    for key in keys:
        document = document.get(key, {})
    return document


def _without_gate(document: dict, keys: tuple[str, ...]) -> dict:
    """``document`` without the gate table, and without the tables ``merged`` adds to hold
    it when they end up empty."""
    if len(keys) == 1:
        return {k: v for k, v in document.items() if k != keys[0]}
    if keys[0] not in document:
        return document
    rest = _without_gate(document[keys[0]], keys[1:])
    return {**{k: v for k, v in document.items() if k != keys[0]},
            **({keys[0]: rest} if rest else {})}


@dataclass(frozen=True)
class InitPlan:
    """What ``init`` does: which of the two files it writes, and which it keeps."""

    config: ConfigFile
    baseline_path: str
    baseline_exists: bool
    force: bool

    @property
    def write_table(self) -> bool:
        return self.force or not self.config.has_table

    @property
    def write_baseline(self) -> bool:
        # a new table needs a baseline of its own: an old one knows nothing of its contracts
        return self.write_table or not self.baseline_exists

    @property
    def needs_assessment(self) -> bool:
        """The proposed contexts come from the full assessment; a kept table needs only the
        gate's graph."""
        return self.write_table


def plan(config: ConfigFile, baseline_path: str, force: bool) -> InitPlan:
    return InitPlan(config, baseline_path, os.path.lexists(baseline_path), force)
