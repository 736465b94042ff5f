"""ResilientNetwork: a VPC over N power zones (AZs) where every private subnet leaves through
egress in its own AZ (a NAT gateway per AZ) or through one regional NAT gateway."""

import ipaddress
import json
from dataclasses import dataclass, field
from enum import Enum

import pulumi
import pulumi_aws as aws

from ._common import (
    as_enum,
    available_zones,
    fail,
    from_mapping,
    key_policy,
    region_name,
    service_role_policy,
    tags_for,
)
from .layout import egress_plan, ipv6_subnet, zone_child, zone_subnets

TOKEN = "stayup:network:ResilientNetwork"


class EgressMode(str, Enum):
    """How private subnets reach the internet."""

    ZONAL = "zonal"  # one NAT gateway in each AZ; each private route table uses its own AZ's
    REGIONAL = "regional"  # one regional NAT gateway (availability_mode="regional") in every AZ


@dataclass
class NetworkArgs:
    zones: int = 3
    """Number of AZs (independent power zones) to span; at most the region's AZ count."""
    cidr_block: str = "10.0.0.0/16"
    """VPC IPv4 range; split into one public and one private subnet per AZ."""
    egress: EgressMode = EgressMode.ZONAL
    """Egress mode: "zonal" (a NAT gateway per AZ) or "regional" (one regional NAT gateway)."""
    nat_zones: int | None = None
    """Zonal mode only: how many AZs get a NAT (default: all). Fewer makes the other AZs' egress
    depend on another AZ's power, which the stayup policy pack rejects."""
    ipv6: bool = False
    """Add an IPv6 range and an egress-only internet gateway for private IPv6 egress."""
    gateway_endpoints: list[str] = field(default_factory=lambda: ["s3", "dynamodb"])
    """Gateway VPC endpoints attached to every private route table (traffic stays in the AZ)."""
    flow_logs: bool = True
    """Send VPC flow logs (all traffic) to CloudWatch Logs."""
    flow_log_retention_days: int = 365
    """Days the flow log group keeps records."""
    region: str | None = None
    """Region to build in (pulumi-aws v7 per-resource region); default: the provider's."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every child resource."""


def _validated(args: NetworkArgs) -> tuple[EgressMode, list[str], int]:
    """The egress mode, the region's available AZs and the NAT AZ count, or the input error
    naming the argument (one invoke, before any child exists)."""
    egress = as_enum("NetworkArgs", "egress", EgressMode, args.egress)
    if not isinstance(args.zones, int) or args.zones < 1:
        raise fail("NetworkArgs", "zones", f"must be at least 1, got {args.zones!r}")
    region_zones = available_zones(args.region)
    if args.zones > len(region_zones):
        raise fail(
            "NetworkArgs",
            "zones",
            f"{args.zones} zones requested but the region has {len(region_zones)} "
            f"({', '.join(region_zones)})",
        )
    nat_zones = args.nat_zones if args.nat_zones is not None else args.zones
    if egress is EgressMode.ZONAL and not 1 <= nat_zones <= args.zones:
        raise fail("NetworkArgs", "nat_zones", f"must be between 1 and zones ({args.zones}), got {nat_zones}")
    try:
        network = ipaddress.ip_network(args.cidr_block)
    except ValueError:
        raise fail("NetworkArgs", "cidr_block", f"not an IPv4 network: {args.cidr_block!r}") from None
    if not 16 <= network.prefixlen <= 24:
        raise fail("NetworkArgs", "cidr_block", "prefix must be between /16 and /24")
    unknown = set(args.gateway_endpoints) - {"s3", "dynamodb"}
    if unknown:
        raise fail("NetworkArgs", "gateway_endpoints", f"unsupported services {sorted(unknown)} (s3, dynamodb)")
    return egress, region_zones, nat_zones


class ResilientNetwork(pulumi.ComponentResource):
    """VPC with a public and a private subnet in each of N AZs and egress that survives the loss
    of any one AZ."""

    vpc: aws.ec2.Vpc
    zones: list[str]
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    private_route_tables: list[aws.ec2.RouteTable]
    nat_gateways: list[aws.ec2.NatGateway]

    TOKEN = TOKEN  # the component package registers its own (stayup:index:...)

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        args = from_mapping(NetworkArgs, args)
        egress, region_zones, nat_zones = _validated(args)

        super().__init__(self.TOKEN, name, None, opts)
        self.zones = region_zones[: args.zones]
        plan = egress_plan(args.zones, nat_zones, regional=egress is EgressMode.REGIONAL)
        self.vpc = self._vpc(name, args)
        igw, public_rt, eigw = self._internet_gateways(name, args)

        # Per AZ, in order: its public subnet, its private subnet, then its share of the egress.
        self.public_subnets, self.private_subnets, self.nat_gateways = [], [], []
        eips: list[aws.ec2.Eip] = []
        for i, subnets in enumerate(zone_subnets(args.cidr_block, self.zones)):
            public = self._subnet(name, args, subnets.zone, "public", subnets.public_cidr, subnets.public_ipv6_index)
            self._associate(args, zone_child(name, "public", subnets.zone), public, public_rt)
            self.public_subnets.append(public)
            self.private_subnets.append(
                self._subnet(name, args, subnets.zone, "private", subnets.private_cidr, subnets.private_ipv6_index)
            )
            if i < plan.addresses:
                eips.append(self._nat_address(name, args, subnets.zone))
            if i < plan.zonal_nats:
                self.nat_gateways.append(self._zonal_nat(name, args, subnets.zone, public, eips[i], igw))
        if plan.regional:
            self.nat_gateways.append(self._regional_nat(name, args, eips, igw))

        self.private_route_tables = [
            self._private_routes(name, args, zone, private, self.nat_gateways[nat], eigw)
            for zone, private, nat in zip(self.zones, self.private_subnets, plan.routes, strict=True)
        ]
        self._gateway_endpoints(name, args)
        if args.flow_logs:
            self._flow_logs(name, args, args.region)

        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "zones": self.zones,
                "publicSubnetIds": [s.id for s in self.public_subnets],
                "privateSubnetIds": [s.id for s in self.private_subnets],
            }
        )

    def _vpc(self, name: str, args: NetworkArgs) -> aws.ec2.Vpc:
        here = pulumi.ResourceOptions(parent=self)
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            assign_generated_ipv6_cidr_block=args.ipv6 or None,
            region=args.region,
            tags=tags_for(name, args.tags, Name=f"{name}-vpc"),
            opts=here,
        )
        # Lock the default security group: nothing may silently use it.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=vpc.id, region=args.region, tags=tags_for(name, args.tags), opts=here
        )
        return vpc

    def _internet_gateways(
        self, name: str, args: NetworkArgs
    ) -> tuple[aws.ec2.InternetGateway, aws.ec2.RouteTable, aws.ec2.EgressOnlyInternetGateway | None]:
        """The internet gateway, the public route table through it and, with IPv6, the
        egress-only gateway for private IPv6 egress."""
        region = args.region
        here = pulumi.ResourceOptions(parent=self)
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, region=region, tags=tags_for(name, args.tags), opts=here
        )
        public_rt = aws.ec2.RouteTable(
            f"{name}-public", vpc_id=self.vpc.id, region=region, tags=tags_for(name, args.tags, tier="public"), opts=here
        )
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=public_rt.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            region=region,
            opts=here,
        )
        if not args.ipv6:
            return igw, public_rt, None
        aws.ec2.Route(
            f"{name}-public-default-v6",
            route_table_id=public_rt.id,
            destination_ipv6_cidr_block="::/0",
            gateway_id=igw.id,
            region=region,
            opts=here,
        )
        eigw = aws.ec2.EgressOnlyInternetGateway(
            f"{name}-eigw", vpc_id=self.vpc.id, region=region, tags=tags_for(name, args.tags), opts=here
        )
        return igw, public_rt, eigw

    def _subnet(self, name: str, args: NetworkArgs, zone: str, tier: str, cidr: str, ipv6_index: int) -> aws.ec2.Subnet:
        subnet_name = zone_child(name, tier, zone)
        return aws.ec2.Subnet(
            subnet_name,
            vpc_id=self.vpc.id,
            cidr_block=cidr,
            availability_zone=zone,
            ipv6_cidr_block=self.vpc.ipv6_cidr_block.apply(lambda block: ipv6_subnet(block, ipv6_index)) if args.ipv6 else None,
            region=args.region,
            tags=tags_for(name, args.tags, Name=subnet_name, tier=tier),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _associate(self, args: NetworkArgs, association: str, subnet: aws.ec2.Subnet, table: aws.ec2.RouteTable) -> None:
        aws.ec2.RouteTableAssociation(
            association, subnet_id=subnet.id, route_table_id=table.id, region=args.region, opts=pulumi.ResourceOptions(parent=self)
        )

    def _nat_address(self, name: str, args: NetworkArgs, zone: str) -> aws.ec2.Eip:
        nat_name = zone_child(name, "nat", zone)
        return aws.ec2.Eip(
            nat_name,
            domain="vpc",
            region=args.region,
            tags=tags_for(name, args.tags, Name=nat_name),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _zonal_nat(
        self, name: str, args: NetworkArgs, zone: str, public: aws.ec2.Subnet, eip: aws.ec2.Eip, igw: aws.ec2.InternetGateway
    ) -> aws.ec2.NatGateway:
        nat_name = zone_child(name, "nat", zone)
        return aws.ec2.NatGateway(
            nat_name,
            subnet_id=public.id,
            allocation_id=eip.id,
            region=args.region,
            tags=tags_for(name, args.tags, Name=nat_name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
        )

    def _regional_nat(
        self, name: str, args: NetworkArgs, eips: list[aws.ec2.Eip], igw: aws.ec2.InternetGateway
    ) -> aws.ec2.NatGateway:
        # Manual mode: every AZ with private subnets is listed with its own address.
        return aws.ec2.NatGateway(
            f"{name}-nat",
            availability_mode="regional",
            vpc_id=self.vpc.id,
            availability_zone_addresses=[
                aws.ec2.NatGatewayAvailabilityZoneAddressArgs(availability_zone=zone, allocation_ids=[eip.id])
                for zone, eip in zip(self.zones, eips, strict=True)
            ],
            region=args.region,
            tags=tags_for(name, args.tags, Name=f"{name}-nat"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
        )

    def _private_routes(
        self,
        name: str,
        args: NetworkArgs,
        zone: str,
        private: aws.ec2.Subnet,
        nat: aws.ec2.NatGateway,
        eigw: aws.ec2.EgressOnlyInternetGateway | None,
    ) -> aws.ec2.RouteTable:
        """One AZ's private route table: IPv4 through `nat`, IPv6 through the egress-only gateway."""
        region = args.region
        here = pulumi.ResourceOptions(parent=self)
        table_name = zone_child(name, "private", zone)
        rt = aws.ec2.RouteTable(
            table_name,
            vpc_id=self.vpc.id,
            region=region,
            tags=tags_for(name, args.tags, Name=table_name, tier="private"),
            opts=here,
        )
        aws.ec2.Route(
            f"{table_name}-default",
            route_table_id=rt.id,
            destination_cidr_block="0.0.0.0/0",
            nat_gateway_id=nat.id,
            region=region,
            opts=here,
        )
        if eigw is not None:
            aws.ec2.Route(
                f"{table_name}-default-v6",
                route_table_id=rt.id,
                destination_ipv6_cidr_block="::/0",
                egress_only_gateway_id=eigw.id,
                region=region,
                opts=here,
            )
        self._associate(args, table_name, private, rt)
        return rt

    def _gateway_endpoints(self, name: str, args: NetworkArgs) -> None:
        """Gateway endpoints on every private route table: their traffic stays in its AZ."""
        where = region_name(args.region)
        for service in args.gateway_endpoints:
            aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{where}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[rt.id for rt in self.private_route_tables],
                region=args.region,
                tags=tags_for(name, args.tags),
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _flow_logs(self, name: str, args: NetworkArgs, region: str | None) -> None:
        here = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key(
            f"{name}-flow-logs",
            description=f"{name} VPC flow logs",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=_logs_key_policy(region_name(region)),
            region=region,
            tags=tags_for(name, args.tags),
            opts=here,
        )
        group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            retention_in_days=args.flow_log_retention_days,
            kms_key_id=key.arn,
            region=region,
            tags=tags_for(name, args.tags),
            opts=here,
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=service_role_policy("vpc-flow-logs.amazonaws.com"),
            tags=tags_for(name, args.tags),
            opts=here,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=group.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                "Resource": [arn, f"{arn}:*"],
                            }
                        ],
                    }
                )
            ),
            opts=here,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            region=region,
            tags=tags_for(name, args.tags),
            opts=here,
        )


def _logs_key_policy(region: str) -> str:
    return key_policy(
        {
            "Sid": "CloudWatchLogs",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
        }
    )
