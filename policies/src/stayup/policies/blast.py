"""AZ power-loss simulation and availability budget.

The simulation follows AWS FIS's "AZ Availability: Power Interruption" scenario: instances and
group capacity in the dark AZ are gone and cannot be relaunched there, its subnets and zonal NAT
gateways go dark, Multi-AZ databases fail over, health-checked DNS steers to the secondary.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from .facts import (
    ASG,
    INSTANCE,
    LISTENER,
    LOAD_BALANCER,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    RECORD,
    SUBNET,
    TARGET_ATTACHMENT,
    TARGET_GROUP,
    instance_zone,
    nat_coverage,
    number,
    subnet_egress,
    subnet_zone,
    text,
    zone_name,
    zones_of,
)
from .graph_schema import UNKNOWN
from .model import Graph, Resource
from .regions import region_of_zone
from .rules.static_stability.group_capacity import baseline

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


@dataclass
class Database:
    resource: Resource
    kind: str  # aurora | rds
    zones: list[str]  # zones of the instances (writer first), [] when AWS places them
    multi_az: bool

    def serves(self, dark: set[str]) -> tuple[bool | str, str]:
        if self.kind == "rds" and self.multi_az:
            return True, "Multi-AZ standby takes over" if dark & set(self.zones or []) else "primary"
        alive = [z for z in self.zones if z not in dark]
        if not self.zones:
            return UNKNOWN, "AZ chosen by AWS"
        if not alive:
            return False, f"every instance in {', '.join(sorted(set(self.zones)))} is dark"
        if self.zones[0] in dark:
            return True, f"failover to reader in {alive[0]}"
        return True, f"writer in {self.zones[0]}"


@dataclass
class Tier:
    name: str
    kind: str
    region: str | None
    load_balancer: Resource | None
    groups: list[tuple[Resource, list[str], float]] = field(default_factory=list)  # (group, zones, size)
    instances: list[tuple[Resource, str]] = field(default_factory=list)
    subnets: list[Resource] = field(default_factory=list)  # where the tier's compute runs
    databases: list[Database] = field(default_factory=list)
    peak: float | None = None


def _component(graph: Graph, resource: Resource) -> Resource | None:
    """The innermost component the resource belongs to (not the stack)."""
    for parent in graph.parent_chain(resource):
        if not parent.type.startswith("pulumi:"):
            return parent
    return None


def _region(graph: Graph, zones: list[str]) -> str | None:
    for zone in zones:
        region = region_of_zone(zone)
        if region:
            return region
    return graph.region or None


def _database(graph: Graph, resource: Resource) -> Database:
    if resource.type == RDS_CLUSTER:
        members = graph.referrers(resource, RDS_CLUSTER_INSTANCE, "clusterIdentifier")
        ordered = sorted(members, key=lambda m: number(m.get("promotionTier")) or 0)
        zones = [z for z in (zone_name(m.get("availabilityZone")) for m in ordered) if z]
        return Database(resource, "aurora", zones, len(set(zones)) >= 2)
    zone = zone_name(resource.get("availabilityZone"))
    return Database(resource, "rds", [zone] if zone else [], resource.get("multiAz") is True)


def tiers(graph: Graph) -> list[Tier]:
    """Services: one per load balancer (named after its component when it has one) with the
    groups and instances behind it and the databases of the same component."""
    found = []
    databases = {r.urn: _database(graph, r) for r in graph.of_type(RDS_CLUSTER, RDS_INSTANCE)}
    used_dbs: set[str] = set()
    db_by_component: dict[str, list[str]] = {}
    for urn, db in databases.items():
        owner = _component(graph, db.resource)
        if owner is not None:
            db_by_component.setdefault(owner.urn, []).append(urn)
    for lb in graph.of_type(LOAD_BALANCER):
        component = _component(graph, lb)
        name = component.name if component else lb.name
        kind = {"network": "relay" if component and component.type == "stayup:relay:VideoRelay" else "network"}.get(
            text(lb.get("loadBalancerType")) or "application", "web"
        )
        spread = zones_of(graph, lb)
        tier = Tier(name, kind, _region(graph, sorted(spread.zones) if spread else []), lb)
        groups_seen: set[str] = set()
        for listener in graph.referrers(lb, LISTENER, "loadBalancerArn"):
            for group in graph.linked(listener, "defaultActions", TARGET_GROUP):
                peak = baseline(group)
                tier.peak = max(tier.peak or 0, peak) if peak else tier.peak
                for asg in graph.referrers(group, ASG, "targetGroupArns"):
                    if asg.urn in groups_seen:
                        continue
                    groups_seen.add(asg.urn)
                    asg_spread = zones_of(graph, asg)
                    size = number(asg.get("desiredCapacity")) or number(asg.get("minSize")) or 0
                    tier.groups.append((asg, sorted(asg_spread.zones) if asg_spread else [], size))
                    tier.subnets += graph.linked(asg, "vpcZoneIdentifiers", SUBNET)
                    peak = baseline(asg)
                    tier.peak = max(tier.peak or 0, peak) if peak else tier.peak
                for attachment in graph.referrers(group, TARGET_ATTACHMENT, "targetGroupArn"):
                    for instance in graph.linked(attachment, "targetId", INSTANCE):
                        if all(instance.urn != i.urn for i, _ in tier.instances):
                            tier.instances.append((instance, instance_zone(graph, instance)))
                            tier.subnets += graph.linked(instance, "subnetId", SUBNET)
        if component is not None:
            for urn in db_by_component.get(component.urn, []):
                tier.databases.append(databases[urn])
                used_dbs.add(urn)
        found.append(tier)
    for urn, db in databases.items():
        if urn not in used_dbs:
            tier = Tier(db.resource.name, "database", _region(graph, db.zones), None, databases=[db])
            found.append(tier)
    return found


def _egress(graph: Graph, tier: Tier, dark: set[str]) -> bool:
    """Every live subnet of the tier still reaches the internet (IGW, or a NAT that is not dark)."""
    for subnet in tier.subnets:
        zone = subnet_zone(subnet)
        if zone in dark:
            continue
        targets = subnet_egress(graph, subnet)
        if targets == UNKNOWN:
            return False
        live = False
        for target in targets:
            if target.kind == "igw":
                live = True
            elif target.kind == "nat" and target.resource is not None:
                cover = nat_coverage(graph, target.resource)
                if cover.regional:
                    live = live or cover.zones is None or bool(set(cover.zones) - dark)
                else:
                    live = live or not (set(cover.zones) & dark)
        if targets and not live:
            return False
    return True


def _tier_outcome(graph: Graph, tier: Tier, dark: set[str]) -> dict[str, Any]:
    before = after = 0.0
    for _, zones, size in tier.groups:
        before += size
        if zones:
            after += size - size * len(set(zones) & dark) / len(zones)
    for _, zone in tier.instances:
        before += 1
        after += 0 if zone in dark else 1
    db_states = [db.serves(dark) for db in tier.databases]
    lb_zones = set()
    if tier.load_balancer is not None:
        spread = zones_of(graph, tier.load_balancer)
        lb_zones = set(spread.zones) if spread else set()
    live_lb = sorted(lb_zones - dark)
    serves: bool | str = True
    via = []
    if tier.load_balancer is not None:
        if not live_lb:
            serves = False
            via.append("load balancer dark")
        else:
            via.append(f"load balancer in {', '.join(live_lb)}")
        if before and after < 1:
            serves = False
    for state, path in db_states:
        via.append(f"database: {path}")
        if state is False:
            serves = False
        elif state == UNKNOWN and serves is True:
            serves = UNKNOWN
    return {
        "name": tier.name,
        "kind": tier.kind,
        "capacity_before": _n(before),
        "capacity_after": _n(after),
        "baseline": _n(tier.peak) if tier.peak else None,
        "serves": serves,
        "egress": _egress(graph, tier, dark),
        "via": "; ".join(via),
    }


def _n(value: float | None):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def _dns(graph: Graph, outcomes: dict[str, dict[str, Any]], tiers_by_lb: dict[str, Tier]) -> list[dict[str, Any]]:
    """Failover DNS names: served by the primary while it serves, else by a secondary."""
    names: dict[tuple[str, Any], dict[str, Resource]] = {}
    for record in graph.of_type(RECORD):
        policies = record.get("failoverRoutingPolicies")
        if isinstance(policies, list) and policies and isinstance(policies[0], dict):
            names.setdefault((str(record.get("name")), record.get("type")), {})[policies[0].get("type")] = record
    results = []
    for (name, _), roles in sorted(names.items()):

        def target(role: str, roles=roles) -> tuple[bool | str, str]:
            record = roles.get(role)
            if record is None:
                return False, f"no {role}"
            lbs = graph.linked(record, "aliases", LOAD_BALANCER)
            if lbs and lbs[0].urn in tiers_by_lb:
                outcome = outcomes[tiers_by_lb[lbs[0].urn].name]
                return outcome["serves"], tiers_by_lb[lbs[0].urn].name
            if record.get("records"):
                return True, "static endpoint"
            return UNKNOWN, "target outside this program"

        primary, primary_name = target("PRIMARY")
        checked = roles.get("PRIMARY") is not None and roles["PRIMARY"].get("healthCheckId") not in (None, "")
        if primary is True:
            serves, via = True, f"primary ({primary_name})"
        elif checked:
            secondary, secondary_name = target("SECONDARY")
            serves, via = secondary, f"failover to secondary ({secondary_name})"
            if secondary_name == "static endpoint":
                serves, via = False, "failover to a static maintenance endpoint"
        else:
            serves, via = False, "primary down and no health check to fail over"
        results.append({"name": name, "kind": "dns", "capacity_before": None, "capacity_after": None, "baseline": None, "serves": serves, "egress": True, "via": via})
    return results


def simulate(graph: Graph, zones_down: int = 1) -> dict[str, Any]:
    all_tiers = tiers(graph)
    by_lb = {t.load_balancer.urn: t for t in all_tiers if t.load_balancer is not None}
    zones = sorted({subnet_zone(s) for s in graph.of_type(SUBNET)} - {UNKNOWN})
    by_region: dict[str, list[str]] = {}
    for zone in zones:
        by_region.setdefault(region_of_zone(zone) or "", []).append(zone)
    scenarios = [combo for region_zones in by_region.values() for combo in itertools.combinations(region_zones, zones_down)]
    report = []
    for combo in scenarios:
        dark = set(combo)
        outcomes = {t.name: _tier_outcome(graph, t, dark) for t in all_tiers}
        services = list(outcomes.values()) + _dns(graph, outcomes, by_lb)
        report.append({"zone": " + ".join(combo), "survives": all(s["serves"] is True for s in services), "services": services})
    return {"stack": graph.stack, "zones": report}


# --- availability budget ----------------------------------------------------------------------


def _site_availability(tier: Tier, sla: dict[str, float]) -> tuple[float, list[str]]:
    parts: list[tuple[str, float]] = []
    if tier.load_balancer is not None:
        parts.append(("ELB", sla["elb"]))
    compute_zones = {z for _, zones, _ in tier.groups for z in zones} | {z for _, z in tier.instances if z != UNKNOWN}
    if tier.groups or tier.instances:
        key = "ec2_multi_az" if len(compute_zones) >= 2 else "ec2_single"
        parts.append(("EC2 across AZs" if key == "ec2_multi_az" else "EC2 in one AZ", sla[key]))
    for db in tier.databases:
        key = f"{db.kind}_{'multi_az' if db.multi_az else 'single_az'}"
        parts.append((f"{'Aurora' if db.kind == 'aurora' else 'RDS'} {'Multi-AZ' if db.multi_az else 'single-AZ'}", sla[key]))
    value = math.prod(p / 100 for _, p in parts) if parts else 1.0
    return value, [f"{label} {p:g} %" for label, p in parts]


def budget(graph: Graph, sla: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """Estimated availability per served name (or per service without DNS), with the arithmetic."""
    sla = {**DEFAULT_SLA, **(sla or {})}
    all_tiers = tiers(graph)
    by_lb = {t.load_balancer.urn: t for t in all_tiers if t.load_balancer is not None}
    estimates = []
    covered: set[str] = set()
    names: dict[str, dict[str, Resource]] = {}
    for record in graph.of_type(RECORD):
        policies = record.get("failoverRoutingPolicies")
        if isinstance(policies, list) and policies and isinstance(policies[0], dict):
            names.setdefault(str(record.get("name")), {})[policies[0].get("type")] = record
    for name, roles in sorted(names.items()):
        sites = []
        for role in ("PRIMARY", "SECONDARY"):
            record = roles.get(role)
            lbs = graph.linked(record, "aliases", LOAD_BALANCER) if record else []
            if lbs and lbs[0].urn in by_lb:
                sites.append(by_lb[lbs[0].urn])
        checked = "PRIMARY" in roles and roles["PRIMARY"].get("healthCheckId") not in (None, "")
        if not sites:
            continue
        site_values = [(_site_availability(t, sla), t) for t in sites]
        if checked and len(sites) >= 2:
            down = math.prod(1 - v for (v, _), _ in site_values)
            value = (1 - down) * sla["route53"] / 100
            arithmetic = " ‖ ".join(f"[{t.name}: {' × '.join(p)} = {v * 100:.4f} %]" for (v, p), t in site_values)
            arithmetic = f"1 − ∏(1 − site) over {arithmetic}, × Route 53 {sla['route53']:g} %"
        else:
            (value, parts), tier = site_values[0]
            arithmetic = f"{tier.name}: {' × '.join(parts)} (no health-checked second site)"
        covered |= {t.name for t in sites}
        estimates.append(_estimate(name, value, arithmetic, roles.get("PRIMARY") or roles.get("SECONDARY"), checked and len(sites) >= 2))
    for tier in all_tiers:
        if tier.name not in covered and tier.kind != "database":
            value, parts = _site_availability(tier, sla)
            estimates.append(_estimate(tier.name, value, f"{tier.name}: {' × '.join(parts)}", tier.load_balancer, False))
    return estimates


def _estimate(name: str, value: float, arithmetic: str, resource: Resource | None, multi_region: bool) -> dict[str, Any]:
    return {
        "name": name,
        "urn": resource.urn if resource is not None else None,
        "multi_region": multi_region,
        "availability": round(value * 100, 6),
        "downtime_minutes_per_year": round((1 - value) * MINUTES_PER_YEAR, 2),
        "arithmetic": arithmetic,
    }


def declared_slo(graph: Graph) -> float | None:
    """The SLO the program declares as stack output `slo` (percent)."""
    for stack in graph.of_type("pulumi:pulumi:Stack"):
        value = number(stack.get("slo"))
        if value is not None:
            return value
    return None


# --- rendering --------------------------------------------------------------------------------


def _mark(value: Any) -> str:
    return {True: "yes", False: "NO"}.get(value, str(value))


def render_text(result: dict[str, Any], estimates: list[dict[str, Any]]) -> str:
    lines = [f"stayup blast-radius · {result['stack']}"]
    for scenario in result["zones"]:
        lines += ["", f"  {scenario['zone']} dark · {'survives' if scenario['survives'] else 'DOES NOT SURVIVE'}"]
        for s in scenario["services"]:
            capacity = "" if s["capacity_before"] is None else f"{s['capacity_before']} -> {s['capacity_after']}" + (f" (baseline {s['baseline']})" if s["baseline"] else "")
            lines.append(f"    {s['name']:<28} {s['kind']:<8} serves {_mark(s['serves']):<4} egress {_mark(s['egress']):<4} {capacity:<22} {s['via']}")
    lines += ["", "  availability estimate"]
    for e in estimates:
        lines.append(f"    {e['name']}: {e['availability']} % ({e['downtime_minutes_per_year']} min/year) = {e['arithmetic']}")
    return "\n".join(lines) + "\n"


def mermaid(graph: Graph) -> list[str]:
    """AZ columns with each service's capacity in that AZ (what goes dark with it)."""
    lines = ["flowchart TB"]
    per_zone: dict[str, list[str]] = {}
    for tier in tiers(graph):
        for group, zones, size in tier.groups:
            for zone in zones:
                per_zone.setdefault(zone, []).append(f"{tier.name}: {_n(size / len(zones))} x {group.name}")
        counts: dict[str, int] = {}
        for _, zone in tier.instances:
            counts[zone] = counts.get(zone, 0) + 1
        for zone, count in counts.items():
            per_zone.setdefault(zone, []).append(f"{tier.name}: {count} node(s)")
        for db in tier.databases:
            for index, zone in enumerate(db.zones):
                per_zone.setdefault(zone, []).append(f"{db.resource.name}: {'writer' if index == 0 else 'reader'}")
    for n, zone in enumerate(sorted(z for z in per_zone if z != UNKNOWN)):
        lines.append(f'  subgraph z{n}["{zone}"]')
        lines += [f'    z{n}s{i}["{item}"]' for i, item in enumerate(per_zone[zone])]
        lines.append("  end")
    return lines


def render_markdown(result: dict[str, Any], estimates: list[dict[str, Any]], graph: Graph) -> str:
    lines = [f"## Power-zone loss · `{result['stack']}`", "", "| AZ dark | survives | service | serves | egress | capacity | via |", "|---|---|---|---|---|---|---|"]
    for scenario in result["zones"]:
        for i, s in enumerate(scenario["services"]):
            capacity = "" if s["capacity_before"] is None else f"{s['capacity_before']} → {s['capacity_after']}"
            lines.append(
                f"| {scenario['zone'] if i == 0 else ''} | {(_mark(scenario['survives'])) if i == 0 else ''} | {s['name']} | {_mark(s['serves'])} | {_mark(s['egress'])} | {capacity} | {s['via']} |"
            )
    lines += ["", "```mermaid", *mermaid(graph), "```", "", "| served name | estimated availability | downtime / year | arithmetic |", "|---|---|---|---|"]
    lines += [f"| {e['name']} | {e['availability']} % | {e['downtime_minutes_per_year']} min | {e['arithmetic']} |" for e in estimates]
    return "\n".join(lines) + "\n"
