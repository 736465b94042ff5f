"""PZ003 cache-survives-zone-loss: ElastiCache replication groups fail over automatically across AZs.

Scenarios: pass (automatic failover, Multi-AZ, 2 nodes) · fail (failover off) · not-applicable (no
cache) · unknown (settings unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import CACHE_GROUP
from ...model import Graph, Resource
from ...values import Unknown, any_unknown, flag, number
from ..base import Finding, Rule


def _nodes(group: Resource) -> float | Unknown | None:
    clusters = number(group.get("numCacheClusters"))
    if clusters is not None:
        return clusters
    replicas = number(group.get("replicasPerNodeGroup"))
    return replicas + 1 if isinstance(replicas, float) else replicas


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for group in graph.of_type(CACHE_GROUP):
        failover, multi = flag(group.get("automaticFailoverEnabled")), flag(group.get("multiAzEnabled"))
        nodes = _nodes(group)
        # A setting known to be off is a violation whatever the unknown ones turn out to be.
        if failover is not True and not isinstance(failover, Unknown):
            yield RULE.failed(group, "automaticFailoverEnabled", "automatic failover is off", "set automaticFailoverEnabled: true.")
        elif multi is not True and not isinstance(multi, Unknown):
            yield RULE.failed(group, "multiAzEnabled", "Multi-AZ is off", "set multiAzEnabled: true.")
        elif isinstance(nodes, float) and nodes < 2:
            yield RULE.failed(group, "numCacheClusters", "the group has a single node", "run at least 2 nodes (numCacheClusters: 2).")
        elif any_unknown((failover, multi, nodes)):
            yield RULE.unknown(group, "automaticFailoverEnabled", "failover settings are not known until deployment")
        else:
            yield RULE.passed(group)


RULE = Rule(
    id="PZ003",
    name="cache-survives-zone-loss",
    description="Every ElastiCache replication group has automatic failover, Multi-AZ and at least 2 nodes.",
    severity="high",
    remediation="Set automaticFailoverEnabled and multiAzEnabled, with at least 2 nodes.",
    check=check,
    tags=("power-zones", "cache", "CT.ELASTICACHE.PR.3", "CKV2_AWS_50"),
)
