"""``[tool.advisor.gate]`` parsed once, strictly, into typed values. Unknown keys are errors.

    [tool.advisor.gate]
    kinds = ["import", "dynamic", "call", "inheritance", "reference"]   # edges the gate sees
    exclude_tags = ["type_checking"]          # drop dependencies whose imports all carry one
    module-cycles = "error"                   # a rule: a severity, or a table of options
    propagation-cost = { max = 0.25, max_growth = 0.01, guidance = "..." }

    [[tool.advisor.gate.contracts]]
    name = "domain does not depend on web"
    type = "forbidden"                        # forbidden | layers | independence | public-interface
    source = ["shop.domain"]
    target = ["shop.web"]

The full reference is docs/ci.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from advisor.config import load_config
from advisor.errors import ConfigError
from advisor.fields import Problems
from advisor.gate.contracts import CONTRACT_TYPES
from advisor.gate.options import check_keys, require, severity, strings, tags, text
from advisor.gate.rules import RULES
from advisor.gate.selectors import validate
from advisor.graph import EDGE_KINDS

_GATE_KEYS = {
    "kinds": "edge kinds the gate looks at (default: all)",
    "exclude_tags": "drop dependencies whose every import carries one of these tags",
    "contracts": "[[tool.advisor.gate.contracts]]: dependency contracts",
    "contexts": "[tool.advisor.gate.contexts]: bounded contexts, name = [module patterns], "
                "for the context-level rules (advisor analyze proposes them)",
    **{rule_id: rule.title for rule_id, rule in RULES.items()},
}
_CONTRACT_KEYS = {
    "name": "what the contract says, in words (required)",
    "id": "stable id in outputs and the baseline (default: from name)",
    "type": "forbidden, layers, independence or public-interface (required)",
    "severity": "error (default), warn or off",
    "guidance": "what to do about a violation; shown with each one",
    "ignore_tags": "drop dependencies whose every import is tagged lazy, conditional or "
                   "type_checking, for this contract",
    "ignore_imports": "dependencies this contract allows, as 'source -> target' patterns, "
                      "e.g. 'tests -> shop'",
    "kinds": "edge kinds this contract checks, among the gate's (default: all of them)",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class ConfiguredRule:
    id: str
    title: str
    description: str
    severity: str  # error, warn or off
    guidance: str
    kind: str  # "builtin" or "contract"
    rule: Any  # the RuleType or ContractType that checks it
    params: Any = None
    ignore_tags: tuple[str, ...] = ()
    ignore_imports: tuple[tuple[str, str], ...] = ()  # (source pattern, target pattern)
    where: str = ""  # names the rule in configuration errors
    kinds: tuple[str, ...] | None = None  # contracts: narrows the gate's kinds


@dataclass(frozen=True)
class GateConfig:
    rules: tuple[ConfiguredRule, ...] = ()  # built-ins in registry order, then contracts
    kinds: tuple[str, ...] | None = None  # None: every kind
    exclude_tags: tuple[str, ...] = ()
    config_file: str | None = None  # absolute path of the file the settings came from
    contexts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, module patterns), in order

    @property
    def contracts(self) -> tuple[ConfiguredRule, ...]:
        return tuple(r for r in self.rules if r.kind == "contract")


def slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def _builtin(rule_id: str, value: Any, where: str) -> ConfiguredRule:
    rule = RULES[rule_id]
    where = f"{where} '{rule_id}'"
    if isinstance(value, str):
        value = {"severity": value}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a severity (\"error\", \"warn\", \"off\") or a "
                          "table of options")
    problems = Problems()
    default = rule.default_severity if rule.default_severity != "off" else "error"
    level = problems.value(severity, value.get("severity", default), where)
    guidance = problems.value(text, value["guidance"], "guidance", where) \
        if "guidance" in value else rule.guidance
    params = None
    if level == "off":
        with problems.check():
            check_keys(value, {**rule.options, "severity": "", "guidance": ""}, where)
    else:
        params = problems.value(rule.parse, value, where)
    problems.raise_any()
    return ConfiguredRule(rule_id, rule.title, rule.description, level, guidance, "builtin",
                          rule, params)


def _contract(table: Any, index: int, where: str) -> ConfiguredRule:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} 'contracts': entry {index} must be a table",
                          "write each contract as [[tool.advisor.gate.contracts]]")
    name = table.get("name")
    where = f"{where} contract {index}" + (f" ({name!r})" if isinstance(name, str) else "")
    problems = Problems()
    name = problems.value(lambda: text(require(table, "name", where), "name", where))
    kind = problems.value(require, table, "type", where)
    ctype = CONTRACT_TYPES.get(kind) if isinstance(kind, str) else None
    if kind is not None and ctype is None:
        problems.add(ConfigError(f"{where}: unknown contract type {kind!r}",
                                 "choose from " + ", ".join(CONTRACT_TYPES)))
    if ctype is not None:  # its options are known keys only once the type is
        with problems.check():
            check_keys(table, {**_CONTRACT_KEYS, **ctype.options}, where)
    ident = table.get("id", slug(name or ""))
    if not isinstance(ident, str) or not _SLUG.fullmatch(ident):
        problems.add(ConfigError(f"{where}: 'id' must be lower-case words joined by '-', "
                                 f"not {ident!r}"))
    level = problems.value(severity, table.get("severity", "error"), where)
    guidance = problems.value(text, table["guidance"], "guidance", where) \
        if "guidance" in table else ctype.guidance if ctype else ""
    ignored = problems.value(tags, table["ignore_tags"], "ignore_tags", where) \
        if "ignore_tags" in table else ()
    allowed = problems.value(_ignore_imports, table["ignore_imports"], where) \
        if "ignore_imports" in table else ()
    params = problems.value(ctype.parse, table, where) if ctype else None
    kinds = problems.value(_kinds, table["kinds"], where) if "kinds" in table else None
    problems.raise_any()
    return ConfiguredRule(f"contract/{ident}", name, f"{kind}: {ctype.describe(params)}", level,
                          guidance, "contract", ctype, params, ignored, allowed, where, kinds)


def _ignore_imports(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for entry in strings(value, "ignore_imports", where):
        source, arrow, target = entry.partition("->")
        if not arrow:
            raise ConfigError(f"{where}: 'ignore_imports' entry {entry!r} needs the form "
                              "'source -> target'", "e.g. 'tests -> shop' or "
                              "'shop.legacy.* -> shop.web'")
        pairs.append((validate(source.strip(), f"{where} 'ignore_imports'"),
                      validate(target.strip(), f"{where} 'ignore_imports'")))
    return tuple(pairs)


def _kinds(value: Any, where: str) -> tuple[str, ...]:
    kinds = strings(value, "kinds", where)
    bad = [k for k in kinds if k not in EDGE_KINDS]
    if bad:
        raise ConfigError(f"{where}: 'kinds' has unknown kind '{bad[0]}'",
                          "choose from " + ", ".join(EDGE_KINDS))
    return kinds


def parse_gate(table: Any, where: str, config_file: str | None = None) -> GateConfig:
    """Parse the ``gate`` table (``where`` names it in messages); every error at once."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    problems = Problems()
    with problems.check():
        check_keys(table, _GATE_KEYS, where)
    kinds = problems.value(_kinds, table["kinds"], where) if "kinds" in table else None
    excluded = problems.value(tags, table["exclude_tags"], "exclude_tags", where, default=()) \
        if "exclude_tags" in table else ()
    rules = []
    for rule_id, rule in RULES.items():
        if rule_id in table:
            rules.append(problems.value(_builtin, rule_id, table[rule_id], where))
        else:
            params = rule.parse({}, where) if rule.default_severity != "off" else None
            rules.append(ConfiguredRule(rule_id, rule.title, rule.description,
                                        rule.default_severity, rule.guidance, "builtin", rule,
                                        params))
    contracts = table.get("contracts", [])
    if not isinstance(contracts, list):
        problems.add(ConfigError(f"{where}: 'contracts' must be an array of tables",
                                 "write each contract as [[tool.advisor.gate.contracts]]"))
        contracts = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(contracts, start=1):
        configured = problems.value(_contract, entry, index, where)
        if configured is None:
            continue
        if configured.id in seen:
            problems.add(ConfigError(f"{where}: contracts {seen[configured.id]!r} and "
                                     f"{configured.title!r} have the same id {configured.id!r}",
                                     "give one of them an explicit, different 'id'"))
        seen[configured.id] = configured.title
        rules.append(configured)
    contexts = problems.value(_contexts, table.get("contexts", {}), where)
    problems.raise_any()
    return GateConfig(tuple(rules), kinds, excluded, config_file, contexts)


def _contexts(table: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    where = f"{where} 'contexts'"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of context name = [module patterns]")
    problems = Problems()
    out = []
    for name, patterns in table.items():
        found = problems.value(strings, patterns, name, where)
        if found is None:
            continue
        for pattern in found:
            with problems.check():
                validate(pattern, f"{where} '{name}'")
        out.append((name, found))
    problems.raise_any()
    return tuple(out)


def load_gate_config(root: str, config_path: str | None = None) -> GateConfig:
    """The gate settings of the repository at ``root`` (or ``--config FILE``); defaults when
    there are none."""
    config = load_config(root, config_path)
    path = config_path or os.path.join(root, "pyproject.toml")
    where = f"{path} [tool.advisor.gate]"
    return parse_gate(config.raw.get("gate", {}), where, config.file)
