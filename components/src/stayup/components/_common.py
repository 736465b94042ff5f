"""Shared helpers for stayup components: validation, zone lookup, security-group rules, policies and tags."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from typing import Any, TypeVar

import pulumi
import pulumi_aws as aws

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

# Declares a tier's baseline (peak) capacity so policies can check static stability.
PEAK_TAG = "stayup:peak"


def fail(component: str, prop: str, reason: str) -> pulumi.InputPropertyError:
    """An input error naming the component argument, raised before any child exists."""
    return pulumi.InputPropertyError(f"{component}.{prop}", reason)


def as_enum(component: str, prop: str, enum: type[E], value: E | str) -> E:
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(repr(m.value) for m in enum)
        raise fail(component, prop, f"unknown value {value!r} (expected one of {choices})") from None


def available_zones(region: str | None) -> list[str]:
    """The region's available AZ names, in order (one invoke, answered before any child exists)."""
    kwargs = {"region": region} if region else {}
    return list(aws.get_availability_zones(state="available", **kwargs).names)


def region_name(region: str | None) -> str:
    return region or aws.get_region().region


def sg_rule(
    name: str,
    group: aws.ec2.SecurityGroup,
    direction: str,
    protocol: str,
    ports: tuple[int, int],
    description: str,
    opts: pulumi.ResourceOptions,
    region: str | None,
    peer: aws.ec2.SecurityGroup | None = None,
) -> None:
    """One security-group rule, to/from a peer group or, without one, the internet."""
    rule = aws.vpc.SecurityGroupIngressRule if direction == "in" else aws.vpc.SecurityGroupEgressRule
    target = {"referenced_security_group_id": peer.id} if peer is not None else {"cidr_ipv4": "0.0.0.0/0"}
    rule(
        name,
        security_group_id=group.id,
        description=description,
        ip_protocol=protocol,
        from_port=ports[0],
        to_port=ports[1],
        region=region,
        opts=opts,
        **target,
    )


def amazon_linux(region: str | None) -> str:
    """The latest Amazon Linux 2023 AMI id of the region."""
    return aws.ec2.get_ami(
        most_recent=True,
        owners=["amazon"],
        filters=[aws.ec2.GetAmiFilterArgs(name="name", values=["al2023-ami-2023.*-x86_64"])],
        **({"region": region} if region else {}),
    ).id


def key_policy(*statements: dict) -> str:
    """A KMS key policy: the account administers the key; services get the listed statements."""
    account = aws.get_caller_identity().account_id
    admin = {
        "Sid": "AccountAdmin",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [admin, *statements]})


def service_role_policy(service: str) -> str:
    """Trust policy letting one AWS service assume a role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


def tags_for(name: str, extra: dict[str, str] | None, **more: str) -> dict[str, str]:
    return {"stayup:component": name, **(extra or {}), **more}


def from_mapping(cls: type[T], value: Any) -> T:
    """Args as the component package's Construct passes them (a dict of Python names, nested
    types as dicts too) made into the args dataclass Python users pass; anything else as it is."""
    if not isinstance(value, dict):
        return typing.cast(T, value)
    given: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in value:
            given[f.name] = _nested(f.type, value[f.name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and type(None) in typing.get_args(f.type):
            given[f.name] = None  # an optional argument the schema let the consumer leave out
    return cls(**given)


def _nested(hint: Any, value: Any) -> Any:
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union else (hint,)
    if isinstance(value, float) and value.is_integer() and int in options:
        return int(value)  # the provider protocol carries every number as a double
    if isinstance(value, dict):
        for option in options:
            if dataclasses.is_dataclass(option):
                return from_mapping(option, value)
    return value
