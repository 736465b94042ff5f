"""HC004 dns-failover-pair: Route 53 failover has a health-checked PRIMARY and a SECONDARY.

The PRIMARY is health-checked by a Route 53 health check (healthCheckId) or, as Route 53 documents
for failover to load balancers, by being an alias to an ELB/ALB/NLB with evaluateTargetHealth
(HC007 advises an explicit check as well).

Scenarios: pass (PRIMARY with healthCheckId + SECONDARY; PRIMARY alias evaluating target health +
SECONDARY) · fail (PRIMARY without health check; no SECONDARY; SECONDARY alone) · not-applicable
(no failover records) · unknown (record name unknown; failover role unknown; evaluateTargetHealth
unknown) · suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import RECORD
from ...model import Graph, Resource
from ...topology import failover_role, health_checked
from ...values import Unknown, as_key, is_unknown, text
from ..base import Finding, Rule


def _zone_key(record: Resource) -> Any:
    linked = record.property_dependencies.get("zoneId")
    return linked[0] if linked else record.get("zoneId")


def _may_complete(undecided: list[Resource], zone: Any, name: str, kind: Any) -> bool:
    """Whether a record whose name or failover role is not known may be the missing partner."""
    for record in undecided:
        other, other_kind, other_zone = text(record.get("name")), as_key(record.get("type")), as_key(_zone_key(record))
        if (
            (other is None or other.rstrip(".").lower() == name)
            and (other_kind == kind or is_unknown(other_kind))
            and (other_zone == zone or is_unknown(other_zone))
        ):
            return True
    return False


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    groups: dict[tuple[Any, str, Any], dict[str, Resource]] = defaultdict(dict)
    undecided: list[Resource] = []
    for record in graph.of_type(RECORD):
        role = failover_role(record)
        if role is None:
            continue
        name = text(record.get("name"))
        if name is None or is_unknown(role):
            undecided.append(record)
            yield RULE.unknown(record, "name", "the record name or failover role is not known")
            continue
        groups[(as_key(_zone_key(record)), name.rstrip(".").lower(), as_key(record.get("type")))][role] = record
    for (zone, name, kind), roles in sorted(groups.items(), key=lambda item: str(item[0])):
        primary, secondary = roles.get("PRIMARY"), roles.get("SECONDARY")
        missing = "PRIMARY" if primary is None else "SECONDARY" if secondary is None else None
        if missing and _may_complete(undecided, zone, name, kind):
            # A record not yet known (a first preview, a pending operation) may be the partner.
            present = primary or secondary
            assert present is not None  # a group holds at least one role
            yield RULE.unknown(present, "failoverRoutingPolicies", f"whether {kind} record {name} has a {missing} is not known")
            continue
        if primary is None:
            assert secondary is not None  # a group holds at least one role
            yield RULE.failed(secondary, "failoverRoutingPolicies", f"SECONDARY {kind} record {name} has no PRIMARY", "add the PRIMARY record with a health check.")
            continue
        checked = health_checked(graph, primary)
        if isinstance(checked, Unknown):
            yield RULE.unknown(primary, "aliases.evaluateTargetHealth", f"whether the PRIMARY {kind} record {name} follows its target's health is not known")
        elif not checked:
            yield RULE.failed(
                primary,
                "healthCheckId",
                f"PRIMARY {kind} record {name} has no health check: Route 53 never fails over",
                "attach a Route 53 health check (healthCheckId) to the PRIMARY record, or make it an alias to a load balancer with evaluateTargetHealth.",
            )
        elif secondary is None:
            yield RULE.failed(
                primary,
                "failoverRoutingPolicies",
                f"PRIMARY {kind} record {name} has no SECONDARY: there is nowhere to fail over to",
                "add a SECONDARY record for the same name and type (another region or a maintenance endpoint).",
            )
        else:
            yield RULE.passed(primary)


RULE = Rule(
    id="HC004",
    name="dns-failover-pair",
    description="Every Route 53 failover name has a PRIMARY record with a health check and a SECONDARY record.",
    severity="critical",
    remediation="Attach a health check to the PRIMARY and add a SECONDARY for the same name and type.",
    check=check,
    tags=("health-checks", "dns", "route53", "failover"),
)
