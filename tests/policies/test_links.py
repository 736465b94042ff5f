"""Links between resources: by value when the property holds known ids or ARNs, by property
dependencies otherwise (unknown ids at preview, or a link through another attribute)."""

from __future__ import annotations

from builder import UNKNOWN, Builder
from stayup.policies.model import from_capture

NAT = "aws:ec2/natGateway:NatGateway"
RT = "aws:ec2/routeTable:RouteTable"
RECORD = "aws:route53/record:Record"
LB = "aws:lb/loadBalancer:LoadBalancer"


def graph(route_value, alias_name="lb-a.example"):
    b = Builder()
    b.add(NAT, "nat-a", {})
    b.add(NAT, "nat-b", {})
    # Computed from both NAT gateways (e.g. in an apply), holding one of them.
    b.add(RT, "private", {"routes": [{"cidrBlock": "0.0.0.0/0", "natGatewayId": route_value}]}, {"routes": ["nat-a", "nat-b"]})
    b.add(LB, "lb-a", {"dnsName": "lb-a.example"})
    b.add(LB, "lb-b", {"dnsName": "lb-b.example"})
    b.add(RECORD, "www", {"aliases": [{"name": alias_name}]}, {"aliases": ["lb-a", "lb-b"]})
    return from_capture(b.graph())


def names(resources):
    return sorted(r.name for r in resources)


def test_a_known_id_picks_the_resource_it_names():
    g = graph("id-nat-b")
    (table,) = g.of_type(RT)
    assert names(g.linked(table, "routes", NAT)) == ["nat-b"]


def test_an_unknown_value_keeps_every_dependency():
    g = graph(UNKNOWN)
    (table,) = g.of_type(RT)
    assert names(g.linked(table, "routes", NAT)) == ["nat-a", "nat-b"]


def test_a_link_through_another_attribute_keeps_the_dependencies():
    g = graph("id-nat-a")
    (record,) = g.of_type(RECORD)
    assert names(g.linked(record, "aliases", LB)) == ["lb-a", "lb-b"]  # aliases name DNS names, not ids
