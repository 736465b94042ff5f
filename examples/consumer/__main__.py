"""acme's CRM on the stayup paved road: resilient network, CRM hosting and failover DNS."""

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
    ResilientNetwork,
    StaticTarget,
)

config = pulumi.Config()
network = ResilientNetwork("acme-net", NetworkArgs(zones=config.get_int("zones", 3), egress="regional"))
crm = CrmHosting(
    "acme-crm",
    CrmArgs(
        vpc_id=network.vpc.id,
        zones=network.zones,
        public_subnet_ids=[s.id for s in network.public_subnets],
        private_subnet_ids=[s.id for s in network.private_subnets],
        peak_instances=2,
        database="rds",
    ),
)
zone = aws.route53.Zone("zone", name="acme.example.com")
FailoverDns(
    "acme-dns",
    FailoverDnsArgs(
        zone_id=zone.zone_id,
        record_name="crm.acme.example.com",
        primary=AliasTarget(crm.load_balancer.dns_name, crm.load_balancer.zone_id),
        health_check=HealthCheckSpec(kind="HTTPS", port=443, path="/healthz"),
        secondary=StaticTarget(["198.51.100.20"]),
    ),
)
pulumi.export("url", "https://crm.acme.example.com")
