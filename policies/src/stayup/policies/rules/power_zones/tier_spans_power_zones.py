"""PZ001 tier-spans-power-zones: every tier runs in at least N AZs.

Scenarios: pass (load balancer, groups, services and DB subnet group over 2 AZs) · fail (one AZ; a
classic load balancer in one AZ) ·
not-applicable (no tier resources) · unknown (subnet without a zone; subnet ids from outside the
program) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import (
    ASG,
    CLASSIC_ELB,
    DB_SUBNET_GROUP,
    ECS_SERVICE,
    EKS_NODE_GROUP,
    LOAD_BALANCER,
)
from ...facts import zones_of
from ...model import Graph
from ..base import Finding, Rule

_WHAT = {
    LOAD_BALANCER: ("load balancer", "subnets"),
    CLASSIC_ELB: ("classic load balancer", "subnets"),
    ASG: ("auto scaling group", "vpcZoneIdentifiers"),
    ECS_SERVICE: ("ECS service", "networkConfiguration.subnets"),
    EKS_NODE_GROUP: ("EKS node group", "subnetIds"),
    DB_SUBNET_GROUP: ("DB subnet group", "subnetIds"),
}


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    need = int(params["minZones"])
    for resource in graph.of_type(*_WHAT):
        spread = zones_of(graph, resource)
        if spread is None:
            continue
        what, attribute = _WHAT[resource.type]
        if resource.type == LOAD_BALANCER and resource.get("subnetMappings"):
            attribute = "subnetMappings"
        if resource.type == CLASSIC_ELB and resource.get("subnets") in (None, []):
            attribute = "availabilityZones"
        if len(spread.zones) >= need:
            yield RULE.passed(resource)
        elif not spread.decided and spread.at_most is not None and spread.at_most < need:
            # Certain whatever the unknown zones are: too few distinct subnets to reach `need` AZs.
            yield RULE.failed(
                resource,
                attribute,
                f"{what} can run in at most {spread.at_most} AZ: its subnets cannot span {need}",
                f"place it in subnets of at least {need} AZs (3 recommended).",
            )
        elif not spread.decided:
            yield RULE.unknown(resource, attribute, f"the zone of {spread.unknown} of its subnets is not known")
        else:
            zones = ", ".join(sorted(spread.zones)) or "none"
            yield RULE.failed(
                resource,
                attribute,
                f"{what} runs in {len(spread.zones)} AZ ({zones}); losing that power zone takes the tier down",
                f"place it in subnets of at least {need} AZs (3 recommended).",
            )


RULE = Rule(
    id="PZ001",
    name="tier-spans-power-zones",
    description="Every load balancer, auto scaling group, ECS service, EKS node group and DB subnet group spans at least 2 AZs.",
    severity="critical",
    remediation="Give the resource subnets in at least 2 AZs (3 recommended).",
    check=check,
    tags=("power-zones", "multi-az", "REL10"),
    defaults={"minZones": 2},
)
