"""FailoverDns: Route 53 health checks and PRIMARY/SECONDARY failover records, so traffic leaves
a site whose health check fails (another region, or a static maintenance endpoint)."""

from dataclasses import dataclass, field
from enum import Enum

import pulumi
import pulumi_aws as aws

from ._common import as_enum, fail, from_mapping, tags_for

TOKEN = "stayup:dns:FailoverDns"


class HealthCheckKind(str, Enum):
    HTTPS = "HTTPS"  # HTTPS request to a readiness path (web services)
    TCP = "TCP"  # TCP connect (the TURN relay)


@dataclass
class AliasTarget:
    """A load balancer (or other alias target) to route to."""

    dns_name: pulumi.Input[str]
    """The target's DNS name (e.g. a load balancer's dns_name)."""
    zone_id: pulumi.Input[str]
    """The target's canonical hosted zone id (e.g. a load balancer's zone_id)."""


@dataclass
class StaticTarget:
    """Fixed addresses, e.g. a maintenance page that does not depend on the primary site."""

    addresses: list[str]


@dataclass
class HealthCheckSpec:
    kind: HealthCheckKind
    """"HTTPS" (web services) or "TCP" (the relay)."""
    port: int
    """Port the health check probes."""
    path: str | None = None
    """Readiness path for HTTPS checks (not "/")."""
    interval: int = 10
    """Request interval in seconds: Route 53 accepts 10 or 30."""
    failure_threshold: int = 3
    """Failed checks before Route 53 fails over."""


@dataclass
class FailoverDnsArgs:
    zone_id: pulumi.Input[str]
    """Route 53 hosted zone of the records."""
    record_name: str
    """The served name, e.g. crm.example.com."""
    primary: AliasTarget
    """The primary site's load balancer."""
    health_check: HealthCheckSpec | None
    """Health check of the primary; without one Route 53 can never fail over."""
    secondary: AliasTarget | None = None
    """Another region's load balancer (from Python, a StaticTarget is accepted here too)."""
    secondary_addresses: list[str] | None = None
    """Static maintenance addresses to fail over to, instead of an alias secondary."""
    secondary_health_check: HealthCheckSpec | None = None
    """Optional health check of an alias secondary (e.g. the other region's load balancer)."""
    record_type: str = "A"
    """DNS record type."""
    ttl: int = 60
    """TTL of a static secondary record."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on the health checks."""


class FailoverDns(pulumi.ComponentResource):
    """Route 53 failover: a health-checked PRIMARY alias and a SECONDARY (another region's load
    balancer or static maintenance addresses)."""

    primary_record: aws.route53.Record
    TOKEN = TOKEN  # the component package registers its own (stayup:index:...)

    def __init__(self, name: str, args: FailoverDnsArgs, opts: pulumi.ResourceOptions | None = None):
        args = from_mapping(FailoverDnsArgs, args)
        secondary: AliasTarget | StaticTarget | None = args.secondary
        if secondary is None and args.secondary_addresses is not None:
            secondary = StaticTarget(args.secondary_addresses)
        for label, spec in (("health_check", args.health_check), ("secondary_health_check", args.secondary_health_check)):
            if spec is None:
                continue
            kind = as_enum("FailoverDnsArgs", f"{label}.kind", HealthCheckKind, spec.kind)
            if spec.interval not in (10, 30):
                raise fail("FailoverDnsArgs", f"{label}.interval", f"Route 53 accepts 10 or 30 seconds, got {spec.interval}")
            if not 1 <= spec.failure_threshold <= 10:
                raise fail("FailoverDnsArgs", f"{label}.failure_threshold", "must be between 1 and 10")
            if kind is HealthCheckKind.HTTPS and not (spec.path or "").startswith("/"):
                raise fail("FailoverDnsArgs", f"{label}.path", "an HTTPS health check needs a readiness path")
        if isinstance(secondary, StaticTarget) and not secondary.addresses:
            raise fail("FailoverDnsArgs", "secondary.addresses", "at least one address is required")

        super().__init__(self.TOKEN, name, None, opts)
        here = pulumi.ResourceOptions(parent=self)
        tags = tags_for(name, args.tags)

        def health_check(label: str, spec: HealthCheckSpec, target: AliasTarget) -> aws.route53.HealthCheck:
            kind = HealthCheckKind(spec.kind)
            return aws.route53.HealthCheck(
                f"{name}-{label}",
                type=kind.value,
                fqdn=target.dns_name,
                port=spec.port,
                resource_path=spec.path if kind is HealthCheckKind.HTTPS else None,
                enable_sni=True if kind is HealthCheckKind.HTTPS else None,
                request_interval=spec.interval,
                failure_threshold=spec.failure_threshold,
                measure_latency=True,
                tags={**tags, "Name": f"{args.record_name} {label}"},
                opts=here,
            )

        def record(role: str, target: AliasTarget | StaticTarget, check: aws.route53.HealthCheck | None) -> aws.route53.Record:
            if isinstance(target, StaticTarget):
                routing = {"ttl": args.ttl, "records": target.addresses}
            else:
                routing = {"aliases": [aws.route53.RecordAliasArgs(name=target.dns_name, zone_id=target.zone_id, evaluate_target_health=True)]}
            return aws.route53.Record(
                f"{name}-{role.lower()}",
                zone_id=args.zone_id,
                name=args.record_name,
                type=args.record_type,
                set_identifier=role.lower(),
                failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type=role)],
                health_check_id=check.id if check else None,
                opts=here,
                **routing,
            )

        primary_check = health_check("primary", args.health_check, args.primary) if args.health_check else None
        self.primary_record = record("PRIMARY", args.primary, primary_check)
        if secondary is not None:
            secondary_check = None
            if isinstance(secondary, AliasTarget) and args.secondary_health_check:
                secondary_check = health_check("secondary", args.secondary_health_check, secondary)
            record("SECONDARY", secondary, secondary_check)
        self.register_outputs({"recordName": args.record_name})
