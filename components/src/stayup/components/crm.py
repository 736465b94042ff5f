"""CrmHosting: a CRM web tier behind an ALB in every AZ, an ASG sized to survive the loss of any
one AZ without scaling, and a database that fails over to another AZ."""

import base64
from dataclasses import dataclass, field
from enum import Enum

import pulumi
import pulumi_aws as aws

from ._common import (
    PEAK_TAG,
    amazon_linux,
    as_enum,
    fail,
    from_mapping,
    key_policy,
    service_role_policy,
    sg_rule,
    tags_for,
)
from .capacity import GroupSize, database_instances, group_size

TOKEN = "stayup:crm:CrmHosting"


class DatabaseKind(str, Enum):
    AURORA = "aurora"  # Aurora PostgreSQL: a writer and a reader in another AZ
    RDS = "rds"  # RDS for PostgreSQL with a Multi-AZ standby


class AsgHealthCheck(str, Enum):
    ELB = "ELB"  # replace instances the load balancer finds unhealthy
    EC2 = "EC2"  # only replace instances whose hardware fails (not recommended)


@dataclass
class CrmArgs:
    vpc_id: pulumi.Input[str]
    """The network the CRM runs in."""
    zones: list[str]
    """The AZs the subnets below are in, in the same order."""
    public_subnet_ids: list[pulumi.Input[str]]
    """One public subnet per zone, for the load balancer."""
    private_subnet_ids: list[pulumi.Input[str]]
    """One private subnet per zone, for instances and the database."""
    peak_instances: int = 2
    """Instances needed at peak load; capacity is provisioned so any one AZ can be lost."""
    instances_per_zone: int | None = None
    """Override of the computed per-AZ capacity (default: ceil(peak / (zones - 1)))."""
    instance_type: str = "t3.medium"
    """EC2 instance type of the application tier."""
    app_port: int = 8080
    """Port the application listens on behind the load balancer."""
    certificate_arn: pulumi.Input[str] | None = None
    """ACM certificate for the HTTPS listener; HTTP then only redirects to HTTPS."""
    health_check_path: str = "/healthz"
    """Readiness path the target group and DNS health checks probe (not "/")."""
    health_check_enabled: bool = True
    """Target group health check on (switch off only to exercise the policy pack)."""
    health_check_interval: int = 10
    """Seconds between target group health checks."""
    unhealthy_threshold: int = 2
    """Failed checks before a target is taken out."""
    asg_health_check: AsgHealthCheck = AsgHealthCheck.ELB
    """"ELB" replaces instances the load balancer finds unhealthy; "EC2" only failed hardware."""
    health_check_grace_period: int = 120
    """Seconds a new instance has to boot before health checks count."""
    database: DatabaseKind = DatabaseKind.AURORA
    """"aurora" (Aurora PostgreSQL) or "rds" (RDS for PostgreSQL)."""
    database_multi_az: bool = True
    """Aurora: add a reader in another AZ; RDS: Multi-AZ standby."""
    db_instance_class: str = "db.r6g.large"
    """Database instance class."""
    db_engine_version: str = "16.6"
    """PostgreSQL engine version."""
    deletion_protection: bool = True
    """Protect the load balancer and database from deletion."""
    region: str | None = None
    """Region to build in; default: the provider's."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every child resource."""


_USER_DATA = """#!/bin/bash
set -euo pipefail
dnf install -y nginx
cat >/etc/nginx/conf.d/crm.conf <<'CONF'
server {{ listen {port}; location = {path} {{ return 200 'ok'; }} location / {{ return 200 'crm'; }} }}
CONF
systemctl enable --now nginx
"""


def user_data(port: int, path: str) -> str:
    """The application instances' boot script (base64): nginx answering `path` with 200 on `port`."""
    return base64.b64encode(_USER_DATA.format(port=port, path=path).encode()).decode()


@dataclass(frozen=True)
class SecurityRule:
    """One security-group rule of the CRM, between its groups ("alb", "app", "db") or, without a
    peer, with the internet."""

    label: str
    group: str
    direction: str
    port: int
    description: str
    peer: str | None = None


def security_rules(app_port: int, https: bool) -> list[SecurityRule]:
    """Clients reach the load balancer (on 443 and 80 with HTTPS, else 80), it reaches the
    application, the application reaches the database and, for updates, HTTPS out."""
    clients = [SecurityRule(f"alb-in-{port}", "alb", "in", port, "clients") for port in ([443, 80] if https else [80])]
    return [
        *clients,
        SecurityRule("alb-to-app", "alb", "out", app_port, "to application instances", peer="app"),
        SecurityRule("app-from-alb", "app", "in", app_port, "from the load balancer", peer="alb"),
        SecurityRule("app-https", "app", "out", 443, "package updates and AWS APIs through the NAT"),
        SecurityRule("app-to-db", "app", "out", 5432, "to the database", peer="db"),
        SecurityRule("db-from-app", "db", "in", 5432, "from application instances", peer="app"),
    ]


def _validated(args: CrmArgs) -> tuple[DatabaseKind, AsgHealthCheck]:
    """The database kind and the group's health check type, or the input error naming the argument."""
    database = as_enum("CrmArgs", "database", DatabaseKind, args.database)
    asg_health = as_enum("CrmArgs", "asg_health_check", AsgHealthCheck, args.asg_health_check)
    zones = len(args.zones)
    if zones < 1:
        raise fail("CrmArgs", "zones", "at least one zone is required")
    if len(args.public_subnet_ids) != zones or len(args.private_subnet_ids) != zones:
        raise fail("CrmArgs", "private_subnet_ids", "need one public and one private subnet per zone")
    if args.peak_instances < 1:
        raise fail("CrmArgs", "peak_instances", f"must be at least 1, got {args.peak_instances}")
    if args.instances_per_zone is not None and args.instances_per_zone < 1:
        raise fail("CrmArgs", "instances_per_zone", f"must be at least 1, got {args.instances_per_zone}")
    if not args.health_check_path.startswith("/"):
        raise fail("CrmArgs", "health_check_path", "must start with '/'")
    if not 5 <= args.health_check_interval <= 300:
        raise fail("CrmArgs", "health_check_interval", "must be between 5 and 300 seconds")
    if database is DatabaseKind.AURORA and args.database_multi_az and zones < 2:
        raise fail("CrmArgs", "database_multi_az", "an Aurora reader in another AZ needs at least 2 zones")
    return database, asg_health


class CrmHosting(pulumi.ComponentResource):
    """ALB across the public subnets, ASG across the private subnets, Multi-AZ database."""

    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    group: aws.autoscaling.Group

    TOKEN = TOKEN  # the component package registers its own (stayup:index:...)

    def __init__(self, name: str, args: CrmArgs, opts: pulumi.ResourceOptions | None = None):
        args = from_mapping(CrmArgs, args)
        database, asg_health = _validated(args)

        super().__init__(self.TOKEN, name, None, opts)
        tags = tags_for(name, args.tags)
        size = group_size(args.peak_instances, len(args.zones), args.instances_per_zone)
        groups = self._security_groups(name, args, tags)
        self.load_balancer = self._load_balancer(name, args, groups["alb"], tags)
        self.target_group = self._target_group(name, args, tags)
        self._listeners(name, args)
        self.group = self._app_group(name, args, groups["app"], size, asg_health, tags)
        subnet_group = self._database_base(name, args, tags)
        if database is DatabaseKind.AURORA:
            self.database_endpoint = self._aurora(name, args, subnet_group, groups["db"], tags)
        else:
            self.database_endpoint = self._rds(name, args, subnet_group, groups["db"], tags)

        self.per_zone_capacity = size.per_zone
        self.register_outputs(
            {
                "loadBalancerDnsName": self.load_balancer.dns_name,
                "loadBalancerZoneId": self.load_balancer.zone_id,
                "databaseEndpoint": self.database_endpoint,
                "instancesPerZone": size.per_zone,
            }
        )

    def _security_groups(self, name: str, args: CrmArgs, tags: dict[str, str]) -> dict[str, aws.ec2.SecurityGroup]:
        """The load balancer's, the application's and the database's groups, with `security_rules`."""
        here = pulumi.ResourceOptions(parent=self)
        groups = {
            role: aws.ec2.SecurityGroup(
                f"{name}-{role}", description=f"{name} {what}", vpc_id=args.vpc_id, region=args.region, tags=tags, opts=here
            )
            for role, what in [("alb", "load balancer"), ("app", "application instances"), ("db", "database")]
        }
        for rule in security_rules(args.app_port, https=args.certificate_arn is not None):
            peer = groups[rule.peer] if rule.peer is not None else None
            ports = (rule.port, rule.port)
            sg_rule(f"{name}-{rule.label}", groups[rule.group], rule.direction, "tcp", ports, rule.description, here, args.region, peer)
        return groups

    def _load_balancer(self, name: str, args: CrmArgs, alb_sg: aws.ec2.SecurityGroup, tags: dict[str, str]) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[alb_sg.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            enable_zonal_shift=True,
            region=args.region,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _target_group(self, name: str, args: CrmArgs, tags: dict[str, str]) -> aws.lb.TargetGroup:
        return aws.lb.TargetGroup(
            f"{name}-app",
            port=args.app_port,
            protocol="HTTP",
            target_type="instance",
            vpc_id=args.vpc_id,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=args.health_check_enabled,
                protocol="HTTP",
                path=args.health_check_path,
                port="traffic-port",
                matcher="200",
                interval=args.health_check_interval,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=args.unhealthy_threshold,
            ),
            region=args.region,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _listeners(self, name: str, args: CrmArgs) -> None:
        """With a certificate, HTTPS forwards and HTTP redirects to it; without, HTTP forwards."""
        here = pulumi.ResourceOptions(parent=self)
        forward = [aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=self.target_group.arn)]
        if args.certificate_arn is not None:
            aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=self.load_balancer.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                certificate_arn=args.certificate_arn,
                default_actions=forward,
                region=args.region,
                opts=here,
            )
            http_actions = [
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                        port="443", protocol="HTTPS", status_code="HTTP_301"
                    ),
                )
            ]
        else:
            http_actions = forward
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=http_actions,
            region=args.region,
            opts=here,
        )

    def _app_group(
        self,
        name: str,
        args: CrmArgs,
        app_sg: aws.ec2.SecurityGroup,
        size: GroupSize,
        asg_health: AsgHealthCheck,
        tags: dict[str, str],
    ) -> aws.autoscaling.Group:
        """The launch template and the group holding `size` instances over the private subnets."""
        here = pulumi.ResourceOptions(parent=self)
        template = aws.ec2.LaunchTemplate(
            f"{name}-app",
            image_id=amazon_linux(args.region),
            instance_type=args.instance_type,
            vpc_security_group_ids=[app_sg.id],
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=30, volume_type="gp3", encrypted="true", delete_on_termination="true"
                    ),
                )
            ],
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
            user_data=user_data(args.app_port, args.health_check_path),
            region=args.region,
            tags=tags,
            opts=here,
        )
        return aws.autoscaling.Group(
            f"{name}-app",
            vpc_zone_identifiers=args.private_subnet_ids,
            min_size=size.desired,
            desired_capacity=size.desired,
            max_size=size.maximum,
            target_group_arns=[self.target_group.arn],
            health_check_type=asg_health.value,
            health_check_grace_period=args.health_check_grace_period,
            capacity_rebalance=True,
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"),
            tags=[
                aws.autoscaling.GroupTagArgs(key=k, value=v, propagate_at_launch=True)
                for k, v in sorted({**tags, "Name": f"{name}-app", PEAK_TAG: str(args.peak_instances)}.items())
            ],
            region=args.region,
            opts=here,
        )

    def _database_base(self, name: str, args: CrmArgs, tags: dict[str, str]) -> aws.rds.SubnetGroup:
        """What either database kind needs: a customer-managed key for storage and Performance
        Insights, the enhanced monitoring role, and the subnet group over the private subnets."""
        here = pulumi.ResourceOptions(parent=self)
        self.database_key = aws.kms.Key(
            f"{name}-db",
            description=f"{name} database storage and Performance Insights",
            policy=key_policy(),
            enable_key_rotation=True,
            deletion_window_in_days=30,
            region=args.region,
            tags=tags,
            opts=here,
        )
        self.monitoring_role = aws.iam.Role(
            f"{name}-db-monitoring",
            assume_role_policy=service_role_policy("monitoring.rds.amazonaws.com"),
            tags=tags,
            opts=here,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-db-monitoring",
            role=self.monitoring_role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            opts=here,
        )
        return aws.rds.SubnetGroup(f"{name}-db", subnet_ids=args.private_subnet_ids, region=args.region, tags=tags, opts=here)

    def _aurora(
        self, name: str, args: CrmArgs, subnet_group: aws.rds.SubnetGroup, db_sg: aws.ec2.SecurityGroup, tags: dict[str, str]
    ) -> pulumi.Output[str]:
        region = args.region
        here = pulumi.ResourceOptions(parent=self)
        cluster = aws.rds.Cluster(
            f"{name}-db",
            engine="aurora-postgresql",
            engine_version=args.db_engine_version,
            database_name="crm",
            master_username="crm_admin",
            manage_master_user_password=True,
            storage_encrypted=True,
            kms_key_id=self.database_key.arn,
            backup_retention_period=14,
            preferred_backup_window="02:00-03:00",
            copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{name}-db-final",
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=["postgresql"],
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[db_sg.id],
            region=region,
            tags=tags,
            opts=here,
        )
        for instance in database_instances(args.zones, args.database_multi_az):
            aws.rds.ClusterInstance(
                f"{name}-db-{instance.role}",
                cluster_identifier=cluster.id,
                engine="aurora-postgresql",
                instance_class=args.db_instance_class,
                availability_zone=instance.zone,
                promotion_tier=instance.promotion_tier,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=self.database_key.arn,
                monitoring_interval=60,
                monitoring_role_arn=self.monitoring_role.arn,
                db_subnet_group_name=subnet_group.name,
                region=region,
                tags=tags,
                opts=here,
            )
        return cluster.endpoint

    def _rds(
        self, name: str, args: CrmArgs, subnet_group: aws.rds.SubnetGroup, db_sg: aws.ec2.SecurityGroup, tags: dict[str, str]
    ) -> pulumi.Output[str]:
        instance = aws.rds.Instance(
            f"{name}-db",
            engine="postgres",
            engine_version=args.db_engine_version,
            instance_class=args.db_instance_class,
            allocated_storage=100,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=self.database_key.arn,
            db_name="crm",
            username="crm_admin",
            manage_master_user_password=True,
            multi_az=args.database_multi_az,
            backup_retention_period=14,
            copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{name}-db-final",
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            performance_insights_enabled=True,
            performance_insights_kms_key_id=self.database_key.arn,
            monitoring_interval=60,
            monitoring_role_arn=self.monitoring_role.arn,
            auto_minor_version_upgrade=True,
            publicly_accessible=False,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[db_sg.id],
            region=args.region,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return instance.address
