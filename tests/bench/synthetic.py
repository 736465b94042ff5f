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


SIG, SECRET_SIG = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def deployment_of(graph: dict) -> dict:
    """A version-3 export of a graph stayup captured in update mode (what `pulumi up` would have
    recorded): the same URNs, ids and values, secrets as ciphertext objects, a default provider."""
    stack, project, region = graph["stack"], graph["project"], graph["region"]
    provider = f"urn:pulumi:{stack}::{project}::pulumi:providers:aws::default_7_12_0"
    resources = [{"urn": provider, "custom": True, "id": "5b0e-provider", "type": "pulumi:providers:aws", "inputs": {"region": region}, "outputs": {"region": region}}]

    def stored(value):
        if isinstance(value, dict) and value.get(SIG) == SECRET_SIG:
            return {SIG: SECRET_SIG, "ciphertext": "v1:AAAA:BBBB"}
        if isinstance(value, dict):
            return {k: stored(v) for k, v in value.items()}
        if isinstance(value, list):
            return [stored(v) for v in value]
        return value

    for r in graph["resources"]:
        if r["type"].startswith("pulumi:providers:"):
            continue
        item = {"urn": r["urn"], "custom": r["custom"], "type": r["type"], "inputs": stored(r["inputs"]), "outputs": stored(r["outputs"]),
                "dependencies": r["dependencies"], "propertyDependencies": r["propertyDependencies"]}
        if r["parent"]:
            item["parent"] = r["parent"]
        if r["custom"]:
            item.update(id=str(r["outputs"].get("id", "")), provider=f"{provider}::5b0e-provider")
        resources.append(item)
    return {"version": 3, "deployment": {"manifest": {"time": "2026-11-26T10:00:00Z", "magic": "m", "version": "v3.207.0"}, "resources": resources}}
