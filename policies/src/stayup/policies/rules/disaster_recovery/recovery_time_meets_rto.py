"""RT001 recovery-time-meets-rto: after any one power zone goes dark, every service users reach serves
again within the recovery time objective the stack declares (stack output `rto`, in seconds).

The recovery times are the blast radius's (`stayup blast-radius`), from the recovery model: target
health detection, the load balancer's node leaving DNS, database and cache failover, Route 53
failover and TTLs, replacement capacity, and egress through a NAT gateway in the dark AZ (which
never recovers without a change). A service that does not survive the loss never recovers. The
services judged are the ones users reach: failover DNS names, and the services no such name
fronts. A recovery that depends on a value not known is unknown, unless its known part alone
already exceeds the RTO.

Constants (every figure from AWS documentation; `stayup blast-radius --recovery FILE` and
`stayup check --recovery FILE` override them, and so does this policy's `recovery` setting in the
policy config, e.g. `{"recovery-time-meets-rto": {"recovery": {"ec2_launch": 90}}}`, which
`pulumi up --policy-pack-config` reads too):

{constants}

Scenarios: pass (every zone loss recovers within the RTO) · fail (RTO below the cache failover;
database without a standby) · not-applicable (no RTO declared) · unknown (RTO unknown; health-check
interval unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import STACK
from ...blast import ServiceOutcome, simulate
from ...model import Graph, Resource
from ...recovery import (
    DOWN,
    NEVER_RECOVERS,
    NOT_DECIDED,
    Step,
    constants_markdown,
    option_schema,
    overrides,
    seconds_range,
)
from ...validate import rto_problem
from ...values import Unknown, number
from ..base import Finding, Option, Rule

# docs/rules.md shows the docstring: the constants table comes from the recovery model itself.
__doc__ = (__doc__ or "").replace("{constants}", constants_markdown())

FIXES = {
    "target health": "health-check the target group faster (interval 10 s, unhealthy threshold 2, timeout 5 s).",
    "load balancer DNS": "find the dark AZ's targets unhealthy sooner (a shorter health-check interval, threshold or timeout); the load balancer's 60 s DNS TTL is fixed, so an RTO near or below it cannot be met behind ELB DNS.",
    "database failover": "fail over faster (a Multi-AZ DB cluster publishes under 35 s), or declare an RTO above the database's documented failover.",
    "cache failover": "declare an RTO above ElastiCache's documented failover, or keep the service serving while the cache fails over.",
    "DNS failover": "keep the primary serving through the loss of any one AZ (then no DNS failover is needed), or detect faster: a Route 53 health check every 10 s with a failure threshold of 2.",
    "DNS TTL": "keep the primary serving through the loss of any one AZ (then no DNS failover is needed), or shorten the Route 53 detection and the record's TTL (an alias to a load balancer keeps its 60 s).",
    "capacity": "provision capacity so that losing an AZ needs no replacement (static stability, SS001/SS002).",
    "egress": "give each AZ its own NAT gateway, or use a regional NAT gateway (NE001).",
}


def _rto(stack: Resource) -> float | str | Unknown | None:
    """The declared RTO in seconds; a message when it is not a positive number (`stayup check`
    refuses such a stack first, exit 2: the pack at `pulumi up` fails this rule instead)."""
    raw = stack.get("rto")
    if raw is None:
        return None
    value = number(raw)
    return rto_problem(stack) or value


def _dominant(service: ServiceOutcome) -> Step | None:
    return service.recovery.dominant


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    stacks = graph.of_type(STACK)
    if not stacks:
        return
    stack = stacks[0]
    rto = _rto(stack)
    if rto is None:
        return
    if isinstance(rto, Unknown):  # number() reads the unknown marker as NOT_KNOWN
        yield RULE.unknown(stack, "rto", "the declared RTO is not known")
        return
    if isinstance(rto, str):
        yield RULE.failed(stack, "rto", rto, "export rto as a number of seconds, e.g. 120.")
        return
    radius = simulate(graph, 1, params.get("recovery"))
    worst: dict[str, tuple[str, ServiceOutcome]] = {}  # urn -> (zone, service) of its worst loss
    verdicts: dict[str, bool | Unknown] = {}
    for loss in radius.zones:
        for service in radius.served(loss):
            if not service.urn or service.urn not in graph.resources:
                continue
            over = service.recovery.exceeds(rto)
            earlier = verdicts.get(service.urn)
            if earlier is True:
                continue
            if over is True or earlier is None or (isinstance(over, Unknown) and earlier is False):
                verdicts[service.urn] = over
                worst[service.urn] = (loss.zone, service)
    for urn in sorted(verdicts):
        resource = graph.resources[urn]
        zone, service = worst[urn]
        over = verdicts[urn]
        if over is False:
            yield RULE.passed(resource)
            continue
        recovery = service.recovery
        step = _dominant(service)
        if isinstance(over, Unknown):
            cause = step.path() if step is not None else recovery.why or "its recovery"
            yield RULE.unknown(resource, "recovery", f"after losing {zone}, how soon {service.name} serves again is not known ({cause})")
            continue
        yield RULE.failed(resource, "recovery", _violation(service, zone, rto, step), _fix(recovery.outcome, step))


def _violation(service: ServiceOutcome, zone: str, rto: float, step: Step | None) -> str:
    recovery = service.recovery
    if recovery.outcome == DOWN:
        cause = f"; {step.path()}" if step is not None else ""
        return f"losing {zone} takes {service.name} down ({recovery.why}){cause}: it does not serve again within the RTO of {rto:g} s"
    if recovery.outcome == NEVER_RECOVERS and step is not None:
        return f"after losing {zone}, {service.name} never serves again at its baseline: {step.path()}"
    if recovery.outcome == NOT_DECIDED and step is not None:
        return (f"after losing {zone}, {service.name} takes more than {recovery.at_least:g} s to serve again (the rest is not known), "
                f"above the declared RTO of {rto:g} s: {step.path()}")
    span = recovery.seconds or (0.0, 0.0)
    assert step is not None
    return f"after losing {zone}, {service.name} serves again after {seconds_range(*span)}, above the declared RTO of {rto:g} s; the longest path: {step.path()}"


def _fix(outcome: str, step: Step | None) -> str:
    if outcome == DOWN:
        return "make the service survive the loss of any one AZ first (see the power-zone and static-stability findings), or fail over to another region."
    if step is not None and step.attribute == "healthCheck.enabled":
        return "enable the target group's health check (interval 10 s, unhealthy threshold 2)."
    if step is not None and step.what in FIXES:
        return FIXES[step.what]
    return RULE.remediation


RULE = Rule(
    id="RT001",
    name="recovery-time-meets-rto",
    description="Every service users reach serves again within the RTO the stack declares after any one AZ goes dark.",
    severity="high",
    remediation="Detect failure faster (health checks, DNS TTLs), fail over to a standby in another AZ, or declare an RTO the design can meet.",
    check=check,
    tags=("disaster-recovery", "recovery-time", "rto"),
    options={"recovery": Option(option_schema(), lambda value, file, key: overrides(value, file=file, key=key))},
)
