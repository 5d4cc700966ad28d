"""Values of the readiness checklist, and its configuration (``[tool.advisor.readiness]``).

    [tool.advisor.readiness]
    weights = { "ops.ci_tests" = 2.0 }       # item id -> weight (0 switches the item off)
    disable = ["org.teams"]                  # items left out of the checklist and the total
    min_commits = 10                         # less git history than this: history items no-data
    min_changes = 5                          # a context changed less: no owner/overlap by history
    heavy_libraries = ["numpy", "pandas"]    # replaces the default list (forces.technology)
    [tool.advisor.readiness.thresholds]
    "ops.tests" = { ratio = 0.5 }            # item id -> { threshold = number }

Unknown keys, item ids and thresholds are errors that name them.

The two minimum samples (unknown is not a pass: below them an item says "no data", is left out
of the total, and its summary says why):

* ``min_commits`` (10): non-merge commits by people (bots left out) in the 365-day window.
  Fewer, and every history item (``org.teams`` without CODEOWNERS teams, ``org.ownership`` by
  commit share, ``org.overlap``, ``forces.churn``, ``bound.cochange``) is no data.
* ``min_changes`` (5): file changes to a context in the window before history names its owner
  or compares its authors (one change would make one person its 100% owner); ``forces.churn``
  needs this many per context on average.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import ConfigError
from advisor.fields import MAX_COUNT, MAX_WEIGHT, Problems, real, unknown_keys, whole

MEASURED, NO_DATA, DISABLED = "measured", "no-data", "disabled"
GROUPS = ("operations", "organisation", "forces", "boundaries")

DEFAULT_HEAVY_LIBRARIES = (
    "numpy", "pandas", "scipy", "torch", "tensorflow", "keras", "jax", "sklearn", "xgboost",
    "lightgbm", "elasticsearch", "elasticsearch_dsl", "opensearchpy", "opensearch", "spacy",
    "nltk", "gensim", "transformers", "cv2", "pyspark", "dask", "polars", "faiss",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    path: str
    line: int
    detail: str

    def doc(self) -> dict:
        return {"path": self.path, "line": self.line, "detail": self.detail}


@dataclass(frozen=True)
class Result:
    """What an item function returns. ``score`` None means no data (say why in ``summary``)."""

    score: float | None
    summary: str  # one line: what was measured, with the numbers
    evidence: tuple[Evidence, ...] = ()
    advice: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)  # numbers for the verdict / plan


def no_data(why: str, advice: str = "") -> Result:
    return Result(None, why, (), advice)


def clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


@dataclass(frozen=True)
class ItemSpec:
    id: str
    title: str
    group: str
    weight: float
    check: Callable[..., Result]  # (inputs, thresholds) -> Result
    thresholds: Mapping[str, tuple[float, str]] = field(default_factory=dict)  # key -> default, doc
    article: str = ""  # the seed article's criterion this item measures


@dataclass(frozen=True)
class ItemScore:
    id: str
    title: str
    group: str
    weight: float
    score: float | None
    status: str  # MEASURED, NO_DATA or DISABLED
    summary: str
    evidence: tuple[Evidence, ...]
    advice: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def lost(self) -> float:
        """Weighted points this item loses (0 for no-data or disabled items)."""
        return self.weight * (1.0 - self.score) if self.score is not None else 0.0

    def doc(self, evidence_cap: int = 50) -> dict:
        return {"id": self.id, "title": self.title, "group": self.group, "weight": self.weight,
                "score": None if self.score is None else round(self.score, 3),
                "status": self.status, "summary": self.summary,
                "evidence": [e.doc() for e in self.evidence[:evidence_cap]],
                "evidence_total": len(self.evidence), "advice": self.advice}


@dataclass(frozen=True)
class Checklist:
    items: tuple[ItemScore, ...]

    def item(self, item_id: str) -> ItemScore | None:
        return next((i for i in self.items if i.id == item_id), None)

    @staticmethod
    def _mean(items) -> float | None:
        scored = [i for i in items if i.status == MEASURED and i.weight > 0]
        total = sum(i.weight for i in scored)
        return sum(i.weight * i.score for i in scored) / total if total else None

    @property
    def score(self) -> float | None:
        """0-100: the weighted mean of the measured items."""
        mean = self._mean(self.items)
        return None if mean is None else round(100 * mean, 1)

    def group_score(self, group: str) -> float | None:
        """0-1: the weighted mean of the group's measured items."""
        return self._mean(i for i in self.items if i.group == group)

    def doc(self) -> dict:
        groups = {}
        for g in GROUPS:
            s = self.group_score(g)
            groups[g] = None if s is None else round(100 * s, 1)
        return {"score": self.score, "groups": groups, "items": [i.doc() for i in self.items]}


@dataclass(frozen=True)
class ReadinessConfig:
    weights: Mapping[str, float] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    thresholds: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    min_commits: int = 10
    heavy_libraries: tuple[str, ...] = DEFAULT_HEAVY_LIBRARIES
    min_changes: int = 5


_KEYS = {
    "weights": "table: item id -> weight (0 switches the item off)",
    "disable": "list of item ids to leave out",
    "thresholds": "table: item id -> { threshold = number }",
    "min_commits": "commits of git history needed before history items count (10)",
    "min_changes": "file changes to a context needed before history names its owner (5)",
    "heavy_libraries": "import names that mark a technology need (replaces the default list)",
}


# Thresholds a score divides by (x - 1), or that bound a range from below and above: limits
# that keep every score a finite number in [0, 1].
_ABOVE_ONE = frozenset({"full_ratio", "full_contexts", "full_teams"})
_INCREASING = (("small_lines", "large_lines"),)


def _known(item_id: str, specs: Mapping[str, ItemSpec], where: str) -> ItemSpec:
    if item_id not in specs:
        raise ConfigError(f"{where}: unknown readiness item '{item_id}'",
                          "known items: " + ", ".join(specs))
    return specs[item_id]


def parse_readiness(raw: Any, specs: Mapping[str, ItemSpec],
                    where: str = "[tool.advisor.readiness]") -> ReadinessConfig:
    """Every error of the table at once (``advisor.fields.Problems``)."""
    if raw is None:
        return ReadinessConfig()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    problems = Problems()
    for error in unknown_keys(raw, _KEYS, where, "known keys: " + "; ".join(
            f"{k} ({v})" for k, v in _KEYS.items())):
        problems.add(error)
    weights = problems.value(_weights, raw.get("weights", {}), specs, where, default={})
    disable = problems.value(_disable, raw.get("disable", []), specs, where, default=())
    thresholds = problems.value(_thresholds, raw.get("thresholds", {}), specs, where,
                                default={})
    min_commits = problems.value(whole, raw.get("min_commits", 10), "min_commits", where, 0,
                                 MAX_COUNT)
    min_changes = problems.value(whole, raw.get("min_changes", 5), "min_changes", where, 0,
                                 MAX_COUNT)
    heavy = raw.get("heavy_libraries", list(DEFAULT_HEAVY_LIBRARIES))
    if not isinstance(heavy, list) or not all(isinstance(h, str) and h for h in heavy):
        problems.add(ConfigError(f"{where}: 'heavy_libraries' must be a list of import names"))
    problems.raise_any()
    return ReadinessConfig(weights, frozenset(disable), thresholds, min_commits, tuple(heavy),
                           min_changes)


def _weights(table: Any, specs: Mapping[str, ItemSpec], where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'weights' must be a table of item id = weight")
    problems = Problems()
    weights: dict[str, float] = {}
    for item_id, value in table.items():
        with problems.check():
            _known(item_id, specs, f"{where} 'weights'")
            weights[item_id] = real(value, item_id, f"{where} 'weights'", 0, MAX_WEIGHT,
                                    hint="0 switches the item off")
    problems.raise_any()
    return weights


def _disable(disable: Any, specs: Mapping[str, ItemSpec], where: str) -> list[str]:
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise ConfigError(f"{where}: 'disable' must be a list of item ids")
    problems = Problems()
    for item_id in disable:
        with problems.check():
            _known(item_id, specs, f"{where} 'disable'")
    problems.raise_any()
    return disable


def _thresholds(table: Any, specs: Mapping[str, ItemSpec],
                where: str) -> dict[str, dict[str, float]]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'thresholds' must be a table of item id = {{...}}")
    problems = Problems()
    thresholds: dict[str, dict[str, float]] = {}
    for item_id, values in table.items():
        with problems.check():
            thresholds[item_id] = _item_thresholds(item_id, values, specs, where)
    problems.raise_any()
    return {k: v for k, v in thresholds.items() if v}


def _item_thresholds(item_id: str, values: Any, specs: Mapping[str, ItemSpec],
                     where: str) -> dict[str, float]:
    spec = _known(item_id, specs, f"{where} 'thresholds'")
    if not isinstance(values, dict):
        raise ConfigError(f"{where} 'thresholds.{item_id}' must be a table")
    here = f"{where} 'thresholds.{item_id}'"
    problems = Problems()
    found: dict[str, float] = {}
    for key, value in values.items():
        if key not in spec.thresholds:
            known = ", ".join(spec.thresholds) or "none"
            problems.add(ConfigError(f"{here}: unknown threshold '{key}'",
                                     f"known thresholds of {item_id}: {known}"))
            continue
        with problems.check():
            found[key] = real(value, key, here, 1 if key in _ABOVE_ONE else 0, MAX_COUNT,
                              above=True)
    merged = {k: default for k, (default, _) in spec.thresholds.items()}
    merged.update(found)
    for low, high in _INCREASING:
        if low in merged and high in merged and not merged[low] < merged[high]:
            problems.add(ConfigError(f"{here}: '{low}' ({merged[low]:g}) must be below "
                                     f"'{high}' ({merged[high]:g})"))
    problems.raise_any()
    return found
