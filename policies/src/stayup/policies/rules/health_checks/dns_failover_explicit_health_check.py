"""HC007 dns-failover-explicit-health-check: a PRIMARY failover record has its own Route 53 health
check, not only its alias target's health.

An alias to a load balancer with evaluateTargetHealth fails over when the load balancer has no
healthy targets (HC004 accepts it), but Route 53 then never probes the path users take (DNS name,
TLS, listener rules). Advisory: an explicit health check on the public endpoint also catches those.

Scenarios: pass (PRIMARY with healthCheckId) · fail (PRIMARY alias relying on evaluateTargetHealth
only) · not-applicable (no failover records; PRIMARY without any health check: HC004's) · unknown
(evaluateTargetHealth unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import RECORD
from ...model import Graph
from ...topology import failover_health, failover_role
from ...values import Unknown, text
from ..base import Finding, Rule


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for record in graph.of_type(RECORD):
        if failover_role(record) != "PRIMARY":
            continue
        how = failover_health(graph, record)
        if isinstance(how, Unknown):
            yield RULE.unknown(
                record,
                "aliases.evaluateTargetHealth",
                "whether the record follows its target's health is not known",
            )
        elif how == "health check":
            yield RULE.passed(record)
        elif how == "alias target health":
            yield RULE.failed(
                record,
                "healthCheckId",
                f"PRIMARY record {text(record.get('name')) or record.name} fails over only on its load balancer's target health: Route 53 never probes the endpoint users reach",
                "also attach a Route 53 health check on the public endpoint (e.g. HTTPS /healthz every 10 s).",
            )


RULE = Rule(
    id="HC007",
    name="dns-failover-explicit-health-check",
    description="A PRIMARY failover record has its own Route 53 health check, not only its alias target's health.",
    severity="low",
    remediation="Attach a Route 53 health check (healthCheckId) on the public endpoint to the PRIMARY record.",
    check=check,
    tags=("health-checks", "dns", "route53", "failover"),
    core=False,  # advisory: alias target health is a documented, working failover signal
)
