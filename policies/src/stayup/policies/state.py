"""What is deployed: a `pulumi stack export` (deployment version 3) read as the same graph the rules
read from a program, so every rule, report and door works on it unchanged.

The state has what a preview lacks: real ids, the AZs AWS chose, every output known. How the
engine's records are read:
- secret values (`{sig: secret, ciphertext}`, or `plaintext` after `--show-secrets`) and outputs
  listed in `additionalSecretOutputs` are secrets: never printed, and they decide nothing;
- resource references are their ids, assets and archives a placeholder;
- resources marked `delete` (an old copy awaiting deletion) or `pendingReplacement` (deleted, not
  yet recreated) do not exist in the account and are left out, as are `pending_operations` (a
  create the engine never finished); each is counted;
- custom resources of other providers than AWS (random, kubernetes, ...) are ignored with a count.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import InputError
from .graph_schema import SCHEMA_VERSION, SECRET, any_value
from .inputs import GRAPH_LIMIT, load_json, read_json, read_stream

_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_KEPT_PACKAGES = ("aws", "pulumi", "awsx", "eks")


def read_states(paths: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file name, graph) for each `--state` argument: a file, `-` (stdin) or a directory of
    `*.json` exports (one stack each)."""
    for path in paths:
        if str(path) == "-":
            yield "-", graph_of_state(load_json(read_stream(sys.stdin.buffer, "-", "--state", limit=GRAPH_LIMIT), "-", "--state"), "-")
        elif path.is_dir():
            files = sorted(p for p in path.glob("*.json") if p.is_file())
            if not files:
                raise InputError("no *.json stack exports in this directory", file=str(path), key="--state")
            for file in files:
                yield str(file), graph_of_state(read_json(file, "--state", limit=GRAPH_LIMIT), str(file))
        else:
            yield str(path), graph_of_state(read_json(path, "--state", limit=GRAPH_LIMIT), str(path))


def _where(path: list[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))


def _expect(ok: bool, file: str, path: list[Any], what: str) -> None:
    if not ok:
        raise InputError(f"expected {what}", file=file, key=_where(path))


def _value(value: Any) -> Any:
    """A state property value as the graph holds it (secrets become SECRET)."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return value.get("id") or value.get("urn")
        if sig == _ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or "text"}
        if sig == _ARCHIVE_SIG:
            return {"archive": value.get("path") or value.get("uri") or "assets"}
        return {str(k): _value(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _parts(urn: str) -> tuple[str, str, str, str]:
    """(stack, project, type, name) from `urn:pulumi:<stack>::<project>::<type chain>::<name>`."""
    if not urn.startswith("urn:pulumi:") or urn.count("::") < 3:
        raise ValueError(urn)
    stack, project, chain, name = urn[len("urn:pulumi:") :].split("::", 3)
    return stack, project, chain.rsplit("$", 1)[-1], name


def graph_of_state(doc: Any, file: str) -> dict[str, Any]:
    """The graph of one stack export (already read, and bounded, by the JSON reader), or a one-line
    error naming the file and JSON path."""
    _expect(isinstance(doc, dict), file, ["(document)"], "a JSON object (`pulumi stack export` output)")
    version = doc.get("version")
    if version != 3:
        raise InputError(f"deployment version {version!r} is not supported (stayup reads version 3, today's `pulumi stack export`)", file=file, key="version")
    deployment = doc.get("deployment")
    _expect(isinstance(deployment, dict), file, ["deployment"], "an object")
    resources = deployment.get("resources") or []
    _expect(isinstance(resources, list), file, ["deployment", "resources"], "a list")
    pending = deployment.get("pending_operations") or []
    _expect(isinstance(pending, list), file, ["deployment", "pending_operations"], "a list")

    kept: list[dict[str, Any]] = []
    placed: list[tuple[int, dict[str, Any]]] = []  # (index in the export, record): zones checked below
    provider_regions: dict[str, Any] = {}
    stack = project = None
    region: str | None = None
    ignored = absent = 0
    for index, item in enumerate(resources):
        at = ["deployment", "resources", index]
        _expect(isinstance(item, dict), file, at, "a resource object")
        urn, type_ = item.get("urn"), item.get("type")
        _expect(isinstance(urn, str), file, [*at, "urn"], "a URN string")
        _expect(isinstance(type_, str) and bool(type_), file, [*at, "type"], "a type token")
        try:
            urn_stack, urn_project, _, name = _parts(urn)
        except ValueError:
            raise InputError(f"not a Pulumi URN: {urn[:80]!r}", file=file, key=_where([*at, "urn"])) from None
        for key, kind, check in (
            ("inputs", "an object", dict), ("outputs", "an object", dict), ("propertyDependencies", "an object", dict),
            ("dependencies", "a list of URNs", list), ("additionalSecretOutputs", "a list", list),
        ):
            _expect(isinstance(item.get(key, check()), check), file, [*at, key], kind)
        for key in ("parent", "provider", "id"):
            _expect(isinstance(item.get(key, ""), str), file, [*at, key], "a string")
        for key in ("custom", "delete", "pendingReplacement"):
            _expect(isinstance(item.get(key, False), bool), file, [*at, key], "true or false")
        deps = item.get("dependencies", [])
        _expect(all(isinstance(d, str) for d in deps), file, [*at, "dependencies"], "a list of URNs")
        prop_deps = item.get("propertyDependencies", {})
        _expect(all(isinstance(v, list) and all(isinstance(u, str) for u in v) for v in prop_deps.values()), file, [*at, "propertyDependencies"], "lists of URNs")
        if type_ == "pulumi:pulumi:Stack":
            stack, project = urn_stack, urn_project
        if item.get("delete") or item.get("pendingReplacement"):
            absent += 1  # gone from the account, or about to be: the engine does not count it either
            continue
        custom = bool(item.get("custom"))
        package = type_.split(":", 1)[0]
        if custom and package not in _KEPT_PACKAGES:
            ignored += 1
            continue
        outputs = _value(item.get("outputs", {}))
        inputs = _value(item.get("inputs", {}))
        for key in item.get("additionalSecretOutputs", []):
            for part in (inputs, outputs):
                if key in part:
                    part[key] = SECRET
        if type_ == "pulumi:providers:aws":
            own = outputs.get("region") or inputs.get("region")
            provider_regions[urn] = own
            if isinstance(own, str) and own != SECRET and (region is None or name.startswith("default")):
                region = own
        if custom and item.get("id") and "id" not in outputs:
            outputs["id"] = item["id"]
        provider = item.get("provider") or None
        record: dict[str, Any] = {
            "urn": urn,
            "type": type_,
            "name": name,
            "parent": item.get("parent") or None,
            "custom": custom,
            "remote": False,  # a component's children are in the state itself
            "provider": provider.rsplit("::", 1)[0] if provider else None,
            "inputs": inputs,
            "outputs": outputs,
            "dependencies": sorted(set(deps)),
            "propertyDependencies": {k: sorted(set(v)) for k, v in sorted(prop_deps.items())},
            "source": None,
        }
        secret = sorted({k for part in (inputs, outputs) for k, v in part.items() if any_value(v, lambda x: x == SECRET)})
        if secret:
            record["secrets"] = secret
        kept.append(record)
        placed.append((index, record))
    if stack is None or project is None:
        raise InputError("no pulumi:pulumi:Stack resource: not a stack export", file=file, key="deployment.resources")
    if region is None:
        region = next((r["outputs"]["region"] for r in kept if isinstance(r["outputs"].get("region"), str) and r["outputs"]["region"] != SECRET), None)
    if region is None:
        raise InputError("no AWS provider or resource says which region this stack is in", file=file, key="deployment.resources")
    from .regions import REGIONS, unknown_region

    if region not in REGIONS:
        raise InputError(unknown_region(region), file=file, key="region")
    for index, record in placed:
        _check_zones(record, index, provider_regions.get(record["provider"], region), region, file)
    return {
        "schema": SCHEMA_VERSION,
        "project": project,
        "stack": stack,
        "region": region,
        "preview": False,
        "resources": sorted(kept, key=lambda r: r["urn"]),
        "invokes": [],
        "state": {"file": file, "ignored": ignored, "absent": absent, "pending": len(pending)},
    }


_ZONE_KEYS = ("availabilityZone", "availabilityZoneId", "availabilityZones", "availabilityZoneAddresses")


def _check_zones(record: dict[str, Any], index: int, provider_region: Any, stack_region: str, file: str) -> None:
    """Every zone a resource's state names is a real zone of the resource's region: its own
    `region` (pulumi-aws 7), else its provider's, else the stack's. One line naming the JSON path."""
    from .regions import REGIONS, zone_problem

    own = record["outputs"].get("region", record["inputs"].get("region"))
    region = own if own is not None else (provider_region if provider_region is not None else stack_region)
    judged = region if isinstance(region, str) and region in REGIONS else None  # a secret region: existence only
    for part in ("inputs", "outputs"):
        for key in _ZONE_KEYS:
            for path, zone in _zones_at(record[part].get(key), [key]):
                problem = zone_problem(zone, judged)
                if problem is not None:
                    raise InputError(problem, file=file, key=_where(["deployment", "resources", index, part, *path]))


def _zones_at(value: Any, path: list[Any]) -> Iterator[tuple[list[Any], str]]:
    if isinstance(value, str) and value != SECRET:
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _zones_at(item, [*path, i])
    elif isinstance(value, dict):
        for key in ("availabilityZone", "availabilityZoneId"):
            yield from _zones_at(value.get(key), [*path, key])
