"""The CrossGuard face of the rules: one StackValidationPolicy per rule, all calling `evaluate`.

Imported by the pack's `policies/__main__.py`, which holds only the `PolicyPack(...)` call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .engine import evaluate
from .errors import StayupError
from .model import Graph, from_policy_resources
from .rules import RULES, Rule
from .settings import PolicySettings, rule_schema, rule_settings

ReportViolation = Callable[..., Any]

PACK_NAME = "stayup"

_LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY, "disabled": EnforcementLevel.DISABLED}

class _GraphCache:
    """The analyzer hands every policy its own copy of the same resources, one policy after the
    other: normalise them once per AnalyzeStack. A policy asking twice, or other URNs, means a
    new request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, ...] | None = None
        self._graph: Graph | None = None
        self._served: set[str] = set()

    def get(self, rule_name: str, resources: Sequence[PolicyResource]) -> Graph:
        key = tuple(r.urn for r in resources)
        with self._lock:
            if self._graph is None or key != self._key or rule_name in self._served:
                self._key, self._graph, self._served = key, from_policy_resources(resources), set()
            self._served.add(rule_name)
            return self._graph


_GRAPHS = _GraphCache()


def _validator(rule: Rule) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        # Never raise: an exception here reaches the user as an opaque "Exception calling application".
        try:
            config = {k: v for k, v in (args.get_config() or {}).items() if k != "enforcementLevel"}
            settings = PolicySettings({rule.id: rule_settings(rule, config)})
        except StayupError as exc:
            report_violation(f"Invalid policy config: {exc.line()}", None)
            return
        for result in evaluate(_GRAPHS.get(rule.name, args.resources), settings, rules=(rule,)):
            if result.finding.outcome != "pass" and result.suppression is None:
                report_violation(result.finding.message, result.finding.urn)

    return validate


def policy_for(rule: Rule) -> StackValidationPolicy:
    schema = rule_schema(rule)
    properties = {k: v for k, v in schema["properties"].items() if k != "enforcementLevel"}
    return StackValidationPolicy(
        name=rule.name,
        description=f"[{rule.id}] {rule.description}",
        validate=_validator(rule),
        enforcement_level=_LEVELS["mandatory" if rule.core else "advisory"],
        config_schema=PolicyConfigSchema(properties=properties),
        severity=Severity(rule.severity),
        tags=[rule.family, *rule.tags],
        remediation_steps=rule.remediation,
        url=rule.url,
    )


POLICIES = [policy_for(rule) for rule in RULES]
