"""SS002 instance-tier-statically-stable: fixed instance tiers survive losing their fullest AZ.

Instances registered behind a target group (e.g. TURN relays, each with its own address) are
counted per AZ; after losing the AZ with the most, the rest must meet the peak (tag
`stayup:peak` on the target group, else 1).

Scenarios: pass (one relay in each AZ, peak 1) · fail (peak 2 with 1 per AZ) · not-applicable (no
instance targets) · unknown (an instance's AZ unknown) · suppressed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import TARGET_GROUP
from ...facts import instance_targets, instance_zone
from ...model import Graph
from ...topology import peak
from ...values import any_unknown
from ..base import Finding, Rule
from ..shared import statically_stable


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for group in graph.of_type(TARGET_GROUP):
        instances = instance_targets(graph, group)
        if not instances:
            continue
        zones = Counter(instance_zone(graph, i) for i in instances)
        if any_unknown(zones):
            yield RULE.unknown(group, "targetId", "the AZ of some registered instances is not known")
            continue
        yield statically_stable(RULE, group, list(zones.values()), len(instances), len(zones), peak(group), "targetId")


RULE = Rule(
    id="SS002",
    name="instance-tier-statically-stable",
    description="Every tier of instances behind a target group keeps its peak capacity after losing its fullest AZ.",
    severity="high",
    remediation="Run enough instances per AZ that the others meet peak load: peak / (AZs - 1) each.",
    check=check,
    tags=("static-stability", "capacity", "ec2"),
)
