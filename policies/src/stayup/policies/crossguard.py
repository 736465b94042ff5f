"""The CrossGuard face of the rules: one StackValidationPolicy per rule, all calling `evaluate`.

Imported by the pack's `policies/__main__.py`, which holds only the `PolicyPack(...)` call.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .engine import evaluate
from .errors import StayupError
from .model import Graph, from_policy_resources
from .rules import RULES, Rule
from .settings import PolicySettings, rule_schema, rule_settings

PACK_NAME = "stayup"

_LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY, "disabled": EnforcementLevel.DISABLED}

# The analyzer calls every policy with the same resource list: build the graph once per call.
_graph_cache: dict[int, tuple[Any, Graph]] = {}


def graph_for(args: StackValidationArgs) -> Graph:
    key = id(args.resources)
    cached = _graph_cache.get(key)
    if cached is None or cached[0] is not args.resources:
        _graph_cache.clear()
        cached = (args.resources, from_policy_resources(args.resources))
        _graph_cache[key] = cached
    return cached[1]


def _validator(rule: Rule):
    def validate(args: StackValidationArgs, report_violation) -> None:
        # Never raise: an exception here reaches the user as an opaque "Exception calling application".
        try:
            config = {k: v for k, v in (args.get_config() or {}).items() if k != "enforcementLevel"}
            settings = PolicySettings({rule.id: rule_settings(rule, config)})
        except StayupError as exc:
            report_violation(f"Invalid policy config: {exc.line()}", None)
            return
        for result in evaluate(graph_for(args), settings, rules=(rule,)):
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
