"""The resource graph file format shared by every stayup front door.

A graph is JSON: {"schema": 1, "project", "stack", "region", "preview", "resources": [...],
"invokes": [...]}. Resources are sorted by URN; each has urn, type, name, parent, custom, remote,
provider, inputs, outputs, dependencies, propertyDependencies and source {file, line} (or null).
"""

from __future__ import annotations

import re
from typing import Any

SCHEMA_VERSION = 1

_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")  # as Pulumi allows them
# The engine's own wire sentinel for a value not known until deployment.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# What a program receives from a lookup stayup cannot answer exactly (a VPC found by tags, say):
# every value it passes on is recorded as UNKNOWN, and the invoke as "mocked": false.
UNANSWERED = "stayup-unanswered-7d1f0c2e-lookup"
# Secrets are never written: every secret value is replaced by this placeholder.
SECRET = "[secret]"
# In memory, between the capture and the rules, a secret keeps the engine's wire form (these two
# constants are Pulumi's), so a rule can decide on a value the program itself wrote as secret.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def is_wrapped_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG


def _mask(value: Any) -> Any:
    if is_wrapped_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def any_value(value: Any, test: Any) -> bool:
    """Whether `test` holds for the value or any value nested in it."""
    if test(value):
        return True
    if isinstance(value, dict):
        return any(any_value(v, test) for v in value.values())
    if isinstance(value, list):
        return any(any_value(v, test) for v in value)
    return False


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
    """A saved `stayup graph` file, validated enough that every front door can trust its shape."""
    from pathlib import Path

    from .inputs import GRAPH_LIMIT, read_json

    path = Path(path)
    graph = read_json(path, limit=GRAPH_LIMIT)
    from .schemas import validate

    validate("graph", graph, file=str(path))
    from .errors import InputError
    from .regions import REGIONS

    # Names that end up in URNs, reports and region tables are checked as in a program's run.
    if graph.get("region") not in REGIONS:
        raise InputError(f"no AWS region {graph.get('region')!r} stayup has AZ data for", file=str(path), key="region")
    if not _STACK_NAME.fullmatch(str(graph.get("stack"))):
        raise InputError(f"{graph.get('stack')!a} is not a valid stack name", file=str(path), key="stack")
    checked: dict[str, Any] = graph
    return checked
