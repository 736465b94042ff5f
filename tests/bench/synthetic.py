"""Realistic synthetic graphs: copies of a two-AZ cell (VPC, subnets, NATs, routes, ALB, target
groups, ASG, RDS and Aurora, cache, relays, ECS, EKS, Route 53 failover) with unique URNs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "policies"))

from builder import STACK_URN, happy

MARK = "CELLX"


def _template() -> tuple[str, dict[str, Any], int]:
    graph = happy().graph()
    stack = next(r for r in graph["resources"] if r["urn"] == STACK_URN)
    cell = [r for r in graph["resources"] if r["urn"] != STACK_URN]
    text = json.dumps(cell)
    for resource in sorted(cell, key=lambda r: -len(r["name"])):
        name = resource["name"]
        text = text.replace(f"::{name}\"", f"::{MARK}-{name}\"").replace(f'"id-{name}"', f'"id-{MARK}-{name}"')
        text = text.replace(f'"name": "{name}"', f'"name": "{MARK}-{name}"')
    return text, stack, len(cell)


def synthetic(resources: int) -> dict[str, Any]:
    text, stack, per_cell = _template()
    cells = max(1, round(resources / per_cell))
    body = ",".join(text[1:-1].replace(MARK, f"c{i}") for i in range(cells))
    items = json.loads(f"[{body}]")
    return {"schema": 1, "project": "fixture", "stack": "fx", "region": "eu-west-3", "preview": False, "resources": [stack, *items], "invokes": []}
