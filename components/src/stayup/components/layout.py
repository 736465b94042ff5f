"""The layout of a ResilientNetwork, apart from the component that builds it (as awsx keeps
subnetDistributor and subnetNaming apart from vpc.ts): the subnet ranges of each AZ, the names of
per-AZ children, and which NAT gateway each AZ's private default route uses.

Plain values in, plain values out: nothing here creates a resource or calls AWS."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

PRIVATE_IPV6_OFFSET = 128
"""Private subnets take their /64s from the middle of the VPC's /56, as their IPv4 blocks do."""


def zone_suffix(zone: str) -> str:
    """The AZ's letter, which tells per-AZ children apart: "eu-west-3a" -> "a"."""
    return zone[-1]


def zone_child(name: str, kind: str, zone: str) -> str:
    """A per-AZ child's name: zone_child("crm-net", "private", "eu-west-3b") -> "crm-net-private-b"."""
    return f"{name}-{kind}-{zone_suffix(zone)}"


def subnet_blocks(cidr: str, zones: int) -> tuple[list[str], list[str]]:
    """Public and private /+4 blocks, one of each per AZ: public from the bottom of the range,
    private from its middle (so either tier can grow without renumbering the other)."""
    network = ipaddress.ip_network(cidr)
    blocks = list(network.subnets(prefixlen_diff=4))
    half = len(blocks) // 2
    return [str(b) for b in blocks[:zones]], [str(b) for b in blocks[half : half + zones]]


@dataclass(frozen=True)
class ZoneSubnets:
    """One AZ's public and private subnet ranges."""

    zone: str
    public_cidr: str
    private_cidr: str
    public_ipv6_index: int
    """Which /64 of the VPC's IPv6 range the public subnet takes (with IPv6 on)."""
    private_ipv6_index: int
    """Which /64 of the VPC's IPv6 range the private subnet takes (with IPv6 on)."""


def zone_subnets(cidr: str, zones: list[str]) -> list[ZoneSubnets]:
    """The subnet ranges of each AZ, in the order of `zones`."""
    public, private = subnet_blocks(cidr, len(zones))
    return [
        ZoneSubnets(zone, public[i], private[i], public_ipv6_index=i, private_ipv6_index=PRIVATE_IPV6_OFFSET + i)
        for i, zone in enumerate(zones)
    ]


def ipv6_subnet(vpc_block: str | None, index: int) -> str | None:
    """The `index`-th /64 of the VPC's IPv6 range; None while AWS has not assigned the range."""
    if not vpc_block:
        return None
    return str(list(ipaddress.ip_network(vpc_block).subnets(new_prefix=64))[index])


@dataclass(frozen=True)
class EgressPlan:
    """Which AZs hold egress, and where each AZ's private default route goes."""

    addresses: int
    """The first `addresses` AZs get an Elastic IP (for their own NAT or the regional NAT)."""
    zonal_nats: int
    """The first `zonal_nats` AZs get a NAT gateway of their own (0 with one regional NAT)."""
    regional: bool
    """One regional NAT gateway, listing every AZ with that AZ's address."""
    routes: tuple[int, ...]
    """Per AZ, the index (in creation order) of the NAT gateway its private default route uses."""


def egress_plan(zones: int, nat_zones: int, *, regional: bool) -> EgressPlan:
    """Zonal egress: the first `nat_zones` AZs each leave through their own NAT; an AZ without one
    leaves through the last AZ that has one. Regional egress: every AZ leaves through the one
    regional NAT (`nat_zones` does not apply)."""
    if regional:
        return EgressPlan(addresses=zones, zonal_nats=0, regional=True, routes=(0,) * zones)
    return EgressPlan(
        addresses=nat_zones,
        zonal_nats=nat_zones,
        regional=False,
        routes=tuple(min(i, nat_zones - 1) for i in range(zones)),
    )
