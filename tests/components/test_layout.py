"""The network's layout helpers (stayup.components.layout), exact values first; then that the
example stack's network is laid out as they say."""

from __future__ import annotations

import ipaddress

import pytest
from conftest import by_type
from hypothesis import given
from hypothesis import strategies as st
from stayup.components.layout import (
    PRIVATE_IPV6_OFFSET,
    EgressPlan,
    ZoneSubnets,
    egress_plan,
    ipv6_subnet,
    subnet_blocks,
    zone_child,
    zone_subnets,
    zone_suffix,
)

PARIS = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]


def test_zone_suffix_and_child_names():
    assert zone_suffix("eu-west-3a") == "a"
    assert zone_suffix("us-east-1f") == "f"
    assert zone_child("crm-net", "private", "eu-west-3b") == "crm-net-private-b"
    assert zone_child("video-net", "nat", "eu-central-1c") == "video-net-nat-c"


@pytest.mark.parametrize(
    ("cidr", "zones", "public", "private"),
    [
        ("10.0.0.0/16", 3, ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"], ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"]),
        ("10.0.0.0/16", 1, ["10.0.0.0/20"], ["10.0.128.0/20"]),
        ("10.8.0.0/20", 2, ["10.8.0.0/24", "10.8.1.0/24"], ["10.8.8.0/24", "10.8.9.0/24"]),
        ("192.168.4.0/24", 2, ["192.168.4.0/28", "192.168.4.16/28"], ["192.168.4.128/28", "192.168.4.144/28"]),
    ],
)
def test_subnet_blocks_public_from_the_bottom_private_from_the_middle(cidr, zones, public, private):
    assert subnet_blocks(cidr, zones) == (public, private)


@given(prefix=st.integers(16, 24), base=st.integers(0, 2**32 - 1), zones=st.integers(1, 8))
def test_subnet_blocks_are_disjoint_and_inside_the_vpc(prefix, base, zones):
    vpc = ipaddress.ip_network((base, prefix), strict=False)
    public, private = subnet_blocks(str(vpc), zones)
    blocks = [ipaddress.ip_network(b) for b in public + private]
    assert len(public) == len(private) == zones
    assert all(b.subnet_of(vpc) and b.prefixlen == prefix + 4 for b in blocks)
    assert len({str(b) for b in blocks}) == 2 * zones  # no two AZs or tiers share a range


def test_zone_subnets_pair_each_zone_with_its_ranges():
    assert zone_subnets("10.0.0.0/16", ["eu-west-3a", "eu-west-3b"]) == [
        ZoneSubnets("eu-west-3a", "10.0.0.0/20", "10.0.128.0/20", public_ipv6_index=0, private_ipv6_index=128),
        ZoneSubnets("eu-west-3b", "10.0.16.0/20", "10.0.144.0/20", public_ipv6_index=1, private_ipv6_index=129),
    ]
    assert PRIVATE_IPV6_OFFSET == 128


@pytest.mark.parametrize(
    ("block", "index", "expected"),
    [
        ("2600:1f18:abcd:1200::/56", 0, "2600:1f18:abcd:1200::/64"),
        ("2600:1f18:abcd:1200::/56", 2, "2600:1f18:abcd:1202::/64"),
        ("2600:1f18:abcd:1200::/56", 128, "2600:1f18:abcd:1280::/64"),
        ("2600:1f18:abcd:1200::/56", 255, "2600:1f18:abcd:12ff::/64"),
        (None, 0, None),  # not assigned yet
        ("", 3, None),
    ],
)
def test_ipv6_subnet_is_the_indexed_64(block, index, expected):
    assert ipv6_subnet(block, index) == expected


@pytest.mark.parametrize(
    ("zones", "nat_zones", "regional", "expected"),
    [
        (3, 3, False, EgressPlan(addresses=3, zonal_nats=3, regional=False, routes=(0, 1, 2))),
        (3, 2, False, EgressPlan(addresses=2, zonal_nats=2, regional=False, routes=(0, 1, 1))),
        (3, 1, False, EgressPlan(addresses=1, zonal_nats=1, regional=False, routes=(0, 0, 0))),
        (1, 1, False, EgressPlan(addresses=1, zonal_nats=1, regional=False, routes=(0,))),
        (3, 3, True, EgressPlan(addresses=3, zonal_nats=0, regional=True, routes=(0, 0, 0))),
        (2, 1, True, EgressPlan(addresses=2, zonal_nats=0, regional=True, routes=(0, 0))),  # nat_zones is zonal only
    ],
    ids=["zonal-all", "zonal-two-of-three", "zonal-one", "one-zone", "regional", "regional-ignores-nat-zones"],
)
def test_egress_plan(zones, nat_zones, regional, expected):
    assert egress_plan(zones, nat_zones, regional=regional) == expected


@pytest.mark.parametrize("overrides", [(), ("natZones=2",), ("egress=regional",)], ids=["zonal", "two-nats", "regional"])
def test_example_network_is_laid_out_as_the_helpers_say(stack_graph, overrides):
    """Subnet ranges and names come from zone_subnets/zone_child; each private route table's
    default route goes to the NAT gateway egress_plan names."""
    graph = stack_graph("crm-paris", overrides=overrides)
    res = {r["urn"]: r for r in graph["resources"]}
    subnets = {s["name"]: s["inputs"] for s in by_type(graph, "aws:ec2/subnet:Subnet") if s["name"].startswith("crm-net-")}
    expected = {}
    for zone in zone_subnets("10.0.0.0/16", PARIS):
        expected[zone_child("crm-net", "public", zone.zone)] = (zone.zone, zone.public_cidr)
        expected[zone_child("crm-net", "private", zone.zone)] = (zone.zone, zone.private_cidr)
    assert {name: (s["availabilityZone"], s["cidrBlock"]) for name, s in subnets.items()} == expected

    nat_zones = 2 if "natZones=2" in overrides else 3
    plan = egress_plan(3, nat_zones, regional="egress=regional" in overrides)
    nats = [n["name"] for n in by_type(graph, "aws:ec2/natGateway:NatGateway") if n["name"].startswith("crm-net-")]
    routes = {r["name"]: r for r in by_type(graph, "aws:ec2/route:Route")}
    for zone, nat in zip(PARIS, plan.routes, strict=True):
        (target,) = routes[f"{zone_child('crm-net', 'private', zone)}-default"]["propertyDependencies"]["natGatewayId"]
        assert res[target]["name"] == nats[nat]
