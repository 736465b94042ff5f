"""SS001 group-statically-stable: groups hold enough capacity to lose any one AZ without scaling.

During a power interruption no launches succeed in the failed AZ and scaling elsewhere is too
slow, so capacity is provisioned ahead. Minimum acceptable: minimum size at least the number of
AZs and at least 2. With a declared peak (tag `stayup:peak`), the capacity left after losing
the AZ with the most instances must still meet it: per-AZ capacity >= peak / (n - 1).

Scenarios: pass (capacity per AZ meets the peak after losing an AZ) · fail (min 2 over 2 AZs with
peak 2; capacity below AZ count) · not-applicable (no groups) · unknown (size unknown) ·
suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import ASG, ECS_SERVICE, EKS_NODE_GROUP
from ...facts import Unknown, number, zones_of
from ...model import Graph, Resource
from ...topology import peak
from ..base import Finding, Rule
from ..shared import statically_stable


def _minimum(resource: Resource) -> tuple[str, Any]:
    if resource.type == ASG:
        return "minSize", resource.get("minSize")
    if resource.type == ECS_SERVICE:
        return "desiredCount", resource.get("desiredCount")
    scaling = resource.get("scalingConfig")
    return "scalingConfig.minSize", scaling.get("minSize") if isinstance(scaling, dict) else scaling


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for resource in graph.of_type(ASG, ECS_SERVICE, EKS_NODE_GROUP):
        spread = zones_of(graph, resource)
        if spread is None:
            continue
        attribute, raw = _minimum(resource)
        minimum = number(raw)
        if not spread.decided and isinstance(minimum, float) and minimum < 2 and (spread.at_most is None or spread.at_most >= 2):
            # One instance (or none) cannot survive the loss of its AZ, wherever it runs.
            yield RULE.failed(resource, attribute, f"minimum capacity {minimum:g}: losing one AZ leaves nothing running", "run at least 2, one per AZ.")
            continue
        if isinstance(minimum, Unknown) or not spread.decided:
            yield RULE.unknown(resource, attribute, "its capacity or AZs are not known")
            continue
        zones = len(spread.zones)
        if zones < 2:
            continue
        yield statically_stable(RULE, resource, None, minimum or 0.0, zones, peak(resource), attribute)


RULE = Rule(
    id="SS001",
    name="group-statically-stable",
    description="Every auto scaling group, ECS service and EKS node group keeps its peak capacity after losing any one AZ, without scaling.",
    severity="high",
    remediation="Provision per-AZ capacity of at least peak / (AZs - 1), and at least one per AZ.",
    check=check,
    tags=("static-stability", "capacity"),
)
