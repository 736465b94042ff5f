"""What is deployed: a `pulumi stack export` (deployment version 3) read as the same graph the rules
read from a program, so every rule, report and door works on it unchanged.

The state has what a preview lacks: real ids, the AZs AWS chose, every output known. The engine's
records are read as the engine reads them:
- secret values (`{sig: secret, ciphertext}`, or `plaintext` after `--show-secrets`) and outputs
  listed in `additionalSecretOutputs` are secrets: never printed, and they decide nothing. An
  `inputs` or `outputs` that is one secret as a whole makes every property it may hold a secret;
- a value not known is unknown, in the engine's form or another engine's (the Terraform bridge's):
  `values.UNKNOWN_FORMS`. Another tool's placeholder (`(known after apply)`) and a signature
  the engine does not know are exit 2 naming the JSON path, never read as a value;
- resource references are their ids, assets and archives a placeholder;
- resources marked `delete` (an old copy awaiting deletion) or `pendingReplacement` (deleted, not
  yet recreated) do not exist in the account and are left out, each counted. Only an old copy
  marked `delete` may share a live resource's URN: two live resources with one URN (as the engine's
  integrity check says) are exit 2 naming both;
- a resource under a pending operation (`pending_operations`: creating, updating, deleting, reading,
  importing; the engine stopped before it knew the outcome) may or may not exist, with its old
  properties or its new ones. It is kept in the graph (a create the engine never finished is added
  from the operation's record), marked `"pending": "<operation>"`, and uncertain: every property
  but its `id`, `arn` and `region` is unknown, and so are those rules read as a default when absent
  (a NAT gateway's availabilityMode, a load balancer's subnets, a group's vpcZoneIdentifiers, a
  subnet's or an instance's availabilityZone, the stack's slo). Links that place something with no
  value to mark (a route table association's table, an instance's subnet) are dropped; the others
  stay, so what points at it still finds it. What depends on it is unknown: never counted as
  present with its recorded values, never a certain failure. (One gap: a resource that is only a
  link, such as a target group attachment under a pending operation, still counts its target: the
  rules have no unknown for a link itself.) Each operation is counted;
- the stack every URN names is checked by the validator of every entry
  (`graph_schema.check_stack_name`); project and resource names are data, escaped where shown;
- custom resources of other providers than AWS (random, kubernetes, ...) are ignored with a count.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .aws_types import (
    ASG,
    ASSOCIATION,
    INSTANCE,
    LOAD_BALANCER,
    MAIN_ASSOCIATION,
    NAT,
    STACK,
    SUBNET,
    TYPE_ALIASES,
)
from .errors import InputError
from .graph_schema import (
    SCHEMA_VERSION,
    ZONE_KEYS,
    canonical_text,
    check_stack_name,
    json_path,
    zone_refusal,
    zones_at,
)
from .inputs import GRAPH_LIMIT, load_json, read_json, read_stream
from .values import SECRET, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN, any_value

_SIG = SECRET_SIG_KEY  # the engine signs every special value (secret, resource, asset, ...) under it
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_KEPT_PACKAGES = ("aws", "pulumi", "awsx", "eks")
# The operations the engine records as pending (resource.OperationType).
_OPERATIONS = ("creating", "updating", "deleting", "reading", "importing")
# What an uncertain resource keeps: where it is and which one it is, never changed in place.
_IDENTITY = frozenset({"id", "arn", "region"})
# Properties rules read as a default when absent (a zonal NAT, no subnets...): unknown when uncertain.
_DEFAULTED = {
    NAT: ("availabilityMode",),
    LOAD_BALANCER: ("subnets",),
    ASG: ("vpcZoneIdentifiers",),
    SUBNET: ("availabilityZone",),
    INSTANCE: ("availabilityZone",),
    STACK: ("slo",),
}
# Links that place something with no value beside them to mark unknown: dropped when uncertain.
_PLACING_LINKS = {ASSOCIATION: ("routeTableId",), MAIN_ASSOCIATION: ("routeTableId",), INSTANCE: ("subnetId",)}


def read_states(paths: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file name, graph) for each `--state` argument: a file, `-` (stdin) or a directory of
    `*.json` exports (one stack each)."""
    for path in paths:
        if str(path) == "-":
            yield "-", graph_of_state(load_json(read_stream(sys.stdin.buffer, "-", "--state", limit=GRAPH_LIMIT), "-", "--state"), "-")
        elif path.is_dir():
            for file in _exports_in(path):
                yield str(file), graph_of_state(read_json(file, "--state", limit=GRAPH_LIMIT), str(file))
        else:
            yield str(path), graph_of_state(read_json(path, "--state", limit=GRAPH_LIMIT), str(path))


def _exports_in(directory: Path) -> list[Path]:
    """Every `*.json` entry of a directory, sorted. Each must be a regular file (or a link to one):
    a FIFO, a dangling link or a directory named `x.json` is a one-line error naming it, before any
    export is read, never skipped."""
    files = sorted(p for p in directory.glob("*.json") if os.path.lexists(p))
    if not files:
        raise InputError("no *.json stack exports in this directory", file=str(directory), key="--state")
    for file in files:
        try:
            mode = os.stat(file).st_mode
        except FileNotFoundError:
            raise InputError("a symbolic link to nothing, not a stack export", file=str(file), key="--state") from None
        except OSError as exc:  # a symlink loop, no permission
            raise InputError(f"cannot read: {exc.strerror or exc}", file=str(file), key="--state") from None
        if stat.S_ISDIR(mode):
            raise InputError("is a directory, not a stack export", file=str(file), key="--state")
        if not stat.S_ISREG(mode):
            raise InputError("not a regular file (a device, FIFO or socket is never read)", file=str(file), key="--state")
    return files


def _expect(ok: bool, file: str, path: list[Any], what: str) -> None:
    if not ok:
        raise InputError(f"expected {what}", file=file, key=json_path(path))


def _value(value: Any, file: str, path: list[Any]) -> Any:
    """A state property value as the graph holds it: secrets become SECRET, every unknown form
    UNKNOWN; a placeholder or a signature the engine does not know is an error naming the path."""
    if isinstance(value, str):
        return canonical_text(value, path, file)
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig is None:
            return {str(k): _value(v, file, [*path, k]) for k, v in sorted(value.items())}
        if sig == SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            ref = value.get("id") or value.get("urn")
            return _value(ref, file, [*path, "id" if value.get("id") else "urn"])
        if sig == _OUTPUT_SIG:  # the engine's wire form of an output: its value, if known
            if "value" not in value:
                return UNKNOWN
            inner = _value(value["value"], file, [*path, "value"])
            return SECRET if value.get("secret") is True and inner != UNKNOWN else inner
        if sig == _ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or "text"}
        if sig == _ARCHIVE_SIG:
            return {"archive": value.get("path") or value.get("uri") or "assets"}
        raise InputError(
            f"unrecognized signature {sig!a} (the engine knows secrets, resource references, assets, archives and outputs)",
            file=file,
            key=json_path([*path, _SIG]),
        )
    if isinstance(value, list):
        return [_value(v, file, [*path, i]) for i, v in enumerate(value)]
    return value


def _parts(urn: str) -> tuple[str, str, str, str]:
    """(stack, project, type, name) from `urn:pulumi:<stack>::<project>::<type chain>::<name>`."""
    if not urn.startswith("urn:pulumi:") or urn.count("::") < 3:
        raise ValueError(urn)
    stack, project, chain, name = urn[len("urn:pulumi:") :].split("::", 3)
    return stack, project, chain.rsplit("$", 1)[-1], name


def _checked(item: Any, at: list[Any], file: str) -> tuple[str, str, str, str, str]:
    """(urn, type, name, stack, project) of a resource record whose every field is the type the
    engine writes, or a one-line error naming its JSON path."""
    _expect(isinstance(item, dict), file, at, "a resource object")
    urn, type_ = item.get("urn"), item.get("type")
    _expect(isinstance(urn, str), file, [*at, "urn"], "a URN string")
    _expect(isinstance(type_, str) and bool(type_), file, [*at, "type"], "a type token")
    try:
        stack, project, _, name = _parts(urn)
    except ValueError:
        raise InputError(f"not a Pulumi URN: {urn[:80]!a}", file=file, key=json_path([*at, "urn"])) from None
    check_stack_name(stack, file=file, key=json_path([*at, "urn"]))
    for key, kind, check in (
        ("inputs", "an object", dict), ("outputs", "an object", dict), ("propertyDependencies", "an object", dict),
        ("dependencies", "a list of URNs", list), ("additionalSecretOutputs", "a list of property names", list),
    ):
        _expect(isinstance(item.get(key, check()), check), file, [*at, key], kind)
    for key in ("parent", "provider", "id"):
        _expect(isinstance(item.get(key, ""), str), file, [*at, key], "a string")
    for key in ("custom", "delete", "pendingReplacement"):
        _expect(isinstance(item.get(key, False), bool), file, [*at, key], "true or false")
    _expect(all(isinstance(d, str) for d in item.get("dependencies", [])), file, [*at, "dependencies"], "a list of URNs")
    _expect(all(isinstance(k, str) for k in item.get("additionalSecretOutputs", [])), file, [*at, "additionalSecretOutputs"], "a list of property names")
    prop_deps = item.get("propertyDependencies", {})
    _expect(all(isinstance(v, list) and all(isinstance(u, str) for u in v) for v in prop_deps.values()), file, [*at, "propertyDependencies"], "lists of URNs")
    return urn, type_, name, stack, project


def _record(item: dict[str, Any], urn: str, type_: str, name: str, at: list[Any], file: str) -> dict[str, Any]:
    """The graph's record of one checked resource."""
    inputs = _value(item.get("inputs", {}), file, [*at, "inputs"])
    outputs = _value(item.get("outputs", {}), file, [*at, "outputs"])
    if not isinstance(inputs, dict) or not isinstance(outputs, dict):
        # A part that is one secret (or unknown) as a whole: every property it may hold is.
        keys = {*(inputs if isinstance(inputs, dict) else ()), *(outputs if isinstance(outputs, dict) else ()), *_DEFAULTED.get(_canonical(type_), ())}
        inputs = inputs if isinstance(inputs, dict) else dict.fromkeys(sorted(keys), SECRET if inputs == SECRET else UNKNOWN)
        outputs = outputs if isinstance(outputs, dict) else dict.fromkeys(sorted(keys), SECRET if outputs == SECRET else UNKNOWN)
    for key in item.get("additionalSecretOutputs", []):
        for part in (inputs, outputs):
            if key in part:
                part[key] = SECRET
    custom = bool(item.get("custom"))
    if custom and item.get("id") and outputs.get("id", SECRET) in (SECRET, UNKNOWN):
        outputs["id"] = item["id"]  # the engine keeps the id beside the outputs, in the clear
    provider = item.get("provider") or None
    deps = item.get("dependencies", [])
    prop_deps = item.get("propertyDependencies", {})
    return {
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


def _canonical(type_: str) -> str:
    return TYPE_ALIASES.get(type_, type_)


def _uncertain(record: dict[str, Any], operation: str) -> None:
    """A resource under a pending operation: it may or may not exist, with its old properties or
    its new ones. Everything but its identity is unknown; links that place it are dropped."""
    type_ = _canonical(record["type"])
    inputs, outputs = record["inputs"], record["outputs"]
    for key in inputs:
        outputs.setdefault(key, inputs[key])  # what rules read: a create never finished has no outputs yet
    for values in (inputs, outputs):
        for key in values:
            if key not in _IDENTITY:
                values[key] = UNKNOWN
        for key in _DEFAULTED.get(type_, ()):
            values[key] = UNKNOWN
    for key in _PLACING_LINKS.get(type_, ()):
        record["propertyDependencies"].pop(key, None)
    record["pending"] = operation


def _pending_operations(pending: list[Any], file: str) -> dict[str, tuple[list[Any], str, dict[str, Any]]]:
    """{URN: (JSON path of its record, operation, record)} of the pending operations on live
    resources (an operation on an old copy marked `delete` concerns only that copy, left out)."""
    found: dict[str, tuple[list[Any], str, dict[str, Any]]] = {}
    for index, operation in enumerate(pending):
        at = ["deployment", "pending_operations", index]
        _expect(isinstance(operation, dict), file, at, "an operation object")
        kind = operation.get("type")
        if kind not in _OPERATIONS:
            raise InputError(f"{kind!a} is not an operation the engine records ({', '.join(_OPERATIONS)})", file=file, key=json_path([*at, "type"]))
        item = operation.get("resource")
        urn, *_ = _checked(item, [*at, "resource"], file)
        if not item.get("delete"):
            found.setdefault(urn, ([*at, "resource"], kind, item))
    return found


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
    placed: list[tuple[list[Any], dict[str, Any]]] = []  # (JSON path of the record, record): zones checked below
    provider_regions: dict[str, Any] = {}
    live: dict[str, int] = {}  # URN -> index of the one live resource with it
    read: dict[str, dict[str, Any] | None] = {}  # URN -> record of each live resource (None: ignored)
    stack = project = None
    region: str | None = None
    ignored = absent = 0
    for index, item in enumerate(resources):
        at = ["deployment", "resources", index]
        urn, type_, name, urn_stack, urn_project = _checked(item, at, file)
        if type_ == STACK:
            stack, project = urn_stack, urn_project
        if not item.get("delete"):
            if urn in live:
                raise InputError(
                    f"the URN of deployment.resources[{live[urn]}] too: two live resources cannot share one URN (only an old copy marked `delete` may)",
                    file=file,
                    key=json_path([*at, "urn"]),
                )
            live[urn] = index
        if item.get("delete") or item.get("pendingReplacement"):
            absent += 1  # gone from the account, or about to be: the engine does not count it either
            continue
        if item.get("custom") and type_.split(":", 1)[0] not in _KEPT_PACKAGES:
            read[urn] = None
            ignored += 1
            continue
        record = _record(item, urn, type_, name, at, file)
        if type_ == "pulumi:providers:aws":
            own = record["outputs"].get("region") or record["inputs"].get("region")
            provider_regions[urn] = own
            if isinstance(own, str) and own not in (SECRET, UNKNOWN) and (region is None or name.startswith("default")):
                region = own
        read[urn] = record
        kept.append(record)
        placed.append((at, record))
    for urn, (at, kind, item) in _pending_operations(pending, file).items():
        if urn in read:
            if (known := read[urn]) is not None:
                _uncertain(known, kind)
            continue
        # A create (or import, or read) the engine never finished, or an operation on a resource
        # the state no longer lists: it may exist, with nothing about it known.
        type_ = item["type"]
        if item.get("custom") and type_.split(":", 1)[0] not in _KEPT_PACKAGES:
            ignored += 1
            continue
        record = _record(item, urn, type_, _parts(urn)[3], at, file)
        _uncertain(record, kind)
        kept.append(record)
        placed.append((at, record))
    if stack is None or project is None:
        raise InputError("no pulumi:pulumi:Stack resource: not a stack export", file=file, key="deployment.resources")
    if region is None:
        region = next((r["outputs"]["region"] for r in kept if isinstance(r["outputs"].get("region"), str) and r["outputs"]["region"] not in (SECRET, UNKNOWN)), None)
    if region is None:
        raise InputError("no AWS provider or resource says which region this stack is in", file=file, key="deployment.resources")
    from .regions import REGIONS, unknown_region

    if region not in REGIONS:
        raise InputError(unknown_region(region), file=file, key="region")
    for at, record in placed:
        _check_zones(record, at, provider_regions.get(record["provider"], region), region, file)
        secret = sorted({k for part in ("inputs", "outputs") for k, v in record[part].items() if any_value(v, lambda x: x == SECRET)})
        if secret:
            record["secrets"] = secret
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


def _check_zones(record: dict[str, Any], at: list[Any], provider_region: Any, stack_region: str, file: str) -> None:
    """Every zone a resource's state names is a real zone of the resource's region: its own
    `region` (pulumi-aws 7), else its provider's, else the stack's. One line naming the JSON path."""
    from .regions import REGIONS

    own = record["outputs"].get("region", record["inputs"].get("region"))
    region = own if own is not None else (provider_region if provider_region is not None else stack_region)
    judged = region if isinstance(region, str) and region in REGIONS else None  # secret or unknown: any region's zone
    for part in ("inputs", "outputs"):
        for key in ZONE_KEYS:
            for path, zone in zones_at(record[part].get(key), [key]):
                problem = zone_refusal(zone, judged)
                if problem is not None:
                    raise InputError(problem, file=file, key=json_path([*at, part, *path]))
