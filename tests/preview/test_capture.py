"""The offline preview engine records what the Pulumi engine would see."""

from __future__ import annotations

import json

from conftest import PROGRAMS, by_type, capture, graph_of, named
from stayup.policies.graph_schema import masked
from stayup.policies.project import load_stack
from stayup.policies.values import SECRET, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN

STACK = "urn:pulumi:dev::separate-routes::pulumi:pulumi:Stack::separate-routes-dev"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::separate-routes::pulumi:pulumi:Stack${type_}::{name}"


def test_nat_subnet_dependency_is_exactly_its_subnet():
    graph = graph_of("separate_routes")
    nat = named(graph, "aws:ec2/natGateway:NatGateway", "nat-1")
    assert nat["parent"] == STACK
    assert nat["propertyDependencies"] == {
        "allocationId": [urn("aws:ec2/eip:Eip", "nat-1")],
        "subnetId": [urn("aws:ec2/subnet:Subnet", "public-1")],
    }
    assert nat["dependencies"] == [urn("aws:ec2/eip:Eip", "nat-1"), urn("aws:ec2/subnet:Subnet", "public-1")]
    assert nat["source"] == {"file": "__main__.py", "line": 13}


def test_separate_route_points_at_nat_through_gateway_id():
    graph = graph_of("separate_routes")
    route = named(graph, "aws:ec2/route:Route", "private-0-default")
    nat = named(graph, "aws:ec2/natGateway:NatGateway", "nat-0")
    assert route["inputs"]["gatewayId"] == nat["outputs"]["id"]
    assert route["propertyDependencies"]["gatewayId"] == [nat["urn"]]
    assert route["propertyDependencies"]["routeTableId"] == [urn("aws:ec2/routeTable:RouteTable", "private-0")]


def test_every_registration_recorded_with_stack_root():
    graph = graph_of("separate_routes")
    types = sorted(r["type"] for r in graph["resources"])
    assert types.count("aws:ec2/subnet:Subnet") == 4
    assert types.count("aws:ec2/route:Route") == 3
    assert types.count("pulumi:pulumi:Stack") == 1
    assert len(graph["resources"]) == 21
    assert {r["parent"] for r in graph["resources"] if r["type"] != "pulumi:pulumi:Stack"} == {STACK}
    assert graph["schema"] == 1 and graph["region"] == "eu-west-3"


def test_subnet_zone_outputs_resolve_name_and_id():
    graph = graph_of("inline_routes")
    outputs = {r["name"]: r["outputs"] for r in by_type(graph, "aws:ec2/subnet:Subnet")}
    assert (outputs["public-a"]["availabilityZone"], outputs["public-a"]["availabilityZoneId"]) == ("eu-central-1a", "euc1-az2")
    assert (outputs["private-b"]["availabilityZone"], outputs["private-b"]["availabilityZoneId"]) == ("eu-central-1b", "euc1-az3")
    # AWS picks the zone of a subnet declared without one: unknown, never guessed.
    assert (outputs["anywhere"]["availabilityZone"], outputs["anywhere"]["availabilityZoneId"]) == (UNKNOWN, UNKNOWN)


def test_inline_routes_keep_their_targets_and_edges():
    graph = graph_of("inline_routes")
    private_rt = named(graph, "aws:ec2/routeTable:RouteTable", "private")
    nat = by_type(graph, "aws:ec2/natGateway:NatGateway")[0]
    assert private_rt["inputs"]["routes"] == [{"cidrBlock": "0.0.0.0/0", "natGatewayId": nat["outputs"]["id"]}]
    assert private_rt["propertyDependencies"]["routes"] == [nat["urn"]]


def test_preview_has_same_urns_and_edges_with_unknown_ids():
    full = graph_of("separate_routes")
    preview = graph_of("separate_routes", preview=True)
    assert preview["preview"] is True
    def edges(g):
        return {r["urn"]: (r["parent"], r["dependencies"], r["propertyDependencies"]) for r in g["resources"]}

    assert edges(preview) == edges(full)
    custom = [r for r in preview["resources"] if r["custom"]]
    assert custom and all(r["outputs"]["id"] == UNKNOWN for r in custom)
    nat = named(preview, "aws:ec2/natGateway:NatGateway", "nat-0")
    assert nat["inputs"] == {"allocationId": UNKNOWN, "subnetId": UNKNOWN}
    subnet = named(preview, "aws:ec2/subnet:Subnet", "public-0")
    assert subnet["inputs"]["availabilityZone"] == "eu-west-3a"


def test_rerun_is_byte_identical():
    config = load_stack(PROGRAMS / "separate_routes", "dev")
    first = json.dumps(capture(config), sort_keys=False)
    second = json.dumps(capture(config), sort_keys=False)
    assert first == second


def test_default_vpc_lookups_resolve_to_distinct_zones():
    graph = graph_of("default_vpc")
    invokes = {i["token"]: i for i in graph["invokes"]}
    subnets = invokes["aws:ec2/getSubnets:getSubnets"]["result"]["ids"]
    group = by_type(graph, "aws:autoscaling/group:Group")[0]
    assert group["inputs"]["vpcZoneIdentifiers"] == subnets
    assert len(subnets) == 6
    first = invokes["aws:ec2/getSubnet:getSubnet"]
    assert first["args"] == {"id": subnets[0]} and first["result"]["availabilityZone"] == "us-east-1a"


def test_unmocked_invoke_is_recorded_not_fatal():
    graph = graph_of("default_vpc")
    assert {i["token"]: i["mocked"] for i in graph["invokes"]} == {
        "aws:ec2/getAmi:getAmi": True,
        "aws:ec2/getManagedPrefixList:getManagedPrefixList": False,
        "aws:ec2/getSubnet:getSubnet": True,
        "aws:ec2/getSubnets:getSubnets": True,
        "aws:ec2/getVpc:getVpc": True,
        "aws:index/getCallerIdentity:getCallerIdentity": True,
    }


def test_config_defaults_required_values_and_secrets():
    graph = graph_of("secrets")
    assert len(by_type(graph, "aws:ec2/instance:Instance")) == 2  # project default replicas=2
    wrapped = {SECRET_SIG_KEY: SECRET_SIG, "value": SECRET}  # a `secure:` value stayup cannot read
    literal = {SECRET_SIG_KEY: SECRET_SIG, "value": "s3cr3t-literal-value"}  # Output.secret in the program
    parameter = named(graph, "aws:ssm/parameter:Parameter", "db-password")
    assert parameter["inputs"] == {"name": "db-password-df672be", "tags": {"owner": "platform-team"}, "type": "SecureString", "value": wrapped}
    assert parameter["secrets"] == ["value"]
    assert named(graph, "aws:ssm/parameter:Parameter", "api-key")["inputs"]["value"] == literal
    stack = by_type(graph, "pulumi:pulumi:Stack")[0]
    assert stack["outputs"] == {"api_key": literal, "password": wrapped}
    assert "AAABAHx2" not in json.dumps(graph)
    # What may be written anywhere: every secret masked.
    written = masked(graph)
    assert named(written, "aws:ssm/parameter:Parameter", "db-password")["inputs"]["value"] == SECRET
    assert by_type(written, "pulumi:pulumi:Stack")[0]["outputs"] == {"api_key": SECRET, "password": SECRET}
    assert "s3cr3t-literal-value" not in json.dumps(written)


def test_config_override_namespacing():
    graph = graph_of("secrets", overrides=("replicas=3", "secrets:owner=video-team"))
    instances = by_type(graph, "aws:ec2/instance:Instance")
    assert len(instances) == 3
    assert {r["inputs"]["tags"]["owner"] for r in instances} == {"video-team"}
