"""Realistic AWS answers for resources and invokes, so programs run offline as in a real deployment.

Values are deterministic functions of the URN (or invoke arguments): reruns are byte-identical.
"""

from __future__ import annotations

import hashlib
from typing import Any

from . import catalogue
from .catalogue import (
    EIP,
    GET_AMI,
    GET_AVAILABILITY_ZONES,
    GET_CALLER_IDENTITY,
    GET_PARTITION,
    GET_POLICY_DOCUMENT,
    GET_REGION,
    GET_SUBNET,
    GET_SUBNET_IDS,
    GET_SUBNETS,
    GET_VPC,
    INSTANCE,
    LAUNCH_TEMPLATE,
    LOAD_BALANCER,
    NAT,
    RDS_CLUSTER,
    RDS_INSTANCE,
    RECORD,
    ROUTE53_ZONE,
    SUBNET,
    TARGET_GROUP,
    VPC,
)

# The world the answers come from: stayup's zone table (regions.py), sent with each job
# (load_world), so this module needs nothing from stayup itself. A zone is [name, id, type,
# group, status] (older hosts send [name, id]: an AZ).
MOCK_ACCOUNT_ID = "123456789012"
REGIONS: dict[str, list[tuple[str, str]]] = {}  # region -> the AZs a new account gets
ZONES: dict[str, list[dict[str, str]]] = {}  # region -> every zone, with type, group and opt-in
ZONE_IDS: dict[str, str] = {}
ZONE_NAMES_BY_ID: dict[str, str] = {}


def load_world(world: dict[str, Any]) -> None:
    global MOCK_ACCOUNT_ID
    MOCK_ACCOUNT_ID = world["account"]
    ZONES.clear()
    for region, zones in world["regions"].items():
        ZONES[region] = [_zone(region, list(z)) for z in zones]
    REGIONS.clear()
    REGIONS.update({region: [(z["name"], z["id"]) for z in zones if z["type"] == "availability-zone" and z["status"] != "constrained"] for region, zones in ZONES.items()})
    ZONE_IDS.clear()
    ZONE_IDS.update({z["name"]: z["id"] for zones in ZONES.values() for z in zones})
    ZONE_NAMES_BY_ID.clear()
    ZONE_NAMES_BY_ID.update({zid: name for name, zid in ZONE_IDS.items()})


def _zone(region: str, fields: list[str]) -> dict[str, str]:
    defaults = ["", "", "availability-zone", f"{region}-zg-1", "opt-in-not-required"]
    name, zid, kind, group, status = [*fields, *defaults[len(fields) :]][:5]
    return {"name": name, "id": zid, "type": kind, "group": group, "status": status}


def partition(region: str) -> tuple[str, str]:
    """(ARN partition, DNS suffix) of a region; the same rule as stayup's regions.partition."""
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com"
    return "aws", "amazonaws.com"


# What the mocks read of the type catalogue, by token (aliases included): physical id prefixes, and
# the properties the provider fills with "<logical name>-<7 hex>" when the program sets none (the
# engine computes them before a preview, so they are known even then).
_ID_PREFIX = {token: e.id_prefix for e in catalogue.TYPES.values() if e.id_prefix is not None for token in (e.token, *e.aliases)}
AUTONAMED = {token: e.autoname for e in catalogue.TYPES.values() if e.autoname is not None for token in (e.token, *e.aliases)}


def autoname(type_: str, name: str, urn: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs as the provider's Check returns them: with the auto-name filled in."""
    entry = catalogue.entry(type_)
    if entry is None or entry.autoname is None or entry.autoname in inputs:
        return inputs
    value = f"{name[: entry.autoname_limit - 8]}-{digest(urn, length=7)}"
    return {**inputs, entry.autoname: value.lower() if entry.autoname_lower else value}


def digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:length]


def physical_id(type_: str, name: str, urn: str) -> str:
    prefix = _ID_PREFIX.get(type_)
    if prefix == "Z":
        return "Z" + digest(urn, length=20).upper()
    if prefix is not None:
        return prefix + digest(urn)
    return f"{name}-{digest(urn, length=7)}"


def arn_for(type_: str, physical: str, region: str) -> str:
    module = type_.split(":")[1].split("/")[0] if type_.count(":") >= 2 else "unknown"
    service = catalogue.ARN_SERVICES.get(module, module)
    kind = type_.split("/")[-1].split(":")[0] if "/" in type_ else module
    where = "" if service in catalogue.GLOBAL_SERVICES else region
    account = "" if service == "route53" else MOCK_ACCOUNT_ID
    return f"arn:{partition(region)[0]}:{service}:{where}:{account}:{kind.lower()}/{physical}"


def public_ip(seed: str) -> str:
    # Documentation range (RFC 5737): realistic shape, never a real host.
    return f"203.0.113.{int(digest(seed, length=4), 16) % 254 + 1}"


def computed_outputs(type_: str, urn: str, name: str, inputs: dict[str, Any], region: str) -> tuple[
    dict[str, Any], set[str]
]:
    """Provider-computed outputs of a resource, and the keys whose value AWS alone decides.

    The second set holds attributes that are unknowable offline (e.g. the zone AWS picks for a
    subnet declared without one): recorded as unknown, never guessed.
    """
    pid = physical_id(type_, name, urn)
    out: dict[str, Any] = {"id": pid, "arn": arn_for(type_, pid, region)}
    undecided: set[str] = set()
    if type_.startswith("aws:") and "region" not in inputs:
        out["region"] = region
    if "tags" in inputs:
        out["tagsAll"] = inputs["tags"]
    kind = catalogue.canonical(type_)  # each branch fills the catalogue entry's `computed` outputs
    if kind == SUBNET:
        zone = inputs.get("availabilityZone")
        zone_id = inputs.get("availabilityZoneId")
        if isinstance(zone, str) and zone in ZONE_IDS:
            out["availabilityZoneId"] = ZONE_IDS[zone]
        elif isinstance(zone_id, str) and zone_id in ZONE_NAMES_BY_ID:
            out["availabilityZone"] = ZONE_NAMES_BY_ID[zone_id]
        elif zone is None and zone_id is None:
            undecided |= {"availabilityZone", "availabilityZoneId"}
    elif kind == VPC:
        out["ipv6CidrBlock"] = f"2600:1f18:{digest(urn, length=4)}:{digest(name, length=2)}00::/56" if inputs.get("assignGeneratedIpv6CidrBlock") else ""
        main_table = "rtb-" + digest(urn, "main")
        out.update(
            mainRouteTableId=main_table,
            defaultRouteTableId=main_table,  # the VPC's main table is its default route table
            defaultSecurityGroupId="sg-" + digest(urn, "default"),
            defaultNetworkAclId="acl-" + digest(urn, "default"),
            ownerId=MOCK_ACCOUNT_ID,
        )
    elif kind == EIP:
        out.update(publicIp=public_ip(urn), allocationId=pid)
    elif kind == NAT:
        if inputs.get("connectivityType", "public") == "public" and inputs.get("availabilityMode") != "regional":
            out["publicIp"] = public_ip(urn)
    elif kind == INSTANCE:
        out["privateIp"] = f"10.0.{int(digest(urn, length=2), 16) % 250}.{int(digest(name, length=2), 16) % 250 + 4}"
        if inputs.get("associatePublicIpAddress"):
            out["publicIp"] = public_ip(urn)
    elif kind == LOAD_BALANCER:
        lb_name = inputs.get("name", name)
        out.update(
            dnsName=f"{lb_name}-{digest(urn, length=10)}.{region}.elb.{partition(region)[1]}",
            zoneId="Z" + digest(region, length=13).upper(),
            arnSuffix=f"app/{lb_name}/{digest(urn, length=16)}",
        )
    elif kind == TARGET_GROUP:
        out["arnSuffix"] = f"targetgroup/{inputs.get('name', name)}/{digest(urn, length=16)}"
    elif kind == LAUNCH_TEMPLATE:
        out.update(latestVersion=1, defaultVersion=1)
    elif kind == RDS_CLUSTER:
        host = f"{name}.cluster-{digest(urn, length=12)}.{region}.rds.{partition(region)[1]}"
        out.update(endpoint=host, readerEndpoint=host.replace(".cluster-", ".cluster-ro-"), port=5432)
    elif kind == RDS_INSTANCE:
        host = f"{name}.{digest(urn, length=12)}.{region}.rds.{partition(region)[1]}"
        out.update(endpoint=f"{host}:5432", address=host)
    elif kind == ROUTE53_ZONE:
        out.update(zoneId=pid, nameServers=[f"ns-{i}.awsdns-{i:02d}.org" for i in range(1, 5)])
    elif kind == RECORD:
        out["fqdn"] = inputs.get("name", name)
    return out, undecided


def default_vpc(region: str) -> dict[str, Any]:
    vid = "vpc-" + digest("default-vpc", region)
    return {
        "id": vid,
        "arn": f"arn:{partition(region)[0]}:ec2:{region}:{MOCK_ACCOUNT_ID}:vpc/{vid}",
        "cidrBlock": "172.31.0.0/16",
        "default": True,
        "state": "available",
        "region": region,
    }


def default_subnets(region: str) -> list[dict[str, Any]]:
    vpc = default_vpc(region)
    subnets = []
    for index, (zone, zone_id) in enumerate(REGIONS[region]):
        sid = "subnet-" + digest("default-subnet", zone)
        subnets.append(
            {
                "id": sid,
                "arn": f"arn:{partition(region)[0]}:ec2:{region}:{MOCK_ACCOUNT_ID}:subnet/{sid}",
                "availabilityZone": zone,
                "availabilityZoneId": zone_id,
                "cidrBlock": f"172.31.{index * 16}.0/20",
                "vpcId": vpc["id"],
                "defaultForAz": True,
                "mapPublicIpOnLaunch": True,
                "region": region,
            }
        )
    return subnets


def _true(value: Any) -> bool:
    # Older programs pass booleans as strings (`default="true"`); the provider accepts both.
    return value is True or value == "true"


def answer_invoke(token: str, args: dict[str, Any], region: str) -> dict[str, Any] | None:
    """The invoke's result, or None when stayup has no realistic answer for it."""
    region = args.get("region") or region
    if region not in REGIONS:
        return None
    arn_partition, dns_suffix = partition(region)
    older, token = token, catalogue.OLDER_INVOKES.get(token, token)
    if token == GET_AVAILABILITY_ZONES:
        return availability_zones(args, region)
    if token == GET_REGION:
        return {
            "id": region,
            "name": region,
            "region": region,
            "description": region,
            "endpoint": f"ec2.{region}.{dns_suffix}",
        }
    if token == GET_CALLER_IDENTITY:
        return {
            "id": MOCK_ACCOUNT_ID,
            "accountId": MOCK_ACCOUNT_ID,
            "arn": f"arn:{arn_partition}:iam::{MOCK_ACCOUNT_ID}:user/stayup-offline",
            "userId": "AIDASTAYUPOFFLINE",
        }
    if token == GET_PARTITION:
        reverse = ".".join(reversed(dns_suffix.split(".")))
        return {"id": arn_partition, "partition": arn_partition, "dnsSuffix": dns_suffix, "reverseDnsPrefix": reverse}
    if token == GET_AMI:
        ami = "ami-" + digest("ami", region, str(args.get("nameRegex", "")))
        return {
            "id": ami,
            "imageId": ami,
            "architecture": "x86_64",
            "name": "al2023-ami-2023.6.20251110.0-kernel-6.1-x86_64",
            "ownerId": "137112412989",
            "rootDeviceName": "/dev/xvda",
            "virtualizationType": "hvm",
        }
    if token == GET_POLICY_DOCUMENT:
        return policy_document(args)
    # Network lookups are answered only when they can only mean the default VPC: anything else
    # (tags, other VPCs) exists only in the real account, and stayup does not invent it.
    if token == GET_VPC:
        vpc = default_vpc(region)
        narrowed = set(args) - {"default", "id", "region", "state"}
        if narrowed or not (_true(args.get("default")) or args.get("id") == vpc["id"]) or args.get("state", "available") != "available":
            return None
        return vpc
    if token == GET_SUBNETS:
        subnets = _default_subnets_matching(args, region)
        if subnets is None:
            return None
        # `subnets` is not part of the SDK's result type (the program never sees it): it tells the
        # rules where each returned subnet is.
        found = {"id": region, "ids": [s["id"] for s in subnets], "filters": args.get("filters"), "subnets": subnets}
        if older == GET_SUBNET_IDS:
            found.update(id=args.get("vpcId"), vpcId=args.get("vpcId"))
        return found
    if token == GET_SUBNET:
        subnets = _default_subnets_matching(args, region)
        if subnets is None or len(subnets) != 1:
            return None
        return subnets[0]
    return None


# describe-availability-zones filters stayup can evaluate, by zone field (EC2 API reference,
# DescribeAvailabilityZones); the others (group-long-name, message, parent-zone-*) are unanswered.
_ZONE_FILTERS = {"zone-name": "name", "zone-id": "id", "zone-type": "type", "group-name": "group", "opt-in-status": "optIn", "region-name": "region", "state": "state"}


def _matches(value: str, pattern: str) -> bool:
    """An EC2 filter value: exact, except `*` (any run) and `?` (one character)."""
    import re

    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), value) is not None


def availability_zones(args: dict[str, Any], region: str) -> dict[str, Any] | None:
    """aws.get_availability_zones as the provider computes it from DescribeAvailabilityZones:
    opted-in zones only unless `allAvailabilityZones`; `state` and `filters` narrow (values may
    hold EC2's * and ? wildcards); then sorted by name, `excludeNames`/`excludeZoneIds` dropped."""
    everything = _true(args.get("allAvailabilityZones"))
    candidates = [
        {"name": z["name"], "id": z["id"], "type": z["type"], "group": z["group"], "region": region, "state": "available",
         "optIn": z["status"]}
        for z in ZONES.get(region, [])
        if z["status"] != "constrained" and (everything or z["status"] != "not-opted-in")
    ]
    filters = [("state", [args["state"]])] if "state" in args else []
    for item in args.get("filters") or []:
        if not isinstance(item, dict) or item.get("name") not in _ZONE_FILTERS or not isinstance(item.get("values"), list):
            return None
        filters.append((item["name"], item["values"]))
    excluded = [args.get("excludeNames") or [], args.get("excludeZoneIds") or []]
    values = [v for _, vs in filters for v in vs] + [v for vs in excluded if isinstance(vs, list) for v in vs]
    if not all(isinstance(v, str) for v in values) or not all(isinstance(vs, list) for vs in excluded):
        return None  # an unknown or wrongly typed argument: what AWS would answer is not known
    chosen = sorted(
        (z for z in candidates if all(any(_matches(z[_ZONE_FILTERS[name]], v) for v in vs) for name, vs in filters)),
        key=lambda z: z["name"],
    )
    chosen = [z for z in chosen if z["name"] not in excluded[0] and z["id"] not in excluded[1]]
    result = {
        "id": region,
        "names": [z["name"] for z in chosen],
        "zoneIds": [z["id"] for z in chosen],
        "groupNames": sorted({z["group"] for z in chosen}),
        "region": region,
    }
    for key in ("allAvailabilityZones", "excludeNames", "excludeZoneIds", "filters", "state"):
        if key in args:
            result[key] = args[key]
    return result


_DEFAULT_FILTERS = {"vpc-id", "default-for-az", "availability-zone", "availability-zone-id", "subnet-id"}


def _default_subnets_matching(args: dict[str, Any], region: str) -> list[dict[str, Any]] | None:
    """The default subnets a lookup selects, or None when it may select any other subnet."""
    vpc_id = default_vpc(region)["id"]
    subnets = default_subnets(region)
    filters = {f.get("name"): [str(v) for v in f.get("values") or []] for f in args.get("filters") or [] if isinstance(f, dict)}
    if set(filters) - _DEFAULT_FILTERS or set(args) - {"filters", "region", "id", "availabilityZone", "availabilityZoneId", "defaultForAz", "vpcId"}:
        return None
    confined = filters.get("vpc-id") == [vpc_id] or filters.get("default-for-az") == ["true"] or args.get("vpcId") == vpc_id or _true(args.get("defaultForAz"))
    ids = [args["id"]] if args.get("id") else filters.get("subnet-id")
    if ids is not None:
        confined = confined or all(i in {s["id"] for s in subnets} for i in ids)
        subnets = [s for s in subnets if s["id"] in ids]
    if not confined:
        return None
    zones = filters.get("availability-zone") or ([args["availabilityZone"]] if args.get("availabilityZone") else None)
    if zones is not None:
        subnets = [s for s in subnets if s["availabilityZone"] in zones]
    zone_ids = filters.get("availability-zone-id") or ([args["availabilityZoneId"]] if args.get("availabilityZoneId") else None)
    if zone_ids is not None:
        subnets = [s for s in subnets if s["availabilityZoneId"] in zone_ids]
    return subnets


def policy_document(args: dict[str, Any]) -> dict[str, Any] | None:
    """iam.get_policy_document is a pure function of its arguments (source/override documents
    aside, which are merged by AWS rules stayup does not reproduce: unanswered)."""
    if args.get("sourcePolicyDocuments") or args.get("overridePolicyDocuments"):
        return None
    statements = []
    for raw in args.get("statements") or []:
        if not isinstance(raw, dict):
            return None
        statement: dict[str, Any] = {}
        if raw.get("sid"):
            statement["Sid"] = raw["sid"]
        statement["Effect"] = raw.get("effect", "Allow")
        for key, out in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")):
            values = raw.get(key)
            if values:
                statement[out] = values[0] if len(values) == 1 else sorted(values)
        for key, out in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            principals: dict[str, Any] = {}
            for principal in raw.get(key) or []:
                ids = principal.get("identifiers") or []
                principals[principal.get("type", "AWS")] = ids[0] if len(ids) == 1 else sorted(ids)
            if principals:
                statement[out] = "*" if principals == {"*": "*"} else principals
        conditions: dict[str, Any] = {}
        for condition in raw.get("conditions") or []:
            values = condition.get("values") or []
            conditions.setdefault(condition.get("test"), {})[condition.get("variable")] = values[0] if len(values) == 1 else values
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    document = {"Version": args.get("version", "2012-10-17"), "Statement": statements}
    if args.get("policyId"):
        document = {"Version": document["Version"], "Id": args["policyId"], "Statement": statements}
    import json

    text = json.dumps(document, indent=2)
    return {"id": digest(text), "json": text, "minifiedJson": json.dumps(document, separators=(",", ":")), "statements": args.get("statements") or [], "version": document["Version"]}


def unanswered(token: str, marker: str) -> dict[str, Any]:
    """What an unanswered lookup gives the program: every string field of its result the `marker`
    (recorded as unknown wherever the program passes it on), every list field one marker."""
    shape = _result_fields(token) or {"id": 1}
    return {k: ([marker] if isinstance(v, list) else marker) for k, v in shape.items()}


def _result_fields(token: str) -> dict[str, Any]:
    """The string and list fields of the SDK's result class for an invoke token (e.g.
    aws:route53/getZone:getZone -> pulumi_aws.route53.GetZoneResult), so a program reading any of
    them gets the unanswered marker rather than None."""
    import importlib
    import typing

    try:
        package, module, function = token.split(":")
        path = f"pulumi_{package.replace('-', '_')}" + ("" if module.split("/")[0] == "index" else "." + module.split("/")[0].replace("-", "_"))
        cls = getattr(importlib.import_module(path), function[0].upper() + function[1:] + "Result")
    except Exception:
        return {}
    fields: dict[str, Any] = {}
    for attribute in dir(cls):
        prop = getattr(cls, attribute, None)
        name = getattr(getattr(prop, "fget", None), "_pulumi_name", None)
        if not isinstance(prop, property) or not isinstance(name, str):
            continue
        try:
            hint = str(typing.get_type_hints(prop.fget).get("return"))
        except Exception:
            continue
        if "Mapping" in hint or "Dict" in hint or "dict" in hint:
            continue
        if "Sequence" in hint or "List" in hint or "list" in hint:
            fields[name] = []
        elif "str" in hint:
            fields[name] = 1
    return fields
