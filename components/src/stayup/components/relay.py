"""VideoRelay: TURN/STUN relay nodes (coturn) in several AZs, each with its own public address,
behind an NLB that fronts signalling and allocation (not the media ports)."""

import base64
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ._common import (
    PEAK_TAG,
    amazon_linux,
    fail,
    from_mapping,
    service_role_policy,
    sg_rule,
    tags_for,
)
from .capacity import NodePlacement, node_placements, zone_capacity

TOKEN = "stayup:relay:VideoRelay"

TURN_PORT = 3478
TURN_TLS_PORT = 5349
MEDIA_PORTS = (49152, 65535)


@dataclass
class RelayArgs:
    vpc_id: pulumi.Input[str]
    """The network the relays run in."""
    zones: list[str]
    """The AZs of the subnets below, in the same order."""
    public_subnet_ids: list[pulumi.Input[str]]
    """One public subnet per zone; relays need public addresses."""
    cross_zone: bool
    """NLB cross-zone load balancing: True spreads evenly over all nodes; False keeps each AZ's
    traffic in that AZ (isolation; pair with DNS or Global Accelerator). Deliberately required."""
    peak_nodes: int = 2
    """Relay nodes needed at peak; capacity is provisioned so any one AZ can be lost."""
    nodes_per_zone: int | None = None
    """Override of the computed per-AZ capacity (default: ceil(peak / (zones - 1)))."""
    relay_zones: int | None = None
    """How many of the zones carry relays (default: all)."""
    instance_type: str = "c6in.large"
    """Network-optimised instance type of the relay nodes."""
    tls_certificate_arn: pulumi.Input[str] | None = None
    """With a certificate the NLB terminates TLS on 5349; without, TLS passes through to coturn."""
    health_check_interval: int = 10
    """Seconds between TCP health checks."""
    deletion_protection: bool = True
    """Protect the load balancer from deletion."""
    region: str | None = None
    """Region to build in; default: the provider's."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every child resource."""


_USER_DATA = """#!/bin/bash
set -euo pipefail
dnf install -y coturn
PUBLIC_IP=$(TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60'); \
  curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/public-ipv4)
cat >/etc/coturn/turnserver.conf <<CONF
listening-port={turn}
tls-listening-port={tls}
min-port={low}
max-port={high}
external-ip=$PUBLIC_IP
fingerprint
use-auth-secret
CONF
systemctl enable --now coturn
"""


def user_data() -> str:
    """The relay nodes' boot script (base64): coturn on the TURN ports, advertising the node's public address."""
    return base64.b64encode(
        _USER_DATA.format(turn=TURN_PORT, tls=TURN_TLS_PORT, low=MEDIA_PORTS[0], high=MEDIA_PORTS[1]).encode()
    ).decode()


INGRESS = [
    ("turn-udp", "udp", (TURN_PORT, TURN_PORT)),
    ("turn-tcp", "tcp", (TURN_PORT, TURN_PORT)),
    ("turn-tls", "tcp", (TURN_TLS_PORT, TURN_TLS_PORT)),
    ("media", "udp", MEDIA_PORTS),
]
"""What clients open to a relay node from the internet: (label, protocol, port range)."""
EGRESS = [
    ("media", "udp", MEDIA_PORTS),
    ("peers", "udp", (TURN_PORT, TURN_PORT)),
    ("https", "tcp", (443, 443)),
]
"""What a relay node opens to the internet: media to peers, TURN to other relays, HTTPS for updates and SSM."""


@dataclass(frozen=True)
class RelayPort:
    """One NLB listener and its target group."""

    label: str
    port: int
    protocol: str
    """The target group's protocol."""
    listener_protocol: str


def relay_ports(tls_termination: bool) -> list[RelayPort]:
    """One NLB listener per port: TCP_UDP carries both UDP and TCP TURN on 3478; on 5349 the NLB
    terminates TLS with a certificate, else TLS passes through to coturn as TCP."""
    return [
        RelayPort("turn", TURN_PORT, "TCP_UDP", "TCP_UDP"),
        RelayPort("turns", TURN_TLS_PORT, "TCP", "TLS" if tls_termination else "TCP"),
    ]


def _validated(args: RelayArgs) -> int:
    """How many zones carry relays, or the input error naming the argument."""
    zones = len(args.zones)
    if zones < 1:
        raise fail("RelayArgs", "zones", "at least one zone is required")
    if len(args.public_subnet_ids) != zones:
        raise fail("RelayArgs", "public_subnet_ids", "need one public subnet per zone")
    if not isinstance(args.cross_zone, bool):
        raise fail("RelayArgs", "cross_zone", "must be true or false (an explicit choice)")
    relay_zones = args.relay_zones if args.relay_zones is not None else zones
    if not 1 <= relay_zones <= zones:
        raise fail("RelayArgs", "relay_zones", f"must be between 1 and zones ({zones}), got {relay_zones}")
    if args.peak_nodes < 1:
        raise fail("RelayArgs", "peak_nodes", f"must be at least 1, got {args.peak_nodes}")
    if args.nodes_per_zone is not None and args.nodes_per_zone < 1:
        raise fail("RelayArgs", "nodes_per_zone", f"must be at least 1, got {args.nodes_per_zone}")
    return relay_zones


class VideoRelay(pulumi.ComponentResource):
    load_balancer: aws.lb.LoadBalancer
    nodes: list[aws.ec2.Instance]

    TOKEN = TOKEN  # the component package registers its own (stayup:index:...)

    def __init__(self, name: str, args: RelayArgs, opts: pulumi.ResourceOptions | None = None):
        args = from_mapping(RelayArgs, args)
        relay_zones = _validated(args)

        super().__init__(self.TOKEN, name, None, opts)
        tags = tags_for(name, args.tags)
        per_zone = zone_capacity(args.peak_nodes, relay_zones, args.nodes_per_zone)
        sg = self._security_group(name, args, tags)
        ami = amazon_linux(args.region)
        profile = self._instance_profile(name, tags)
        placements = node_placements(name, args.zones[:relay_zones], per_zone)
        self.nodes = [self._node(args, placement, ami, sg, profile, tags) for placement in placements]
        self.load_balancer = self._load_balancer(name, args, tags)
        for port in relay_ports(tls_termination=args.tls_certificate_arn is not None):
            self._listener(name, args, port, [p.name for p in placements], tags)

        self.per_zone_capacity = per_zone
        self.register_outputs(
            {
                "loadBalancerDnsName": self.load_balancer.dns_name,
                "loadBalancerZoneId": self.load_balancer.zone_id,
                "nodesPerZone": per_zone,
                "nodes": len(self.nodes),
            }
        )

    def _security_group(self, name: str, args: RelayArgs, tags: dict[str, str]) -> aws.ec2.SecurityGroup:
        here = pulumi.ResourceOptions(parent=self)
        sg = aws.ec2.SecurityGroup(
            f"{name}-relay", description=f"{name} TURN relay nodes", vpc_id=args.vpc_id, region=args.region, tags=tags, opts=here
        )
        for label, protocol, ports in INGRESS:
            sg_rule(f"{name}-in-{label}", sg, "in", protocol, ports, f"TURN {label}", here, args.region)
        for label, protocol, ports in EGRESS:
            sg_rule(f"{name}-out-{label}", sg, "out", protocol, ports, f"relay {label}", here, args.region)
        return sg

    def _instance_profile(self, name: str, tags: dict[str, str]) -> aws.iam.InstanceProfile:
        # Operators reach relays through SSM Session Manager: no SSH port, no keys.
        here = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"{name}-relay", assume_role_policy=service_role_policy("ec2.amazonaws.com"), tags=tags, opts=here)
        aws.iam.RolePolicyAttachment(
            f"{name}-relay-ssm", role=role.name, policy_arn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", opts=here
        )
        return aws.iam.InstanceProfile(f"{name}-relay", role=role.name, tags=tags, opts=here)

    def _node(
        self,
        args: RelayArgs,
        placement: NodePlacement,
        ami: str,
        sg: aws.ec2.SecurityGroup,
        profile: aws.iam.InstanceProfile,
        tags: dict[str, str],
    ) -> aws.ec2.Instance:
        """One relay node in its AZ's public subnet, with a stable public address."""
        here = pulumi.ResourceOptions(parent=self)
        node = aws.ec2.Instance(
            placement.name,
            ami=ami,
            instance_type=args.instance_type,
            subnet_id=args.public_subnet_ids[placement.zone_index],
            availability_zone=placement.zone,
            vpc_security_group_ids=[sg.id],
            iam_instance_profile=profile.name,
            source_dest_check=True,
            monitoring=True,
            ebs_optimized=True,
            user_data_base64=user_data(),
            metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
            ),
            root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
                volume_size=20, volume_type="gp3", encrypted=True
            ),
            region=args.region,
            tags={**tags, "Name": placement.name},
            opts=here,
        )
        # A stable address per node: TURN advertises it to clients.
        aws.ec2.Eip(
            placement.name, domain="vpc", instance=node.id, region=args.region, tags={**tags, "Name": placement.name}, opts=here
        )
        return node

    def _load_balancer(self, name: str, args: RelayArgs, tags: dict[str, str]) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            f"{name}-nlb",
            load_balancer_type="network",
            internal=False,
            subnets=args.public_subnet_ids,
            enable_cross_zone_load_balancing=args.cross_zone,
            enable_deletion_protection=args.deletion_protection,
            enable_zonal_shift=True,
            region=args.region,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _listener(self, name: str, args: RelayArgs, port: RelayPort, node_names: list[str], tags: dict[str, str]) -> None:
        """A target group over every node, health-checked on TCP TURN, and the NLB listener forwarding to it."""
        here = pulumi.ResourceOptions(parent=self)
        group = aws.lb.TargetGroup(
            f"{name}-{port.label}",
            port=port.port,
            protocol=port.protocol,
            target_type="instance",
            vpc_id=args.vpc_id,
            deregistration_delay=30,
            connection_termination=True,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="TCP",  # UDP cannot be a health-check protocol
                port=str(TURN_PORT),
                interval=args.health_check_interval,
                healthy_threshold=2,
                unhealthy_threshold=2,
            ),
            region=args.region,
            tags={**tags, PEAK_TAG: str(args.peak_nodes)},
            opts=here,
        )
        for node_name, node in zip(node_names, self.nodes, strict=True):
            aws.lb.TargetGroupAttachment(
                f"{node_name}-{port.label}",
                target_group_arn=group.arn,
                target_id=node.id,
                port=port.port,
                region=args.region,
                opts=here,
            )
        tls = port.listener_protocol == "TLS"
        aws.lb.Listener(
            f"{name}-{port.label}",
            load_balancer_arn=self.load_balancer.arn,
            port=port.port,
            protocol=port.listener_protocol,
            certificate_arn=args.tls_certificate_arn if tls else None,
            ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06" if tls else None,
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=group.arn)],
            region=args.region,
            opts=here,
        )
