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


def _build_resources_once() -> None:
    """pulumi-policy rebuilds every resource of an AnalyzeStack request for each stack policy
    (deserialised, proxied, linked: 16 s for 10 000 resources and 21 policies); stayup's policies
    only read them, so the pack builds them once per request and every policy sees the same list.
    Verdicts are the servicer's own: the same levels, configs, violations and diagnostics. A
    pulumi-policy whose servicer differs keeps its own AnalyzeStack."""
    from google.protobuf import json_format
    from pulumi.runtime import proto
    from pulumi_policy import policy as server
    from pulumi_policy.deserialize import deserialize_properties
    from pulumi_policy.proxy import unknown_checking_proxy

    base = getattr(server, "_PolicyAnalyzerServicer", None)
    needed = ("_configure_runtime_settings", "_get_enforcement_level", "_create_report_violation", "_get_policy_config", "_get_resource_options", "_get_provider_resource")
    if base is None or not all(hasattr(base, name) for name in needed) or getattr(base, "_stayup_once", False):
        return
    original = base.AnalyzeStack

    def resources_of(self: Any, request: Any) -> list[PolicyResource]:
        built: dict[str, PolicyResource] = {}
        links: list[tuple[PolicyResource, str, list[str], dict[str, list[str]]]] = []
        for r in request.resources:
            props = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(r.properties)))
            resource = PolicyResource(r.type, props, r.urn, r.name, self._get_resource_options(r), self._get_provider_resource(r), None, [], {})
            built[r.urn] = resource
            links.append((resource, r.parent, list(r.dependencies), {k: list(v.urns) for k, v in r.propertyDependencies.items()}))
        for resource, parent, dependencies, property_dependencies in links:
            if parent in built:
                resource.parent = built[parent]
            resource.dependencies.extend(built[d] for d in dependencies if d in built)
            for key, urns in property_dependencies.items():
                resource.property_dependencies[key] = [built[u] for u in urns if u in built]
        return [resource for resource, *_ in links]

    def analyze_stack(self: Any, request: Any, context: Any) -> Any:
        policies = getattr(self, "_PolicyAnalyzerServicer__policies", None)
        if policies is None or not all(any(p is ours for ours in POLICIES) for p in policies):
            return original(self, request, context)  # not stayup's pack alone
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        resources: list[PolicyResource] | None = None
        for policy in policies:
            level = self._get_enforcement_level(policy)
            if level == EnforcementLevel.DISABLED:
                continue
            if level == EnforcementLevel.REMEDIATE:
                level = EnforcementLevel.MANDATORY  # a stack policy cannot remediate
            report_violation = self._create_report_violation(response, policy.name, policy.description, level, policy.severity)
            if resources is None:
                resources = resources_of(self, request)
            args = StackValidationArgs(resources, self._get_policy_config(policy.name), getattr(self, "_PolicyAnalyzerServicer__stack_tags", None))
            # stayup's validators never raise (they report), so there is no diagnostic to add here.
            policy.validate(args, report_violation)
        return response

    base.AnalyzeStack = analyze_stack
    base._stayup_once = True


_build_resources_once()
