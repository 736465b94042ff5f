"""Terminal report of `stayup check`: grouped by AZ, then rule, readable at a glance."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .facts import resource_zones

REGION_WIDE = "region-wide"


def _short(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def render_stack(result: dict[str, Any], graph) -> str:
    if result.get("verdict") == "error":
        return f"stayup check · {result['stack']} · ERROR\n  {result['error']}\n"
    mode = "preview" if result["preview"] else "update"
    lines = [
        f"stayup check · {result['stack']} (project {result['project']}, {mode}, {result['engine']}) · {result['verdict'].upper()}",
        f"  {result['resources']} resources · {len(result['violations'])} violations · {len(result['unknown'])} unknown"
        f" · {len(result['suppressed'])} suppressed" + (f" · {result['passed']} passed" if result["passed"] is not None else ""),
    ]
    groups: dict[str, dict[tuple[str, str], list[dict]]] = defaultdict(lambda: defaultdict(list))
    for kind, entries in (("FAIL", result["violations"]), ("UNKNOWN", result["unknown"]), ("SUPPRESSED", result["suppressed"])):
        for entry in entries:
            resource = graph.resources.get(entry["urn"]) if graph is not None else None
            zones = resource_zones(graph, resource) if resource is not None else []
            groups[", ".join(zones) or REGION_WIDE][(entry["rule"], kind)].append(entry)
    for zone in sorted(groups, key=lambda z: (z == REGION_WIDE, z)):
        lines.append("")
        lines.append(f"  {zone}")
        for (rule, kind), entries in sorted(groups[zone].items()):
            first = entries[0]
            lines.append(f"    {kind:<10} {rule} {first['name']}  [{first['enforcement']}, {first['severity']}]")
            for entry in entries:
                where = f"  {entry['file']}:{entry['line']}" if entry.get("file") else ""
                lines.append(f"               {_short(entry['urn'])}{where}")
                if kind == "SUPPRESSED":
                    lines.append(f"               suppressed: {entry['reason']}" + (f" (until {entry['expires']})" if entry.get("expires") else ""))
                else:
                    lines.append(f"               {entry['message']}")
    if not groups:
        lines.append("  every rule passed: power zones, egress, health checks and static stability hold.")
    return "\n".join(lines) + "\n"
