"""DR001 availability-meets-slo: the estimated availability of each served name meets the SLO the
stack declares (stack output `slo`, in percent).

The estimate composes published SLAs (ELB, EC2 across AZs or in one, RDS/Aurora Multi-AZ or
single-AZ, Route 53) along the stack's structure: a site is a serial chain; health-checked DNS
failover to a second site makes them parallel (1 - (1 - a)^k).

Scenarios: pass (one site meets a 99.9 SLO) · fail (one site for five nines) · not-applicable (no
SLO declared) · unknown (SLO unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...availability import budget, declared_slo
from ...aws_types import STACK
from ...model import Graph
from ...validate import slo_problem
from ...values import is_unknown
from ..base import Finding, Rule


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    stacks = graph.of_type(STACK)
    if stacks and is_unknown(stacks[0].get("slo")):
        yield RULE.unknown(stacks[0], "slo", "the declared SLO is not known")
        return
    problem = slo_problem(graph)
    if problem is not None:
        yield RULE.failed(stacks[0], "slo", problem, "export slo as a number of percent in (0, 100], e.g. 99.95.")
        return
    slo = declared_slo(graph)
    if slo is None:
        return
    for estimate in budget(graph):
        resource = graph.resources.get(estimate.urn or "")
        if resource is None:
            continue
        if not estimate.regions_known and estimate.availability < slo:
            yield RULE.unknown(resource, "region", f"whether {estimate.name}'s failover sites are in different regions is not known")
            continue
        if estimate.availability >= slo:
            yield RULE.passed(resource)
            continue
        reason = (
            "a single region's chain of SLAs cannot reach it: it needs a second region with health-checked failover"
            if not estimate.multi_region
            else "even with failover the chain is too weak: strengthen the weakest component"
        )
        yield RULE.failed(
            resource,
            "slo",
            f"{estimate.name} is estimated at {estimate.availability:.4f} % ({estimate.downtime_minutes_per_year:.0f} min/year of downtime), "
            f"below the declared SLO of {slo:g} %: {reason}",
            "add a standby site in another region behind a health-checked Route 53 failover record, or lower the declared SLO.",
        )


RULE = Rule(
    id="DR001",
    name="availability-meets-slo",
    description="Every served name's estimated availability meets the SLO the stack declares.",
    severity="high",
    remediation="Add a standby site in another region behind health-checked DNS failover, or declare an SLO the structure can meet.",
    check=check,
    tags=("disaster-recovery", "availability", "slo"),
)
