"""AZ power-loss simulation.

It follows AWS FIS's "AZ Availability: Power Interruption" scenario: instances and group capacity
in the dark AZ are gone and cannot be relaunched there, its subnets and zonal NAT gateways go dark,
Multi-AZ databases fail over, health-checked DNS steers to the secondary. Egress reads the NE rules'
facts, so a loss cuts a service's egress exactly where NE001/NE002 fail. Each service's recovery
time comes from the recovery model (`recovery.py`), which RT001 reads through this same simulation.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import recovery as rec
from .availability import declared_slo
from .aws_types import LOAD_BALANCER, SUBNET
from .facts import (
    egress_after_loss,
    nat_coverage,
    subnet_tier,
    subnet_zone,
    vpc_of,
    zones_of,
)
from .model import Graph, Resource
from .recovery import Budget, Recovery
from .regions import region_of_zone
from .topology import Tier, component_of, failover_names, health_checked, tiers, zone_floor
from .values import NOT_KNOWN, UNKNOWN, Unknown

Serves = bool | Unknown  # True, False or NOT_KNOWN


def tri(value: bool | Unknown) -> bool | str:
    """JSON form: true, false or "unknown"."""
    return "unknown" if isinstance(value, Unknown) else value


def both(values: list[bool | Unknown]) -> bool | Unknown:
    """All true: true; any false: false (certain whatever the unknowns); else unknown."""
    if any(v is False for v in values):
        return False
    return NOT_KNOWN if any(isinstance(v, Unknown) for v in values) else True


@dataclass(frozen=True)
class ServiceOutcome:
    name: str
    kind: str
    capacity_before: float | str | None  # "unknown" when a group's size is
    capacity_after: float | str | None
    peak: float | str | None
    serves: Serves
    egress: bool | Unknown
    via: str
    baseline: float | str | None = None  # what it must still serve (topology.baseline)
    full: Serves = True  # serving at or above its baseline
    recovery: Recovery = field(default_factory=lambda: Recovery(rec.RECOVERS))  # until it serves again at its baseline
    urn: str = ""  # the resource that stands for the service (load balancer, database, record, VPC)

    @property
    def status(self) -> str:
        """serves (at its baseline, with egress) | degraded (below it, or its egress cut) | down | unknown."""
        if self.serves is False:
            return "down"
        if self.full is False or self.egress is False:
            return "degraded"
        decided = (self.serves, self.full, self.egress)
        return "unknown" if any(isinstance(v, Unknown) for v in decided) else "serves"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "capacity_before": self.capacity_before,
            "capacity_after": self.capacity_after,
            "baseline": self.baseline,
            "peak": self.peak,
            "serves": tri(self.serves),
            "egress": tri(self.egress),
            "via": self.via,
            "recovery": self.recovery.to_json(),
        }


STATUS_ORDER = ("down", "degraded", "unknown")


@dataclass(frozen=True)
class ZoneLoss:
    zone: str  # "eu-west-3a", or "eu-west-3a + eu-west-3b" with --zones-down 2
    services: list[ServiceOutcome]

    @property
    def status(self) -> str:
        """survives | degraded (a service below its baseline or without egress) | down (a service not serving) | unknown."""
        statuses = {s.status for s in self.services}
        return next((s for s in STATUS_ORDER if s in statuses), "survives")

    @property
    def survives(self) -> bool | Unknown:
        """Every service still serves at its baseline (SS001/SS002's definition)."""
        status = self.status
        return NOT_KNOWN if status == "unknown" else status == "survives"

    def to_json(self) -> dict[str, Any]:
        return {"zone": self.zone, "status": self.status, "survives": tri(self.survives), "services": [s.to_json() for s in self.services]}


@dataclass(frozen=True)
class BlastRadius:
    stack: str
    zones: list[ZoneLoss]
    unplaced: list[str]  # subnets whose AZ is not known: their zone's loss cannot be simulated
    fronted: frozenset[str] = frozenset()  # services users reach through a failover DNS name
    slo: float | None = None  # the stack's declared SLO, for the downtime budget

    @property
    def survives(self) -> bool | Unknown:
        outcome = both([z.survives for z in self.zones])
        return NOT_KNOWN if outcome is True and self.unplaced else outcome

    @property
    def verdict(self) -> str:
        """fail (a service down), degraded (below a baseline: SS001/SS002 fail; egress cut: NE001/NE002 fail), unknown, pass."""
        worst = next((s for s in STATUS_ORDER if s in {z.status for z in self.zones}), "pass")
        return {"down": "fail", "degraded": "degraded"}.get(worst, "unknown" if worst == "unknown" or self.unplaced else "pass")

    def served(self, loss: ZoneLoss) -> list[ServiceOutcome]:
        """What users reach in a loss: failover DNS names, and the services no such name fronts."""
        return [s for s in loss.services if s.kind == "dns" or s.name not in self.fronted]

    @property
    def budget(self) -> Budget | None:
        """How many losses like the worst one the declared SLO's yearly downtime allows."""
        if self.slo is None:
            return None
        return rec.budget(self.slo, ((loss.zone, s.name, s.recovery) for loss in self.zones for s in self.served(loss)))

    def to_json(self) -> dict[str, Any]:
        budget = self.budget
        return {
            "stack": self.stack,
            "verdict": self.verdict,
            "unplaced": self.unplaced,
            "zones": [z.to_json() for z in self.zones],
            **({"downtime_budget": budget.to_json()} if budget is not None else {}),
        }


def _egress(graph: Graph, subnets: list[Resource], dark: set[str]) -> tuple[bool | Unknown, str, list[Resource]]:
    """Whether every live subnet still leaves through its NAT gateways (the NE rules' facts), what
    the report says when it does not, and the dark NAT gateways that cut it."""
    states: list[bool | Unknown] = []
    dark_nats: dict[str, Resource] = {}
    for subnet in subnets:
        if subnet_zone(subnet) in dark:
            continue
        after = egress_after_loss(graph, subnet, dark)
        if after is not None:
            states.append(after.alive)
            dark_nats.update((nat.urn, nat) for nat in after.dark_nats)
    state = both(states)
    if state is False:
        names = ", ".join(f"{nat.name} ({', '.join(sorted(nat_coverage(graph, nat).zones or ()))})" for nat in dark_nats.values())
        return state, f"egress cut: NAT gateway{'s' if len(dark_nats) > 1 else ''} {names} dark", list(dark_nats.values())
    return state, "" if state is True else "egress: a route or a NAT gateway's AZ is not known", []


def _recovery(graph: Graph, steps: list[rec.Step], serves: Serves, full: Serves, egress: Serves, cut: list[Resource], why: str) -> Recovery:
    """A service's recovery from its steps and what the simulation says of it."""
    steps = steps + [rec.egress_step(nat, nat_coverage(graph, nat).zones or ()) for nat in cut]
    if serves is False:
        return rec.down(why, [s for s in steps if s.state == rec.NEVER])
    found = rec.combined(steps)
    if found.outcome != rec.NEVER_RECOVERS and any(isinstance(v, Unknown) for v in (serves, full, egress)):
        return Recovery(rec.NOT_DECIDED, found.steps, why)
    return found


def _tier_outcome(graph: Graph, tier: Tier, dark: set[str], constants: rec.Constants) -> ServiceOutcome:
    before, after = tier.capacity(dark)
    db_states = [db.serves(dark) for db in tier.databases]
    cache_states = [group.serves(dark) for group in tier.caches]
    capacity_known = not isinstance(before, Unknown) and not isinstance(after, Unknown)
    lb_zones = set()
    spread = None
    if tier.load_balancer is not None:
        spread = zones_of(graph, tier.load_balancer)
        lb_zones = set(spread.zones) if spread else set()
    live_lb = sorted(lb_zones - dark)
    serves: Serves = True
    via = []
    downs: list[str] = []  # why it does not serve
    lb_open = tier.load_balancer is not None and spread is not None and not spread.decided
    if tier.load_balancer is not None:
        if not live_lb and lb_open:
            serves = NOT_KNOWN  # it may also run in the subnets whose AZ is not known
            via.append("load balancer: AZs not known")
        elif not live_lb:
            serves = False
            via.append("load balancer dark")
            downs.append("load balancer dark")
        else:
            via.append(f"load balancer in {', '.join(live_lb)}")
        if not capacity_known:
            serves = both([serves, NOT_KNOWN])
        elif before and after < 1:  # type: ignore[operator]
            serves = False
            downs.append(f"no capacity left ({_shown(before)} -> 0)")
    for state, path in db_states:
        via.append(f"database: {path}")
        serves = both([serves, state])
        downs += [f"database: {path}"] if state is False else []
    for state, path in cache_states:
        via.append(f"cache: {path}")
        serves = both([serves, state])
        downs += [f"cache: {path}"] if state is False else []
    peak = "unknown" if isinstance(tier.peak, Unknown) else (rounded(tier.peak) if tier.peak else None)
    need = tier.baseline()
    full: Serves = True
    if need is not None:
        if isinstance(before, Unknown) or isinstance(after, Unknown):
            full = NOT_KNOWN
        elif isinstance(need, Unknown):
            # An unknown peak decides only a shortfall below one per remaining AZ.
            full = False if after < zone_floor(len(tier.zones())) else NOT_KNOWN
        else:
            full = after >= need
    shown_need = None if need is None else ("unknown" if isinstance(need, Unknown) else rounded(need))
    egress, egress_via, cut = _egress(graph, tier.subnets, dark)
    via += [egress_via] if egress_via else []
    steps = rec.tier_steps(tier, dark, lb_zones, constants)
    steps += [s for s in (rec.database_step(db, dark, constants) for db in tier.databases) if s is not None]
    steps += [s for s in (rec.cache_step(group, dark, constants) for group in tier.caches) if s is not None]
    if full is False:
        steps += rec.capacity_steps(tier, dark, constants)
    recovery = _recovery(graph, steps, serves, full, egress, cut, "; ".join(downs or via))
    if recovery.outcome == rec.DOWN:
        recovery = rec.down(recovery.why, rec.down_reason(tier, dark))
    main = tier.load_balancer or (tier.databases[0].resource if tier.databases else (tier.caches[0].resource if tier.caches else None))
    urn = main.urn if main is not None else ""
    if not tier.groups and not tier.instances:
        return ServiceOutcome(tier.name, tier.kind, None, None, peak, serves, egress, "; ".join(via), shown_need, full, recovery, urn)  # no compute to count
    return ServiceOutcome(tier.name, tier.kind, _shown(before), _shown(after), peak, serves, egress, "; ".join(via), shown_need, full, recovery, urn)


def _shown(value: float | Unknown) -> float | str | None:
    return "unknown" if isinstance(value, Unknown) else rounded(value)


def rounded(value: float | None) -> float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def _dns(graph: Graph, outcomes: dict[str, ServiceOutcome], tiers_by_lb: dict[str, Tier], constants: rec.Constants) -> list[ServiceOutcome]:
    """Failover DNS names: served by the primary while it serves, else by a secondary."""
    results = []
    for (name, _), roles in sorted(failover_names(graph, by_type=True).items()):

        def target(role: str, roles: dict[Any, Resource] = roles) -> tuple[Serves, str, Tier | None]:
            record = roles.get(role)
            if record is None:
                return False, f"no {role}", None
            lbs = graph.linked(record, "aliases", LOAD_BALANCER)
            if lbs and lbs[0].urn in tiers_by_lb:
                tier = tiers_by_lb[lbs[0].urn]
                return outcomes[tier.name].serves, tier.name, tier
            if record.get("records"):
                return True, "static endpoint", None
            return NOT_KNOWN, "target outside this program", None

        primary, primary_name, primary_tier = target("PRIMARY")
        serves: Serves
        checked = health_checked(graph, roles.get("PRIMARY"))
        record = roles.get("PRIMARY") or roles.get("SECONDARY")
        recovery: Recovery
        if primary is True:
            serves, via = True, f"primary ({primary_name})"
            recovery = outcomes[primary_name].recovery if primary_name in outcomes else Recovery(rec.RECOVERS)
        elif checked is False:
            serves, via = False, "primary down and no health check to fail over"
            recovery = rec.down(via)
        else:
            secondary, secondary_name, secondary_tier = target("SECONDARY")
            serves, via = both([secondary, checked]), f"failover to secondary ({secondary_name})"
            if secondary_name == "static endpoint":
                serves, via = False, "failover to a static maintenance endpoint"
            primary_record = roles.get("PRIMARY")
            if serves is False or primary_record is None:
                recovery = rec.down(via)
            else:
                steps = rec.route53_steps(graph, primary_record, primary_tier, constants)
                if secondary_tier is not None:
                    steps += list(outcomes[secondary_tier.name].recovery.steps)  # the standby's own recovery, in parallel
                recovery = rec.combined(steps)
                if (serves is not True or primary is not False) and recovery.outcome != rec.NEVER_RECOVERS:
                    recovery = Recovery(rec.NOT_DECIDED, recovery.steps, via)
                elif secondary_tier is not None and outcomes[secondary_tier.name].recovery.outcome in (rec.DOWN, rec.NOT_DECIDED):
                    recovery = Recovery(outcomes[secondary_tier.name].recovery.outcome, recovery.steps, via)
        results.append(ServiceOutcome(name, "dns", None, None, None, serves, True, via, recovery=recovery, urn=record.urn if record is not None else ""))
    return results


def _unused_private_subnets(graph: Graph, used: set[str]) -> dict[str, list[Resource]]:
    """{VPC URN, or "": private subnets no service runs in}: NE001/NE002 judge them too."""
    by_vpc: dict[str, list[Resource]] = {}
    for subnet in graph.of_type(SUBNET):
        if subnet.urn not in used and subnet_tier(graph, subnet) not in ("public", "isolated"):
            vpc = vpc_of(graph, subnet)
            by_vpc.setdefault(vpc.urn if vpc else "", []).append(subnet)
    return by_vpc


def _networks(graph: Graph, by_vpc: dict[str, list[Resource]], dark: set[str]) -> list[ServiceOutcome]:
    """A row per VPC whose unused private subnets the loss cuts (or may cut) off the internet."""
    found = []
    for urn, subnets in by_vpc.items():
        egress, via, cut = _egress(graph, subnets, dark)
        if egress is not True:
            owner = graph.resources[urn] if urn else None
            component = component_of(graph, owner) if owner else None
            name = component.name if component else (owner.name if owner else "private subnets")
            recovery = _recovery(graph, [], True, True, egress, cut, via)
            found.append(ServiceOutcome(name, "network", None, None, None, True, egress, f"private subnets outside the services; {via}",
                                        recovery=recovery, urn=urn or subnets[0].urn))
    return found


def simulate(graph: Graph, zones_down: int = 1, recovery: Mapping[str, float | None] | None = None) -> BlastRadius:
    """Each AZ (or each set of `zones_down` AZs of one region) loses power; `recovery` overrides the
    recovery model's constants (`--recovery`)."""
    constants = rec.constants(recovery)
    all_tiers = tiers(graph)
    unused = _unused_private_subnets(graph, {s.urn for t in all_tiers for s in t.subnets})
    by_lb = {t.load_balancer.urn: t for t in all_tiers if t.load_balancer is not None}
    fronted = frozenset(
        by_lb[lb.urn].name
        for roles in failover_names(graph).values()
        for record in roles.values()
        for lb in graph.linked(record, "aliases", LOAD_BALANCER)
        if lb.urn in by_lb
    )
    zones = sorted({subnet_zone(s) for s in graph.of_type(SUBNET)} - {UNKNOWN})
    unplaced = sorted(s.urn for s in graph.of_type(SUBNET) if subnet_zone(s) == UNKNOWN)
    by_region: dict[str, list[str]] = {}
    for zone in zones:
        by_region.setdefault(region_of_zone(zone) or "", []).append(zone)
    scenarios = [combo for region_zones in by_region.values() for combo in itertools.combinations(region_zones, zones_down)]
    losses = []
    for combo in scenarios:
        dark = set(combo)
        outcomes = {t.name: _tier_outcome(graph, t, dark, constants) for t in all_tiers}
        services = list(outcomes.values()) + _dns(graph, outcomes, by_lb, constants) + _networks(graph, unused, dark)
        losses.append(ZoneLoss(" + ".join(combo), services))
    return BlastRadius(graph.stack, losses, unplaced, fronted, declared_slo(graph))
