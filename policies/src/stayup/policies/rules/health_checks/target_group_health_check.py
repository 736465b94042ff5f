"""HC001 target-group-health-check: target groups (and Classic ELBs) detect failure fast enough to
fail over.

An explicit, enabled health check, interval at most 30 s and unhealthy threshold at most 3
(defaults; 10 s / 2 recommended). Whether an HTTP check probes a readiness path rather than "/"
is HC008's advisory judgement.

A Classic ELB without a `healthCheck` gets AWS's TCP:80 probe every 30 s (ELB API default, "Configure
health checks for your Classic Load Balancer", Elastic Load Balancing docs): it fails as missing.

Scenarios: pass (explicit /healthz every 10 s; "/" every 10 s) · fail (disabled; missing; slow; a
classic load balancer without a health check) · not-applicable (no target groups) · unknown (health
check unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import CLASSIC_ELB, TARGET_GROUP
from ...model import Graph
from ...values import Unknown, flag, is_unknown, text
from ..base import Finding, Rule
from ..shared import UDP_PROTOCOLS, timing_verdict


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for balancer in graph.of_type(CLASSIC_ELB):
        hc = balancer.get("healthCheck")
        if is_unknown(hc):
            yield RULE.unknown(balancer, "healthCheck", "the health check is not known until deployment")
        elif not isinstance(hc, dict):
            # AWS then probes TCP:80 every 30 s (ELB API default): not a check of the application.
            yield RULE.failed(balancer, "healthCheck", "classic load balancer has no explicit health check")
        else:
            yield timing_verdict(RULE, balancer, hc, params)
    for group in graph.of_type(TARGET_GROUP):
        protocol = text(group.get("protocol")) or "HTTP"
        if group.get("targetType") == "lambda" or protocol in UDP_PROTOCOLS:
            continue
        hc = group.get("healthCheck")
        if is_unknown(hc):
            yield RULE.unknown(group, "healthCheck", "the health check is not known until deployment")
            continue
        if not isinstance(hc, dict):
            yield RULE.failed(group, "healthCheck", "target group has no explicit health check")
            continue
        enabled = flag(hc.get("enabled"))
        if enabled is False:
            yield RULE.failed(group, "healthCheck.enabled", "the health check is disabled: unhealthy targets keep receiving traffic")
            continue
        if is_unknown(group.get("protocol")):
            yield RULE.unknown(group, "protocol", "the target group protocol (UDP is HC002's) is not known")
            continue
        if isinstance(enabled, Unknown):
            yield RULE.unknown(group, "healthCheck.enabled", "whether the health check is enabled is not known")
            continue
        yield timing_verdict(RULE, group, hc, params)


RULE = Rule(
    id="HC001",
    name="target-group-health-check",
    description="Every target group has an explicit, enabled health check, every 30 s or faster with an unhealthy threshold of at most 3.",
    severity="high",
    remediation="Set healthCheck {enabled: true, interval: 10, unhealthyThreshold: 2}.",
    check=check,
    tags=("health-checks", "load-balancer"),
    defaults={"maxInterval": 30, "maxUnhealthyThreshold": 3},
)
