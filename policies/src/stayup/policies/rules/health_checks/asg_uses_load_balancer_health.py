"""HC003 asg-uses-load-balancer-health: groups behind a load balancer replace the instances it
finds unhealthy.

Scenarios: pass (ELB type, grace 120 s) · fail (EC2 type; no grace period; EC2 type behind a
classic load balancer) · not-applicable (no group attached to a target group) · unknown (settings
unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import ASG, ASG_ATTACHMENT
from ...model import Graph, Resource
from ...values import any_unknown, is_unknown, number
from ..base import Finding, Rule


def attached(graph: Graph, group: Resource) -> bool:
    arns = group.get("targetGroupArns")
    if (isinstance(arns, list) and arns) or (is_unknown(arns) and group.property_dependencies.get("targetGroupArns")):
        return True
    if group.get("trafficSources") or group.get("loadBalancers"):  # target groups, or Classic ELBs by name
        return True
    return any(a.get("lbTargetGroupArn") for a in graph.referrers(group, ASG_ATTACHMENT, "autoscalingGroupName"))


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    low, high = params["minGracePeriod"], params["maxGracePeriod"]
    for group in graph.of_type(ASG):
        if not attached(graph, group):
            continue
        kind, grace = group.get("healthCheckType"), group.get("healthCheckGracePeriod")
        if any_unknown((kind, grace)):
            yield RULE.unknown(group, "healthCheckType", "the health check settings are not known")
        elif kind != "ELB":
            yield RULE.failed(
                group,
                "healthCheckType",
                f"group behind a load balancer uses {kind or 'EC2 (default)'} health checks: instances the load balancer marks unhealthy are never replaced",
                'set healthCheckType: "ELB".',
            )
        elif not isinstance(seconds := number(grace), float) or not low <= seconds <= high:
            yield RULE.failed(
                group,
                "healthCheckGracePeriod",
                f"grace period is {f'{seconds:g} s' if isinstance(seconds, float) else 'not set'} (expected an explicit {low}–{high} s)",
                f"set healthCheckGracePeriod between {low} and {high} seconds.",
            )
        else:
            yield RULE.passed(group)


RULE = Rule(
    id="HC003",
    name="asg-uses-load-balancer-health",
    description="Every auto scaling group attached to a target group uses ELB health checks with an explicit 60–300 s grace period.",
    severity="high",
    remediation='Set healthCheckType: "ELB" and healthCheckGracePeriod: 120.',
    check=check,
    tags=("health-checks", "autoscaling", "AutoScaling.1", "CKV2_AWS_15"),
    defaults={"minGracePeriod": 60, "maxGracePeriod": 300},
)
