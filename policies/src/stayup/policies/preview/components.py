"""Multi-language components expanded offline, following their documented behaviour: their plugin
does not run here, so the children it would create are synthesized (marked `synthesized`) and the
component's outputs point at them (`…Id(s)` outputs as ids, `…Name` as names, others as resource
references the program rehydrates).

awsx.ec2.Vpc (awsx 2.x-3.x): a VPC over `numberOfAvailabilityZones` (default 3) or
`availabilityZoneNames`, one subnet per spec per AZ (default specs: Public and Private), an internet
gateway with public default routes, and NAT gateways per `natGateways.strategy` (OnePerAz, the
default: one per AZ; Single: one in the first AZ for all; None: private subnets get no default route).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import aws_mocks
from .catalogue import (
    ASG,
    ASSOCIATION,
    AWSX_ALB,
    AWSX_DEFAULT_VPC,
    AWSX_EC2_SERVICE,
    AWSX_FARGATE_SERVICE,
    AWSX_NLB,
    AWSX_TARGET_ATTACHMENT,
    AWSX_VPC,
    ECS_SERVICE,
    ECS_TASK_DEFINITION,
    EIP,
    EKS_CLUSTER,
    EKS_COMPONENT_CLUSTER,
    EKS_COMPONENT_NODE_GROUP,
    EKS_COMPONENT_NODE_GROUP_V2,
    EKS_MANAGED_NODE_GROUP,
    EKS_NODE_GROUP,
    IGW,
    LAUNCH_TEMPLATE,
    LISTENER,
    LOAD_BALANCER,
    NAT,
    ROUTE,
    ROUTE_TABLE,
    SUBNET,
    TARGET_ATTACHMENT,
    TARGET_GROUP,
    VPC,
)

AWSX_VERSIONS = "awsx 2.x-3.x"
# Components that only look things up: their outputs are known at a preview too.
LOOKUPS = (AWSX_DEFAULT_VPC,)
# (type, name, inputs, links {property: [child URNs]}, dependencies {property: [URNs outside]}) -> URN
Add = Callable[..., str]


def _strategy(inputs: dict[str, Any]) -> str | None:
    nat = inputs.get("natGateways")
    if nat is None:
        return "OnePerAz"
    if not isinstance(nat, dict):
        return None
    strategy = nat.get("strategy", "OnePerAz")
    return strategy if isinstance(strategy, str) else None


def _specs(inputs: dict[str, Any]) -> list[str] | None:
    specs = inputs.get("subnetSpecs")
    if specs is None:
        return ["Public", "Private"]
    if not isinstance(specs, list) or not all(isinstance(s, dict) and isinstance(s.get("type"), str) for s in specs):
        return None
    return [s["type"].capitalize() for s in specs if s["type"].capitalize() != "Unused"]


def awsx_vpc(name: str, inputs: dict[str, Any], region: str, add: Add, unknown: str) -> dict[str, Any] | None:
    """Adds the Vpc's children through `add`; returns the component's outputs, or None when the
    inputs that decide the layout are not known (then the component stays opaque)."""
    zones = inputs.get("availabilityZoneNames")
    count = inputs.get("numberOfAvailabilityZones", 3)
    regional = [z for z, _ in aws_mocks.REGIONS.get(region, [])]
    if zones is None:
        if not isinstance(count, (int, float)) or isinstance(count, bool) or not regional:
            return None
        zones = regional[: int(count)]
    if not isinstance(zones, list) or not zones or not all(isinstance(z, str) and z != unknown for z in zones):
        return None
    strategy, specs = _strategy(inputs), _specs(inputs)
    if specs is not None:
        specs = sorted(specs, key=lambda kind: kind != "Public")  # NAT gateways live in public subnets
    cidr = inputs.get("cidrBlock", "10.0.0.0/16")
    if strategy is None or specs is None or not isinstance(cidr, str) or cidr == unknown:
        return None
    try:
        blocks = list(ipaddress.ip_network(cidr).subnets(new_prefix=min(28, ipaddress.ip_network(cidr).prefixlen + 4)))
    except ValueError:
        return None

    vpc = add(VPC, name, {"cidrBlock": cidr, "enableDnsHostnames": True, "enableDnsSupport": True}, {})
    igw = add(IGW, name, {}, {"vpcId": [vpc]}) if "Public" in specs else None
    ids: dict[str, list[str]] = {"Public": [], "Private": [], "Isolated": []}
    publics: list[str] = []
    nats: list[str] = []
    block = iter(blocks)
    for kind in specs:
        for index, zone in enumerate(zones, 1):
            subnet_name = f"{name}-{kind.lower()}-{index}"
            subnet = add(SUBNET, subnet_name, {"availabilityZone": zone, "cidrBlock": str(next(block, blocks[-1])),
                                                                "mapPublicIpOnLaunch": kind == "Public"}, {"vpcId": [vpc]})
            ids[kind].append(subnet)
            table = add(ROUTE_TABLE, subnet_name, {}, {"vpcId": [vpc]})
            add(ASSOCIATION, subnet_name, {}, {"subnetId": [subnet], "routeTableId": [table]})
            if kind == "Public" and igw is not None:
                publics.append(subnet)
                add(ROUTE, subnet_name, {"destinationCidrBlock": "0.0.0.0/0"}, {"routeTableId": [table], "gatewayId": [igw]})
                if strategy == "OnePerAz" or (strategy == "Single" and index == 1):
                    eip = add(EIP, f"{name}-{index}", {"domain": "vpc"}, {})
                    nats.append(add(NAT, f"{name}-{index}", {}, {"subnetId": [subnet], "allocationId": [eip]}))
            elif kind == "Private" and nats:
                nat = nats[index - 1] if strategy == "OnePerAz" and index <= len(nats) else nats[0]
                add(ROUTE, subnet_name, {"destinationCidrBlock": "0.0.0.0/0"}, {"routeTableId": [table], "natGatewayId": [nat]})
    return {
        "vpc": vpc,
        "vpcId": vpc,
        "subnets": [s for kind in specs for s in ids[kind]],
        "publicSubnetIds": ids["Public"],
        "privateSubnetIds": ids["Private"],
        "isolatedSubnetIds": ids["Isolated"],
        "natGateways": nats,
        "internetGateway": igw,
    }


def awsx_default_vpc(default_vpc: Callable[[], tuple[str, list[str]]]) -> dict[str, Any]:
    """awsx.ec2.DefaultVpc: a lookup of the region's default VPC, whose subnets are all public."""
    vpc_id, subnets = default_vpc()
    return {"vpcId": vpc_id, "publicSubnetIds": subnets, "privateSubnetIds": []}


def awsx_ecs_service(
    name: str, launch: str, inputs: dict[str, Any], add: Add, depends: dict[str, list[str]], default_subnets: Callable[[], list[str]]
) -> dict[str, Any] | None:
    """awsx.ecs.FargateService / EC2Service: an ECS service of that launch type with the given
    network configuration (a Fargate service without one runs in the default VPC's subnets, as awsx
    deploys it; EC2 tasks without one run on the cluster's instances) and desired count (awsx's
    default: 1), plus its task definition."""
    network = inputs.get("networkConfiguration")
    desired = inputs.get("desiredCount", 1)
    if network is None and launch == "FARGATE":
        inputs = {**inputs, "networkConfiguration": {"subnets": default_subnets(), "assignPublicIp": inputs.get("assignPublicIp", False)}}
        network = inputs["networkConfiguration"]
    if not isinstance(network, dict) and (launch == "FARGATE" or network is not None):
        return None
    mode = "awsvpc" if launch == "FARGATE" else "bridge"
    task = add(ECS_TASK_DEFINITION, name, {"requiresCompatibilities": [launch], "networkMode": mode}, {})
    given: dict[str, Any] = {"launchType": launch, "desiredCount": desired}
    for key in ("networkConfiguration", "cluster", "loadBalancers", "deploymentMinimumHealthyPercent"):
        if key in inputs:
            given[key] = inputs[key]
    service = add(ECS_SERVICE, name, given, {"taskDefinition": [task]},
                  {key: depends.get(key, []) for key in ("networkConfiguration", "cluster", "loadBalancers") if depends.get(key)})
    return {"service": service, "taskDefinition": task}


def awsx_load_balancer(name: str, kind: str, inputs: dict[str, Any], add: Add, depends: dict[str, list[str]], default_subnets: Callable[[], list[str]]) -> dict[str, Any] | None:
    """awsx.lb.ApplicationLoadBalancer / NetworkLoadBalancer: the load balancer (in `subnetIds`, else
    the default VPC's subnets), its default target group (port `defaultTargetGroupPort` or 80; the
    health check given in `defaultTargetGroup`, else AWS's defaults) and a listener forwarding to it."""
    subnets = inputs.get("subnetIds")
    if subnets is None:
        subnets = default_subnets()
    application = kind == "application"
    given: dict[str, Any] = {"loadBalancerType": kind, "subnets": subnets, **{k: inputs[k] for k in ("internal", "enableCrossZoneLoadBalancing") if k in inputs}}
    balancer = add(LOAD_BALANCER, name, given, {}, {"subnets": depends.get("subnetIds", [])} if depends.get("subnetIds") else {})
    raw = inputs.get("defaultTargetGroup")
    target_args: dict[str, Any] = raw if isinstance(raw, dict) else {}
    target: dict[str, Any] = {
        "port": target_args.get("port", inputs.get("defaultTargetGroupPort", 80)),
        "protocol": target_args.get("protocol", "HTTP" if application else "TCP"),
        "targetType": target_args.get("targetType", "ip"),
    }
    if "healthCheck" in target_args:
        target["healthCheck"] = target_args["healthCheck"]
    group = add(TARGET_GROUP, name, target, {}, {"healthCheck": depends.get("defaultTargetGroup", [])} if depends.get("defaultTargetGroup") else {})
    listener = add(LISTENER, f"{name}-0", {"port": 80, "protocol": "HTTP" if application else "TCP",
                                                            "defaultActions": [{"type": "forward"}]},
                   {"loadBalancerArn": [balancer], "defaultActions": [group]})
    return {"loadBalancer": balancer, "defaultTargetGroup": group, "listeners": [listener]}


def awsx_target_group_attachment(name: str, inputs: dict[str, Any], add: Add, depends: dict[str, list[str]]) -> dict[str, Any] | None:
    """awsx.lb.TargetGroupAttachment of an instance: an ELB target group attachment of the instance
    (`instance` or `instanceId`) to the group (`targetGroup` or `targetGroupArn`). A Lambda target
    serves no AZ tier: not modelled."""
    group_key = next((k for k in ("targetGroup", "targetGroupArn") if k in inputs), None)
    target_key = next((k for k in ("instance", "instanceId") if k in inputs), None)
    if group_key is None or target_key is None:
        return None
    outside = {"targetGroupArn": depends.get(group_key, []), "targetId": depends.get(target_key, [])}
    attachment = add(TARGET_ATTACHMENT, name,
                     {"targetGroupArn": inputs[group_key], "targetId": inputs[target_key]}, {}, {k: v for k, v in outside.items() if v})
    return {"targetGroupAttachment": attachment}


EKS_VERSIONS = "eks 3.x-4.x"


def eks_cluster(name: str, inputs: dict[str, Any], add: Add, depends: dict[str, list[str]], default_subnets: Callable[[], list[str]]) -> dict[str, Any] | None:
    """eks.Cluster: the EKS control plane in `subnetIds` (or public + private subnet ids, else the
    default VPC's), and unless `skipDefaultNodeGroup` or `fargate`, a default node group: an auto
    scaling group over `privateSubnetIds` (else the cluster's subnets) sized by desiredCapacity
    (default 2), minSize (1) and maxSize (2), given directly or in `nodeGroupOptions`."""
    keys = [k for k in ("subnetIds", "publicSubnetIds", "privateSubnetIds") if k in inputs]
    subnets: Any = inputs.get("subnetIds")
    if subnets is None and keys:
        parts = [inputs[k] for k in keys]
        subnets = [s for part in parts for s in part] if all(isinstance(p, list) for p in parts) else parts[0]
    if subnets is None:
        subnets = default_subnets()
    subnet_deps = sorted({u for k in keys for u in depends.get(k, [])})
    links = {"vpcConfig": subnet_deps} if subnet_deps else {}
    plane = add(EKS_CLUSTER, f"{name}-eksCluster", {"vpcConfig": {"subnetIds": subnets}}, {}, links)
    if inputs.get("skipDefaultNodeGroup") is True or inputs.get("fargate") not in (None, False):
        return {"eksCluster": plane}
    node_deps = depends.get("privateSubnetIds") or subnet_deps
    # `nodeGroupOptions` sizes the default node group instead of the cluster's own arguments.
    options = inputs.get("nodeGroupOptions")
    sizing = {**inputs, **options} if isinstance(options, dict) else inputs
    group = _node_group(f"{name}-nodes", name, sizing, add, inputs.get("privateSubnetIds", subnets), {"vpcZoneIdentifiers": node_deps} if node_deps else {})
    return {"eksCluster": plane, "defaultNodeGroupAsgName": group}


def _node_group(name: str, prefix: str, inputs: dict[str, Any], add: Add, subnets: Any, links: dict[str, list[str]]) -> str:
    """Self-managed EKS nodes: a launch template and an auto scaling group sized by desiredCapacity
    (pulumi-eks's default 2), minSize (1) and maxSize (2)."""
    template = add(LAUNCH_TEMPLATE, f"{prefix}-launchTemplate", {"instanceType": inputs.get("instanceType", "t3.medium")}, {})
    return add(ASG, name, {
        "vpcZoneIdentifiers": subnets,
        "desiredCapacity": inputs.get("desiredCapacity", 2),
        "minSize": inputs.get("minSize", 1),
        "maxSize": inputs.get("maxSize", 2),
    }, {"launchTemplate": [template]}, links)


def _own_or_cluster_subnets(inputs: dict[str, Any], key: str, link: str, depends: dict[str, list[str]], cluster_subnets: Callable[[Any], tuple[Any, list[str]]]) -> tuple[Any, dict[str, list[str]]]:
    """A node group's subnets (input `key`), else its cluster's; with the links that name them."""
    if inputs.get(key) is not None:
        return inputs[key], ({link: depends[key]} if depends.get(key) else {})
    subnets, urns = cluster_subnets(inputs.get("cluster"))
    return subnets, ({link: urns} if urns else {})


def eks_managed_node_group(name: str, inputs: dict[str, Any], add: Add, depends: dict[str, list[str]], cluster_subnets: Callable[[Any], tuple[Any, list[str]]]) -> dict[str, Any] | None:
    """eks.ManagedNodeGroup: an EKS managed node group over `subnetIds` (else its cluster's subnets)
    with `scalingConfig` (pulumi-eks's default: desired 2, min 1, max 2)."""
    subnets, links = _own_or_cluster_subnets(inputs, "subnetIds", "subnetIds", depends, cluster_subnets)
    if subnets is None:
        return None
    raw = inputs.get("scalingConfig")
    scaling: dict[str, Any] = {"desiredSize": 2, "minSize": 1, "maxSize": 2, **(raw if isinstance(raw, dict) else {})}
    return {"nodeGroup": add(EKS_NODE_GROUP, name, {"subnetIds": subnets, "scalingConfig": scaling}, {}, links)}


def eks_node_group(name: str, inputs: dict[str, Any], add: Add, depends: dict[str, list[str]], cluster_subnets: Callable[[Any], tuple[Any, list[str]]]) -> dict[str, Any] | None:
    """eks.NodeGroup / NodeGroupV2: self-managed nodes over `nodeSubnetIds` (else its cluster's
    subnets), sized like the cluster's default node group."""
    subnets, links = _own_or_cluster_subnets(inputs, "nodeSubnetIds", "vpcZoneIdentifiers", depends, cluster_subnets)
    if subnets is None:
        return None
    group = _node_group(name, name, inputs, add, subnets, links)
    return {"autoScalingGroup": group, "autoScalingGroupName": group}


@dataclass(frozen=True)
class Component:
    """What every expander gets: the component's name, inputs and region; `add` registers a child;
    `depends` maps an input to the URNs it came from; lookups of the default VPC and of an eks
    cluster's subnets are recorded by the capture when used."""

    name: str
    inputs: dict[str, Any]
    region: str
    add: Add
    depends: dict[str, list[str]]
    default_subnets: Callable[[], list[str]]
    default_vpc: Callable[[], tuple[str, list[str]]]
    cluster_subnets: Callable[[Any], tuple[Any, list[str]]]
    unknown: str
    region_known: bool


Expander = Callable[[Component], "dict[str, Any] | None"]
# One expander per modelled component type; a type not here is opaque, never guessed at.
EXPANDERS: dict[str, tuple[str, Expander]] = {
    AWSX_VPC: (AWSX_VERSIONS, lambda c: awsx_vpc(c.name, c.inputs, c.region, c.add, c.unknown)),
    AWSX_DEFAULT_VPC: (AWSX_VERSIONS, lambda c: awsx_default_vpc(c.default_vpc) if c.region_known else None),
    AWSX_FARGATE_SERVICE: (AWSX_VERSIONS, lambda c: awsx_ecs_service(c.name, "FARGATE", c.inputs, c.add, c.depends, c.default_subnets)),
    AWSX_EC2_SERVICE: (AWSX_VERSIONS, lambda c: awsx_ecs_service(c.name, "EC2", c.inputs, c.add, c.depends, c.default_subnets)),
    AWSX_ALB: (AWSX_VERSIONS, lambda c: awsx_load_balancer(c.name, "application", c.inputs, c.add, c.depends, c.default_subnets)),
    AWSX_NLB: (AWSX_VERSIONS, lambda c: awsx_load_balancer(c.name, "network", c.inputs, c.add, c.depends, c.default_subnets)),
    AWSX_TARGET_ATTACHMENT: (AWSX_VERSIONS, lambda c: awsx_target_group_attachment(c.name, c.inputs, c.add, c.depends)),
    EKS_COMPONENT_CLUSTER: (EKS_VERSIONS, lambda c: eks_cluster(c.name, c.inputs, c.add, c.depends, c.default_subnets)),
    EKS_MANAGED_NODE_GROUP: (EKS_VERSIONS, lambda c: eks_managed_node_group(c.name, c.inputs, c.add, c.depends, c.cluster_subnets)),
    EKS_COMPONENT_NODE_GROUP: (EKS_VERSIONS, lambda c: eks_node_group(c.name, c.inputs, c.add, c.depends, c.cluster_subnets)),
    EKS_COMPONENT_NODE_GROUP_V2: (EKS_VERSIONS, lambda c: eks_node_group(c.name, c.inputs, c.add, c.depends, c.cluster_subnets)),
}
EXPANDED = tuple(EXPANDERS)
