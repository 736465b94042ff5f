"""The typed report of one stack, read by every output format (json, text, markdown, sarif,
junit). Built once from the engine's results; formats never re-derive verdicts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..engine import Result, verdict
from ..errors import EXIT_FOR_VERDICT, EXIT_VIOLATION
from ..model import Graph
from ..rules import Outcome


@dataclass(frozen=True)
class Entry:
    """One finding of one rule on one resource, located at the program line that declared it."""

    rule: str
    name: str
    severity: str
    enforcement: str
    urn: str
    attribute: str | None
    message: str
    file: str | None = None
    line: int | None = None
    reason: str | None = None  # suppressed findings only
    expires: dt.date | None = None
    suppressed: bool = False
    located: bool = False  # the resource has a program line (file/line may still be null)
    synthesized: str | None = None  # created offline for a multi-language component

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "enforcement": self.enforcement,
            "urn": self.urn,
            "attribute": self.attribute,
            "message": self.message,
        }
        if self.located:
            data["file"], data["line"] = self.file, self.line
        if self.synthesized:
            data["synthesized"] = self.synthesized
        if self.suppressed:
            data["reason"] = self.reason
            data["expires"] = self.expires.isoformat() if self.expires else None
        return data


@dataclass
class StackReport:
    stack: str
    project: str = ""
    preview: bool = False
    verdict: str = "pass"  # pass | fail | unknown | error
    resources: int = 0
    violations: list[Entry] = field(default_factory=list)
    unknown: list[Entry] = field(default_factory=list)
    suppressed: list[Entry] = field(default_factory=list)
    passed: int | None = 0  # None: the engine does not report passes (CrossGuard)
    engine: str = "inprocess"
    error: str | None = None
    error_exit: int | None = None
    graph: Graph | None = None
    runtime: dict[str, Any] | None = None  # where the program ran (absent for a saved graph)
    # Preview only: resources declared inside `apply` callbacks a first preview does not run.
    partial: list[dict[str, Any]] = field(default_factory=list)
    # Lookups nobody answered: everything the program derived from them is unknown.
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    # Multi-language components stayup cannot see inside: nothing they contain was judged.
    opaque: list[dict[str, Any]] = field(default_factory=list)
    # Rules the policy config disabled: never "every rule passed" while some did not run.
    disabled: list[str] = field(default_factory=list)
    # Checked from a `pulumi stack export`: its file and what was left out (non-AWS, absent, pending).
    state: dict[str, Any] | None = None
    # `--recovery` overrides of the recovery model's constants (RT001 used the same).
    recovery: dict[str, float] | None = None

    @property
    def all_clear(self) -> bool:
        """Nothing failed, nothing unknown (no opaque component, no partial graph), nothing
        suppressed and every rule ran."""
        return self.verdict == "pass" and not (self.violations or self.unknown or self.suppressed or self.disabled or self.opaque or self.partial)

    @classmethod
    def failed_to_run(cls, stack: str, error: str, exit_code: int) -> StackReport:
        return cls(stack, verdict="error", error=error, error_exit=exit_code)

    @property
    def exit_code(self) -> int:
        if self.error_exit is not None:
            return self.error_exit
        return EXIT_FOR_VERDICT.get(self.verdict, EXIT_VIOLATION)

    def to_json(self) -> dict[str, Any]:
        if self.verdict == "error":
            return {"stack": self.stack, "verdict": "error", "error": self.error, "exit": self.exit_code}
        return {
            "stack": self.stack,
            "project": self.project,
            "preview": self.preview,
            "verdict": self.verdict,
            "resources": self.resources,
            "violations": [e.to_json() for e in self.violations],
            "unknown": [e.to_json() for e in self.unknown],
            "suppressed": [e.to_json() for e in self.suppressed],
            "disabled": self.disabled,
            "passed": self.passed,
            "engine": self.engine,
            **({"runtime": self.runtime} if self.runtime else {}),
            **({"partial": self.partial} if self.partial else {}),
            "unanswered": self.unanswered,
            **({"opaque": self.opaque} if self.opaque else {}),
            **({"state": self.state} if self.state else {}),
        }


def _entry(graph: Graph, result: Result) -> Entry:
    resource = graph.resources.get(result.finding.urn)
    source = resource.source if resource is not None else None
    file = line = None
    if source:
        file, line = source.get("file"), source.get("line")
    suppression = result.suppression
    return Entry(
        result.rule.id,
        result.rule.name,
        result.rule.severity,
        result.enforcement,
        result.finding.urn,
        result.finding.attribute,
        result.finding.message,
        file,
        line,
        suppression.reason if suppression else None,
        suppression.expires if suppression else None,
        suppression is not None,
        bool(source),
        resource.synthesized if resource is not None else None,
    )


def stack_report(graph: Graph, results: list[Result], *, preview: bool, engine: str = "inprocess", disabled: list[str] | None = None) -> StackReport:
    active = [r for r in results if r.suppression is None]
    return StackReport(
        stack=graph.stack,
        project=graph.project,
        preview=preview,
        verdict=verdict(results),
        resources=len(graph),
        violations=[_entry(graph, r) for r in active if r.finding.outcome == Outcome.FAIL],
        unknown=[_entry(graph, r) for r in active if r.finding.outcome == Outcome.UNKNOWN],
        suppressed=[_entry(graph, r) for r in results if r.suppression is not None],
        # The analyzer protocol reports neither passes nor suppressed findings.
        passed=sum(1 for r in results if r.finding.outcome == Outcome.PASS) if engine != "crossguard" else None,
        engine=engine,
        graph=graph,
        disabled=sorted(disabled or []),
    )


def overall(reports: list[StackReport]) -> str:
    """The verdict of several stacks, worst first."""
    verdicts = {r.verdict for r in reports}
    return next(v for v in ("error", "fail", "unknown", "pass") if v in verdicts)
