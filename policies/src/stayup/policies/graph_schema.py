"""The resource graph file format shared by every stayup front door.

A graph is JSON: {"schema": 1, "project", "stack", "region", "preview", "resources": [...],
"invokes": [...]}. Resources are sorted by URN; each has urn, type, name, parent, custom, remote,
provider, inputs, outputs, dependencies, propertyDependencies and source {file, line} (or null).
"""

from __future__ import annotations

SCHEMA_VERSION = 1

# The engine's own wire sentinel for a value not known until deployment.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# Secrets are never written: every secret value is replaced by this placeholder.
SECRET = "[secret]"
