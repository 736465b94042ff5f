"""What a rule is: stable ID, metadata, defaults, and a pure check over the normalised graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from ..model import Graph, Resource


class _Word(str, Enum):
    """A str enum that prints as its value (enum.StrEnum needs Python 3.11; we support 3.10)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return str(self.value).__format__(spec)


class Outcome(_Word):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class Enforcement(_Word):
    MANDATORY = "mandatory"
    ADVISORY = "advisory"
    DISABLED = "disabled"

Severity = Literal["critical", "high", "medium", "low"]
FAMILIES = {
    "PZ": "power zones",
    "NE": "network egress",
    "HC": "failover health checks",
    "SS": "static stability",
    "DR": "disaster recovery",
    "RT": "recovery time",
}
DOCS = "docs/rules.md"


@dataclass(slots=True)
class Finding:
    rule: str
    urn: str
    outcome: Outcome
    message: str = ""
    attribute: str | None = None


@dataclass(frozen=True)
class Option:
    """A policy-config setting beyond the numeric thresholds: its JSON schema (handed to CrossGuard
    too) and how its validated value is read; absent from the params unless configured."""

    schema: Mapping[str, Any]
    read: Callable[[Any, str, str], Any]  # (value, file, key) -> the param; InputError naming both


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    description: str  # phrased as the outcome the rule guarantees
    severity: Severity
    remediation: str
    check: Callable[[Graph, Mapping[str, Any]], Iterable[Finding]]
    tags: tuple[str, ...] = ()
    core: bool = True  # core rules are mandatory by default
    defaults: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Option] = field(default_factory=dict)
    scenarios: tuple[str, ...] = ("pass", "fail", "not-applicable", "unknown", "suppressed")

    @property
    def family(self) -> str:
        return self.id[:2]

    @property
    def url(self) -> str:
        return f"{DOCS}#{self.id.lower()}-{self.name}"

    # Finding constructors keep messages in one shape: "Violation: … Fix: …".
    def passed(self, resource: Resource) -> Finding:
        return Finding(self.id, resource.urn, Outcome.PASS)

    def failed(self, resource: Resource, attribute: str, violation: str, fix: str | None = None) -> Finding:
        message = f"Violation: {violation} ({resource.urn}, `{attribute}`). Fix: {fix or self.remediation}"
        return Finding(self.id, resource.urn, Outcome.FAIL, message, attribute)

    def unknown(self, resource: Resource, attribute: str, why: str) -> Finding:
        message = f"Unknown: {why} ({resource.urn}, `{attribute}`); stayup cannot prove {self.description[0].lower()}{self.description[1:].rstrip('.')}."
        return Finding(self.id, resource.urn, Outcome.UNKNOWN, message, attribute)
