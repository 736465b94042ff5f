"""The typed report of one stack, read by every output format (json, text, markdown, sarif,
junit). Built once from the engine's results; formats never re-derive verdicts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..engine import Result, decide
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
    # Resources of types that decide resilience but no rule judges yet (listed, never ignored).
    not_modelled: list[dict[str, Any]] = field(default_factory=list)
    # Rules the policy config disabled: never "every rule passed" while some did not run.
    disabled: list[str] = field(default_factory=list)
    # Checked from a `pulumi stack export`: its file and what was left out (non-AWS, absent, pending).
    state: dict[str, Any] | None = None
    # `--recovery` overrides of the recovery model's constants (RT001 used the same).
    recovery: dict[str, float] | None = None
    # Rule IDs by outcome: passed, failed, unknown, suppressed, not-applicable (no resource it
    # judges), disabled. None when the engine does not report passes (CrossGuard).
    rules: dict[str, list[str]] | None = None
    # Findings the `--baseline` file accepts: reported, never counted in the verdict.
    baselined: list[Entry] = field(default_factory=list)
    baselined_unknown: list[Entry] = field(default_factory=list)
    baseline: str | None = None  # the --baseline file judged against

    def decide(self) -> None:
        """The verdict from the findings that count (never the baselined or suppressed ones) and
        what was never seen: the only place a stack's verdict is set, besides an error."""
        def mandatory(entries: list[Entry]) -> bool:
            return any(e.enforcement == "mandatory" for e in entries)

        self.verdict = decide(failed=mandatory(self.violations), undecided=mandatory(self.unknown) or bool(self.opaque or self.partial))

    def accept(self, source: str, prints: set[str]) -> None:
        """Judges against a `--baseline` file: findings whose fingerprint it lists are reported as
        accepted and no longer count."""
        from .sarif import fingerprint

        self.baseline = source
        if self.verdict == "error":
            return
        accepted = [e for e in [*self.violations, *self.unknown] if fingerprint(self.stack, e.rule, e.urn) in prints]
        if not accepted:
            return
        self.baselined = [e for e in self.violations if e in accepted]
        self.baselined_unknown = [e for e in self.unknown if e in accepted]
        self.violations = [e for e in self.violations if e not in accepted]
        self.unknown = [e for e in self.unknown if e not in accepted]
        if self.rules is not None:
            for rule in sorted({e.rule for e in accepted}):
                if not any(e.rule == rule for e in [*self.violations, *self.unknown]):
                    for key in ("failed", "unknown"):
                        if rule in self.rules[key]:
                            self.rules[key].remove(rule)
                    self.rules.setdefault("baselined", []).append(rule)
        self.decide()

    @property
    def all_clear(self) -> bool:
        """Nothing failed, nothing unknown (no opaque component, no partial graph), nothing
        suppressed and every rule ran."""
        return self.verdict == "pass" and not (self.violations or self.unknown or self.suppressed or self.disabled or self.opaque or self.partial or self.not_modelled)

    @classmethod
    def failed_to_run(cls, stack: str, error: str, exit_code: int) -> StackReport:
        return cls(stack, verdict="error", error=error, error_exit=exit_code)

    def in_language(self, language: str | None) -> None:
        """Every message made readable for the program's language (see `readable`)."""
        for name in ("violations", "unknown", "suppressed"):
            entries: list[Entry] = getattr(self, name)
            setattr(self, name, [dataclasses.replace(e, message=readable(e.message, language)) for e in entries])

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
            **({"rules": self.rules} if self.rules is not None else {}),
            **(
                {"baseline": {"file": self.baseline, "violations": [e.to_json() for e in self.baselined], "unknown": [e.to_json() for e in self.baselined_unknown]}}
                if self.baseline is not None
                else {}
            ),
            "engine": self.engine,
            **({"runtime": self.runtime} if self.runtime else {}),
            **({"partial": self.partial} if self.partial else {}),
            "unanswered": self.unanswered,
            **({"opaque": self.opaque} if self.opaque else {}),
            **({"not_modelled": self.not_modelled} if self.not_modelled else {}),
            **({"state": self.state} if self.state else {}),
        }


# A Pulumi URN's fixed part (`urn:pulumi:stack::project::type::`); what follows is the name.
_URN_PREFIX = re.compile(r"urn:pulumi:[^\s:]*::[^\s:]*::(?:[^\s:]|:(?!:))+::")
_CODE = re.compile(r"`([A-Za-z0-9_.\[\]]+)`")
_CAMEL = re.compile(r"\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b")


def program_language(runtime: dict[str, Any] | None) -> str | None:
    """python or nodejs, from where the program ran; None for a saved graph or a state file."""
    if not runtime:
        return None
    if str(runtime.get("interpreter", "")).startswith("node"):
        return "nodejs"
    return "python" if "python" in runtime else None


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def readable(message: str, language: str | None) -> str:
    """A message as the program's author reads it: resources by name (the URN has its own field)
    and, for a Python program, property names as its SDK spells them (`multi_az`, not `multiAz`)
    in code spans and in the fix."""
    message = _URN_PREFIX.sub("", message)
    if language != "python":
        return message
    message = _CODE.sub(lambda m: f"`{snake(m.group(1))}`", message)
    head, sep, fix = message.partition("Fix: ")
    return head + sep + _CAMEL.sub(lambda m: snake(m.group(0)), fix) if sep else message


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


def stack_report(
    graph: Graph,
    results: list[Result],
    *,
    preview: bool,
    engine: str = "inprocess",
    disabled: list[str] | None = None,
    opaque: list[dict[str, Any]] | None = None,
    partial: list[dict[str, Any]] | None = None,
) -> StackReport:
    """The stack's one verdict: the rules', made unknown by what was never seen (components
    stayup cannot look inside, resources declared in apply callbacks that never ran)."""
    active = [r for r in results if r.suppression is None]
    report = StackReport(
        stack=graph.stack,
        project=graph.project,
        preview=preview,
        opaque=list(opaque or []),
        partial=list(partial or []),
        resources=len(graph),
        violations=[_entry(graph, r) for r in active if r.finding.outcome == Outcome.FAIL],
        unknown=[_entry(graph, r) for r in active if r.finding.outcome == Outcome.UNKNOWN],
        suppressed=[_entry(graph, r) for r in results if r.suppression is not None],
        # The analyzer protocol reports neither passes nor suppressed findings.
        passed=sum(1 for r in results if r.finding.outcome == Outcome.PASS) if engine != "crossguard" else None,
        engine=engine,
        graph=graph,
        disabled=sorted(disabled or []),
        rules=rule_outcomes(results, disabled or []) if engine != "crossguard" else None,
    )
    report.decide()
    return report


def rule_outcomes(results: list[Result], disabled: list[str]) -> dict[str, list[str]]:
    """Each rule's outcome over the stack, worst first: failed (a violation), unknown, suppressed
    (only suppressed findings), passed; not-applicable when it judged no resource at all."""
    from ..rules import RULES

    found: dict[str, set[str]] = {}
    for r in results:
        found.setdefault(r.rule.id, set()).add("suppressed" if r.suppression is not None else str(r.finding.outcome))
    outcomes: dict[str, list[str]] = {"passed": [], "failed": [], "unknown": [], "suppressed": [], "not_applicable": [], "disabled": sorted(disabled)}
    for rule in RULES:
        if rule.id in disabled:
            continue
        seen = found.get(rule.id, set())
        key = next((k for k, o in (("failed", "fail"), ("unknown", "unknown"), ("suppressed", "suppressed"), ("passed", "pass")) if o in seen), "not_applicable")
        outcomes[key].append(rule.id)
    return outcomes


def overall(reports: list[StackReport]) -> str:
    """The verdict of several stacks, worst first."""
    verdicts = {r.verdict for r in reports}
    return next(v for v in ("error", "fail", "unknown", "pass") if v in verdicts)
