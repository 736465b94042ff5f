"""The resource graph as Terraform plan JSON, the format checkov reads with
`--framework terraform_plan`.

Pulumi and Terraform names do not map mechanically (the RDS instance type is `aws_db_instance`,
`vpcZoneIdentifiers` is `vpc_zone_identifier`), so every supported type names its Terraform type
and property renames in the type catalogue; other properties go camelCase -> snake_case. Links
become `configuration` references so checkov builds its graph edges. Types with no mapping are
listed in the output, never dropped silently.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from .graph_schema import masked
from .preview import catalogue
from .values import SECRET, UNKNOWN

TERRAFORM_VERSION = "1.9.8"

# Pulumi type -> (Terraform type, {camelCase property -> Terraform attribute} where not mechanical),
# for every catalogued type with a Terraform type, under its token and its aliases.
TYPES: dict[str, tuple[str, dict[str, str]]] = {
    token: (entry.terraform, dict(entry.renames))
    for entry in catalogue.TYPES.values()
    if entry.terraform is not None
    for token in (entry.token, *entry.aliases)
}

# Nested blocks whose Terraform name differs from the mechanical one, wherever they appear.
NESTED = {
    "blockDeviceMappings": "block_device_mappings",
    "ebs": "ebs",
    "redirect": "redirect",
    "metadataOptions": "metadata_options",
}
# Terraform writes nested blocks as lists of objects even when there is one.
_SINGLE_BLOCKS = {
    "healthCheck",
    "metadataOptions",
    "launchTemplate",
    "networkConfiguration",
    "scalingConfig",
    "rootBlockDevice",
    "monitoring",
    "redirect",
    "ebs",
    "accessLogs",
    "vpcConfig",
    "scalableTargetAction",
}
# The two attributes the custom checks use to find their graph and resource.
GRAPH_ATTRIBUTE = "stayup_graph"
URN_ATTRIBUTE = "stayup_urn"


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _attribute(key: str, renames: dict[str, str]) -> str:
    return renames.get(key) or NESTED.get(key) or snake(key)


def _value(key: str, value: Any) -> Any:
    """A Pulumi value in Terraform's shape; None where unknown (reported in after_unknown)."""
    if value == UNKNOWN:
        return None
    if value == SECRET:
        return "(sensitive)"
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the engine sends every number as a float; Terraform writes 80, not 80.0
    if isinstance(value, dict):
        converted = {snake(k) if k not in NESTED else NESTED[k]: _value(k, v) for k, v in value.items() if v != UNKNOWN}
        return [converted] if key in _SINGLE_BLOCKS else converted
    if isinstance(value, list):
        return [_value(key, v) for v in value]
    return value


def _block_lists(key: str, value: Any) -> Any:
    # Lists of objects (routes, default actions, aliases) stay lists; their inner blocks convert.
    if isinstance(value, list):
        return [
            {(NESTED.get(k) or snake(k)): _value(k, v) for k, v in item.items() if v != UNKNOWN} if isinstance(item, dict) else _value(key, item)
            for item in value
        ]
    return _value(key, value)


def _unknown_keys(props: dict[str, Any], renames: dict[str, str]) -> dict[str, bool]:
    return {_attribute(k, renames): True for k, v in props.items() if v == UNKNOWN}


def graph_id(graph: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(graph, sort_keys=True).encode()).hexdigest()[:16]


def export(graph: dict[str, Any]) -> dict[str, Any]:
    """Terraform plan JSON for a captured graph, plus `stayup` metadata (addresses, unsupported).
    Secrets are masked: the plan is written to files and read by another tool."""
    gid = graph_id(graph)
    graph = masked(graph)
    addresses: dict[str, str] = {}
    by_urn: dict[str, str] = {}
    used: set[str] = set()
    unsupported = []
    for resource in graph["resources"]:
        mapping = TYPES.get(resource["type"])
        if mapping is None:
            if resource.get("custom", True) and not resource["type"].startswith(("pulumi:", "stayup:")):
                unsupported.append({"urn": resource["urn"], "type": resource["type"]})
            continue
        name = re.sub(r"[^A-Za-z0-9_]", "_", resource["name"])
        if not re.match(r"[A-Za-z_]", name):
            name = f"r_{name}"
        address, n = f"{mapping[0]}.{name}", 1
        while address in used:
            n += 1
            address = f"{mapping[0]}.{name}_{n}"
        used.add(address)
        addresses[address] = resource["urn"]
        by_urn[resource["urn"]] = address

    index = {r["urn"]: r for r in graph["resources"]}
    planned, configured, changes = [], [], []
    for address, urn in addresses.items():
        resource = index[urn]
        tf_type, renames = TYPES[resource["type"]]
        props = resource.get("outputs") or {}
        values = {_attribute(k, renames): _block_lists(k, v) for k, v in props.items() if v != UNKNOWN}
        values[GRAPH_ATTRIBUTE] = gid
        values[URN_ATTRIBUTE] = urn
        name = address.split(".", 1)[1]
        planned.append({"address": address, "mode": "managed", "type": tf_type, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values})
        expressions = {}
        for key, urns in (resource.get("propertyDependencies") or {}).items():
            refs = [r for u in urns if (r := by_urn.get(u))]
            if refs:
                expressions[_attribute(key, renames)] = {"references": [x for r in refs for x in (f"{r}.id", r)]}
        configured.append({"address": address, "mode": "managed", "type": tf_type, "name": name, "provider_config_key": "aws", "expressions": expressions})
        changes.append(
            {
                "address": address,
                "mode": "managed",
                "type": tf_type,
                "name": name,
                "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": _unknown_keys(props, renames)},
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}}, "root_module": {"resources": configured}},
        "stayup": {"graph": gid, "stack": graph.get("stack"), "addresses": addresses, "unsupported": unsupported},
    }

