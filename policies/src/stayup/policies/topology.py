"""What lives in each power zone (AZ): the services a stack runs (tiers), their capacity and peak,
and where each resource is placed. Static-stability rules, the blast radius, the availability
budget, the demo table and both Mermaid diagrams all read the stack through this one model."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .aws_types import (
    ASG,
    CACHE_GROUP,
    CACHE_SUBNET_GROUP,
    DB_SUBNET_GROUP,
    ECS_SERVICE,
    INSTANCE,
    LISTENER,
    LOAD_BALANCER,
    NAT,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    RECORD,
    SUBNET,
    TARGET_ATTACHMENT,
    TARGET_GROUP,
)
from .facts import (
    ZoneSpread,
    capacity_floor,
    instance_zone,
    nat_coverage,
    subnet_tier,
    subnet_zone,
    zone_name,
    zones_of,
)
from .model import Graph, Resource
from .regions import region_of_zone
from .values import NOT_KNOWN, UNKNOWN, Unknown, as_key, number, number_or, text

PEAK_TAG = "stayup:peak"


def peak(resource: Resource) -> float | Unknown | None:
    """The capacity a tier must keep after losing an AZ (tag `stayup:peak`), if declared."""
    tags = resource.get("tags")
    if tags == UNKNOWN:
        return NOT_KNOWN
    if isinstance(tags, list):  # autoscaling groups: [{key, value, propagateAtLaunch}]
        for tag in tags:
            if tag == UNKNOWN or (isinstance(tag, dict) and tag.get("key") == UNKNOWN):
                return NOT_KNOWN
            if isinstance(tag, dict) and tag.get("key") == PEAK_TAG:
                return number(tag.get("value"))
    if isinstance(tags, dict):
        return number(tags.get(PEAK_TAG))
    return None


@dataclass
class Database:
    resource: Resource
    kind: str  # aurora | rds | rds-cluster (a Multi-AZ DB cluster: a writer and two readers AWS places)
    zones: list[str]  # zones of the instances (writer first), [] when AWS places them
    multi_az: bool
    placed_by_aws: ZoneSpread | None = None  # no AZ given: the AZs of its DB subnet group

    def primary_dark(self, dark: set[str]) -> bool | Unknown:
        """Whether the writer (primary) is in a dark AZ; an AZ AWS chooses is taken to be the dark one
        whenever it may be (the worst case, as capacity is counted)."""
        if self.zones:
            return self.zones[0] in dark
        spread = self.placed_by_aws
        if spread is None:
            return True  # any AZ of the region: one of them is dark
        return True if dark & spread.zones else (False if spread.decided else NOT_KNOWN)

    def serves(self, dark: set[str]) -> tuple[bool | Unknown, str]:
        if self.kind == "rds-cluster":
            return self._cluster(dark)
        if self.kind == "rds" and self.multi_az:
            if self.zones:
                return True, "Multi-AZ standby takes over" if dark & set(self.zones) else "primary"
            if self.primary_dark(dark) is False:
                return True, "primary"
            return True, "Multi-AZ standby takes over (the primary's AZ, chosen by AWS, taken to be the dark one)"
        alive = [z for z in self.zones if z not in dark]
        if not self.zones:
            spread = self.placed_by_aws
            if spread is None:
                return NOT_KNOWN, "AZ chosen by AWS"
            where = f"single-AZ, placed by AWS in one of {', '.join(sorted(spread.zones))}"
            if dark & spread.zones:
                return False, f"{where}: taken to be the dark one"  # worst case, as capacity is counted
            return (True, where) if spread.decided else (NOT_KNOWN, f"{where} or an AZ not known")
        if not alive:
            return False, f"every instance in {', '.join(sorted(set(self.zones)))} is dark"
        if self.zones[0] in dark:
            return True, f"failover to reader in {alive[0]}"
        return True, f"writer in {self.zones[0]}"

    def _cluster(self, dark: set[str]) -> tuple[bool | Unknown, str]:
        """A Multi-AZ DB cluster: AWS puts a writer and two readers in three AZs of its subnet group,
        and a commit needs one reader's acknowledgment: it survives one dark AZ, not two."""
        spread = self.placed_by_aws
        hit = len(dark & spread.zones) if spread is not None else len(dark)
        if hit >= 2:
            return False, "Multi-AZ DB cluster: two of its AZs (placed by AWS) taken to be dark: no reader left to acknowledge a commit"
        if hit == 1 or spread is None:
            return True, "Multi-AZ DB cluster: a reader takes over (the writer's AZ, chosen by AWS, taken to be the dark one)"
        if spread.decided:
            return True, "Multi-AZ DB cluster: writer"
        return NOT_KNOWN, "Multi-AZ DB cluster in AZs not known"


@dataclass
class Cache:
    """An ElastiCache replication group: a primary node and its replicas."""

    resource: Resource
    zones: list[str]  # preferredCacheClusterAzs (primary first), [] when AWS places the nodes
    nodes: float | Unknown | None
    failover: bool | Unknown  # automatic failover and Multi-AZ both on, 2 nodes or more (PZ003's definition)
    placed_by_aws: ZoneSpread | None = None  # no AZs given: the AZs of its cache subnet group

    def primary_dark(self, dark: set[str]) -> bool | Unknown:
        if self.zones:
            return self.zones[0] in dark
        spread = self.placed_by_aws
        if spread is None:
            return True
        return True if dark & spread.zones else (False if spread.decided else NOT_KNOWN)

    def serves(self, dark: set[str]) -> tuple[bool | Unknown, str]:
        hit = self.primary_dark(dark)
        if hit is False:
            return True, f"primary in {self.zones[0]}" if self.zones else "primary outside the dark AZ"
        if self.failover is False:
            return (False if hit is True else NOT_KNOWN), "no automatic Multi-AZ failover: the primary comes back only with its AZ"
        if self.zones:
            alive = [z for z in self.zones[1:] if z not in dark]
            if not alive:
                return False, f"every node in {', '.join(sorted(set(self.zones)))} is dark"
            return self.failover, f"failover to replica in {alive[0]}"
        if isinstance(self.nodes, Unknown) or self.nodes is None or isinstance(self.failover, Unknown):
            return NOT_KNOWN, "node count or failover settings not known"
        # Nodes AWS places: Multi-AZ keeps a replica outside the primary's AZ, and each dark AZ it
        # may use is taken to hold one of them (the worst case).
        possible = len(dark & self.placed_by_aws.zones) if self.placed_by_aws is not None else len(dark)
        if self.nodes <= possible:
            return False, f"{self.nodes:g} nodes placed by AWS, taken to be in the dark AZs"
        return True, "failover to a replica in another AZ (nodes placed by AWS)"


@dataclass
class Group:
    resource: Resource
    zones: list[str]
    size: float | Unknown


@dataclass
class TargetGroupUse:
    """A target group a tier's listeners forward to, with what is registered in it."""

    resource: Resource
    groups: list[Group] = field(default_factory=list)
    instances: list[tuple[Resource, str]] = field(default_factory=list)

    def zones(self) -> set[str]:
        return {z for g in self.groups for z in g.zones} | {z for _, z in self.instances if z != UNKNOWN}

    def placed(self) -> bool:
        """Every target's AZ is known."""
        return all(g.zones for g in self.groups) and all(z != UNKNOWN for _, z in self.instances)


@dataclass
class Tier:
    """A service: a load balancer with what runs behind it and its databases and caches (those of
    its component), or a lone database or cache."""

    name: str
    kind: str
    region: str | None
    load_balancer: Resource | None
    groups: list[Group] = field(default_factory=list)
    instances: list[tuple[Resource, str]] = field(default_factory=list)
    subnets: list[Resource] = field(default_factory=list)  # where the tier's compute runs
    databases: list[Database] = field(default_factory=list)
    peak: float | Unknown | None = None
    caches: list[Cache] = field(default_factory=list)
    target_groups: list[TargetGroupUse] = field(default_factory=list)

    def capacity(self, dark: set[str]) -> tuple[float | Unknown, float | Unknown]:
        """Capacity (groups' floor plus instances) before and after `dark` AZs lose power. A group
        spreads evenly, but which AZ holds an extra one is not known: each AZ is taken to hold
        the most (as SS001 counts)."""
        before = after = 0.0
        for group in self.groups:
            if isinstance(group.size, Unknown):
                return NOT_KNOWN, NOT_KNOWN
            before += group.size
            if group.zones:
                after += max(group.size - math.ceil(group.size / len(group.zones)) * len(set(group.zones) & dark), 0)
        for _, zone in self.instances:
            before += 1
            after += 0 if zone in dark else 1
        return before, after

    def zones(self) -> set[str]:
        """The AZs the tier's compute runs in."""
        return {z for g in self.groups for z in g.zones} | {z for _, z in self.instances if z != UNKNOWN}

    def baseline(self) -> float | Unknown | None:
        """What the tier must still serve after losing one AZ (see `baseline`); None without compute."""
        if not self.groups and not self.instances:
            return None
        return baseline(self.peak, len(self.zones()))


def zone_floor(zones: int) -> float:
    """One instance per AZ left after losing one of `zones` (and at least one)."""
    return float(max(zones - 1, 1))


def baseline(peak: float | Unknown | None, zones: int) -> float | Unknown:
    """The one definition of surviving a zone loss, shared by SS001, SS002 and the blast radius:
    after losing any one of its `zones` AZs a tier still runs one instance per remaining AZ (so
    its floor is at least the AZ count and at least 2) and at least its declared peak."""
    if isinstance(peak, Unknown):
        return NOT_KNOWN
    return max(peak or 0.0, zone_floor(zones))


def component_of(graph: Graph, resource: Resource) -> Resource | None:
    """The innermost component the resource belongs to (not the stack)."""
    for parent in graph.parent_chain(resource):
        if not parent.type.startswith("pulumi:"):
            return parent
    return None


def _region(graph: Graph, zones: list[str], resource: Resource | None = None) -> str | None:
    """The region a tier runs in: the resource's own `region` (pulumi-aws 7), else its AZs'; None
    when neither is known (the stack's region would be a guess for a standby site)."""
    if resource is not None:
        own = resource.get("region")
        if isinstance(own, str) and own != UNKNOWN:
            return own
        if own == UNKNOWN:
            return None
    for zone in zones:
        region = region_of_zone(zone)
        if region:
            return region
    return None if resource is not None else graph.region or None


def database(graph: Graph, resource: Resource) -> Database:
    if resource.type == RDS_CLUSTER:
        engine = text(resource.get("engine")) or "aurora"
        if not engine.startswith("aurora") and resource.get("dbClusterInstanceClass") not in (None, ""):
            # A Multi-AZ DB cluster (RDS for MySQL/PostgreSQL): AWS runs its three instances (PZ002).
            return Database(resource, "rds-cluster", [], True, _placed_by_aws(graph, resource))
        members = graph.referrers(resource, RDS_CLUSTER_INSTANCE, "clusterIdentifier")
        ordered = sorted(members, key=lambda m: number_or(m.get("promotionTier"), 0))
        zones = [z for z in (zone_name(m.get("availabilityZone")) for m in ordered) if z]
        lone = len(members) == 1 and not zones
        return Database(resource, "aurora", zones, len(set(zones)) >= 2, _placed_by_aws(graph, resource) if lone else None)
    zone = zone_name(resource.get("availabilityZone"))
    multi_az = resource.get("multiAz") is True
    return Database(resource, "rds", [zone] if zone else [], multi_az, _placed_by_aws(graph, resource) if not zone else None)


def _placed_by_aws(graph: Graph, resource: Resource) -> ZoneSpread | None:
    """The AZs AWS may place a database instance in: those of its DB subnet group."""
    groups = graph.linked(resource, "dbSubnetGroupName", DB_SUBNET_GROUP)
    spread = zones_of(graph, groups[0]) if groups else None
    return spread if spread is not None and spread.zones else None


def cache(graph: Graph, resource: Resource) -> Cache:
    """An ElastiCache replication group, read as PZ003 reads it."""
    azs = resource.get("preferredCacheClusterAzs")
    zones = [z for z in (zone_name(a) for a in azs) if z] if isinstance(azs, list) else []
    clusters = number(resource.get("numCacheClusters"))
    if clusters is None:
        replicas = number(resource.get("replicasPerNodeGroup"))
        clusters = replicas + 1 if isinstance(replicas, float) else replicas
    settings = (resource.get("automaticFailoverEnabled"), resource.get("multiAzEnabled"))
    failover: bool | Unknown
    if any(v is not True and v != UNKNOWN for v in settings) or (isinstance(clusters, float) and clusters < 2):
        failover = False
    elif UNKNOWN in settings or isinstance(clusters, Unknown):
        failover = NOT_KNOWN
    else:
        failover = True
    placed = None
    if not zones:
        groups = graph.linked(resource, "subnetGroupName", CACHE_SUBNET_GROUP)
        subnets = graph.linked(groups[0], "subnetIds", SUBNET) if groups else []
        found = {subnet_zone(s) for s in subnets}
        if found - {UNKNOWN}:
            placed = ZoneSpread(frozenset(found - {UNKNOWN}), int(UNKNOWN in found), len(subnets))
    return Cache(resource, zones, clusters, failover, placed)


def _size(graph: Graph, group: Resource) -> float | Unknown:
    """The capacity a group or service can be scaled in to (its floor): what runs when an AZ goes
    dark at the quietest hour."""
    floor = capacity_floor(graph, group).value
    return 0.0 if floor is None else floor


def _raise_peak(tier: Tier, value: float | Unknown | None) -> None:
    if isinstance(value, Unknown) or isinstance(tier.peak, Unknown):
        tier.peak = NOT_KNOWN if value is not None or tier.peak is not None else None
    elif value:
        tier.peak = max(tier.peak or 0, value)


def tiers(graph: Graph) -> list[Tier]:
    """Services: one per load balancer (named after its component when it has one) with the
    groups and instances behind it and the databases of the same component."""
    found = []
    databases = {r.urn: database(graph, r) for r in graph.of_type(RDS_CLUSTER, RDS_INSTANCE)}
    used_dbs: set[str] = set()
    db_by_component: dict[str, list[str]] = {}
    for urn, db in databases.items():
        owner = component_of(graph, db.resource)
        if owner is not None:
            db_by_component.setdefault(owner.urn, []).append(urn)
    caches = {r.urn: cache(graph, r) for r in graph.of_type(CACHE_GROUP)}
    used_caches: set[str] = set()
    cache_by_component: dict[str, list[str]] = {}
    for urn, replication in caches.items():
        owner = component_of(graph, replication.resource)
        if owner is not None:
            cache_by_component.setdefault(owner.urn, []).append(urn)
    for lb in graph.of_type(LOAD_BALANCER):
        component = component_of(graph, lb)
        name = component.name if component else lb.name
        kind = {"network": "relay" if component and component.type == "stayup:relay:VideoRelay" else "network"}.get(
            text(lb.get("loadBalancerType")) or "application", "web"
        )
        spread = zones_of(graph, lb)
        tier = Tier(name, kind, _region(graph, sorted(spread.zones) if spread else [], lb), lb)
        for listener in graph.referrers(lb, LISTENER, "loadBalancerArn"):
            for target_group in graph.linked(listener, "defaultActions", TARGET_GROUP):
                _raise_peak(tier, peak(target_group))
                use = next((u for u in tier.target_groups if u.resource.urn == target_group.urn), None)
                if use is None:
                    use = TargetGroupUse(target_group)
                    tier.target_groups.append(use)
                # Auto scaling groups and ECS services registered in the target group.
                behind = graph.referrers(target_group, ASG, "targetGroupArns") + graph.referrers(target_group, ECS_SERVICE, "loadBalancers")
                for group in behind:
                    known = next((g for g in tier.groups if g.resource.urn == group.urn), None)
                    if known is None:
                        spread_of_group = zones_of(graph, group)
                        known = Group(group, sorted(spread_of_group.zones) if spread_of_group else [], _size(graph, group))
                        tier.groups.append(known)
                        tier.subnets += graph.linked(group, "vpcZoneIdentifiers" if group.type == ASG else "networkConfiguration", SUBNET)
                        _raise_peak(tier, peak(group))
                    if known not in use.groups:
                        use.groups.append(known)
                for attachment in graph.referrers(target_group, TARGET_ATTACHMENT, "targetGroupArn"):
                    for instance in graph.linked(attachment, "targetId", INSTANCE):
                        placed = (instance, instance_zone(graph, instance))
                        if all(instance.urn != i.urn for i, _ in tier.instances):
                            tier.instances.append(placed)
                            tier.subnets += graph.linked(instance, "subnetId", SUBNET)
                        if all(instance.urn != i.urn for i, _ in use.instances):
                            use.instances.append(placed)
        if component is not None:
            for urn in db_by_component.get(component.urn, []):
                tier.databases.append(databases[urn])
                used_dbs.add(urn)
            for urn in cache_by_component.get(component.urn, []):
                tier.caches.append(caches[urn])
                used_caches.add(urn)
        found.append(tier)
    for urn, db in databases.items():
        if urn not in used_dbs:
            found.append(Tier(db.resource.name, "database", _region(graph, db.zones), None, databases=[db]))
    for urn, replication in caches.items():
        if urn not in used_caches:
            found.append(Tier(replication.resource.name, "cache", _region(graph, replication.zones), None, caches=[replication]))
    return found


def failover_role(record: Resource) -> str | None:
    """PRIMARY / SECONDARY for a failover record, UNKNOWN when its policy is not known, else None."""
    policies = record.get("failoverRoutingPolicies")
    if policies == UNKNOWN or (isinstance(policies, list) and policies and policies[0] == UNKNOWN):
        return UNKNOWN
    if isinstance(policies, list) and policies and isinstance(policies[0], dict):
        role = policies[0].get("type")
        return role if isinstance(role, str) else None
    return None


def failover_names(graph: Graph, *, by_type: bool = False) -> dict[Any, dict[Any, Resource]]:
    """Failover records grouped by DNS name (and record type): {name: {role: record}}."""
    names: dict[Any, dict[Any, Resource]] = {}
    for record in graph.of_type(RECORD):
        policies = record.get("failoverRoutingPolicies")
        if isinstance(policies, list) and policies and isinstance(policies[0], dict):
            key = (str(record.get("name")), as_key(record.get("type"))) if by_type else str(record.get("name"))
            names.setdefault(key, {})[as_key(policies[0].get("type"))] = record
    return names


def failover_health(graph: Graph, record: Resource) -> str | Unknown | None:
    """How Route 53 learns that a failover record's target is down: "health check" (healthCheckId),
    "alias target health" (an alias to a load balancer with evaluateTargetHealth, which Route 53
    documents as health-based failover), None, or unknown."""
    if record.get("healthCheckId") not in (None, ""):
        return "health check"
    aliases = record.get("aliases")
    if aliases == UNKNOWN:
        return NOT_KNOWN
    to_balancer = bool(graph.linked(record, "aliases", LOAD_BALANCER))
    undecided = False
    for alias in aliases if isinstance(aliases, list) else []:
        if not isinstance(alias, dict):
            undecided = True
            continue
        evaluates, target = alias.get("evaluateTargetHealth"), alias.get("name")
        if evaluates is True and (to_balancer or ".elb." in (text(target) or "").lower()):
            return "alias target health"
        undecided = undecided or evaluates == UNKNOWN or (evaluates is True and target == UNKNOWN)
    return NOT_KNOWN if undecided else None


def health_checked(graph: Graph, record: Resource | None) -> bool | Unknown:
    """Whether Route 53 fails over away from this record when its target is down."""
    if record is None:
        return False
    how = failover_health(graph, record)
    return how if isinstance(how, Unknown) else how is not None


# --- placement: what each AZ holds -----------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One resource and the AZs it occupies, with what the per-AZ views say about it."""

    kind: str  # subnet | nat | load-balancer | group | instance | db-member | db-instance | dns
    resource: Resource
    zones: tuple[str, ...]  # () for region-wide things (load balancer pictures, DNS)
    detail: str = ""  # subnet tier, load balancer type, cluster name, Multi-AZ / single-AZ
    size: float | Unknown | None = None  # groups: minimum size over all zones
    regional: bool = False  # NAT gateways in regional mode
    role: str | None = None  # DNS: PRIMARY / SECONDARY
    related: tuple[str, ...] = ()  # URNs whose findings mark this placement


def placements(graph: Graph) -> list[Placement]:
    """Every placed resource, in the order the per-AZ views draw them."""
    found: list[Placement] = []
    for subnet in graph.of_type(SUBNET):
        zone = subnet_zone(subnet)
        if zone != UNKNOWN:
            found.append(Placement("subnet", subnet, (zone,), subnet_tier(graph, subnet)))
    for nat in graph.of_type(NAT):
        cover = nat_coverage(graph, nat)
        found.append(Placement("nat", nat, tuple(sorted(cover.zones or ())), regional=cover.regional))
    for lb in graph.of_type(LOAD_BALANCER):
        spread = zones_of(graph, lb)
        found.append(Placement("load-balancer", lb, tuple(sorted(spread.zones if spread else ())), str(lb.get("loadBalancerType", "application"))))
    for group in graph.of_type(ASG):
        spread = zones_of(graph, group)
        found.append(Placement("group", group, tuple(sorted(spread.zones if spread else ())), size=capacity_floor(graph, group).value))
    for instance in graph.of_type(INSTANCE):
        zone = instance_zone(graph, instance)
        if zone != UNKNOWN:
            found.append(Placement("instance", instance, (zone,)))
    for member in graph.of_type(RDS_CLUSTER_INSTANCE):
        member_zone = zone_name(member.get("availabilityZone"))
        clusters = graph.linked(member, "clusterIdentifier", RDS_CLUSTER)
        if member_zone:
            related = (member.urn, *member.property_dependencies.get("clusterIdentifier", ()))
            found.append(Placement("db-member", member, (member_zone,), clusters[0].name if clusters else "", related=related))
    for db in graph.of_type(RDS_INSTANCE):
        for subnet_group in graph.linked(db, "dbSubnetGroupName"):
            spread = zones_of(graph, subnet_group)
            multi = "Multi-AZ" if db.get("multiAz") is True else "single-AZ"
            found.append(Placement("db-instance", db, tuple(sorted(spread.zones if spread else ())), multi))
    for record in graph.of_type(RECORD):
        found.append(Placement("dns", record, (), role=failover_role(record)))
    return found
