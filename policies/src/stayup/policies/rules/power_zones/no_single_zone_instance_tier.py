"""PZ004 no-single-zone-instance-tier: instances behind a target group or a Classic ELB run in at
least N AZs.

A bare EC2 instance (or several in one AZ) serving a tier is a single point of failure: the EC2
SLA is 99.5 % for one instance against 99.99 % across AZs.

Scenarios: pass (relay nodes in every AZ) · fail (relays in one AZ; a classic load balancer's
instances in one AZ) · not-applicable (no instance targets) · unknown (an instance's zone unknown) ·
suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import CLASSIC_ELB, TARGET_GROUP
from ...facts import instance_targets, instance_zone
from ...model import Graph
from ...values import any_unknown, known
from ..base import Finding, Rule

_ATTRIBUTE = {TARGET_GROUP: "targetId", CLASSIC_ELB: "instances"}


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    need = int(params["minZones"])
    for group in graph.of_type(TARGET_GROUP, CLASSIC_ELB):
        instances = instance_targets(graph, group)
        if not instances:
            continue
        zones = [instance_zone(graph, i) for i in instances]
        placed = set(known(zones))
        if len(placed) >= need:
            yield RULE.passed(group)
        elif any_unknown(zones):
            yield RULE.unknown(group, _ATTRIBUTE[group.type], "the AZ of some registered instances is not known")
        else:
            yield RULE.failed(
                group,
                _ATTRIBUTE[group.type],
                f"{len(instances)} instance(s) serve this tier, all in {', '.join(sorted(placed))}",
                f"run instances in at least {need} AZs, or use an auto scaling group across AZs.",
            )


RULE = Rule(
    id="PZ004",
    name="no-single-zone-instance-tier",
    description="Instances registered behind a target group run in at least 2 AZs.",
    severity="high",
    remediation="Spread the tier's instances over at least 2 AZs.",
    check=check,
    tags=("power-zones", "ec2", "single-point-of-failure"),
    defaults={"minZones": 2},
)
