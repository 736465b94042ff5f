"""Values a program cannot mean: an AZ that does not exist in its region, an SLO outside (0, 100].
The offline doors refuse them (exit 2, naming the resource and property) before any rule runs,
so a typo never counts as a power zone."""

from __future__ import annotations

from typing import Any

from .aws_types import STACK
from .errors import InputError
from .facts import Unknown, number
from .graph_schema import UNKNOWN
from .model import Graph, Resource
from .regions import REGIONS, ZONE_IDS, ZONE_NAMES_BY_ID

_ZONE_KEYS = ("availabilityZone", "availabilityZoneId", "availabilityZones", "availabilityZoneAddresses")
# The zone-id prefix of each region (e.g. "euw3" for eu-west-3).
_ID_PREFIX = {zid.split("-az")[0]: region for region, zones in REGIONS.items() for _, zid in zones}


def _where(resource: Resource, key: str) -> tuple[str, str]:
    source = resource.source or {}
    file = f"{source['file']}:{source['line']}" if source.get("file") else resource.urn
    return file, f"{resource.name}.{key}"


def _zone_problem(value: str) -> str | None:
    """Why `value` cannot be an AZ of a region stayup knows (None: fine, or a region it does not)."""
    if value in ZONE_IDS or value in ZONE_NAMES_BY_ID:
        return None
    region = value[:-1] if value[-1:].isalpha() else None
    if region in REGIONS:
        return f"no AZ {value!r} in {region} ({', '.join(n for n, _ in REGIONS[region])})"
    prefix = value.split("-az")[0]
    if "-az" in value and prefix in _ID_PREFIX:
        region = _ID_PREFIX[prefix]
        return f"no AZ id {value!r} in {region} ({', '.join(z for _, z in REGIONS[region])})"
    return None


def _zones_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value != UNKNOWN else []
    if isinstance(value, list):
        return [z for item in value for z in _zones_in(item)]
    if isinstance(value, dict):
        return [z for key in ("availabilityZone", "availabilityZoneId") for z in _zones_in(value.get(key))]
    return []


def check_names(graph: Graph) -> None:
    for resource in graph.resources.values():
        for key in _ZONE_KEYS:
            for zone in _zones_in(resource.props.get(key)):
                problem = _zone_problem(zone)
                if problem is not None:
                    file, where = _where(resource, key)
                    raise InputError(problem, file=file, key=where)
    problem = slo_problem(graph)
    if problem is not None:
        raise InputError(problem, file="stack outputs", key="slo")


def slo_problem(graph: Graph) -> str | None:
    """Why the declared SLO (stack output `slo`) is not a percentage in (0, 100]; None when it is,
    is absent or is not known."""
    for stack in graph.of_type(STACK):
        raw = stack.get("slo")
        if raw is None or raw == UNKNOWN:
            continue
        value = number(raw)
        if isinstance(value, Unknown):
            continue
        shown = "(a secret)" if "slo" in stack.secrets else (repr(raw) if value is None else f"{value:g}")
        if value is None:
            return f"the declared SLO {shown} is not a number (write the percentage, e.g. 99.95)"
        if not 0 < value <= 100:
            return f"the declared SLO {shown} is not a percentage in (0, 100]"
    return None
