"""stayup: composes the resilient components from stack config only (see Pulumi.yaml)."""

import pulumi
import pulumi_aws as aws
from stayup.components import (
    AliasTarget,
    CrmArgs,
    CrmHosting,
    FailoverDns,
    FailoverDnsArgs,
    HealthCheckSpec,
    NetworkArgs,
    RelayArgs,
    ResilientNetwork,
    StaticTarget,
    VideoRelay,
)

config = pulumi.Config()
workload = config.require("workload")
if workload not in ("crm", "video"):
    raise pulumi.InputPropertyError("stayup:workload", f"expected 'crm' or 'video', got {workload!r}")
hostname = config.require("hostname")
secondary = config.get("secondary", "region")
if secondary not in ("region", "maintenance", "none"):
    raise pulumi.InputPropertyError("stayup:secondary", f"expected region, maintenance or none, got {secondary!r}")


def optional_int(key: str) -> int | None:
    value = config.get_int(key)
    return value if value else None


def site(prefix: str, region: str | None):
    """One site: a resilient network and the workload on it."""
    network = ResilientNetwork(
        f"{prefix}-net",
        NetworkArgs(
            zones=config.get_int("zones", 3),
            cidr_block=config.get("cidr", "10.0.0.0/16"),
            egress=config.get("egress", "zonal"),
            nat_zones=optional_int("natZones"),
            ipv6=config.get_bool("ipv6", False),
            flow_logs=config.get_bool("flowLogs", True),
            region=region,
        ),
    )
    subnets = {
        "vpc_id": network.vpc.id,
        "zones": network.zones,
        "public_subnet_ids": [s.id for s in network.public_subnets],
    }
    if workload == "crm":
        certificate = config.get("crmCertificateArn") or None
        app = CrmHosting(
            prefix,
            CrmArgs(
                **subnets,
                private_subnet_ids=[s.id for s in network.private_subnets],
                peak_instances=config.get_int("crmPeakInstances", 2),
                instances_per_zone=optional_int("crmInstancesPerZone"),
                instance_type=config.get("crmInstanceType", "t3.medium"),
                certificate_arn=certificate,
                health_check_path=config.get("crmHealthPath", "/healthz"),
                health_check_enabled=config.get_bool("crmTargetHealthCheck", True),
                asg_health_check=config.get("crmAsgHealthCheck", "ELB"),
                database=config.get("database", "aurora"),
                database_multi_az=config.get_bool("databaseMultiAz", True),
                region=region,
            ),
        )
    else:
        app = VideoRelay(
            prefix,
            RelayArgs(
                **subnets,
                cross_zone=config.get_bool("relayCrossZone", False),
                peak_nodes=config.get_int("relayPeakNodes", 2),
                nodes_per_zone=optional_int("relayNodesPerZone"),
                relay_zones=optional_int("relayZones"),
                instance_type=config.get("relayInstanceType", "c6in.large"),
                tls_certificate_arn=config.get("relayTlsCertificateArn") or None,
                region=region,
            ),
        )
    return network, app


primary_network, primary_app = site(workload, None)
endpoints = {"primary": primary_app.load_balancer.dns_name}

zone_id = config.get("dnsZoneId")
if not zone_id:
    zone_id = aws.route53.Zone("zone", name=config.require("domain"), comment="stayup failover records").zone_id

if workload == "crm":
    check = HealthCheckSpec(kind="HTTPS", port=443, path=config.get("crmHealthPath", "/healthz"))
else:
    check = HealthCheckSpec(kind="TCP", port=3478)

secondary_target = None
if secondary == "region":
    _, standby_app = site(f"{workload}-dr", config.require("secondaryRegion"))
    secondary_target = AliasTarget(standby_app.load_balancer.dns_name, standby_app.load_balancer.zone_id)
    endpoints["secondary"] = standby_app.load_balancer.dns_name
elif secondary == "maintenance":
    secondary_target = StaticTarget(config.require_object("maintenanceAddresses"))

FailoverDns(
    f"{workload}-dns",
    FailoverDnsArgs(
        zone_id=zone_id,
        record_name=hostname,
        primary=AliasTarget(primary_app.load_balancer.dns_name, primary_app.load_balancer.zone_id),
        health_check=check if config.get_bool("dnsHealthCheck", True) else None,
        secondary=secondary_target,
        secondary_health_check=check if isinstance(secondary_target, AliasTarget) else None,
    ),
)

pulumi.export("zones", primary_network.zones)
pulumi.export("endpoints", endpoints)
pulumi.export("hostname", hostname)


def export_objective(key: str, example: str) -> None:
    """A declared objective as the number stayup's rules read from the stack output `key`."""
    value = config.get(key)
    if value:
        try:
            pulumi.export(key, float(value))
        except ValueError:
            raise pulumi.InputPropertyError(f"stayup:{key}", f"expected {example}, got {value!r}") from None


# The availability objective stayup's DR001 rule checks the stack's structure against, and the
# recovery time objective (seconds after one AZ goes dark) its RT001 rule checks the design against.
export_objective("slo", "a percentage such as 99.99")
export_objective("rto", "a number of seconds such as 120")
