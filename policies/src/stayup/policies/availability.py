"""Availability budget: published SLAs composed along the stack's structure. A site (one region's
service) is a serial chain; health-checked DNS failover to a second site makes sites parallel."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from .aws_types import LOAD_BALANCER, STACK
from .model import Graph, Resource
from .topology import Tier, failover_names, health_checked, tiers
from .values import UNKNOWN, number

# Published SLAs (RULES.md); override with `--sla FILE` (JSON or YAML of the same keys).
DEFAULT_SLA = {
    "elb": 99.99,
    "ec2_multi_az": 99.99,
    "ec2_single": 99.5,
    "rds_multi_az": 99.95,
    "rds_single_az": 99.5,
    "aurora_multi_az": 99.99,
    "aurora_single_az": 99.5,
    "route53": 100.0,
}
MINUTES_PER_YEAR = 365.25 * 24 * 60


@dataclass(frozen=True)
class Estimate:
    name: str
    urn: str | None
    multi_region: bool
    availability: float  # percent
    downtime_minutes_per_year: float
    arithmetic: str
    regions_known: bool = True  # False: whether the failover sites share a region is not known

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "urn": self.urn,
            "multi_region": self.multi_region,
            "availability": self.availability,
            "downtime_minutes_per_year": self.downtime_minutes_per_year,
            "arithmetic": self.arithmetic,
        }


def site_availability(tier: Tier, sla: dict[str, float]) -> tuple[float, list[str]]:
    parts: list[tuple[str, float]] = []
    if tier.load_balancer is not None:
        parts.append(("ELB", sla["elb"]))
    compute_zones = {z for g in tier.groups for z in g.zones} | {z for _, z in tier.instances if z != UNKNOWN}
    if tier.groups or tier.instances:
        key = "ec2_multi_az" if len(compute_zones) >= 2 else "ec2_single"
        parts.append(("EC2 across AZs" if key == "ec2_multi_az" else "EC2 in one AZ", sla[key]))
    for db in tier.databases:
        kind = "aurora" if db.kind == "aurora" else "rds"  # a Multi-AZ DB cluster is under RDS's Multi-AZ SLA
        key = f"{kind}_{'multi_az' if db.multi_az else 'single_az'}"
        parts.append((f"{'Aurora' if kind == 'aurora' else 'RDS'} {'Multi-AZ' if db.multi_az else 'single-AZ'}", sla[key]))
    value = math.prod(p / 100 for _, p in parts) if parts else 1.0
    return value, [f"{label} {p:g} %" for label, p in parts]


def budget(graph: Graph, sla: dict[str, float] | None = None) -> list[Estimate]:
    """Estimated availability per served name (or per service without DNS), with the arithmetic."""
    sla = {**DEFAULT_SLA, **(sla or {})}
    all_tiers = tiers(graph)
    by_lb = {t.load_balancer.urn: t for t in all_tiers if t.load_balancer is not None}
    estimates = []
    covered: set[str] = set()
    for name, roles in sorted(failover_names(graph).items()):
        sites = []
        for role in ("PRIMARY", "SECONDARY"):
            record = roles.get(role)
            lbs = graph.linked(record, "aliases", LOAD_BALANCER) if record else []
            if lbs and lbs[0].urn in by_lb:
                sites.append(by_lb[lbs[0].urn])
        checked = health_checked(graph, roles.get("PRIMARY")) is True
        if not sites:
            continue
        site_values = [(site_availability(t, sla), t) for t in sites]
        regions = [t.region for t in sites]
        # Sites fail independently only in different regions: two sites of one region share its
        # control plane and fate, and count as one.
        independent = len(sites) >= 2 and None not in regions and len(set(regions)) == len(regions)
        if checked and independent:
            down = math.prod(1 - v for (v, _), _ in site_values)
            value = (1 - down) * sla["route53"] / 100
            arithmetic = " ‖ ".join(f"[{t.name}: {' × '.join(p)} = {v * 100:.4f} %]" for (v, p), t in site_values)
            arithmetic = f"1 − ∏(1 − site) over {arithmetic}, × Route 53 {sla['route53']:g} %"
        else:
            (value, parts), tier = site_values[0]
            why = "no health-checked second site" if not (checked and len(sites) >= 2) else "the second site is in the same region"
            arithmetic = f"{tier.name}: {' × '.join(parts)} ({why})"
        covered |= {t.name for t in sites}
        estimate = _estimate(name, value, arithmetic, roles.get("PRIMARY") or roles.get("SECONDARY"), checked and independent)
        if checked and len(sites) >= 2 and None in regions:
            estimate = dataclasses.replace(estimate, regions_known=False)
        estimates.append(estimate)
    for tier in all_tiers:
        if tier.name not in covered and tier.kind not in ("database", "cache"):
            value, parts = site_availability(tier, sla)
            estimates.append(_estimate(tier.name, value, f"{tier.name}: {' × '.join(parts)}", tier.load_balancer, False))
    return estimates


def _estimate(name: str, value: float, arithmetic: str, resource: Resource | None, multi_region: bool) -> Estimate:
    return Estimate(
        name,
        resource.urn if resource is not None else None,
        multi_region,
        round(value * 100, 6),
        round((1 - value) * MINUTES_PER_YEAR, 2),
        arithmetic,
    )


def declared_slo(graph: Graph) -> float | None:
    """The SLO the program declares as stack output `slo` (percent)."""
    for stack in graph.of_type(STACK):
        value = number(stack.get("slo"))
        if isinstance(value, float):
            return value
    return None
