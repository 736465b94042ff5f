"""HC005 dns-alias-evaluates-target-health: alias records follow their target's health.

Scenarios: pass (evaluateTargetHealth true) · fail (false) · not-applicable (no alias records) ·
unknown (value unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import RECORD
from ...model import Graph
from ...values import any_unknown
from ..base import Finding, Rule


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for record in graph.of_type(RECORD):
        aliases = record.get("aliases")
        if not isinstance(aliases, list) or not aliases:
            continue
        values = [a.get("evaluateTargetHealth") for a in aliases if isinstance(a, dict)]
        if any_unknown(values):
            yield RULE.unknown(record, "aliases.evaluateTargetHealth", "evaluateTargetHealth is not known")
        elif all(v is True for v in values):
            yield RULE.passed(record)
        else:
            yield RULE.failed(
                record,
                "aliases.evaluateTargetHealth",
                "alias record ignores its target's health: Route 53 keeps answering with a dead load balancer",
                "set evaluateTargetHealth: true on the alias.",
            )


RULE = Rule(
    id="HC005",
    name="dns-alias-evaluates-target-health",
    description="Every Route 53 alias record evaluates its target's health.",
    severity="medium",
    remediation="Set aliases[].evaluateTargetHealth to true.",
    check=check,
    tags=("health-checks", "dns", "route53"),
    core=False,  # advisory by default: target health is one of several failover signals
)
