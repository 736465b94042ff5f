"""Facts rules share: the zone of a subnet, which route table a subnet uses, where its default
route goes, which zones a NAT gateway serves. All links are followed through dependencies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from .aws_types import (
    ASG,
    ASG_SCHEDULE,
    ASSOCIATION,
    CLASSIC_ELB,
    CLASSIC_ELB_ATTACHMENT,
    DB_SUBNET_GROUP,
    DEFAULT_ROUTE_TABLE,
    ECS_SERVICE,
    EKS_NODE_GROUP,
    IGW,
    INSTANCE,
    LOAD_BALANCER,
    MAIN_ASSOCIATION,
    NAT,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    ROUTE,
    ROUTE_TABLE,
    SCALABLE_TARGET,
    SCALING_SCHEDULE,
    SUBNET,
    TARGET_ATTACHMENT,
    TARGET_GROUP,
    VPC,
)
from .model import Graph, Resource
from .regions import ZONE_NAMES_BY_ID
from .values import NOT_KNOWN, UNKNOWN, Unknown, number, text

_Fact = TypeVar("_Fact")


def once(fact: Callable[[Graph, Resource], _Fact]) -> Callable[[Graph, Resource], _Fact]:
    """A fact several rules ask of the same resource, worked out once per graph (rules never
    change the graph). Its result is shared: callers must not change it."""

    @functools.wraps(fact)
    def remembered(graph: Graph, resource: Resource) -> _Fact:
        key = (fact.__name__, resource.urn)
        try:
            found: _Fact = graph.facts[key]
        except KeyError:
            found = graph.facts[key] = fact(graph, resource)
        return found

    return remembered


ROUTE_TABLE_TYPES = (ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
ANY_IPV4 = "0.0.0.0/0"


def zone_name(value: Any) -> str | None:
    """A zone name from a zone name or zone id."""
    zone = text(value)
    if zone is None:
        return None
    return ZONE_NAMES_BY_ID.get(zone, zone)


def subnet_zone(subnet: Resource | dict[str, Any]) -> str:
    """The subnet's zone name, or UNKNOWN."""
    props = subnet.props if isinstance(subnet, Resource) else subnet
    return zone_name(props.get("availabilityZone")) or zone_name(props.get("availabilityZoneId")) or UNKNOWN


@dataclass(frozen=True)
class ZoneSpread:
    zones: frozenset[str]
    unknown: int  # members whose zone cannot be known
    members: int
    # Distinct members whose zone is unknown: each could add at most one AZ (None: no bound, the
    # member list itself is unknown).
    open_members: int | None = 0

    @property
    def decided(self) -> bool:
        return self.unknown == 0

    @property
    def at_most(self) -> int | None:
        """The most AZs this can span, whatever the unknowns turn out to be (None: no bound)."""
        return None if self.open_members is None else len(self.zones) + self.open_members


def _subnet_refs(graph: Graph, resource: Resource, key: str, values: Any) -> ZoneSpread:
    """The zones of the subnets a list names. Links go by value when ids are known (a list built in
    an apply may name fewer subnets than it depends on), by property dependencies only for
    entries whose value is unknown, and stay open when that mapping is ambiguous."""
    linked = graph.linked(resource, key, SUBNET)
    if values == UNKNOWN:
        # The whole list is unknown: any subset of the subnets it was computed from.
        if not linked:
            return ZoneSpread(frozenset(), 1, 1, None)
        possible = {subnet_zone(s) for s in linked}
        return ZoneSpread(frozenset(), 1, 1, None if UNKNOWN in possible else len(possible))
    listed = values if isinstance(values, list) else []
    by_id = {sid: s for s in linked if (sid := text(s.get("id")))}
    members: dict[str, Resource] = {}
    literals: list[str] = []
    unknown_entries = 0
    for value in listed:
        known = text(value)
        if known is None:
            unknown_entries += value == UNKNOWN
        elif known in by_id:
            members[by_id[known].urn] = by_id[known]
        elif (owner := graph.owning(SUBNET, known)) is not None:
            members[owner.urn] = owner  # an id from a component's output, say
        elif known not in literals:
            literals.append(known)
    candidates = [s for s in linked if s.urn not in members and text(s.get("id")) is None]
    extra: int | None = 0  # AZs the unknown entries could still add (None: no bound)
    ambiguous = 0
    if unknown_entries and len(candidates) <= unknown_entries:
        members.update({s.urn: s for s in candidates})  # each unknown entry is one of them
        ambiguous = unknown_entries - len(candidates)  # the rest come from outside the graph
        extra = None if ambiguous else 0
    elif unknown_entries:
        ambiguous = unknown_entries  # some of the candidates, which ones is not known
        candidate_zones = {subnet_zone(s) for s in candidates}
        extra = None if UNKNOWN in candidate_zones else min(unknown_entries, len(candidate_zones))
    zones = {subnet_zone(s) for s in members.values()}
    open_subnets = {s.urn for s in members.values() if subnet_zone(s) == UNKNOWN}
    unknown = len(open_subnets) + ambiguous
    open_literals: set[str] = set()
    for subnet_id in literals:
        external = graph.external_subnets.get(subnet_id)
        if external is not None and subnet_zone(dict(external)) != UNKNOWN:
            zones.add(subnet_zone(dict(external)))
        else:
            unknown += 1
            open_literals.add(subnet_id)
    open_count = None if extra is None else len(open_subnets) + len(open_literals) + extra
    return ZoneSpread(frozenset(z for z in zones if z != UNKNOWN), unknown, len(members) + len(literals) + ambiguous, open_count)


def _named_zones(zones: Any) -> ZoneSpread:
    """A list of zone names (an ASG's or a Classic ELB's `availabilityZones`)."""
    if not isinstance(zones, list):
        return ZoneSpread(frozenset(), 1, 1)
    names = [zone_name(z) for z in zones]
    return ZoneSpread(frozenset(z for z in names if z), sum(1 for z in names if z is None), len(names))


@once
def zones_of(graph: Graph, resource: Resource) -> ZoneSpread | None:
    """Zones a tier resource spans through its subnets (None: not a tier resource)."""
    t = resource.type
    if t == CLASSIC_ELB:
        # In a VPC through `subnets`; otherwise the zones it names (EC2-Classic style).
        if resource.get("subnets") not in (None, []):
            return _subnet_refs(graph, resource, "subnets", resource.get("subnets"))
        return _named_zones(resource.get("availabilityZones") or [])
    if t == LOAD_BALANCER:
        mappings = resource.get("subnetMappings")
        if isinstance(mappings, list) and mappings:
            return _subnet_refs(graph, resource, "subnetMappings", [m.get("subnetId") for m in mappings if isinstance(m, dict)])
        return _subnet_refs(graph, resource, "subnets", resource.get("subnets") or [])
    if t == ASG:
        if resource.get("vpcZoneIdentifiers") not in (None, []):
            return _subnet_refs(graph, resource, "vpcZoneIdentifiers", resource.get("vpcZoneIdentifiers"))
        zones = resource.get("availabilityZones")
        return _named_zones([] if zones is None else zones)
    if t == ECS_SERVICE:
        config = resource.get("networkConfiguration")
        if not isinstance(config, dict):
            return None if config is None else ZoneSpread(frozenset(), 1, 1)
        return _subnet_refs(graph, resource, "networkConfiguration", config.get("subnets") or [])
    if t in (EKS_NODE_GROUP, DB_SUBNET_GROUP):
        return _subnet_refs(graph, resource, "subnetIds", resource.get("subnetIds") or [])
    return None


# --- routing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteTarget:
    kind: str  # igw | nat | tgw | eni | endpoint | peering | other | unknown
    resource: Resource | None
    via: str  # the attribute that names the target, e.g. "natGatewayId"
    route: Resource  # the Route resource, or the route table for inline routes


_TARGET_KEYS = (
    ("natGatewayId", "nat"),
    ("gatewayId", None),
    ("transitGatewayId", "tgw"),
    ("networkInterfaceId", "eni"),
    ("vpcEndpointId", "endpoint"),
    ("vpcPeeringConnectionId", "peering"),
    ("egressOnlyGatewayId", "other"),
    ("carrierGatewayId", "other"),
    ("localGatewayId", "other"),
    ("coreNetworkArn", "other"),
)


def _kind_of(resource: Resource | None, via: str, value: Any, default: str | None) -> str:
    if resource is not None:
        if resource.type == IGW:
            return "igw"
        if resource.type == NAT:
            return "nat"
    if default is not None:
        return default
    known = text(value)
    if known and known.startswith("igw-"):
        return "igw"
    if known and known.startswith("nat-"):
        return "nat"
    if known == "local":
        return "other"
    return "unknown"


def _inline_target(graph: Graph, entry: dict[str, Any], deps: list[Resource], table: Resource) -> RouteTarget:
    """Target of an inline route: the table's `routes` dependencies, matched by kind (and by id
    when ids are known, since one table may route to several gateways); with no dependency (a
    deployed state lists routes made by separate Route resources too), the gateway of that id."""
    for key, default in _TARGET_KEYS:
        value = entry.get(key)
        if value in (None, ""):
            continue
        wanted = {"nat": (NAT,), None: (IGW, NAT)}.get(default, ())
        candidates = [c for c in deps if c.type in wanted]
        known = text(value)
        matching = [c for c in candidates if known and text(c.get("id")) == known]
        chosen = matching[0] if matching else (candidates[0] if len(candidates) == 1 else None)
        if chosen is None and known and not candidates:
            chosen = next((found for kind in wanted if (found := graph.owning(kind, known)) is not None), None)
        kind = _kind_of(chosen, key, value, default)
        if chosen is None and kind == "nat" and not known:
            kind = "unknown"
        return RouteTarget(kind, chosen, key, table)
    return RouteTarget("unknown", None, "", table)


def default_routes(graph: Graph, table: Resource) -> list[RouteTarget]:
    """The IPv4 default routes (0.0.0.0/0) of a route table: separate and inline."""
    targets = []
    # The VPC's main table is reachable three ways: a DefaultRouteTable, the VPC itself (routes on
    # `vpc.main_route_table_id`), or both at once.
    holders = [table]
    if table.type == DEFAULT_ROUTE_TABLE:
        holders += graph.linked(table, "defaultRouteTableId", VPC)
    routes = [r for holder in holders for r in graph.referrers(holder, ROUTE, "routeTableId")]
    for route in routes:
        if route.get("destinationCidrBlock") == ANY_IPV4:
            targets.append(_separate(graph, route))
        elif route.get("destinationCidrBlock") == UNKNOWN and route.get("destinationIpv6CidrBlock") in (None, UNKNOWN):
            targets.append(RouteTarget("unknown", None, "destinationCidrBlock", route))  # may be the default route
    inline = table.get("routes")
    if isinstance(inline, list):
        deps = graph.linked(table, "routes")
        for entry in inline:
            if isinstance(entry, dict) and entry.get("cidrBlock") == ANY_IPV4:
                target = _inline_target(graph, entry, deps, table)
                if target.resource is not None and any(t.resource is target.resource for t in targets):
                    continue  # a deployed table lists the routes of separate Route resources too
                targets.append(target)
            elif entry == UNKNOWN or (isinstance(entry, dict) and entry.get("cidrBlock") == UNKNOWN and entry.get("ipv6CidrBlock") in (None, UNKNOWN)):
                targets.append(RouteTarget("unknown", None, "routes", table))
    elif inline == UNKNOWN:
        targets.append(RouteTarget("unknown", None, "routes", table))
    return targets


def _separate(graph: Graph, route: Resource) -> RouteTarget:
    for key, default in _TARGET_KEYS:
        value = route.get(key)
        if value in (None, ""):
            continue
        linked = graph.linked(route, key)
        chosen = linked[0] if len(linked) == 1 else None
        kind = _kind_of(chosen, key, value, default)
        if chosen is None and kind == "nat":
            kind = "nat" if text(value) else "unknown"
        return RouteTarget(kind, chosen, key, route)
    return RouteTarget("unknown", None, "", route)


def vpc_of(graph: Graph, resource: Resource) -> Resource | None:
    vpcs = graph.linked(resource, "vpcId", VPC)
    return vpcs[0] if vpcs else None


def route_table_of(graph: Graph, subnet: Resource) -> Resource | str | None:
    """The subnet's route table; for an unassociated subnet the VPC's main table (a
    MainRouteTableAssociation, a DefaultRouteTable, or the VPC itself when routes are added to
    `main_route_table_id`); None when the main table has only local routes; UNKNOWN when the
    association cannot be resolved."""
    for association in graph.referrers(subnet, ASSOCIATION, "subnetId"):
        tables = graph.linked(association, "routeTableId", *ROUTE_TABLE_TYPES)
        return tables[0] if tables else UNKNOWN
    vpc = vpc_of(graph, subnet)
    if vpc is None:
        return UNKNOWN if subnet.get("vpcId") not in (None,) and not text(subnet.get("vpcId")) else None
    for main in graph.referrers(vpc, MAIN_ASSOCIATION, "vpcId"):
        tables = graph.linked(main, "routeTableId", *ROUTE_TABLE_TYPES)
        return tables[0] if tables else UNKNOWN
    for table in graph.of_type(DEFAULT_ROUTE_TABLE):
        if vpc.urn in table.property_dependencies.get("defaultRouteTableId", ()):
            return table
    if graph.referrers(vpc, ROUTE, "routeTableId"):
        return vpc
    return None


@once
def subnet_egress(graph: Graph, subnet: Resource) -> list[RouteTarget] | str:
    """Default-route targets of the subnet's route table ([] = no internet route), or UNKNOWN."""
    table = route_table_of(graph, subnet)
    if isinstance(table, str):
        return UNKNOWN
    if table is None:
        return []
    return default_routes(graph, table)


def subnet_tier(graph: Graph, subnet: Resource) -> str:
    """public (default route to an internet gateway), private (other default route),
    isolated (none), or UNKNOWN."""
    egress = subnet_egress(graph, subnet)
    if isinstance(egress, str):
        return UNKNOWN
    kinds = {t.kind for t in egress}
    if "igw" in kinds:
        return "public"
    if "unknown" in kinds:
        return UNKNOWN
    return "private" if kinds else "isolated"


@dataclass(frozen=True)
class NatCoverage:
    regional: bool
    zones: frozenset[str] | None  # None: every zone (regional auto mode)
    unknown: bool
    internet: bool


def nat_coverage(graph: Graph, nat: Resource) -> NatCoverage:
    internet = nat.get("connectivityType", "public") != "private"
    if nat.get("availabilityMode") == "regional":
        addresses = nat.get("availabilityZoneAddresses")
        if addresses == UNKNOWN:
            return NatCoverage(True, frozenset(), True, internet)
        if not addresses:
            return NatCoverage(True, None, False, internet)
        zones = [zone_name(a.get("availabilityZone")) or zone_name(a.get("availabilityZoneId")) for a in addresses if isinstance(a, dict)]
        return NatCoverage(True, frozenset(z for z in zones if z), any(z is None for z in zones), internet)
    if nat.get("availabilityMode") == UNKNOWN:
        return NatCoverage(False, frozenset(), True, internet)
    subnets = graph.linked(nat, "subnetId", SUBNET)
    if not subnets:
        external = graph.external_subnets.get(text(nat.get("subnetId")) or "")
        if external is not None:
            return NatCoverage(False, frozenset({subnet_zone(dict(external))}), False, internet)
        return NatCoverage(False, frozenset(), True, internet)
    zone = subnet_zone(subnets[0])
    return NatCoverage(False, frozenset() if zone == UNKNOWN else frozenset({zone}), zone == UNKNOWN, internet)


@dataclass(frozen=True)
class EgressAfterLoss:
    """A private subnet's NAT egress once some AZs lose power."""

    alive: bool | Unknown
    dark_nats: tuple[Resource, ...]  # NAT gateways it routes through whose every AZ is dark


def egress_after_loss(graph: Graph, subnet: Resource, dark: set[str]) -> EgressAfterLoss | None:
    """The NE rules' facts (subnet_tier, subnet_egress, nat_coverage) read for one zone loss: a
    zonal NAT dies with its AZ, a regional one with every AZ it serves. None for the subnets NE001
    does not judge (public, isolated, or no NAT route), so a cut here is an NE001 failure."""
    tier = subnet_tier(graph, subnet)
    if tier in ("public", "isolated"):
        return None
    if tier == UNKNOWN:
        return EgressAfterLoss(NOT_KNOWN, ())
    zone = subnet_zone(subnet)
    targets = subnet_egress(graph, subnet)
    nats = [t for t in targets if t.kind == "nat"] if isinstance(targets, list) else []
    if not nats:
        return None
    cut: list[Resource] = []
    unknown = False
    for target in nats:
        if target.resource is None:
            unknown = True  # a NAT outside the program: its AZ is not known
            continue
        cover = nat_coverage(graph, target.resource)
        if cover.unknown or zone == UNKNOWN:
            unknown = True
        elif cover.zones is not None and not cover.zones - dark:
            cut.append(target.resource)
    return EgressAfterLoss(False if cut else (NOT_KNOWN if unknown else True), tuple(cut))


def urn_list(resources: Iterable[Resource]) -> str:
    return ", ".join(r.urn for r in resources)


def instance_zone(graph: Graph, instance: Resource) -> str:
    """An EC2 instance's zone: its own availabilityZone, else its subnet's."""
    zone = zone_name(instance.get("availabilityZone"))
    if zone:
        return zone
    subnets = graph.linked(instance, "subnetId", SUBNET)
    if subnets:
        return subnet_zone(subnets[0])
    # A subnet of the real account, placed by a lookup's answer or --answers `existing`.
    external = graph.external_subnets.get(text(instance.get("subnetId")) or "")
    return subnet_zone(dict(external)) if external is not None else UNKNOWN


def instance_targets(graph: Graph, group: Resource) -> list[Resource]:
    """EC2 instances registered in a target group through attachments, or behind a Classic ELB
    (its `instances`, or `aws.elb.Attachment`s)."""
    found = []
    if group.type == CLASSIC_ELB:
        found.extend(graph.linked(group, "instances", INSTANCE))
        for attachment in graph.referrers(group, CLASSIC_ELB_ATTACHMENT, "elb"):
            found.extend(graph.linked(attachment, "instance", INSTANCE))
        return list({i.urn: i for i in found}.values())
    for attachment in graph.referrers(group, TARGET_ATTACHMENT, "targetGroupArn"):
        found.extend(graph.linked(attachment, "targetId", INSTANCE))
    return found


def instance_targets_of(graph: Graph) -> set[str]:
    """URNs of the EC2 instances registered behind any target group."""
    return {i.urn for group in graph.of_type(TARGET_GROUP, CLASSIC_ELB) for i in instance_targets(graph, group)}


def resource_zones(graph: Graph, resource: Resource) -> list[str]:
    """The AZs a resource lives in, for grouping reports (empty: region-wide or global)."""
    if resource.type == SUBNET:
        zone = subnet_zone(resource)
        return [] if zone == UNKNOWN else [zone]
    if resource.type == NAT:
        cover = nat_coverage(graph, resource)
        return sorted(cover.zones or ())
    if resource.type in (INSTANCE,):
        zone = instance_zone(graph, resource)
        return [] if zone == UNKNOWN else [zone]
    if resource.type == TARGET_GROUP:
        zones = set()
        for attachment in graph.referrers(resource, TARGET_ATTACHMENT, "targetGroupArn"):
            for instance in graph.linked(attachment, "targetId", INSTANCE):
                zones.add(instance_zone(graph, instance))
        return sorted(zones - {UNKNOWN})
    if resource.type == RDS_CLUSTER:
        members = graph.referrers(resource, RDS_CLUSTER_INSTANCE, "clusterIdentifier")
        return sorted({z for z in (zone_name(m.get("availabilityZone")) for m in members) if z})
    spread = zones_of(graph, resource)
    return sorted(spread.zones) if spread else []


# --- capacity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """The lowest capacity a group or service can be scaled in to, and what sets it."""

    value: float | Unknown | None
    attribute: str  # the resource's own property findings point at
    why: str = ""  # what lowers it below the resource's own setting, e.g. a scaling target


def _lowest(floor: Floor, value: float | Unknown | None, why: str) -> Floor:
    if value is None or isinstance(floor.value, Unknown):
        return floor
    if isinstance(value, Unknown):
        return Floor(NOT_KNOWN, floor.attribute, why)
    if floor.value is None or value < floor.value:
        return Floor(value, floor.attribute, f"{why} {value:g}")
    return floor


def _service_targets(graph: Graph, service: Resource) -> list[Resource] | Unknown:
    """The Application Auto Scaling targets on an ECS service's desired count, linked through
    `resourceId` ("service/<cluster>/<service>") by dependency or by value; unknown when a
    target's resourceId is unknown and could name this service."""
    name = text(service.get("name"))
    found = []
    for target in graph.of_type(SCALABLE_TARGET):
        if target.get("scalableDimension") not in ("ecs:service:DesiredCount", UNKNOWN):
            continue
        resource_id = target.get("resourceId")
        deps = target.property_dependencies.get("resourceId", ())
        if service.urn in deps or (name and isinstance(resource_id, str) and resource_id.startswith("service/") and resource_id.endswith("/" + name)):
            found.append(target)
        elif resource_id in (None, UNKNOWN) and not any(graph.resources[u].type == ECS_SERVICE for u in deps):
            return NOT_KNOWN
    return found


def capacity_floor(graph: Graph, resource: Resource) -> Floor:
    """What a group or service can be scaled in to, which is what runs when an AZ goes dark at the
    quietest hour. ASG: minSize, lowered by scheduled actions. ECS service: desiredCount or, with
    an Application Auto Scaling target on it, the target's min_capacity, lowered by scheduled
    actions on the target. EKS node group: scalingConfig.minSize."""
    if resource.type == ASG:
        floor = Floor(number(resource.get("minSize")), "minSize")
        for schedule in graph.referrers(resource, ASG_SCHEDULE, "autoscalingGroupName"):
            floor = _lowest(floor, number(schedule.get("minSize")), f"scheduled action {schedule.name} minSize")
        return floor
    if resource.type == ECS_SERVICE:
        targets = _service_targets(graph, resource)
        if isinstance(targets, Unknown):
            return Floor(NOT_KNOWN, "desiredCount", "an Application Auto Scaling target whose resourceId is not known")
        if not targets:
            return Floor(number(resource.get("desiredCount")), "desiredCount")
        floor = Floor(None, "desiredCount")
        for target in targets:
            floor = _lowest(floor, number(target.get("minCapacity")), f"Application Auto Scaling target {target.name} min_capacity")
            for action in graph.of_type(SCALING_SCHEDULE):
                if action.get("scalableDimension") not in ("ecs:service:DesiredCount", UNKNOWN):
                    continue
                resource_id, deps = action.get("resourceId"), action.property_dependencies.get("resourceId", ())
                scaled = action.get("scalableTargetAction")
                minimum = number(scaled.get("minCapacity") if isinstance(scaled, dict) else scaled)
                if target.urn in deps or (resource_id == target.get("resourceId") and resource_id != UNKNOWN):
                    floor = _lowest(floor, minimum, f"scheduled action {action.name} min_capacity")
                elif resource_id in (None, UNKNOWN) and not deps:
                    # Its target is not known: it may scale this service in below the floor.
                    floor = _lowest(floor, NOT_KNOWN if minimum is not None else None, f"scheduled action {action.name} on a target that is not known")
        return floor
    scaling = resource.get("scalingConfig")
    return Floor(number(scaling.get("minSize") if isinstance(scaling, dict) else scaling), "scalingConfig.minSize")
