"""Values the gate hands out: findings, violations and the GateResult, plus its plain document.

The document (``GateResult.to_document``) is what every output format renders: reports read only
it, never these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GATE_DOCUMENT_VERSION = "1.1"  # 1.1: config_file, first_file, source_root, help_uri
SEVERITIES = ("error", "warn", "off")
NEW, BASELINED = "new", "baselined"


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found, before severity and the baseline are applied.

    ``key`` names the subject stably (``"shop.a -> shop.b"``, a package, or ``"project"``): it is
    what the baseline stores, so it holds no line numbers."""

    key: str
    message: str
    path: str | None = None  # posix, relative to the analysed root
    line: int | None = None
    value: float | None = None  # metric rules: the measured value
    baselinable: bool = True  # growth findings compare against the baseline itself: never stored


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    severity: str  # "error" or "warn"
    key: str
    message: str
    path: str | None
    line: int | None
    guidance: str
    status: str = NEW  # NEW or BASELINED
    value: float | None = None
    baselinable: bool = True


@dataclass(frozen=True, slots=True)
class RuleReport:
    """A configured rule as the outputs describe it (SARIF rule metadata, JUnit test case)."""

    id: str
    title: str
    description: str
    severity: str  # "error", "warn" or "off"
    guidance: str
    kind: str  # "builtin" or "contract"


@dataclass(frozen=True, slots=True)
class Improvement:
    rule: str
    subject: str
    before: float
    after: float


@dataclass(frozen=True, slots=True)
class StaleEntry:
    """A baseline entry that no longer occurs: fixed, or its rule is gone."""

    rule: str
    key: str


# the section of docs/ci.md documenting each kind of rule, as GitHub anchors its headings
_DOCS_SECTIONS = {"contract": "contracts", "context": "bounded-contexts-tooladvisorgatecontexts",
                  "builtin": "built-in-rules"}


def help_uri(docs_url: str | None, rule: RuleReport) -> str | None:
    """The address of the docs section that explains ``rule`` (None without ``docs_url``)."""
    if not docs_url:
        return None
    kind = "context" if rule.kind == "builtin" and "context" in rule.id else rule.kind
    return f"{docs_url}#{_DOCS_SECTIONS.get(kind, 'built-in-rules')}"


@dataclass(frozen=True)
class GateResult:
    root: str
    rules: tuple[RuleReport, ...]
    violations: tuple[Violation, ...]  # sorted; both new and baselined
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)  # rule -> subject -> value
    baseline_path: str | None = None
    stale: tuple[StaleEntry, ...] = ()
    improvements: tuple[Improvement, ...] = ()
    notes: tuple[str, ...] = ()
    config_file: str | None = None  # absolute, real: the file the gate settings came from
    first_file: str | None = None  # root-relative: the analysed root's first file, if any

    @property
    def new(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.status == NEW)

    @property
    def errors(self) -> int:
        return sum(1 for v in self.new if v.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for v in self.new if v.severity == "warn")

    @property
    def failed(self) -> bool:
        """Only new violations of error severity fail the gate; warnings alone pass."""
        return self.errors > 0

    def to_document(self, tool_version: str, path_prefix: str = "",
                    source_root: str | None = None, home_url: str | None = None,
                    docs_url: str | None = None) -> dict:
        """The plain, JSON-able document every output format renders.

        ``path_prefix`` is where the analysed root sits relative to the directory the outputs
        are read from (editors and GitHub annotations want paths relative to the checkout).
        ``source_root`` is the repository root SARIF paths are relative to (default: the
        analysed root); ``home_url`` the tool's home page and ``docs_url`` the page
        documenting the rules (docs/ci.md), whose sections each rule's ``help_uri`` points at."""
        counts: dict[str, int] = {}
        for v in self.new:
            counts[v.rule] = counts.get(v.rule, 0) + 1
        return {
            "version": GATE_DOCUMENT_VERSION,
            "tool": {"name": "monolith-advisor", "version": tool_version, "url": home_url},
            "root": self.root,
            "path_prefix": path_prefix,
            "source_root": source_root or self.root,
            "config_file": self.config_file,
            "first_file": self.first_file,
            "passed": not self.failed,
            "summary": {
                "errors": self.errors,
                "warnings": self.warnings,
                "baselined": sum(1 for v in self.violations if v.status == BASELINED),
                "stale": len(self.stale),
            },
            "rules": [
                {"id": r.id, "title": r.title, "description": r.description,
                 "severity": r.severity, "guidance": r.guidance, "kind": r.kind,
                 "violations": counts.get(r.id, 0), "help_uri": help_uri(docs_url, r)}
                for r in self.rules
            ],
            "violations": [
                {"rule": v.rule, "severity": v.severity, "status": v.status, "key": v.key,
                 "message": v.message, "path": v.path, "line": v.line, "guidance": v.guidance,
                 "value": v.value}
                for v in self.violations
            ],
            "metrics": {rule: dict(sorted(values.items()))
                        for rule, values in sorted(self.metrics.items())},
            "baseline": {
                "path": self.baseline_path,
                "stale": [{"rule": s.rule, "key": s.key} for s in self.stale],
                "improvements": [{"rule": i.rule, "subject": i.subject, "before": i.before,
                                  "after": i.after} for i in self.improvements],
            },
            "notes": list(self.notes),
        }
