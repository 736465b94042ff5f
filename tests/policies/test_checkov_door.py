"""The checkov door: explicit Terraform mapping, the same rule results through checkov, checkov's
own AWS checks clean on the example stacks, and loud failures where checkov would stay silent."""

from __future__ import annotations

import re

import pytest
from builder import happy
from conftest import ROOT, graph_of
from rules.scenarios import all_cases
from stayup.policies import checkov_door, tfplan
from stayup.policies.engine import evaluate, outcome_set
from stayup.policies.model import from_capture
from stayup.policies.preview import catalogue
from stayup.policies.rules import BY_ID
from stayup.policies.settings import load_settings

pytestmark = pytest.mark.slow  # runs checkov (about 3 s a start): `make test` runs it, `make test-fast` does not

CASES = all_cases()

# --- mapping ---------------------------------------------------------------------------------

# One sample per catalogued type with a Terraform type; its aliases export the same way.
SAMPLES = {
    catalogue.VPC: ({"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}, {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True}),
    catalogue.SUBNET: ({"availabilityZone": "eu-west-3a", "mapPublicIpOnLaunch": False}, {"availability_zone": "eu-west-3a", "map_public_ip_on_launch": False}),
    catalogue.ROUTE_TABLE: ({"routes": [{"cidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"}]}, {"route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1"}]}),
    catalogue.DEFAULT_ROUTE_TABLE: ({"routes": []}, {"route": []}),
    catalogue.ROUTE: ({"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}, {"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}),
    catalogue.ASSOCIATION: ({"subnetId": "s", "routeTableId": "r"}, {"subnet_id": "s", "route_table_id": "r"}),
    catalogue.MAIN_ASSOCIATION: ({"vpcId": "v", "routeTableId": "r"}, {"vpc_id": "v", "route_table_id": "r"}),
    catalogue.NAT: (
        {"availabilityMode": "regional", "availabilityZoneAddresses": [{"availabilityZone": "eu-west-3a", "allocationIds": ["e"]}]},
        {"availability_mode": "regional", "availability_zone_address": [{"availability_zone": "eu-west-3a", "allocation_ids": ["e"]}]},
    ),
    catalogue.EIP: ({"domain": "vpc"}, {"domain": "vpc"}),
    catalogue.IGW: ({"vpcId": "v"}, {"vpc_id": "v"}),
    catalogue.EGRESS_ONLY_IGW: ({"vpcId": "v"}, {"vpc_id": "v"}),
    catalogue.VPC_ENDPOINT: ({"vpcEndpointType": "Gateway"}, {"vpc_endpoint_type": "Gateway"}),
    catalogue.FLOW_LOG: ({"trafficType": "ALL"}, {"traffic_type": "ALL"}),
    catalogue.SECURITY_GROUP: ({"description": "d"}, {"description": "d"}),
    catalogue.DEFAULT_SECURITY_GROUP: ({"vpcId": "v"}, {"vpc_id": "v"}),
    catalogue.SG_INGRESS_RULE: ({"fromPort": 443.0, "cidrIpv4": "0.0.0.0/0"}, {"from_port": 443, "cidr_ipv4": "0.0.0.0/0"}),
    catalogue.SG_EGRESS_RULE: ({"toPort": 443.0}, {"to_port": 443}),
    catalogue.INSTANCE: ({"metadataOptions": {"httpTokens": "required"}}, {"metadata_options": [{"http_tokens": "required"}]}),
    catalogue.LAUNCH_TEMPLATE: (
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}]},
        {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"encrypted": "true"}]}]},
    ),
    catalogue.LOAD_BALANCER: ({"subnetMappings": [{"subnetId": "s"}], "loadBalancerType": "network"}, {"subnet_mapping": [{"subnet_id": "s"}], "load_balancer_type": "network"}),
    catalogue.LISTENER: (
        {"port": 80.0, "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}]},
        {"port": 80, "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443"}]}]},
    ),
    catalogue.TARGET_GROUP: ({"healthCheck": {"path": "/healthz", "interval": 10.0}}, {"health_check": [{"path": "/healthz", "interval": 10}]}),
    catalogue.TARGET_ATTACHMENT: ({"targetId": "i"}, {"target_id": "i"}),
    catalogue.ASG: (
        {"vpcZoneIdentifiers": ["s"], "tags": [{"key": "k", "value": "v", "propagateAtLaunch": True}], "launchTemplate": {"id": "lt"}},
        {"vpc_zone_identifier": ["s"], "tag": [{"key": "k", "value": "v", "propagate_at_launch": True}], "launch_template": [{"id": "lt"}]},
    ),
    catalogue.ASG_ATTACHMENT: ({"lbTargetGroupArn": "a"}, {"lb_target_group_arn": "a"}),
    catalogue.RDS_INSTANCE: ({"multiAz": True, "dbSubnetGroupName": "g"}, {"multi_az": True, "db_subnet_group_name": "g"}),
    catalogue.RDS_CLUSTER: ({"storageEncrypted": True}, {"storage_encrypted": True}),
    catalogue.RDS_CLUSTER_INSTANCE: ({"availabilityZone": "eu-west-3b"}, {"availability_zone": "eu-west-3b"}),
    catalogue.DB_SUBNET_GROUP: ({"subnetIds": ["s"]}, {"subnet_ids": ["s"]}),
    catalogue.CACHE_GROUP: ({"multiAzEnabled": True}, {"multi_az_enabled": True}),
    catalogue.ROUTE53_ZONE: ({"name": "example.com"}, {"name": "example.com"}),
    catalogue.RECORD: (
        {"failoverRoutingPolicies": [{"type": "PRIMARY"}], "aliases": [{"evaluateTargetHealth": True}], "healthCheckId": "h"},
        {"failover_routing_policy": [{"type": "PRIMARY"}], "alias": [{"evaluate_target_health": True}], "health_check_id": "h"},
    ),
    catalogue.HEALTH_CHECK: ({"requestInterval": 10.0, "resourcePath": "/healthz"}, {"request_interval": 10, "resource_path": "/healthz"}),
    catalogue.ECS_SERVICE: ({"desiredCount": 2.0, "networkConfiguration": {"subnets": ["s"]}}, {"desired_count": 2, "network_configuration": [{"subnets": ["s"]}]}),
    catalogue.SCALABLE_TARGET: ({"minCapacity": 2.0, "resourceId": "service/c/s"}, {"min_capacity": 2, "resource_id": "service/c/s"}),
    catalogue.SCALING_SCHEDULE: ({"scalableTargetAction": {"minCapacity": 1.0}}, {"scalable_target_action": [{"min_capacity": 1}]}),
    catalogue.ASG_SCHEDULE: ({"minSize": 1.0, "autoscalingGroupName": "g"}, {"min_size": 1, "autoscaling_group_name": "g"}),
    catalogue.EIP_ASSOCIATION: ({"instanceId": "i-1"}, {"instance_id": "i-1"}),
    catalogue.SG_RULE: ({"type": "ingress", "fromPort": 443.0}, {"type": "ingress", "from_port": 443}),
    catalogue.EKS_CLUSTER: ({"vpcConfig": {"subnetIds": ["s"]}}, {"vpc_config": [{"subnet_ids": ["s"]}]}),
    catalogue.EKS_NODE_GROUP: ({"scalingConfig": {"minSize": 2.0}}, {"scaling_config": [{"min_size": 2}]}),
    catalogue.LOG_GROUP: ({"retentionInDays": 365.0}, {"retention_in_days": 365}),
    catalogue.IAM_ROLE: ({"assumeRolePolicy": "{}"}, {"assume_role_policy": "{}"}),
    catalogue.IAM_ROLE_POLICY: ({"policy": "{}"}, {"policy": "{}"}),
    catalogue.IAM_ROLE_POLICY_ATTACHMENT: ({"policyArn": "arn"}, {"policy_arn": "arn"}),
    catalogue.IAM_INSTANCE_PROFILE: ({"role": "r"}, {"role": "r"}),
    catalogue.KMS_KEY: ({"enableKeyRotation": True}, {"enable_key_rotation": True}),
    catalogue.SSM_PARAMETER: ({"type": "SecureString", "value": "[secret]"}, {"type": "SecureString", "value": "(sensitive)"}),
    catalogue.CLASSIC_ELB: (
        {"availabilityZones": ["eu-west-3a"], "healthCheck": {"target": "HTTP:80/healthz", "interval": 10.0}, "listeners": [{"lbPort": 80.0}]},
        {"availability_zones": ["eu-west-3a"], "health_check": [{"target": "HTTP:80/healthz", "interval": 10}], "listener": [{"lb_port": 80}]},
    ),
    catalogue.CLASSIC_ELB_ATTACHMENT: ({"elb": "e", "instance": "i-1"}, {"elb": "e", "instance": "i-1"}),
}
TERRAFORM = {
    catalogue.RDS_INSTANCE: "aws_db_instance",
    catalogue.RDS_CLUSTER: "aws_rds_cluster",
    catalogue.LOAD_BALANCER: "aws_lb",
    catalogue.CLASSIC_ELB: "aws_elb",
    catalogue.ASG: "aws_autoscaling_group",
    catalogue.RECORD: "aws_route53_record",
}


def one(type_, props):
    return {"stack": "t", "resources": [{"urn": f"urn:pulumi:t::p::{type_}::r-1", "type": type_, "name": "r-1", "outputs": props, "propertyDependencies": {}}]}


def test_every_mapped_type_has_a_sample():
    assert set(SAMPLES) == {catalogue.canonical(t) for t in tfplan.TYPES}
    assert {t for t in tfplan.TYPES if t not in SAMPLES} == {a for t in SAMPLES for a in catalogue.TYPES[t].aliases}


@pytest.mark.parametrize("type_", sorted(tfplan.TYPES))
def test_mapping(type_):
    props, expected = SAMPLES[catalogue.canonical(type_)]
    (resource,) = tfplan.export(one(type_, props))["planned_values"]["root_module"]["resources"]
    assert resource["type"] == tfplan.TYPES[type_][0] == TERRAFORM.get(catalogue.canonical(type_), resource["type"])
    assert (resource["address"], resource["mode"], resource["name"]) == (f"{resource['type']}.r_1", "managed", "r_1")
    assert {k: v for k, v in resource["values"].items() if k not in (tfplan.GRAPH_ATTRIBUTE, tfplan.URN_ATTRIBUTE)} == expected


def test_unknowns_references_and_unsupported_types():
    graph = happy().graph()
    graph["resources"].append({"urn": "urn:x::aws:sqs/queue:Queue::q", "type": "aws:sqs/queue:Queue", "name": "q", "custom": True, "outputs": {}})
    nat = next(r for r in graph["resources"] if r["name"] == "nat-a")
    nat["outputs"]["publicIp"] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    plan = tfplan.export(graph)
    config = {r["address"]: r["expressions"] for r in plan["configuration"]["root_module"]["resources"]}
    assert config["aws_nat_gateway.nat_a"] == {"subnet_id": {"references": ["aws_subnet.public_a.id", "aws_subnet.public_a"]}}
    change = next(c for c in plan["resource_changes"] if c["address"] == "aws_nat_gateway.nat_a")
    assert change["change"]["after_unknown"] == {"public_ip": True}
    assert "public_ip" not in change["change"]["after"]
    # awsx components have no Terraform type: listed, so NE004 is not claimed through checkov.
    assert plan["stayup"]["unsupported"] == [
        {"urn": "urn:pulumi:fx::fixture::pulumi:pulumi:Stack$awsx:ec2:Vpc::awsx-vpc", "type": catalogue.AWSX_VPC},
        {"urn": "urn:x::aws:sqs/queue:Queue::q", "type": "aws:sqs/queue:Queue"},
    ]


# --- one checkov run over every fixture and example -----------------------------------------------


def fixture_graphs():
    graphs = {"happy": happy().graph()}
    for rule_id, cases in CASES.items():
        for index, (mutation, _) in enumerate(cases["fail"]):
            graphs[f"{rule_id}-fail-{index}"] = mutation(happy()).graph()
    for stack in ("crm-paris", "video-frankfurt"):
        graphs[stack] = graph_of(ROOT, stack)
        graphs[f"{stack}-preview"] = graph_of(ROOT, stack, preview=True)
    graphs["crm-paris-one-nat"] = graph_of(ROOT, "crm-paris", overrides=("natZones=1",))
    return graphs


@pytest.fixture(scope="module")
def checkov_run():
    graphs = fixture_graphs()
    return graphs, checkov_door.run(graphs, suppressions=checkov_door.load_suppressions(ROOT))


def test_resilience_failures_through_checkov_equal_stayup_check(checkov_run):
    graphs, run = checkov_run
    for name, graph in graphs.items():
        addresses = tfplan.export(graph)["stayup"]["addresses"]
        mapped = set(addresses.values())
        expected = {(rule, urn) for rule, urn, outcome in outcome_set(evaluate(from_capture(graph), load_settings({}))) if outcome == "fail" and urn in mapped}
        got = {(c["check_id"], addresses[c["resource"]]) for c in run.failed(set(BY_ID)) if c["stack"] == name}
        assert got == expected, name


def test_example_stacks_fail_no_builtin_check_outside_the_reviewed_file(checkov_run):
    _, run = checkov_run
    builtin = {(c["stack"], c["check_id"], c["resource"]) for c in run.failed() if c["check_id"] not in BY_ID and c["stack"].startswith(("crm-paris", "video-frankfurt"))}
    assert builtin == set()
    assert all(re.fullmatch(r"CKV2?_AWS_\d+", check) for check in checkov_door.load_suppressions(ROOT))


# --- loud failures ---------------------------------------------------------------------------


def test_plan_checkov_cannot_read_fails_the_wrapper(monkeypatch):
    original = tfplan.export

    def broken(graph):
        plan = original(graph)
        for resource in plan["planned_values"]["root_module"]["resources"]:
            del resource["mode"]  # checkov then drops the resource silently and exits 0
        return plan

    monkeypatch.setattr(checkov_door, "export", broken)
    with pytest.raises(checkov_door.CheckovError, match="checkov scanned 0 resources"):
        checkov_door.run({"happy": happy().graph()})


def test_missing_stayup_result_fails_the_wrapper(monkeypatch):
    original = tfplan.export

    def unmarked(graph):
        plan = original(graph)
        for resource in plan["planned_values"]["root_module"]["resources"]:
            resource["values"].pop(tfplan.URN_ATTRIBUTE)
        return plan

    monkeypatch.setattr(checkov_door, "export", unmarked)
    with pytest.raises(checkov_door.CheckovError, match=r"stayup checks DR001, HC001, HC002, .* produced no result in checkov for happy"):
        checkov_door.run({"happy": happy().graph()})


def test_custom_check_crash_fails_the_wrapper(monkeypatch):
    # Outcomes the lookup cannot read: every stayup check raises inside checkov (which logs the
    # traceback and still exits as if all were well).
    original = checkov_door.findings
    monkeypatch.setattr(checkov_door, "findings", lambda graph, settings: {key: ["unreadable"] for key in original(graph, settings)})
    with pytest.raises(checkov_door.CheckovError, match=r"a custom check failed inside checkov: .*Failed to run check"):
        checkov_door.run({"happy": happy().graph()})
