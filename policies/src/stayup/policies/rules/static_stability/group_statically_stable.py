"""SS001 group-statically-stable: groups hold enough capacity to lose any one AZ without scaling.

During a power interruption no launches succeed in the failed AZ and scaling elsewhere is too
slow, so capacity is provisioned ahead. Capacity is the floor the group can be scaled in to: an
ASG's minSize (lowered by scheduled actions), an ECS service's desiredCount or, with an
Application Auto Scaling target on it, the target's min_capacity (lowered by scheduled actions),
an EKS node group's minSize. Minimum acceptable: at least the number of AZs and at least 2. With a
declared peak (tag `stayup:peak`), the capacity left after losing the AZ with the most instances
must still meet it: per-AZ capacity >= peak / (n - 1). The blast radius uses the same definition.

Scenarios: pass (capacity per AZ meets the peak after losing an AZ) · fail (min 2 over 2 AZs with
peak 2; capacity below AZ count; scaling target min_capacity 1; scheduled scale-in) ·
not-applicable (no groups) · unknown (size unknown; scaling target resourceId unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import ASG, ECS_SERVICE, EKS_NODE_GROUP
from ...facts import capacity_floor, zones_of
from ...model import Graph
from ...topology import peak
from ...values import Unknown
from ..base import Finding, Rule
from ..shared import statically_stable


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for resource in graph.of_type(ASG, ECS_SERVICE, EKS_NODE_GROUP):
        spread = zones_of(graph, resource)
        if spread is None:
            continue
        floor = capacity_floor(graph, resource)
        minimum, source = floor.value, f" ({floor.why})" if floor.why else ""
        if not spread.decided and isinstance(minimum, float) and minimum < 2 and (spread.at_most is None or spread.at_most >= 2):
            # One instance (or none) cannot survive the loss of its AZ, wherever it runs.
            yield RULE.failed(resource, floor.attribute, f"minimum capacity {minimum:g}{source}: losing one AZ leaves nothing running", "run at least 2, one per AZ.")
            continue
        if isinstance(minimum, Unknown) or not spread.decided:
            yield RULE.unknown(resource, floor.attribute, f"its capacity{source} or AZs are not known")
            continue
        zones = len(spread.zones)
        if zones == 0:
            continue
        yield statically_stable(RULE, resource, None, minimum or 0.0, zones, peak(resource), floor.attribute, floor.why)


RULE = Rule(
    id="SS001",
    name="group-statically-stable",
    description="Every auto scaling group, ECS service and EKS node group keeps its peak capacity after losing any one AZ, without scaling.",
    severity="high",
    remediation="Provision per-AZ capacity of at least peak / (AZs - 1), and at least one per AZ.",
    check=check,
    tags=("static-stability", "capacity"),
)
