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
    per_zone_capacity,
    service_role_policy,
    sg_rule,
    tags_for,
)

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


class CrmHosting(pulumi.ComponentResource):
    """ALB across the public subnets, ASG across the private subnets, Multi-AZ database."""

    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    group: aws.autoscaling.Group

    TOKEN = TOKEN  # the component package registers its own (stayup:index:...)

    def __init__(self, name: str, args: CrmArgs, opts: pulumi.ResourceOptions | None = None):
        args = from_mapping(CrmArgs, args)
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

        super().__init__(self.TOKEN, name, None, opts)
        region = args.region
        here = pulumi.ResourceOptions(parent=self)
        tags = tags_for(name, args.tags)
        per_zone = args.instances_per_zone or per_zone_capacity(args.peak_instances, zones)
        capacity = per_zone * zones

        alb_sg = aws.ec2.SecurityGroup(
            f"{name}-alb", description=f"{name} load balancer", vpc_id=args.vpc_id, region=region, tags=tags, opts=here
        )
        app_sg = aws.ec2.SecurityGroup(
            f"{name}-app", description=f"{name} application instances", vpc_id=args.vpc_id, region=region, tags=tags, opts=here
        )
        db_sg = aws.ec2.SecurityGroup(
            f"{name}-db", description=f"{name} database", vpc_id=args.vpc_id, region=region, tags=tags, opts=here
        )
        def allow(label: str, group, direction: str, port: int, description: str, *, peer=None) -> None:
            sg_rule(f"{name}-{label}", group, direction, "tcp", (port, port), description, here, region, peer)

        for port in [443, 80] if args.certificate_arn is not None else [80]:
            allow(f"alb-in-{port}", alb_sg, "in", port, "clients")
        allow("alb-to-app", alb_sg, "out", args.app_port, "to application instances", peer=app_sg)
        allow("app-from-alb", app_sg, "in", args.app_port, "from the load balancer", peer=alb_sg)
        allow("app-https", app_sg, "out", 443, "package updates and AWS APIs through the NAT")
        allow("app-to-db", app_sg, "out", 5432, "to the database", peer=db_sg)
        allow("db-from-app", db_sg, "in", 5432, "from application instances", peer=app_sg)

        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[alb_sg.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            enable_zonal_shift=True,
            region=region,
            tags=tags,
            opts=here,
        )
        self.target_group = aws.lb.TargetGroup(
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
            region=region,
            tags=tags,
            opts=here,
        )
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
                region=region,
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
            region=region,
            opts=here,
        )

        template = aws.ec2.LaunchTemplate(
            f"{name}-app",
            image_id=amazon_linux(region),
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
            user_data=base64.b64encode(
                _USER_DATA.format(port=args.app_port, path=args.health_check_path).encode()
            ).decode(),
            region=region,
            tags=tags,
            opts=here,
        )
        self.group = aws.autoscaling.Group(
            f"{name}-app",
            vpc_zone_identifiers=args.private_subnet_ids,
            min_size=capacity,
            desired_capacity=capacity,
            max_size=capacity + zones,
            target_group_arns=[self.target_group.arn],
            health_check_type=asg_health.value,
            health_check_grace_period=args.health_check_grace_period,
            capacity_rebalance=True,
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"),
            tags=[
                aws.autoscaling.GroupTagArgs(key=k, value=v, propagate_at_launch=True)
                for k, v in sorted({**tags, "Name": f"{name}-app", PEAK_TAG: str(args.peak_instances)}.items())
            ],
            region=region,
            opts=here,
        )

        # A customer-managed key for storage and Performance Insights; enhanced monitoring role.
        self.database_key = aws.kms.Key(
            f"{name}-db",
            description=f"{name} database storage and Performance Insights",
            policy=key_policy(),
            enable_key_rotation=True,
            deletion_window_in_days=30,
            region=region,
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
        subnet_group = aws.rds.SubnetGroup(
            f"{name}-db", subnet_ids=args.private_subnet_ids, region=region, tags=tags, opts=here
        )
        if database is DatabaseKind.AURORA:
            self.database_endpoint = self._aurora(name, args, subnet_group, db_sg, tags)
        else:
            self.database_endpoint = self._rds(name, args, subnet_group, db_sg, tags)

        self.per_zone_capacity = per_zone
        self.register_outputs(
            {
                "loadBalancerDnsName": self.load_balancer.dns_name,
                "loadBalancerZoneId": self.load_balancer.zone_id,
                "databaseEndpoint": self.database_endpoint,
                "instancesPerZone": per_zone,
            }
        )

    def _aurora(self, name, args: CrmArgs, subnet_group, db_sg, tags) -> pulumi.Output[str]:
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
        roles = ["writer", "reader"] if args.database_multi_az else ["writer"]
        for index, role in enumerate(roles):
            aws.rds.ClusterInstance(
                f"{name}-db-{role}",
                cluster_identifier=cluster.id,
                engine="aurora-postgresql",
                instance_class=args.db_instance_class,
                availability_zone=args.zones[index],
                promotion_tier=index,
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

    def _rds(self, name, args: CrmArgs, subnet_group, db_sg, tags) -> pulumi.Output[str]:
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
