"""What the example stacks deploy, asserted from the captured graph (links followed by URN)."""

from __future__ import annotations

import pytest
from conftest import by_type

SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"
ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
PARIS = ("eu-west-3a", "eu-west-3b", "eu-west-3c")
FRANKFURT = ("eu-central-1a", "eu-central-1b", "eu-central-1c")


def index(graph):
    return {r["urn"]: r for r in graph["resources"]}


def one_dep(resource, key):
    (urn,) = resource["propertyDependencies"][key]
    return urn


def site(graph, prefix):
    return [r for r in graph["resources"] if f"::{prefix}-" in r["urn"] or r["urn"].endswith(f"::{prefix}")]


def subnets_by_tier(graph, prefix):
    tiers = {"public": {}, "private": {}}
    for s in by_type(graph, SUBNET):
        if s["name"].startswith(f"{prefix}-net-"):
            tiers[s["inputs"]["tags"]["tier"]][s["urn"]] = s["inputs"]["availabilityZone"]
    return tiers


def egress_by_private_subnet(graph, prefix):
    """private subnet zone -> zone(s) of the NAT its default route uses ('regional' for a regional NAT)."""
    res = index(graph)
    table_of = {one_dep(a, "subnetId"): one_dep(a, "routeTableId") for a in by_type(graph, ASSOC)}
    default_route = {
        one_dep(r, "routeTableId"): r for r in by_type(graph, ROUTE) if r["inputs"].get("destinationCidrBlock") == "0.0.0.0/0"
    }
    result = {}
    for urn, zone in subnets_by_tier(graph, prefix)["private"].items():
        route = default_route[table_of[urn]]
        nat = res[one_dep(route, "natGatewayId")]
        if nat["inputs"].get("availabilityMode") == "regional":
            result[zone] = "regional"
        else:
            result[zone] = res[one_dep(nat, "subnetId")]["inputs"]["availabilityZone"]
    return result


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_crm_paris_network_spans_three_zones_with_own_zone_nat(stack_graph, preview):
    graph = stack_graph("crm-paris", preview=preview)
    tiers = subnets_by_tier(graph, "crm")
    assert sorted(tiers["public"].values()) == list(PARIS)
    assert sorted(tiers["private"].values()) == list(PARIS)
    nats = [n for n in by_type(graph, NAT) if n["name"].startswith("crm-net-")]
    assert sorted(n["name"] for n in nats) == ["crm-net-nat-a", "crm-net-nat-b", "crm-net-nat-c"]
    assert egress_by_private_subnet(graph, "crm") == {z: z for z in PARIS}


def test_crm_standby_site_in_secondary_region(stack_graph):
    graph = stack_graph("crm-paris")
    tiers = subnets_by_tier(graph, "crm-dr")
    assert sorted(tiers["private"].values()) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert {s["inputs"]["region"] for s in by_type(graph, SUBNET) if s["name"].startswith("crm-dr-")} == {"eu-west-1"}
    assert egress_by_private_subnet(graph, "crm-dr") == {z: z for z in ("eu-west-1a", "eu-west-1b", "eu-west-1c")}


def test_video_frankfurt_uses_one_regional_nat_listing_every_zone(stack_graph):
    graph = stack_graph("video-frankfurt")
    (nat,) = [n for n in by_type(graph, NAT) if n["name"].startswith("video-net")]
    assert nat["inputs"]["availabilityMode"] == "regional"
    assert [a["availabilityZone"] for a in nat["inputs"]["availabilityZoneAddresses"]] == list(FRANKFURT)
    assert egress_by_private_subnet(graph, "video") == dict.fromkeys(FRANKFURT, "regional")


def test_crm_alb_and_asg_span_all_zones_with_elb_health_checks(stack_graph):
    graph = stack_graph("crm-paris")
    res = index(graph)
    tiers = subnets_by_tier(graph, "crm")
    (alb,) = [r for r in by_type(graph, "aws:lb/loadBalancer:LoadBalancer") if r["name"] == "crm-alb"]
    assert sorted(alb["propertyDependencies"]["subnets"]) == sorted(tiers["public"])
    assert (alb["inputs"]["internal"], alb["inputs"]["enableZonalShift"], alb["inputs"]["enableDeletionProtection"]) == (False, True, True)
    (asg,) = [r for r in by_type(graph, "aws:autoscaling/group:Group") if r["name"] == "crm-app"]
    assert sorted(asg["propertyDependencies"]["vpcZoneIdentifiers"]) == sorted(tiers["private"])
    assert (asg["inputs"]["healthCheckType"], asg["inputs"]["healthCheckGracePeriod"]) == ("ELB", 120.0)
    # peak 2 over 3 zones: 1 per zone survives any one zone loss; min 3, desired 3.
    assert (asg["inputs"]["minSize"], asg["inputs"]["desiredCapacity"], asg["inputs"]["maxSize"]) == (3.0, 3.0, 6.0)
    (tg_urn,) = asg["propertyDependencies"]["targetGroupArns"]
    check = res[tg_urn]["inputs"]["healthCheck"]
    assert (check["enabled"], check["path"], check["interval"], check["unhealthyThreshold"]) == (True, "/healthz", 10.0, 2.0)
    listeners = {(r["inputs"]["port"], r["inputs"]["protocol"], r["inputs"]["defaultActions"][0]["type"]) for r in by_type(graph, "aws:lb/listener:Listener") if r["name"].startswith("crm-http")}
    assert listeners == {(443.0, "HTTPS", "forward"), (80.0, "HTTP", "redirect")}


def test_crm_launch_template_imdsv2_and_encrypted(stack_graph):
    (template,) = [r for r in by_type(stack_graph("crm-paris"), "aws:ec2/launchTemplate:LaunchTemplate") if r["name"] == "crm-app"]
    assert template["inputs"]["metadataOptions"]["httpTokens"] == "required"
    assert template["inputs"]["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"


def test_aurora_reader_in_another_zone_and_managed_password(stack_graph):
    graph = stack_graph("crm-paris")
    (cluster,) = [r for r in by_type(graph, "aws:rds/cluster:Cluster") if r["name"] == "crm-db"]
    assert (cluster["inputs"]["storageEncrypted"], cluster["inputs"]["manageMasterUserPassword"], cluster["inputs"]["deletionProtection"]) == (True, True, True)
    assert "masterPassword" not in cluster["inputs"]
    instances = {
        r["name"]: r["inputs"]["availabilityZone"]
        for r in by_type(graph, "aws:rds/clusterInstance:ClusterInstance")
        if one_dep(r, "clusterIdentifier") == cluster["urn"]
    }
    assert instances == {"crm-db-writer": "eu-west-3a", "crm-db-reader": "eu-west-3b"}


def test_rds_choice_is_multi_az(stack_graph):
    graph = stack_graph("crm-paris", overrides=("database=rds",))
    (db,) = [r for r in by_type(graph, "aws:rds/instance:Instance") if r["name"] == "crm-db"]
    assert (db["inputs"]["multiAz"], db["inputs"]["manageMasterUserPassword"]) == (True, True)
    assert by_type(graph, "aws:rds/cluster:Cluster") == []


def test_relay_listeners_tcp_health_checks_and_public_ips(stack_graph):
    graph = stack_graph("video-frankfurt")
    res = index(graph)
    listeners = {(r["inputs"]["port"], r["inputs"]["protocol"]) for r in by_type(graph, "aws:lb/listener:Listener") if r["name"].startswith("video-turn")}
    assert listeners == {(3478.0, "TCP_UDP"), (5349.0, "TCP")}
    groups = [r for r in by_type(graph, "aws:lb/targetGroup:TargetGroup") if r["name"].startswith("video-turn")]
    assert {(g["inputs"]["protocol"], g["inputs"]["healthCheck"]["protocol"], g["inputs"]["healthCheck"]["port"]) for g in groups} == {
        ("TCP_UDP", "TCP", "3478"),
        ("TCP", "TCP", "3478"),
    }
    nodes = [r for r in by_type(graph, "aws:ec2/instance:Instance") if not r["name"].startswith("video-dr")]
    assert sorted(n["inputs"]["availabilityZone"] for n in nodes) == list(FRANKFURT)
    eips = {one_dep(e, "instance") for e in by_type(graph, "aws:ec2/eip:Eip") if "instance" in e["propertyDependencies"]}
    assert {n["urn"] for n in nodes} <= eips
    (nlb,) = [r for r in by_type(graph, "aws:lb/loadBalancer:LoadBalancer") if r["name"] == "video-nlb"]
    assert (nlb["inputs"]["loadBalancerType"], nlb["inputs"]["enableCrossZoneLoadBalancing"]) == ("network", False)
    # Media ports open only on the relay security group.
    media = [r for r in by_type(graph, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r["inputs"].get("fromPort") == 49152.0]
    assert {res[one_dep(r, "securityGroupId")]["name"] for r in media} == {"video-relay", "video-dr-relay"}


@pytest.mark.parametrize(("stack", "kind", "port", "path"), [("crm-paris", "HTTPS", 443.0, "/healthz"), ("video-frankfurt", "TCP", 3478.0, None)])
def test_primary_record_health_checked_with_secondary(stack_graph, stack, kind, port, path):
    graph = stack_graph(stack)
    res = index(graph)
    records = {r["inputs"]["failoverRoutingPolicies"][0]["type"]: r for r in by_type(graph, "aws:route53/record:Record")}
    assert sorted(records) == ["PRIMARY", "SECONDARY"]
    primary = records["PRIMARY"]
    check = res[one_dep(primary, "healthCheckId")]
    assert (check["inputs"]["type"], check["inputs"]["port"], check["inputs"].get("resourcePath")) == (kind, port, path)
    assert (check["inputs"]["requestInterval"], check["inputs"]["failureThreshold"]) == (10.0, 3.0)
    assert primary["inputs"]["aliases"][0]["evaluateTargetHealth"] is True
    assert records["SECONDARY"]["inputs"]["name"] == primary["inputs"]["name"]


def test_components_use_only_mocked_invokes(stack_graph):
    for stack in ("crm-paris", "video-frankfurt"):
        assert {i["token"] for i in stack_graph(stack)["invokes"] if not i["mocked"]} == set()


def test_children_are_parented_to_their_component(stack_graph):
    graph = stack_graph("crm-paris")
    res = index(graph)
    for r in graph["resources"]:
        if r["name"].startswith("crm-net-") and r["custom"]:
            assert res[r["parent"]]["type"] == "stayup:network:ResilientNetwork", r["urn"]


def test_ipv6_egress_only_and_maintenance_secondary(stack_graph):
    graph = stack_graph("crm-paris", overrides=("ipv6=true", "secondary=maintenance", 'maintenanceAddresses=["198.51.100.10"]'))
    private = [s for s in by_type(graph, SUBNET) if s["name"].startswith("crm-net-private-")]
    assert all(s["inputs"]["ipv6CidrBlock"].endswith("/64") for s in private)
    v6_routes = [r for r in by_type(graph, ROUTE) if r["inputs"].get("destinationIpv6CidrBlock") == "::/0" and "egressOnlyGatewayId" in r["inputs"]]
    assert sorted(r["name"] for r in v6_routes) == ["crm-net-private-a-default-v6", "crm-net-private-b-default-v6", "crm-net-private-c-default-v6"]
    records = {r["inputs"]["failoverRoutingPolicies"][0]["type"]: r["inputs"] for r in by_type(graph, "aws:route53/record:Record")}
    assert records["SECONDARY"]["records"] == ["198.51.100.10"]
    assert not [r for r in by_type(graph, SUBNET) if r["name"].startswith("crm-dr-")]


def test_graph_command_prints_the_example_stack(capsys, monkeypatch):
    import json

    from conftest import ROOT
    from stayup.policies.cli import main

    monkeypatch.chdir(ROOT)
    assert main(["graph", "--stack", "crm-paris"]) == 0
    graph = json.loads(capsys.readouterr().out)
    assert (graph["schema"], graph["project"], graph["stack"], graph["region"], len(graph["resources"])) == (1, "stayup", "crm-paris", "eu-west-3", 129)
