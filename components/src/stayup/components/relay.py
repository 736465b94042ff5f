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
    per_zone_capacity,
    service_role_policy,
    sg_rule,
    tags_for,
)

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


class VideoRelay(pulumi.ComponentResource):
    load_balancer: aws.lb.LoadBalancer
    nodes: list[aws.ec2.Instance]

    TOKEN = TOKEN  # the component package registers its own (stayup:index:...)

    def __init__(self, name: str, args: RelayArgs, opts: pulumi.ResourceOptions | None = None):
        args = from_mapping(RelayArgs, args)
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

        super().__init__(self.TOKEN, name, None, opts)
        region = args.region
        here = pulumi.ResourceOptions(parent=self)
        tags = tags_for(name, args.tags)
        per_zone = args.nodes_per_zone or per_zone_capacity(args.peak_nodes, relay_zones)

        sg = aws.ec2.SecurityGroup(
            f"{name}-relay", description=f"{name} TURN relay nodes", vpc_id=args.vpc_id, region=region, tags=tags, opts=here
        )
        ingress = [
            ("turn-udp", "udp", TURN_PORT, TURN_PORT),
            ("turn-tcp", "tcp", TURN_PORT, TURN_PORT),
            ("turn-tls", "tcp", TURN_TLS_PORT, TURN_TLS_PORT),
            ("media", "udp", *MEDIA_PORTS),
        ]
        for label, protocol, low, high in ingress:
            sg_rule(f"{name}-in-{label}", sg, "in", protocol, (low, high), f"TURN {label}", here, region)
        for label, protocol, low, high in [("media", "udp", *MEDIA_PORTS), ("peers", "udp", TURN_PORT, TURN_PORT), ("https", "tcp", 443, 443)]:
            sg_rule(f"{name}-out-{label}", sg, "out", protocol, (low, high), f"relay {label}", here, region)

        ami = amazon_linux(region)
        user_data = base64.b64encode(
            _USER_DATA.format(turn=TURN_PORT, tls=TURN_TLS_PORT, low=MEDIA_PORTS[0], high=MEDIA_PORTS[1]).encode()
        ).decode()
        # Operators reach relays through SSM Session Manager: no SSH port, no keys.
        role = aws.iam.Role(f"{name}-relay", assume_role_policy=service_role_policy("ec2.amazonaws.com"), tags=tags, opts=here)
        aws.iam.RolePolicyAttachment(
            f"{name}-relay-ssm", role=role.name, policy_arn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", opts=here
        )
        profile = aws.iam.InstanceProfile(f"{name}-relay", role=role.name, tags=tags, opts=here)
        self.nodes = []
        node_names: list[str] = []
        for zone, subnet_id in list(zip(args.zones, args.public_subnet_ids, strict=True))[:relay_zones]:
            for n in range(per_zone):
                node_name = f"{name}-{zone[-1]}{n + 1}"
                node = aws.ec2.Instance(
                    node_name,
                    ami=ami,
                    instance_type=args.instance_type,
                    subnet_id=subnet_id,
                    availability_zone=zone,
                    vpc_security_group_ids=[sg.id],
                    iam_instance_profile=profile.name,
                    source_dest_check=True,
                    monitoring=True,
                    ebs_optimized=True,
                    user_data_base64=user_data,
                    metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
                        http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
                    ),
                    root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
                        volume_size=20, volume_type="gp3", encrypted=True
                    ),
                    region=region,
                    tags={**tags, "Name": node_name},
                    opts=here,
                )
                # A stable address per node: TURN advertises it to clients.
                aws.ec2.Eip(
                    node_name, domain="vpc", instance=node.id, region=region, tags={**tags, "Name": node_name}, opts=here
                )
                self.nodes.append(node)
                node_names.append(node_name)

        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-nlb",
            load_balancer_type="network",
            internal=False,
            subnets=args.public_subnet_ids,
            enable_cross_zone_load_balancing=args.cross_zone,
            enable_deletion_protection=args.deletion_protection,
            enable_zonal_shift=True,
            region=region,
            tags=tags,
            opts=here,
        )
        tls_protocol = "TLS" if args.tls_certificate_arn is not None else "TCP"
        # One NLB listener per port: TCP_UDP carries both UDP and TCP TURN on 3478.
        for label, protocol, port in [("turn", "TCP_UDP", TURN_PORT), ("turns", "TCP", TURN_TLS_PORT)]:
            group = aws.lb.TargetGroup(
                f"{name}-{label}",
                port=port,
                protocol=protocol,
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
                region=region,
                tags={**tags, PEAK_TAG: str(args.peak_nodes)},
                opts=here,
            )
            for node_name, node in zip(node_names, self.nodes, strict=True):
                aws.lb.TargetGroupAttachment(
                    f"{node_name}-{label}",
                    target_group_arn=group.arn,
                    target_id=node.id,
                    port=port,
                    region=region,
                    opts=here,
                )
            listener_protocol = protocol if label == "turn" else tls_protocol
            aws.lb.Listener(
                f"{name}-{label}",
                load_balancer_arn=self.load_balancer.arn,
                port=port,
                protocol=listener_protocol,
                certificate_arn=args.tls_certificate_arn if listener_protocol == "TLS" else None,
                ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06" if listener_protocol == "TLS" else None,
                default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=group.arn)],
                region=region,
                opts=here,
            )

        self.per_zone_capacity = per_zone
        self.register_outputs(
            {
                "loadBalancerDnsName": self.load_balancer.dns_name,
                "loadBalancerZoneId": self.load_balancer.zone_id,
                "nodesPerZone": per_zone,
                "nodes": len(self.nodes),
            }
        )
