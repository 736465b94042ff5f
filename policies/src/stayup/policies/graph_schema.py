"""The resource graph file format shared by every stayup front door.

A graph is JSON: {"schema": 1, "project", "stack", "region", "preview", "resources": [...],
"invokes": [...]}. Resources are sorted by URN; each has urn, type, name, parent, custom, remote,
provider, inputs, outputs, dependencies, propertyDependencies and source {file, line} (or null).

Values carry the markers of `values`: every form an engine writes for a value not known yet
(UNKNOWN_FORMS) becomes UNKNOWN when a graph file or a state export is read, and the way other tools
*display* an unknown value (`(known after apply)`, `<computed>`, `output<string>`, ...) is refused
there (exit 2, naming the JSON path), never read as a value.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import InputError
from .values import SECRET, UNKNOWN, UNKNOWN_FORMS, any_value, is_wrapped_secret

SCHEMA_VERSION = 1

# How other tools show a value they do not know or do not show (Terraform, Pulumi's diff display,
# the CDK): never written by the engine or `stayup graph`, so never read as a value.
_PLACEHOLDER = re.compile(
    r"<computed>|\((?:known after apply|sensitive value|sensitive)\)|\[(?:unknown|computed)\]"
    r"|(?:output|computed)<[A-Za-z0-9_.<>\[\], ]*>|\$\{Token\[[^\]]*\]\}"
)
_PLACEHOLDER_STARTS = frozenset("<([oc$")
# Properties that name AZs, read the same way by every entry.
ZONE_KEYS = ("availabilityZone", "availabilityZoneId", "availabilityZones", "availabilityZoneAddresses")
# Stack names as Pulumi allows them (they end up in URNs, file names and reports).
_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def check_stack_name(name: Any, *, file: str | None = None, key: str | None = None) -> str:
    """The one validator of stack names, for every entry: `--stack`, a stack file of `--all`, a
    graph file and every URN of a state export. A one-line error naming the file and key."""
    if not isinstance(name, str) or not _STACK_NAME.fullmatch(name):
        raise InputError(f"{name!a} is not a valid stack name (letters, digits, '-', '_' and '.', at most 100)", file=file, key=key)
    return name


def json_path(parts: list[Any]) -> str:
    """`deployment.resources[3].outputs.availabilityZone` from its parts."""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(parts))


def placeholder(value: str) -> str | None:
    """Why a string is another tool's placeholder rather than a value; None when it is a value."""
    if value and value[0] in _PLACEHOLDER_STARTS and _PLACEHOLDER.fullmatch(value):
        return (
            f"{value!a} is another tool's placeholder for a value it did not know or show, not a value "
            f"(the Pulumi engine and `stayup graph` write an unknown value as {UNKNOWN!r})"
        )
    return None


def canonical_text(value: str, path: list[Any], file: str) -> str:
    """A string as read from a file: any unknown form is UNKNOWN; a placeholder is an error."""
    if value in UNKNOWN_FORMS:
        return UNKNOWN
    problem = placeholder(value)
    if problem is not None:
        raise InputError(problem, file=file, key=json_path(path))
    return value


def canonical_unknowns(value: Any, path: list[Any], file: str) -> Any:
    """The value with every unknown form as UNKNOWN (containers are changed in place); a
    placeholder is a one-line error naming the file and JSON path."""
    if isinstance(value, str):
        return canonical_text(value, path, file)
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (str, dict, list)):
                value[key] = canonical_unknowns(item, [*path, key], file)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (str, dict, list)):
                value[index] = canonical_unknowns(item, [*path, index], file)
    return value


def zones_at(value: Any, path: list[Any]) -> list[tuple[list[Any], str]]:
    """(JSON path, zone) of every known zone a zone property holds (a name, a list, or
    `availabilityZoneAddresses` entries)."""
    if isinstance(value, str):
        return [] if value in (UNKNOWN, SECRET) else [(path, value)]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in zones_at(item, [*path, i])]
    if isinstance(value, dict):
        return [found for key in ("availabilityZone", "availabilityZoneId") for found in zones_at(value.get(key), [*path, key])]
    return []


def no_zone(zone: str) -> str:
    return f"{zone!a} is not the name or id of an AZ of any AWS region"


def zone_refusal(zone: str, region: str | None) -> str | None:
    """Why a zone a file records cannot be one: not a zone of `region` (when known), or not the name
    or id of a zone of any AWS region; None when it can be."""
    from .regions import claimed_region, zone_problem

    problem = zone_problem(zone, region)
    if problem is None and claimed_region(zone) is None:
        problem = no_zone(zone)
    return problem


def _mask(value: Any) -> Any:
    if is_wrapped_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def opaque_components(graph: dict[str, Any]) -> list[dict[str, Any]]:
    """Multi-language components whose children stayup cannot see (their plugin does not run
    offline): every one it did not synthesize, including a modelled one whose layout-deciding
    inputs were unknown."""
    return [
        {"urn": r["urn"], "type": r["type"], "source": r.get("source")}
        for r in graph.get("resources", [])
        if isinstance(r, dict) and r.get("remote") is True and not r.get("synthesized")
    ]


def masked(graph: dict[str, Any]) -> dict[str, Any]:
    """The graph as it may be written anywhere: every secret replaced by SECRET."""
    resources = [
        {**r, "inputs": _mask(r.get("inputs", {})), "outputs": _mask(r.get("outputs", {}))} if r.get("secrets") else r
        for r in graph.get("resources", [])
    ]
    invokes = [{**i, "args": _mask(i.get("args")), "result": _mask(i.get("result"))} for i in graph.get("invokes", [])]
    return {**graph, "resources": resources, "invokes": invokes}


def load_graph_file(path: Any) -> dict[str, Any]:
    """A saved `stayup graph` file, validated enough that every front door can trust its shape:
    every unknown form is UNKNOWN, a placeholder or a zone of no AWS region is refused, a masked
    secret is listed in its resource's `secrets` (so it decides nothing), the stack name is checked."""
    from pathlib import Path

    from .inputs import GRAPH_LIMIT, read_json

    path = Path(path)
    file = str(path)
    graph = read_json(path, limit=GRAPH_LIMIT)
    from .schemas import validate

    validate("graph", graph, file=file)
    from .regions import REGIONS, claimed_region, unknown_region

    # Names that end up in URNs, reports and region tables are checked as in a program's run.
    if graph.get("region") not in REGIONS:
        raise InputError(unknown_region(graph.get("region")), file=file, key="region")
    if graph.get("stack") is not None:
        check_stack_name(graph["stack"], file=file, key="stack")
    canonical_unknowns(graph, [], file)
    for index, resource in enumerate(graph["resources"]):
        secret = {k for part in ("inputs", "outputs") for k, v in (resource.get(part) or {}).items() if any_value(v, lambda x: x == SECRET)}
        if secret - set(resource.get("secrets") or ()):
            resource["secrets"] = sorted(secret | set(resource.get("secrets") or ()))
        for part in ("inputs", "outputs"):
            for key in ZONE_KEYS:
                for where, zone in zones_at((resource.get(part) or {}).get(key), [key]):
                    # A zone that names a region is judged against it by validate.check_names.
                    if claimed_region(zone) is None and zone not in REGIONS:
                        raise InputError(no_zone(zone), file=file, key=json_path(["resources", index, part, *where]))
    checked: dict[str, Any] = graph
    return checked
