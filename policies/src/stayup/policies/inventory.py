"""What a stack deploys in each power zone (AZ), read from the normalised graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .facts import (
    ASG,
    INSTANCE,
    LOAD_BALANCER,
    NAT,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    RECORD,
    SUBNET,
    instance_zone,
    nat_coverage,
    number,
    subnet_tier,
    subnet_zone,
    zone_name,
    zones_of,
)
from .graph_schema import UNKNOWN
from .model import Graph
from .regions import region_of_zone

REGION_WIDE = "region-wide"
ROWS = ("subnets", "egress", "load balancers", "groups", "instances", "database", "dns")


@dataclass
class RegionInventory:
    region: str
    zones: list[str]
    cells: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def add(self, row: str, zone: str, text: str) -> None:
        if text not in self.cells[row][zone]:
            self.cells[row][zone].append(text)


def inventory(graph: Graph) -> list[RegionInventory]:
    regions: dict[str, RegionInventory] = {}

    def at(zone: str) -> RegionInventory | None:
        region = region_of_zone(zone)
        if region is None:
            return None
        if region not in regions:
            regions[region] = RegionInventory(region, [])
        if zone not in regions[region].zones:
            regions[region].zones.append(zone)
        return regions[region]

    for subnet in graph.of_type(SUBNET):
        zone = subnet_zone(subnet)
        if zone != UNKNOWN and (inv := at(zone)):
            inv.add("subnets", zone, subnet_tier(graph, subnet))
    for nat in graph.of_type(NAT):
        cover = nat_coverage(graph, nat)
        for zone in sorted(cover.zones or ()):
            if inv := at(zone):
                inv.add("egress", zone, "regional NAT" if cover.regional else f"NAT {nat.name}")
    for lb in graph.of_type(LOAD_BALANCER):
        spread = zones_of(graph, lb)
        for zone in sorted(spread.zones if spread else ()):
            if inv := at(zone):
                inv.add("load balancers", zone, f"{lb.name} ({lb.get('loadBalancerType', 'application')})")
    for group in graph.of_type(ASG):
        spread = zones_of(graph, group)
        size = number(group.get("minSize"))
        zones = sorted(spread.zones) if spread else []
        for zone in zones:
            if (inv := at(zone)) and size is not None:
                inv.add("groups", zone, f"{group.name} x{size / len(zones):g}")
    for instance in graph.of_type(INSTANCE):
        zone = instance_zone(graph, instance)
        if zone != UNKNOWN and (inv := at(zone)):
            inv.add("instances", zone, instance.name)
    for member in graph.of_type(RDS_CLUSTER_INSTANCE):
        zone = zone_name(member.get("availabilityZone"))
        clusters = graph.linked(member, "clusterIdentifier", RDS_CLUSTER)
        if zone and (inv := at(zone)):
            inv.add("database", zone, member.name + (f" ({clusters[0].name})" if clusters else ""))
    for db in graph.of_type(RDS_INSTANCE):
        spread = [s for s in graph.linked(db, "dbSubnetGroupName")]
        for group in spread:
            zones = zones_of(graph, group)
            for zone in sorted(zones.zones if zones else ()):
                if inv := at(zone):
                    inv.add("database", zone, f"{db.name} ({'Multi-AZ' if db.get('multiAz') is True else 'single-AZ'})")
    records = graph.of_type(RECORD)
    for inv in regions.values():
        inv.zones.sort()
    primary = graph.region if graph.region in regions else (min(regions) if regions else None)
    if records and primary:
        first = primary
        for record in records:
            policies = record.get("failoverRoutingPolicies")
            role = policies[0].get("type") if isinstance(policies, list) and policies else "simple"
            checked = "health-checked" if record.get("healthCheckId") not in (None, "") else "no health check"
            regions[first].add("dns", REGION_WIDE, f"{record.get('name')} {role} ({checked})")
    return [regions[r] for r in sorted(regions, key=lambda r: (r != primary, r))]


def render(graph: Graph, title: str) -> str:
    """A terminal table per region: AZ columns, one row per kind of thing deployed."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    buffer = StringIO()
    console = Console(file=buffer, width=160, color_system=None, highlight=False)
    for inv in inventory(graph):
        table = Table(title=f"{title}: {inv.region}", title_justify="left", show_lines=True)
        table.add_column("")
        columns = inv.zones + ([REGION_WIDE] if any(REGION_WIDE in inv.cells.get(row, {}) for row in ROWS) else [])
        for zone in columns:
            table.add_column(zone)
        for row in ROWS:
            if row in inv.cells:
                table.add_row(row, *("\n".join(inv.cells[row].get(zone, [])) or "-" for zone in columns))
        console.print(table)
    return buffer.getvalue()
