"""``[tool.advisor.gate]`` parsing: defaults, shorthands, and errors that name the key."""

from __future__ import annotations

import os

import pytest

from advisor.errors import ConfigError
from advisor.gate import load_gate_config, parse_gate
from advisor.gate.config import slug

WHERE = "pyproject.toml [tool.advisor.gate]"


def parse(table):
    return parse_gate(table, WHERE)


def severities(config) -> dict[str, str]:
    return {r.id: r.severity for r in config.rules}


def test_defaults_gate_cycles_only():
    config = parse({})
    assert severities(config) == {
        "module-cycles": "error", "package-cycles": "error", "context-cycles": "error",
        "propagation-cost": "off", "cross-package-edges": "off", "cross-context-edges": "off",
        "instability": "off", "main-sequence-distance": "off", "empty-graph": "warn"}
    assert config.kinds is None and config.exclude_tags == () and config.contracts == ()
    assert config.contexts == ()  # so context-cycles checks nothing


def test_shorthand_severity_and_tables():
    config = parse({"module-cycles": "warn", "package-cycles": {"guidance": "Split it."},
                    "propagation-cost": {"max": 0.25, "max_growth": 0.01}})
    rules = {r.id: r for r in config.rules}
    assert rules["module-cycles"].severity == "warn"
    assert (rules["package-cycles"].severity, rules["package-cycles"].guidance) == ("error",
                                                                                   "Split it.")
    limits = rules["propagation-cost"].params
    assert (rules["propagation-cost"].severity, limits.max, limits.max_growth) == ("error", 0.25,
                                                                                  0.01)


def test_contract_parsing_and_ids():
    config = parse({"contracts": [
        {"name": "Domain does not depend on Web!", "type": "forbidden", "source": "shop.domain",
         "target": ["shop.web"], "ignore_tags": ["type_checking"], "severity": "warn"},
        {"name": "layers", "id": "my-layers", "type": "layers", "layers": ["a", ["b", "c"]]},
    ]})
    first, second = config.contracts
    assert (first.id, first.severity, first.ignore_tags) == (
        "contract/domain-does-not-depend-on-web", "warn", ("type_checking",))
    assert first.description == "forbidden: shop.domain may not depend on shop.web"
    assert first.guidance.startswith("Invert the dependency")
    assert second.id == "contract/my-layers"
    assert second.description == "layers: layers, highest first: a > b | c"
    assert slug("  A  b--C ") == "a-b-c"


@pytest.mark.parametrize("table, message", [
    ({"bogus": 1}, f"{WHERE}: unknown key 'bogus'"),
    ({"module-cycles": "fatal"},
     f"{WHERE} 'module-cycles': 'severity' must be one of error, warn, off, not 'fatal'"),
    ({"module-cycles": 3}, f"{WHERE} 'module-cycles': must be a severity"),
    ({"propagation-cost": {"max": 0.2, "maxi": 1}},
     f"{WHERE} 'propagation-cost': unknown key 'maxi'"),
    ({"propagation-cost": {"severity": "off", "maxi": 1}},
     f"{WHERE} 'propagation-cost': unknown key 'maxi'"),
    ({"propagation-cost": "error"}, f"{WHERE} 'propagation-cost': set 'max', 'max_growth' or both"),
    ({"propagation-cost": {"max": 1.5}},
     f"{WHERE} 'propagation-cost': 'max' must be a number >= 0 and <= 1, not 1.5"),
    ({"instability": {"max": 0.3}}, f"{WHERE} 'instability': 'packages' is required"),
    ({"kinds": ["imports"]}, f"{WHERE}: 'kinds' has unknown kind 'imports'"),
    ({"exclude_tags": ["typing"]}, f"{WHERE}: 'exclude_tags' has unknown tag 'typing'"),
    ({"contracts": {"name": "x"}}, f"{WHERE}: 'contracts' must be an array of tables"),
    ({"contracts": [{"type": "forbidden"}]}, f"{WHERE} contract 1: 'name' is required"),
    ({"contracts": [{"name": "x", "type": "banned"}]},
     f"{WHERE} contract 1 ('x'): unknown contract type 'banned'"),
    ({"contracts": [{"name": "x", "type": "forbidden", "source": ["a"], "target": ["b"],
                     "sources": ["c"]}]},
     f"{WHERE} contract 1 ('x'): unknown key 'sources'"),
    ({"contracts": [{"name": "x", "type": "forbidden", "source": ["a"]}]},
     f"{WHERE} contract 1 ('x'): 'target' is required"),
    ({"contracts": [{"name": "x", "type": "forbidden", "source": ["a..b"], "target": ["b"]}]},
     f"{WHERE} contract 1 ('x') 'source': 'a..b' is not a dotted module name or glob"),
    ({"contracts": [{"name": "x", "type": "layers", "layers": ["a"]}]},
     f"{WHERE} contract 1 ('x'): 'layers' must list at least two layers, highest first"),
    ({"contracts": [{"name": "x", "type": "independence", "modules": ["a", "b"]},
                    {"name": "X!", "type": "independence", "modules": ["a", "b"]}]},
     f"{WHERE}: contracts 'x' and 'X!' have the same id 'contract/x'"),
    ({"contracts": [{"name": "x", "id": "Bad Id", "type": "independence",
                     "modules": ["a", "b"]}]},
     f"{WHERE} contract 1 ('x'): 'id' must be lower-case words joined by '-', not 'Bad Id'"),
])
def test_errors_name_the_problem(table, message):
    with pytest.raises(ConfigError) as err:
        parse(table)
    assert err.value.message.startswith(message), err.value.message


def test_load_from_pyproject_and_gate_must_be_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.advisor.gate]\nmodule-cycles = 'warn'\n")
    config = load_gate_config(str(tmp_path))
    assert severities(config)["module-cycles"] == "warn"
    assert config.config_file == os.path.realpath(tmp_path / "pyproject.toml")
    (tmp_path / "pyproject.toml").write_text("[tool.advisor]\ngate = 3\n")
    with pytest.raises(ConfigError, match=r"\[tool.advisor.gate\]: must be a table"):
        load_gate_config(str(tmp_path))
    (tmp_path / "pyproject.toml").unlink()
    assert load_gate_config(str(tmp_path)).config_file is None


@pytest.mark.parametrize("table, message", [
    ({"propagation-cost": {"max": float("nan")}},
     f"{WHERE} 'propagation-cost': 'max' must be a number >= 0 and <= 1, not nan"),
    ({"propagation-cost": {"max_growth": float("inf")}},
     f"{WHERE} 'propagation-cost': 'max_growth' must be a number >= 0 and <= 1000000000, "
     "not inf"),
    ({"cross-package-edges": {"max": 1e300}},
     f"{WHERE} 'cross-package-edges': 'max' must be a number >= 0 and <= 1000000000"),
])
def test_numbers_are_finite_and_bounded(table, message):
    with pytest.raises(ConfigError) as err:
        parse(table)
    assert err.value.message.startswith(message), err.value.message


def test_pyproject_is_read_only_as_a_regular_file_inside_the_root(tmp_path):
    root, outside = tmp_path / "repo", tmp_path / "outside.toml"
    root.mkdir()
    outside.write_text("[tool.advisor.gate]\nmodule-cycles = 'off'\n")
    (root / "pyproject.toml").symlink_to(outside)
    with pytest.raises(ConfigError, match=r"pyproject.toml: symlink to a location outside the "
                                          r"analysed root; not read \(the analysed repository's "
                                          r"settings are read only"):
        load_gate_config(str(root))
    # a file the user names may be anywhere: the user chose it
    config = load_gate_config(str(root), str(outside))
    assert severities(config)["module-cycles"] == "off"
    assert config.config_file == str(outside)
    (root / "pyproject.toml").unlink()
    os.mkfifo(root / "pyproject.toml")
    with pytest.raises(ConfigError, match="pyproject.toml: not a regular file"):
        load_gate_config(str(root))
