"""SS001 group-statically-stable: groups hold enough capacity to lose any one AZ without scaling.

During a power interruption no launches succeed in the failed AZ and scaling elsewhere is too
slow, so capacity is provisioned ahead. Minimum acceptable: minimum size at least the number of
AZs and at least 2. With a declared peak (tag `stayup:peak`), the capacity left after losing
the AZ with the most instances must still meet it: per-AZ capacity >= peak / (n - 1).

Scenarios: pass (3 AZs, min 3, peak 2) · fail (min 3 over 3 AZs with peak 4; min below AZ
count) · not-applicable (no groups, or a group in one AZ: PZ001 reports that) · unknown (size
or zones unknown) · suppressed.
"""

from __future__ import annotations

import math

from ...aws_types import ASG, ECS_SERVICE, EKS_NODE_GROUP
from ...facts import number, zones_of
from ...graph_schema import UNKNOWN
from ...topology import peak
from ..base import Rule


def _minimum(resource):
    if resource.type == ASG:
        return "minSize", resource.get("minSize")
    if resource.type == ECS_SERVICE:
        return "desiredCount", resource.get("desiredCount")
    scaling = resource.get("scalingConfig")
    return "scalingConfig.minSize", scaling.get("minSize") if isinstance(scaling, dict) else scaling


def statically_stable(rule, resource, per_zone_counts: list[int] | None, total: float, zones: int, peak: float | None, attribute: str):
    """Shared verdict: capacity left after losing the fullest AZ must meet the peak."""
    fullest = max(per_zone_counts) if per_zone_counts else math.ceil(total / zones)
    left = total - fullest
    need = max(peak or 0, 1)
    if total < max(zones, 2):
        return rule.failed(
            resource,
            attribute,
            f"capacity {total:g} over {zones} AZs leaves an AZ empty or a single instance",
            f"provision at least {max(zones, 2)} (one per AZ).",
        )
    if left < need:
        return rule.failed(
            resource,
            attribute,
            f"capacity {total:g} over {zones} AZs leaves {left:g} after losing the fullest AZ, below the peak of {need:g}",
            f"provision at least {math.ceil(need / (zones - 1))} per AZ ({math.ceil(need / (zones - 1)) * zones} in all).",
        )
    return rule.passed(resource)


def check(graph, params):
    for resource in graph.of_type(ASG, ECS_SERVICE, EKS_NODE_GROUP):
        spread = zones_of(graph, resource)
        if spread is None:
            continue
        attribute, minimum = _minimum(resource)
        if minimum == UNKNOWN or not spread.decided:
            yield RULE.unknown(resource, attribute, "its capacity or AZs are not known")
            continue
        zones = len(spread.zones)
        if zones < 2:
            continue
        yield statically_stable(RULE, resource, None, number(minimum) or 0, zones, peak(resource), attribute)


RULE = Rule(
    id="SS001",
    name="group-statically-stable",
    description="Every auto scaling group, ECS service and EKS node group keeps its peak capacity after losing any one AZ, without scaling.",
    severity="high",
    remediation="Provision per-AZ capacity of at least peak / (AZs - 1), and at least one per AZ.",
    check=check,
    tags=("static-stability", "capacity"),
)
