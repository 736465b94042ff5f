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
from stayup.policies.rules import BY_ID
from stayup.policies.settings import load_settings

pytestmark = pytest.mark.slow  # runs checkov (about 3 s a start): `make test` runs it, `make test-fast` does not

CASES = all_cases()

# --- mapping ---------------------------------------------------------------------------------

SAMPLES = {
    "aws:ec2/vpc:Vpc": ({"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}, {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True}),
    "aws:ec2/subnet:Subnet": ({"availabilityZone": "eu-west-3a", "mapPublicIpOnLaunch": False}, {"availability_zone": "eu-west-3a", "map_public_ip_on_launch": False}),
    "aws:ec2/routeTable:RouteTable": ({"routes": [{"cidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"}]}, {"route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1"}]}),
    "aws:ec2/defaultRouteTable:DefaultRouteTable": ({"routes": []}, {"route": []}),
    "aws:ec2/route:Route": ({"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}, {"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ({"subnetId": "s", "routeTableId": "r"}, {"subnet_id": "s", "route_table_id": "r"}),
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": ({"vpcId": "v", "routeTableId": "r"}, {"vpc_id": "v", "route_table_id": "r"}),
    "aws:ec2/natGateway:NatGateway": (
        {"availabilityMode": "regional", "availabilityZoneAddresses": [{"availabilityZone": "eu-west-3a", "allocationIds": ["e"]}]},
        {"availability_mode": "regional", "availability_zone_address": [{"availability_zone": "eu-west-3a", "allocation_ids": ["e"]}]},
    ),
    "aws:ec2/eip:Eip": ({"domain": "vpc"}, {"domain": "vpc"}),
    "aws:ec2/internetGateway:InternetGateway": ({"vpcId": "v"}, {"vpc_id": "v"}),
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": ({"vpcId": "v"}, {"vpc_id": "v"}),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ({"vpcEndpointType": "Gateway"}, {"vpc_endpoint_type": "Gateway"}),
    "aws:ec2/flowLog:FlowLog": ({"trafficType": "ALL"}, {"traffic_type": "ALL"}),
    "aws:ec2/securityGroup:SecurityGroup": ({"description": "d"}, {"description": "d"}),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ({"vpcId": "v"}, {"vpc_id": "v"}),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ({"fromPort": 443.0, "cidrIpv4": "0.0.0.0/0"}, {"from_port": 443, "cidr_ipv4": "0.0.0.0/0"}),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ({"toPort": 443.0}, {"to_port": 443}),
    "aws:ec2/instance:Instance": ({"metadataOptions": {"httpTokens": "required"}}, {"metadata_options": [{"http_tokens": "required"}]}),
    "aws:ec2/launchTemplate:LaunchTemplate": (
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}]},
        {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"encrypted": "true"}]}]},
    ),
    "aws:lb/loadBalancer:LoadBalancer": ({"subnetMappings": [{"subnetId": "s"}], "loadBalancerType": "network"}, {"subnet_mapping": [{"subnet_id": "s"}], "load_balancer_type": "network"}),
    "aws:lb/listener:Listener": (
        {"port": 80.0, "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}]},
        {"port": 80, "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443"}]}]},
    ),
    "aws:lb/targetGroup:TargetGroup": ({"healthCheck": {"path": "/healthz", "interval": 10.0}}, {"health_check": [{"path": "/healthz", "interval": 10}]}),
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": ({"targetId": "i"}, {"target_id": "i"}),
    "aws:autoscaling/group:Group": (
        {"vpcZoneIdentifiers": ["s"], "tags": [{"key": "k", "value": "v", "propagateAtLaunch": True}], "launchTemplate": {"id": "lt"}},
        {"vpc_zone_identifier": ["s"], "tag": [{"key": "k", "value": "v", "propagate_at_launch": True}], "launch_template": [{"id": "lt"}]},
    ),
    "aws:autoscaling/attachment:Attachment": ({"lbTargetGroupArn": "a"}, {"lb_target_group_arn": "a"}),
    "aws:rds/instance:Instance": ({"multiAz": True, "dbSubnetGroupName": "g"}, {"multi_az": True, "db_subnet_group_name": "g"}),
    "aws:rds/cluster:Cluster": ({"storageEncrypted": True}, {"storage_encrypted": True}),
    "aws:rds/clusterInstance:ClusterInstance": ({"availabilityZone": "eu-west-3b"}, {"availability_zone": "eu-west-3b"}),
    "aws:rds/subnetGroup:SubnetGroup": ({"subnetIds": ["s"]}, {"subnet_ids": ["s"]}),
    "aws:elasticache/replicationGroup:ReplicationGroup": ({"multiAzEnabled": True}, {"multi_az_enabled": True}),
    "aws:route53/zone:Zone": ({"name": "example.com"}, {"name": "example.com"}),
    "aws:route53/record:Record": (
        {"failoverRoutingPolicies": [{"type": "PRIMARY"}], "aliases": [{"evaluateTargetHealth": True}], "healthCheckId": "h"},
        {"failover_routing_policy": [{"type": "PRIMARY"}], "alias": [{"evaluate_target_health": True}], "health_check_id": "h"},
    ),
    "aws:route53/healthCheck:HealthCheck": ({"requestInterval": 10.0, "resourcePath": "/healthz"}, {"request_interval": 10, "resource_path": "/healthz"}),
    "aws:ecs/service:Service": ({"desiredCount": 2.0, "networkConfiguration": {"subnets": ["s"]}}, {"desired_count": 2, "network_configuration": [{"subnets": ["s"]}]}),
    "aws:appautoscaling/target:Target": ({"minCapacity": 2.0, "resourceId": "service/c/s"}, {"min_capacity": 2, "resource_id": "service/c/s"}),
    "aws:appautoscaling/scheduledAction:ScheduledAction": ({"scalableTargetAction": {"minCapacity": 1.0}}, {"scalable_target_action": [{"min_capacity": 1}]}),
    "aws:autoscaling/schedule:Schedule": ({"minSize": 1.0, "autoscalingGroupName": "g"}, {"min_size": 1, "autoscaling_group_name": "g"}),
    "aws:ec2/eipAssociation:EipAssociation": ({"instanceId": "i-1"}, {"instance_id": "i-1"}),
    "aws:ec2/securityGroupRule:SecurityGroupRule": ({"type": "ingress", "fromPort": 443.0}, {"type": "ingress", "from_port": 443}),
    "aws:eks/cluster:Cluster": ({"vpcConfig": {"subnetIds": ["s"]}}, {"vpc_config": [{"subnet_ids": ["s"]}]}),
    "aws:eks/nodeGroup:NodeGroup": ({"scalingConfig": {"minSize": 2.0}}, {"scaling_config": [{"min_size": 2}]}),
    "aws:cloudwatch/logGroup:LogGroup": ({"retentionInDays": 365.0}, {"retention_in_days": 365}),
    "aws:iam/role:Role": ({"assumeRolePolicy": "{}"}, {"assume_role_policy": "{}"}),
    "aws:iam/rolePolicy:RolePolicy": ({"policy": "{}"}, {"policy": "{}"}),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ({"policyArn": "arn"}, {"policy_arn": "arn"}),
    "aws:iam/instanceProfile:InstanceProfile": ({"role": "r"}, {"role": "r"}),
    "aws:kms/key:Key": ({"enableKeyRotation": True}, {"enable_key_rotation": True}),
    "aws:ssm/parameter:Parameter": ({"type": "SecureString", "value": "[secret]"}, {"type": "SecureString", "value": "(sensitive)"}),
    "aws:elb/loadBalancer:LoadBalancer": (
        {"availabilityZones": ["eu-west-3a"], "healthCheck": {"target": "HTTP:80/healthz", "interval": 10.0}, "listeners": [{"lbPort": 80.0}]},
        {"availability_zones": ["eu-west-3a"], "health_check": [{"target": "HTTP:80/healthz", "interval": 10}], "listener": [{"lb_port": 80}]},
    ),
    "aws:elb/attachment:Attachment": ({"elb": "e", "instance": "i-1"}, {"elb": "e", "instance": "i-1"}),
    "aws:alb/loadBalancer:LoadBalancer": ({"subnets": ["s"]}, {"subnets": ["s"]}),
    "aws:alb/listener:Listener": ({"port": 443.0}, {"port": 443}),
    "aws:alb/targetGroup:TargetGroup": ({"port": 8080.0}, {"port": 8080}),
}
TERRAFORM = {
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/cluster:Cluster": "aws_rds_cluster",
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:alb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:elb/loadBalancer:LoadBalancer": "aws_elb",
    "aws:autoscaling/group:Group": "aws_autoscaling_group",
    "aws:route53/record:Record": "aws_route53_record",
}


def one(type_, props):
    return {"stack": "t", "resources": [{"urn": f"urn:pulumi:t::p::{type_}::r-1", "type": type_, "name": "r-1", "outputs": props, "propertyDependencies": {}}]}


def test_every_mapped_type_has_a_sample():
    assert set(SAMPLES) == set(tfplan.TYPES)


@pytest.mark.parametrize("type_", sorted(SAMPLES))
def test_mapping(type_):
    props, expected = SAMPLES[type_]
    (resource,) = tfplan.export(one(type_, props))["planned_values"]["root_module"]["resources"]
    assert resource["type"] == tfplan.TYPES[type_][0] == TERRAFORM.get(type_, resource["type"])
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
        {"urn": "urn:pulumi:fx::fixture::pulumi:pulumi:Stack$awsx:ec2:Vpc::awsx-vpc", "type": "awsx:ec2:Vpc"},
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
