"""Small graphs in the capture format, for rule fixtures: a happy path plus one mutation per case."""

from __future__ import annotations

import copy
from typing import Any

from stayup.policies.values import UNKNOWN

STACK_URN = "urn:pulumi:fx::fixture::pulumi:pulumi:Stack::fixture-fx"


class Builder:
    def __init__(self):
        self.resources: dict[str, dict[str, Any]] = {}
        self.by_name: dict[str, str] = {}
        self.add("pulumi:pulumi:Stack", "fixture-fx", {}, urn=STACK_URN, parent=None)

    def add(self, type_: str, name: str, props: dict[str, Any], links: dict[str, list[str] | str] | None = None, *, urn=None, parent=STACK_URN) -> str:
        """Adds a resource; `links` maps a property to the names of the resources it depends on."""
        if name in self.by_name:
            raise ValueError(f"fixture names must be unique: {name}")
        urn = urn or f"urn:pulumi:fx::fixture::pulumi:pulumi:Stack${type_}::{name}"
        prop_deps = {}
        for key, names in (links or {}).items():
            names = [names] if isinstance(names, str) else names
            prop_deps[key] = sorted(self.by_name[n] for n in names)
        outputs = {"id": f"id-{name}", **props} if type_ != "pulumi:pulumi:Stack" else {}
        self.resources[urn] = {
            "urn": urn,
            "type": type_,
            "name": name,
            "parent": parent,
            "custom": True,
            "remote": False,
            "provider": None,
            "inputs": props,
            "outputs": outputs,
            "dependencies": sorted({u for deps in prop_deps.values() for u in deps}),
            "propertyDependencies": prop_deps,
            "source": {"file": "__main__.py", "line": len(self.resources)},
        }
        self.by_name[name] = urn
        return urn

    def id(self, name: str) -> str:
        return self.resources[self.by_name[name]]["outputs"]["id"]

    def graph(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "project": "fixture",
            "stack": "fx",
            "region": "eu-west-3",
            "preview": False,
            "resources": [self.resources[u] for u in sorted(self.resources)],
            "invokes": [],
        }


ZONES = ("eu-west-3a", "eu-west-3b")


def happy() -> Builder:
    """Every tier spread over two AZs with own-AZ egress and health-checked failover."""
    b = Builder()
    b.add("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})
    b.add("aws:ec2/internetGateway:InternetGateway", "igw", {"vpcId": "id-vpc"}, {"vpcId": "vpc"})
    b.add("aws:ec2/routeTable:RouteTable", "public", {"vpcId": "id-vpc"}, {"vpcId": "vpc"})
    b.add("aws:ec2/route:Route", "public-default", {"routeTableId": "id-public", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "id-igw"}, {"routeTableId": "public", "gatewayId": "igw"})
    for zone in ZONES:
        z = zone[-1]
        b.add("aws:ec2/subnet:Subnet", f"public-{z}", {"vpcId": "id-vpc", "availabilityZone": zone}, {"vpcId": "vpc"})
        b.add("aws:ec2/routeTableAssociation:RouteTableAssociation", f"assoc-public-{z}", {"subnetId": f"id-public-{z}", "routeTableId": "id-public"}, {"subnetId": f"public-{z}", "routeTableId": "public"})
        b.add("aws:ec2/natGateway:NatGateway", f"nat-{z}", {"subnetId": f"id-public-{z}"}, {"subnetId": f"public-{z}"})
        b.add("aws:ec2/subnet:Subnet", f"private-{z}", {"vpcId": "id-vpc", "availabilityZone": zone}, {"vpcId": "vpc"})
        b.add("aws:ec2/routeTable:RouteTable", f"rt-private-{z}", {"vpcId": "id-vpc"}, {"vpcId": "vpc"})
        b.add("aws:ec2/route:Route", f"private-{z}-default", {"routeTableId": f"id-rt-private-{z}", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": f"id-nat-{z}"}, {"routeTableId": f"rt-private-{z}", "natGatewayId": f"nat-{z}"})
        b.add("aws:ec2/routeTableAssociation:RouteTableAssociation", f"assoc-private-{z}", {"subnetId": f"id-private-{z}", "routeTableId": f"id-rt-private-{z}"}, {"subnetId": f"private-{z}", "routeTableId": f"rt-private-{z}"})
    publics, privates = ["public-a", "public-b"], ["private-a", "private-b"]
    b.add("aws:lb/loadBalancer:LoadBalancer", "alb", {"loadBalancerType": "application", "subnets": ["id-public-a", "id-public-b"]}, {"subnets": publics})
    b.add("aws:lb/targetGroup:TargetGroup", "web-tg", {"protocol": "HTTP", "port": 8080.0, "healthCheck": {"enabled": True, "path": "/healthz", "interval": 10.0, "unhealthyThreshold": 2.0}})
    b.add("aws:autoscaling/group:Group", "web", {
        "vpcZoneIdentifiers": ["id-private-a", "id-private-b"], "minSize": 4.0, "maxSize": 6.0, "targetGroupArns": ["arn-web"],
        "healthCheckType": "ELB", "healthCheckGracePeriod": 120.0, "tags": [{"key": "stayup:peak", "value": "2", "propagateAtLaunch": True}],
    }, {"vpcZoneIdentifiers": privates, "targetGroupArns": "web-tg"})
    b.add("aws:rds/subnetGroup:SubnetGroup", "db-subnets", {"subnetIds": ["id-private-a", "id-private-b"]}, {"subnetIds": privates})
    b.add("aws:rds/instance:Instance", "db", {"engine": "postgres", "multiAz": True, "dbSubnetGroupName": "db-subnets"}, {"dbSubnetGroupName": "db-subnets"})
    b.add("aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    for role, zone in (("writer", ZONES[0]), ("reader", ZONES[1])):
        b.add("aws:rds/clusterInstance:ClusterInstance", f"aurora-{role}", {"clusterIdentifier": "id-aurora", "availabilityZone": zone}, {"clusterIdentifier": "aurora"})
    b.add("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {"automaticFailoverEnabled": True, "multiAzEnabled": True, "numCacheClusters": 2.0})
    # TURN relays: one per AZ behind a UDP target group checked over TCP.
    b.add("aws:lb/targetGroup:TargetGroup", "turn", {"protocol": "TCP_UDP", "port": 3478.0, "healthCheck": {"enabled": True, "protocol": "TCP", "port": "3478", "interval": 10.0, "unhealthyThreshold": 2.0}, "tags": {"stayup:peak": "1"}})
    for zone in ZONES:
        z = zone[-1]
        b.add("aws:ec2/instance:Instance", f"relay-{z}", {"subnetId": f"id-public-{z}", "availabilityZone": zone}, {"subnetId": f"public-{z}"})
        b.add("aws:lb/targetGroupAttachment:TargetGroupAttachment", f"attach-relay-{z}", {"targetGroupArn": "arn-turn", "targetId": f"id-relay-{z}"}, {"targetGroupArn": "turn", "targetId": f"relay-{z}"})
    b.add("aws:ecs/service:Service", "api", {"desiredCount": 2.0, "networkConfiguration": {"subnets": ["id-private-a", "id-private-b"]}}, {"networkConfiguration": privates})
    b.add("aws:eks/nodeGroup:NodeGroup", "nodes", {"subnetIds": ["id-private-a", "id-private-b"], "scalingConfig": {"minSize": 2.0, "maxSize": 4.0, "desiredSize": 2.0}}, {"subnetIds": privates})
    b.add("aws:route53/zone:Zone", "zone", {"name": "example.com"})
    b.add("aws:route53/healthCheck:HealthCheck", "primary-check", {"type": "HTTPS", "fqdn": "alb.example", "port": 443.0, "resourcePath": "/healthz", "requestInterval": 10.0, "failureThreshold": 3.0}, {"fqdn": "alb"})
    b.add("aws:route53/record:Record", "primary", {
        "zoneId": "id-zone", "name": "crm.example.com", "type": "A", "setIdentifier": "primary", "healthCheckId": "id-primary-check",
        "failoverRoutingPolicies": [{"type": "PRIMARY"}], "aliases": [{"name": "alb.example", "zoneId": "Z1", "evaluateTargetHealth": True}],
    }, {"zoneId": "zone", "healthCheckId": "primary-check", "aliases": "alb"})
    b.add("aws:route53/record:Record", "secondary", {
        "zoneId": "id-zone", "name": "crm.example.com", "type": "A", "setIdentifier": "secondary",
        "failoverRoutingPolicies": [{"type": "SECONDARY"}], "records": ["198.51.100.10"], "ttl": 60.0,
    }, {"zoneId": "zone"})
    # Web servers serving directly (a DNS name over one instance per AZ), with SSH for admins.
    b.add("aws:ec2/securityGroup:SecurityGroup", "web-sg", {"vpcId": "id-vpc", "ingress": [
        {"protocol": "tcp", "fromPort": p, "toPort": p, "cidrBlocks": ["0.0.0.0/0"]} for p in (443.0, 22.0)]}, {"vpcId": "vpc"})
    for zone in ZONES:
        z = zone[-1]
        b.add("aws:ec2/instance:Instance", f"web-{z}", {"subnetId": f"id-public-{z}", "availabilityZone": zone, "ami": "ami-1", "instanceType": "t3.small",
                                                     "vpcSecurityGroupIds": ["id-web-sg"], "publicIp": f"203.0.113.{ord(z)}"},
              {"subnetId": f"public-{z}", "vpcSecurityGroupIds": "web-sg"})
    b.add("aws:route53/record:Record", "www", {"zoneId": "id-zone", "name": "www.example.com", "type": "A", "ttl": 60.0,
                                              "records": [f"203.0.113.{ord(z[-1])}" for z in ZONES]}, {"zoneId": "zone", "records": [f"web-{z[-1]}" for z in ZONES]})
    b.add("awsx:ec2:Vpc", "awsx-vpc", {"natGateways": {"strategy": "OnePerAz"}})
    b.resources[STACK_URN]["outputs"]["slo"] = 99.9
    return b


def mutate(builder: Builder, name: str, type_: str | None = None, /, **changes) -> Builder:
    """A copy of the builder with one resource's props changed (None deletes a prop)."""
    b = copy.deepcopy(builder)
    matches = [r for r in b.resources.values() if r["name"] == name and (type_ is None or r["type"] == type_)]
    (resource,) = matches
    for key, value in changes.items():
        for props in (resource["inputs"], resource["outputs"]):
            if value is None:
                props.pop(key, None)
            else:
                props[key] = value
    return b


def relink(builder: Builder, name: str, type_: str, key: str, targets: list[str]) -> Builder:
    b = copy.deepcopy(builder)
    (resource,) = [r for r in b.resources.values() if r["name"] == name and r["type"] == type_]
    resource["propertyDependencies"][key] = sorted(b.by_name[t] for t in targets)
    resource["dependencies"] = sorted({u for deps in resource["propertyDependencies"].values() for u in deps})
    return b


def drop(builder: Builder, *types: str) -> Builder:
    b = copy.deepcopy(builder)
    b.resources = {u: r for u, r in b.resources.items() if r["type"] not in types}
    return b


def urn(builder: Builder, name: str, type_: str) -> str:
    (found,) = [u for u, r in builder.resources.items() if r["name"] == name and r["type"] == type_]
    return found


__all__ = ["UNKNOWN", "ZONES", "Builder", "drop", "happy", "mutate", "relink", "urn"]
