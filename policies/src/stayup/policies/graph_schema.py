"""The resource graph file format shared by every stayup front door.

A graph is JSON: {"schema": 1, "project", "stack", "region", "preview", "resources": [...],
"invokes": [...]}. Resources are sorted by URN; each has urn, type, name, parent, custom, remote,
provider, inputs, outputs, dependencies, propertyDependencies and source {file, line} (or null).
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1

# The engine's own wire sentinel for a value not known until deployment.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# Secrets are never written: every secret value is replaced by this placeholder.
SECRET = "[secret]"


def load_graph_file(path: Any) -> dict[str, Any]:
    """A saved `stayup graph` file, validated enough that every front door can trust its shape."""
    import json
    from pathlib import Path

    from .errors import InputError, read_text

    path = Path(path)
    text = read_text(path)
    try:
        graph = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", file=str(path)) from None
    from .schemas import validate

    validate("graph", graph, file=str(path))
    checked: dict[str, Any] = graph
    return checked
