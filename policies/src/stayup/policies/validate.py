"""Values a program cannot mean: an AZ that does not exist in its region, an SLO outside (0, 100].
The offline doors refuse them (exit 2, naming the resource and property) before any rule runs,
so a typo never counts as a power zone."""

from __future__ import annotations

from typing import Any

from .aws_types import STACK
from .errors import InputError
from .model import Graph, Resource
from .regions import REGIONS, zone_problem
from .values import UNKNOWN, Unknown, number

_ZONE_KEYS = ("availabilityZone", "availabilityZoneId", "availabilityZones", "availabilityZoneAddresses")


def _where(resource: Resource, key: str) -> tuple[str, str]:
    source = resource.source or {}
    file = f"{source['file']}:{source['line']}" if source.get("file") else resource.urn
    return file, f"{resource.name}.{key}"


def _zones_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value != UNKNOWN else []
    if isinstance(value, list):
        return [z for item in value for z in _zones_in(item)]
    if isinstance(value, dict):
        return [z for key in ("availabilityZone", "availabilityZoneId") for z in _zones_in(value.get(key))]
    return []


def _only_region(graph: Graph) -> str | None:
    """The stack's region when nothing in the graph is in another one (no provider or resource
    of another region, no region left unknown); None when a resource without its own `region`
    could be anywhere."""
    seen = {v if isinstance(v := r.props["region"], str) else UNKNOWN for r in graph.resources.values() if "region" in r.props}
    return graph.region if seen <= {graph.region} else None


def _region_of(resource: Resource, only: str | None) -> str | None:
    own = resource.props.get("region")
    if own is None:
        return only
    return own if isinstance(own, str) and own in REGIONS else None  # unknown or secret: not judged


def check_names(graph: Graph) -> None:
    only = _only_region(graph)
    for resource in graph.resources.values():
        region = _region_of(resource, only)
        for key in _ZONE_KEYS:
            for zone in _zones_in(resource.props.get(key)):
                problem = zone_problem(zone, region)
                if problem is not None:
                    file, where = _where(resource, key)
                    raise InputError(problem, file=file, key=where)
    for subnet_id, subnet in graph.external_subnets.items():
        # Subnets of the real account (--answers, or a default-VPC lookup stayup answered): in
        # their own `region`, else in the stack's.
        own = subnet.get("region")
        region = own if isinstance(own, str) and own in REGIONS else graph.region
        for key in ("availabilityZone", "availabilityZoneId"):
            value = subnet.get(key)
            problem = zone_problem(value, region) if isinstance(value, str) and value != UNKNOWN else None
            if problem is not None:
                hint = "" if isinstance(own, str) else " (an existing subnet of another region says so with `region`)"
                raise InputError(problem + hint, file="--answers", key=f"subnet {subnet_id}.{key}")
    problem = slo_problem(graph)
    if problem is not None:
        raise InputError(problem, file="stack outputs", key="slo")
    for stack in graph.of_type(STACK):
        problem = rto_problem(stack)
        if problem is not None:
            raise InputError(problem, file="stack outputs", key="rto")


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


def rto_problem(stack: Resource) -> str | None:
    """Why the declared RTO (stack output `rto`) is not a positive number of seconds; None when it
    is, is absent or is not known."""
    raw = stack.get("rto")
    value = number(raw)
    if raw is None or isinstance(value, Unknown):
        return None
    shown = "(a secret)" if "rto" in stack.secrets else (repr(raw) if value is None else f"{value:g}")
    if value is None:
        return f"the declared RTO {shown} is not a number of seconds"
    if value <= 0:
        return f"the declared RTO {shown} is not a positive number of seconds"
    return None
