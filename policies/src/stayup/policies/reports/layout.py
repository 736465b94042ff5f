"""Per-AZ pictures of a stack, all drawn from the topology's placements: the demo table (regions
with AZ columns), the check report's Mermaid flowchart and the blast radius' Mermaid capacity map."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from io import StringIO

from ..aws_types import LOAD_BALANCER, SUBNET
from ..blast import rounded
from ..facts import subnet_egress
from ..model import Graph
from ..regions import region_of_zone
from ..topology import Placement, failover_health, placements, tiers
from ..values import UNKNOWN, Unknown
from .escape import visible

REGION_WIDE = "region-wide"
ROWS = ("subnets", "egress", "load balancers", "groups", "instances", "database", "dns")


@dataclass
class RegionLayout:
    region: str
    zones: list[str]
    cells: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def add(self, row: str, zone: str, text: str) -> None:
        if text not in self.cells[row][zone]:
            self.cells[row][zone].append(text)


def _cell(placement: Placement, zone: str) -> tuple[str, str] | None:
    """(row, text) of a placement in one AZ of the table."""
    p, name = placement, placement.resource.name
    if p.kind == "subnet":
        return "subnets", p.detail
    if p.kind == "nat":
        return "egress", "regional NAT" if p.regional else f"NAT {name}"
    if p.kind == "load-balancer":
        return "load balancers", f"{name} ({p.detail})"
    if p.kind == "group":
        if isinstance(p.size, Unknown):
            return "groups", f"{name} x?"
        return ("groups", f"{name} x{p.size / len(p.zones):g}") if p.size is not None else None
    if p.kind == "instance":
        return "instances", name
    if p.kind == "db-member":
        return "database", name + (f" ({p.detail})" if p.detail else "")
    if p.kind == "db-instance":
        return "database", f"{name} ({p.detail})"
    return None


def regions(graph: Graph) -> list[RegionLayout]:
    """What the stack deploys in each AZ, one layout per region (the stack's own region first)."""
    found: dict[str, RegionLayout] = {}

    def at(zone: str) -> RegionLayout | None:
        region = region_of_zone(zone)
        if region is None:
            return None
        if region not in found:
            found[region] = RegionLayout(region, [])
        if zone not in found[region].zones:
            found[region].zones.append(zone)
        return found[region]

    every = placements(graph)
    for placement in every:
        for zone in placement.zones:
            cell = _cell(placement, zone)
            if cell is not None and (layout := at(zone)):
                layout.add(cell[0], zone, cell[1])
    for layout in found.values():
        layout.zones.sort()
    primary = graph.region if graph.region in found else (min(found) if found else None)
    records = [p for p in every if p.kind == "dns"]
    if records and primary:
        for p in records:
            how = failover_health(graph, p.resource)
            checked = "health check unknown" if isinstance(how, Unknown) else (f"{how}" if how else "no health check")
            found[primary].add("dns", REGION_WIDE, f"{p.resource.get('name')} {p.role or 'simple'} ({checked})")
    return [found[r] for r in sorted(found, key=lambda r: (r != primary, r))]


def table(graph: Graph, title: str, width: int = 160) -> str:
    """A terminal table per region: AZ columns, one row per kind of thing deployed, laid out to
    `width` columns (the terminal's)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def plain(items: list[str]) -> Text:  # a name is data: never rich markup, never a line break
        return Text("\n".join(visible(item) for item in items) or "-")

    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    for layout in regions(graph):
        rich_table = Table(title=plain([f"{title}: {layout.region}"]), title_justify="left", show_lines=True)
        rich_table.add_column("")
        columns = layout.zones + ([REGION_WIDE] if any(REGION_WIDE in layout.cells.get(row, {}) for row in ROWS) else [])
        for zone in columns:
            rich_table.add_column(plain([zone]))
        for row in ROWS:
            if row in layout.cells:
                rich_table.add_row(row, *(plain(layout.cells[row].get(zone, [])) for zone in columns))
        console.print(rich_table)
    return buffer.getvalue()


_MERMAID_ESCAPES = {'"': "#quot;", "`": "#96;", "<": "#lt;", ">": "#gt;", "#": "#35;", "\n": " ", "\r": " "}


def _label(text: str) -> str:
    """A resource's text inside a quoted Mermaid label: nothing in it can end the label, the
    node or the diagram (a name is user input)."""
    return "".join(_MERMAID_ESCAPES.get(c, c) for c in text if c.isprintable() or c in "\n\r")


def _named(kind: str, name: str) -> str:
    """Kind and name without repeating a word the name already says ("private subnet" +
    "crm-net-private-a" -> "subnet crm-net-private-a"; "NAT" + "net-nat-a" -> "net-nat-a")."""
    said = {part.lower() for part in re.split(r"[^A-Za-z0-9]+", name) if part}
    kept = [word for word in kind.split() if word.lower() not in said]
    return " ".join([*kept, name])


def flowchart(graph: Graph, weak: set[str]) -> list[str]:
    """Mermaid flowchart of the stack per region and AZ; resources with findings are marked weak."""
    ids: dict[str, str] = {}

    def node(key: str, label: str, urns: tuple[str, ...] | list[str]) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids)}"
        flagged = any(u in weak for u in urns)
        text = ("⚠ " if flagged else "") + _label(label)
        return f'{ids[key]}["{text}"]' + (":::weak" if flagged else "")

    zones: dict[str, dict[str, list[str]]] = {}
    regional: dict[str, list[str]] = {}
    edges: list[str] = []

    def put(zone: str, line: str) -> None:
        region = region_of_zone(zone) or "other"
        zones.setdefault(region, {}).setdefault(zone, []).append(line)

    every = placements(graph)
    by_kind: dict[str, list[Placement]] = defaultdict(list)
    for p in every:
        by_kind[p.kind].append(p)
    for p in by_kind["subnet"]:
        put(p.zones[0], node(p.resource.urn, _named(f"{p.detail} subnet", p.resource.name), [p.resource.urn]))
    for p in by_kind["nat"]:
        if p.regional:
            region = next((region_of_zone(z) for z in p.zones), None) or "other"
            regional.setdefault(region, []).append(node(p.resource.urn, _named("regional NAT", p.resource.name), [p.resource.urn]))
        else:
            for zone in p.zones:
                put(zone, node(p.resource.urn, _named("NAT", p.resource.name), [p.resource.urn]))
    for subnet in graph.of_type(SUBNET):
        egress = subnet_egress(graph, subnet)
        for target in egress if isinstance(egress, list) else []:
            if target.kind == "nat" and target.resource is not None and target.resource.urn in ids and subnet.urn in ids:
                edges.append(f"{ids[subnet.urn]} --> {ids[target.resource.urn]}")
    for p in by_kind["group"]:
        for zone in p.zones:
            per = " x?" if isinstance(p.size, Unknown) else (f" x{p.size / len(p.zones):g}" if p.size else "")
            put(zone, node(f"{p.resource.urn}#{zone}", _named("group", p.resource.name) + per, [p.resource.urn]))
    for p in by_kind["instance"]:
        put(p.zones[0], node(p.resource.urn, _named("instance", p.resource.name), [p.resource.urn]))
    for p in by_kind["db-member"]:
        put(p.zones[0], node(p.resource.urn, _named("db", p.resource.name), p.related))
    for p in by_kind["db-instance"]:
        for zone in p.zones:
            put(zone, node(f"{p.resource.urn}#{zone}", f"{_named('db', p.resource.name)} ({p.detail})", [p.resource.urn]))
    # Regions stacked; inside each, its AZs side by side, each AZ's resources in a column.
    lines = ["flowchart TB", "  classDef weak stroke:#d00,stroke-width:3px,color:#d00"]
    for r, region in enumerate(sorted(set(zones) | set(regional))):
        lines += [f'  subgraph r{r}["{_label(region)}"]', "    direction LR"]
        for line in regional.get(region, []):
            lines.append(f"    {line}")
        for z, zone in enumerate(sorted(zones.get(region, {}))):
            lines += [f'    subgraph r{r}z{z}["{_label(zone)}"]', "      direction TB"]
            lines += [f"      {line}" for line in zones[region][zone]]
            lines.append("    end")
        lines.append("  end")
    for p in by_kind["load-balancer"]:
        lb = p.resource
        lines.append(f"  {node(lb.urn, _named(f'{p.detail} LB', lb.name), [lb.urn])}")
        for subnet in graph.linked(lb, "subnets") + graph.linked(lb, "subnetMappings"):
            if subnet.urn in ids:
                edges.append(f"{ids[lb.urn]} --- {ids[subnet.urn]}")
    for p in by_kind["dns"]:
        record = p.resource
        label = f"DNS {p.role or 'record'} {record.get('name')}"
        lines.append(f"  {node(record.urn, label, [record.urn])}")
        pointed = [t for t in graph.linked(record, "aliases", LOAD_BALANCER) + graph.linked(record, "records") if t.urn in ids]
        for resource in pointed:
            edges.append(f"{ids[record.urn]} --> {ids[resource.urn]}")
        static = record.get("records")
        if not pointed and isinstance(static, list) and static:
            # A static endpoint (e.g. a SECONDARY maintenance page): drawn, so the failover path shows.
            shown = ", ".join(str(v) for v in static[:3]) + (" …" if len(static) > 3 else "")
            lines.append(f"  {node(record.urn + '#endpoint', f'endpoint {shown}', [record.urn])}")
            edges.append(f"{ids[record.urn]} --> {ids[record.urn + '#endpoint']}")
    lines += [f"  {edge}" for edge in edges]
    return lines


def capacity_map(graph: Graph) -> list[str]:
    """Mermaid AZ columns with each service's capacity in that AZ (what goes dark with it)."""
    lines = ["flowchart TB"]
    per_zone: dict[str, list[str]] = {}
    for tier in tiers(graph):
        for group in tier.groups:
            for zone in group.zones:
                size = "?" if isinstance(group.size, Unknown) else rounded(group.size / len(group.zones))
                per_zone.setdefault(zone, []).append(f"{tier.name}: {size} x {group.resource.name}")
        counts: dict[str, int] = {}
        for _, zone in tier.instances:
            counts[zone] = counts.get(zone, 0) + 1
        for zone, count in counts.items():
            per_zone.setdefault(zone, []).append(f"{tier.name}: {count} node(s)")
        for db in tier.databases:
            for index, zone in enumerate(db.zones):
                per_zone.setdefault(zone, []).append(f"{db.resource.name}: {'writer' if index == 0 else 'reader'}")
    for n, zone in enumerate(sorted(z for z in per_zone if z != UNKNOWN)):
        lines.append(f'  subgraph z{n}["{_label(zone)}"]')
        lines += [f'    z{n}s{i}["{_label(item)}"]' for i, item in enumerate(per_zone[zone])]
        lines.append("  end")
    return lines
