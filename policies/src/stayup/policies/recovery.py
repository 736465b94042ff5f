"""How long users see an outage when a power zone goes dark: seconds until each service serves again
at its baseline, as a range [min, max] with the steps that set it.

Each step names its resource, its seconds and the AWS page the figure comes from. Steps run in
parallel from the moment of the power loss, or one after another (`after`): a load balancer's node
in the dark AZ leaves DNS only once its targets there are found unhealthy, then clients' caches
expire. A service recovers when its last step ends. A zonal NAT gateway in the dark AZ that other
AZs route through never recovers without a change; a service that does not survive the loss has no
recovery time (down). An input that is not known makes the recovery unknown, never a guess.

Every constant below is AWS's published figure (or, for settings a program leaves unset, the
default pulumi-aws applies), cited with the page and the day it was read; `--recovery FILE`
overrides them (schema `schemas/recovery.schema.json`). The pages were read on 2026-12-06 from the
published sources of the AWS documentation (the awsdocs repositories and stored copies of the pages).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .aws_types import ASG, HEALTH_CHECK, LOAD_BALANCER
from .errors import InputError
from .model import Graph, Resource
from .topology import Cache, Database, TargetGroupUse, Tier
from .values import NOT_KNOWN, UNKNOWN, Unknown, number, text, word

READ = "2026-12-06"


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    quote: str

    def cite(self) -> str:
        return f"{self.title} <{self.url}> (read {READ})"


ELB_API = Source(
    "CreateTargetGroup, Elastic Load Balancing API Reference",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
    "HealthCheckIntervalSeconds: If the target group protocol is TCP, TLS, UDP, TCP_UDP, HTTP or HTTPS, the default is 30 seconds. "
    "HealthCheckTimeoutSeconds: For target groups with a protocol of HTTP, the default is 6 seconds. For target groups with a protocol "
    "of TCP, TLS or HTTPS, the default is 10 seconds. UnhealthyThresholdCount: If the target group protocol is TCP, TCP_UDP, UDP, TLS, "
    "HTTP or HTTPS, the default is 2.",
)
ALB_HEALTH = Source(
    "Health checks for Application Load Balancer target groups, User Guide for Application Load Balancers",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    "The load balancer sends a health check request to each registered target every HealthCheckIntervalSeconds seconds [...] Each "
    "health check request is independent and the result lasts for the entire interval. [...] If the health checks exceed "
    "UnhealthyThresholdCount consecutive failures, the load balancer takes the target out of service.",
)
PULUMI_TG = Source(
    "aws.lb.TargetGroup, Pulumi Registry (pulumi-aws 7): healthCheck",
    "https://www.pulumi.com/registry/packages/aws/api-docs/lb/targetgroup/",
    "unhealthyThreshold: Number of consecutive health check failures required before considering a target unhealthy. "
    "The range is 2-10. Defaults to 3.",
)
NLB_HEALTH = Source(
    "Health checks for Network Load Balancer target groups, User Guide for Network Load Balancers",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html",
    "If one or more target groups does not have a healthy target in an enabled Availability Zone, we remove the IP address for the "
    "corresponding subnet from DNS. [...] 6 seconds for HTTP health checks and 10 seconds for TCP and HTTPS health checks.",
)
ALB_DNS_FAILOVER = Source(
    "Target group health, User Guide for Application Load Balancers",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health.html",
    "With DNS failover, we remove the IP addresses for the unhealthy zones from the DNS hostname for the load balancer. However, the "
    "local client DNS cache might contain these IP addresses until the time-to-live (TTL) in the DNS record expires (60 seconds).",
)
ELB_TTL = Source(
    "How Elastic Load Balancing works, Elastic Load Balancing User Guide",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html",
    "The DNS entry also specifies the time-to-live (TTL) of 60 seconds.",
)
ASG_GRACE = Source(
    "Set the health check grace period for an Auto Scaling group, Amazon EC2 Auto Scaling User Guide",
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html",
    "In the console, by default, the health check grace period is 300 seconds when you create an Auto Scaling group. Its default "
    "value is 0 seconds when you create an Auto Scaling group using the AWS CLI or an SDK.",
)
ASG_HEALTH = Source(
    "Health checks for Auto Scaling instances, Amazon EC2 Auto Scaling User Guide",
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html",
    "if Amazon EC2 Auto Scaling detects that an instance is no longer in the running state, this situation is treated as an immediate "
    "failure. In this case, it immediately marks the instance as unhealthy and replaces it. [...] Set the health check grace period of "
    "the group to match the expected startup period of your application.",
)
RDS_MULTI_AZ = Source(
    "Multi-AZ DB instance deployments, Amazon RDS User Guide",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
    "Failover times are typically 60–120 seconds.",
)
RDS_CLUSTER = Source(
    "Multi-AZ DB cluster deployments, Amazon RDS User Guide",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-concepts.html",
    "Failover times are typically under 35 seconds.",
)
AURORA_FAQ = Source(
    "Amazon Aurora FAQs",
    "https://aws.amazon.com/rds/aurora/faqs/",
    "Start-to-finish, failover typically completes within 30 seconds.",
)
AURORA_GUIDE = Source(
    "High availability for Amazon Aurora, Amazon Aurora User Guide",
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html",
    "service is typically restored in less than 120 seconds, and often less than 60 seconds. [...] If the DB cluster doesn't contain "
    "any Aurora Replicas, then the primary instance is recreated in the same AZ [...] which typically takes less than 10 minutes. "
    "[...] if the primary instance and all reader instances are in the same AZ, you must manually create one or more new DB instances "
    "in another AZ.",
)
CACHE_NOW = Source(
    "Minimizing downtime in ElastiCache by using Multi-AZ with Valkey and Redis OSS, Amazon ElastiCache User Guide",
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html",
    "This process usually takes just a few seconds until you can write to the cluster again.",
)
CACHE_2015 = Source(
    "Replication: Multi-AZ with Automatic Failover (Redis), Amazon ElastiCache User Guide (API version 2015-02-02)",
    "http://docs.aws.amazon.com/AmazonElastiCache/latest/UserGuide/AutoFailover.html",
    "The promotion process generally takes just a few minutes, which is much faster than recreating and provisioning a new primary if "
    "you do not enable Multi-AZ.",
)
R53_API = Source(
    "HealthCheckConfig, Amazon Route 53 API Reference",
    "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html",
    "RequestInterval: The number of seconds between the time that each Route 53 health checker gets a response from your endpoint and "
    "the time that it sends the next health check request. [...] If you don't specify a value for RequestInterval, the default value is "
    "30 seconds. [...] If you don't specify a value for FailureThreshold, the default value is three health checks.",
)
R53_HEALTH = Source(
    "How Amazon Route 53 determines whether a health check is healthy, Amazon Route 53 Developer Guide",
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html",
    "HTTP and HTTPS health checks – Route 53 must be able to establish a TCP connection with the endpoint within four seconds. In "
    "addition, the endpoint must respond with an HTTP status code of 2xx or 3xx within two seconds after connecting. TCP health checks – "
    "Route 53 must be able to establish a TCP connection with the endpoint within ten seconds.",
)
R53_ALIAS = Source(
    "Choosing between alias and non-alias records, Amazon Route 53 Developer Guide",
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html",
    "If an alias record points to an AWS resource, you can't set the time to live (TTL); Route 53 uses the TTL for the resource.",
)
R53_EVALUATE = Source(
    "Values for alias records (Evaluate target health), Amazon Route 53 Developer Guide",
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html",
    "For an Application or Network Load Balancer to be considered healthy, every target group that contains targets must contain at "
    "least one healthy target.",
)


@dataclass(frozen=True)
class Constant:
    key: str  # the `--recovery` file key
    default: float | None  # None: AWS publishes no figure (unknown until given)
    meaning: str
    sources: tuple[Source, ...]


CONSTANTS: tuple[Constant, ...] = (
    Constant("elb_interval", 30, "target group health-check interval when the program sets none (a target is out after threshold x interval + timeout)", (ELB_API, ALB_HEALTH)),
    Constant("elb_unhealthy_threshold", 2, "unhealthy threshold of a target group with no health-check block", (ELB_API,)),
    Constant("pulumi_unhealthy_threshold", 3, "unhealthy threshold of a health-check block that sets none (pulumi-aws default)", (PULUMI_TG,)),
    Constant("elb_timeout_http", 6, "health-check timeout, HTTP, when the program sets none", (ELB_API, NLB_HEALTH)),
    Constant("elb_timeout_other", 10, "health-check timeout, TCP/TLS/HTTPS (and TCP checks of UDP groups), when unset", (ELB_API, NLB_HEALTH)),
    Constant("elb_dns_ttl", 60, "load balancer DNS record TTL, after its node in the dark AZ leaves DNS (alias records to a load balancer use it too)",
             (ELB_TTL, ALB_DNS_FAILOVER, NLB_HEALTH, R53_ALIAS, R53_EVALUATE)),
    Constant("asg_grace_period", 300, "Auto Scaling health-check grace period when the program sets none (pulumi-aws applies 300, the console's default)",
             (ASG_GRACE, ASG_HEALTH)),
    Constant("ec2_launch", None, "an instance's launch until InService: AWS publishes no figure, so give your measured one", (ASG_HEALTH,)),
    Constant("rds_multi_az_min", 60, "RDS Multi-AZ DB instance failover, lower bound", (RDS_MULTI_AZ,)),
    Constant("rds_multi_az_max", 120, "RDS Multi-AZ DB instance failover, upper bound", (RDS_MULTI_AZ,)),
    Constant("rds_cluster_failover", 35, "Multi-AZ DB cluster failover (one published figure: both bounds)", (RDS_CLUSTER,)),
    Constant("aurora_failover_min", 30, "Aurora failover to a replica in another AZ, lower bound", (AURORA_FAQ,)),
    Constant("aurora_failover_max", 120, "Aurora failover to a replica in another AZ, upper bound", (AURORA_GUIDE,)),
    Constant("elasticache_failover_min", 3, "ElastiCache Multi-AZ failover, lower bound: 'a few seconds', read as 3", (CACHE_NOW,)),
    Constant("elasticache_failover_max", 180, "ElastiCache Multi-AZ failover, upper bound: 'a few minutes' (the earlier guide), read as 3", (CACHE_2015,)),
    Constant("route53_interval", 30, "Route 53 health-check request interval when unset", (R53_API,)),
    Constant("route53_failure_threshold", 3, "Route 53 health-check failure threshold when unset", (R53_API,)),
    Constant("route53_timeout_http", 6, "Route 53 HTTP(S) check: 4 s to connect + 2 s to answer", (R53_HEALTH,)),
    Constant("route53_timeout_tcp", 10, "Route 53 TCP check: 10 s to connect", (R53_HEALTH,)),
)
BY_KEY = {c.key: c for c in CONSTANTS}
DEFAULTS: dict[str, float | None] = {c.key: (float(c.default) if c.default is not None else None) for c in CONSTANTS}
RANGES = (("rds_multi_az_min", "rds_multi_az_max"), ("aurora_failover_min", "aurora_failover_max"), ("elasticache_failover_min", "elasticache_failover_max"))
Constants = Mapping[str, float | None]


def constants(overrides: Mapping[str, float | None] | None = None) -> dict[str, float | None]:
    return {**DEFAULTS, **(overrides or {})}


def load_recovery(path: Path) -> dict[str, float]:
    """A `--recovery` file (YAML or JSON of CONSTANTS' keys): one line naming the file and key on a
    bad value (exit 2)."""
    from .inputs import read_yaml
    from .schemas import validate

    data = read_yaml(path, key="--recovery")
    validate("recovery", data, file=str(path))
    return overrides(data, file=str(path))


def overrides(data: Mapping[str, Any], *, file: str, key: str | None = None) -> dict[str, float]:
    """Validated constants (a `--recovery` file, or RT001's `recovery` policy config under `key`):
    each lower bound at most its upper bound, the defaults included."""
    found = {k: float(v) for k, v in data.items()}
    merged = constants(found)
    for low, high in RANGES:
        lo, hi = merged[low], merged[high]
        if lo is not None and hi is not None and lo > hi:
            named = low if low in found else high
            raise InputError(f"{low} ({lo:g}) is above {high} ({hi:g})", file=file, key=f"{key}.{named}" if key else named)
    return found


def option_schema() -> dict[str, Any]:
    """RT001's `recovery` policy-config setting: the `--recovery` file's schema with its references
    written out (CrossGuard hands each setting's schema to the engine on its own)."""
    from .schemas import schema

    whole = schema("recovery")
    definitions = whole["$defs"]
    properties = {
        key: {**definitions[spec["$ref"].rsplit("/", 1)[-1]], "description": spec["description"]} for key, spec in whole["properties"].items()
    }
    return {"type": "object", "description": whole["title"], "properties": properties, "additionalProperties": False}


def constants_markdown() -> str:
    """The constants and, once each, the AWS pages they come from: for docs/rules.md beside RT001."""
    sources: list[Source] = []
    for c in CONSTANTS:
        sources += [s for s in c.sources if s not in sources]
    number = {s: i + 1 for i, s in enumerate(sources)}
    lines = ["| `--recovery` key | default (s) | what | source |", "|---|---|---|---|"]
    for c in CONSTANTS:
        shown = "not published: unknown until given" if c.default is None else f"{c.default:g}"
        lines.append(f"| `{c.key}` | {shown} | {c.meaning} | {', '.join(str(number[s]) for s in c.sources)} |")
    lines += ["", f"Sources, read {READ}:", ""]
    lines += [f"{number[s]}. [{s.title}]({s.url}): \"{s.quote}\"" for s in sources]
    return "\n".join(lines)


# --- the model ---------------------------------------------------------------------------------

KNOWN, NEVER, OPEN = "known", "never", "unknown"


@dataclass(frozen=True)
class Step:
    """One thing that must happen before users are served again."""

    what: str  # target health | load balancer DNS | capacity | database failover | cache failover | DNS failover | DNS TTL | egress
    urn: str
    name: str
    state: str  # known | never | unknown
    low: float = 0.0  # its own seconds (known steps)
    high: float = 0.0
    detail: str = ""  # the arithmetic, or why never / not known
    attribute: str = ""  # what to change on the resource
    sources: tuple[Source, ...] = ()
    after: Step | None = None  # it starts when this one ends

    def ends(self) -> tuple[float, float] | None:
        """Seconds from the power loss until this step is done; None when never or not known."""
        if self.state != KNOWN:
            return None
        if self.after is None:
            return self.low, self.high
        before = self.after.ends()
        return None if before is None else (before[0] + self.low, before[1] + self.high)

    def blocked(self) -> str | None:
        """NEVER or OPEN when this step or one it waits for does not end."""
        chain: Step | None = self
        states = set()
        while chain is not None:
            states.add(chain.state)
            chain = chain.after
        return NEVER if NEVER in states else (OPEN if OPEN in states else None)

    def floor(self) -> float:
        """What the known part of its chain already takes (an unknown step takes at least that)."""
        return sum(step.high for step in self.chain() if step.state == KNOWN)

    def to_json(self) -> dict[str, Any]:
        ends = self.ends()
        return {
            "step": self.what,
            "resource": self.name,
            "urn": self.urn,
            "state": self.state,
            "seconds_min": _num(self.low) if self.state == KNOWN else None,
            "seconds_max": _num(self.high) if self.state == KNOWN else None,
            "after": f"{self.after.what} {self.after.name}" if self.after is not None else None,
            "ends_min": _num(ends[0]) if ends else None,
            "ends_max": _num(ends[1]) if ends else None,
            "detail": self.detail,
            "attribute": self.attribute,
            "sources": [f"{s.title} <{s.url}>" for s in self.sources],
        }

    def shown(self) -> str:
        ends = self.ends()
        if self.state == NEVER:
            span = "never"
        elif ends is None:
            span = "unknown"
        else:
            span = seconds_range(*ends)
        return f"{self.what} {self.name}: {span} ({self.detail})"

    def chain(self) -> list[Step]:
        """The steps it waits for, first first, then itself."""
        found: list[Step] = []
        step: Step | None = self
        while step is not None:
            found.insert(0, step)
            step = step.after
        return found

    def path(self) -> str:
        """`target health on crm-app: 15–25 s (10 s × 2 misses + 5 s timeout), then load balancer DNS on …`."""
        parts = []
        for step in self.chain():
            own = "never" if step.state == NEVER else ("not known" if step.state == OPEN else seconds_range(step.low, step.high))
            parts.append(f"{step.what} on {step.name}: {own} ({step.detail})")
        return ", then ".join(parts)


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)


def seconds_range(low: float, high: float) -> str:
    return f"{_num(low)} s" if low == high else f"{_num(low)}–{_num(high)} s"


RECOVERS, NEVER_RECOVERS, DOWN, NOT_DECIDED = "recovers", "never", "down", "unknown"


@dataclass(frozen=True)
class Recovery:
    """Seconds until a service serves again at its baseline after a zone loss."""

    outcome: str  # recovers | never | down | unknown
    steps: tuple[Step, ...] = ()
    why: str = ""  # down / unknown: what the blast radius says

    @property
    def seconds(self) -> tuple[float, float] | None:
        if self.outcome != RECOVERS:
            return None
        ends = [e for e in (s.ends() for s in self.steps) if e is not None]
        return (max(e[0] for e in ends), max(e[1] for e in ends)) if ends else (0.0, 0.0)

    @property
    def at_least(self) -> float:
        """A lower bound of the longest recovery, from the steps that are known."""
        return max((s.floor() for s in self.steps), default=0.0)

    @property
    def dominant(self) -> Step | None:
        """The step that sets the recovery: one that never ends, else one not known (the step
        itself, not one waiting for it), else the last to end."""
        for state in (NEVER, OPEN):
            found = [s for s in self.steps if s.state == state] or [s for s in self.steps if s.blocked() == state]
            if found:
                return max(found, key=lambda s: s.floor())
        timed = [(s.ends(), s) for s in self.steps]
        known = [(e, s) for e, s in timed if e is not None]
        return max(known, key=lambda item: (item[0][1], item[0][0]))[1] if known else None

    def exceeds(self, limit: float) -> bool | Unknown:
        """Whether the longest recovery exceeds `limit` seconds."""
        if self.outcome in (NEVER_RECOVERS, DOWN):
            return True
        if self.outcome == NOT_DECIDED:
            return True if self.at_least > limit else NOT_KNOWN
        span = self.seconds
        return span is not None and span[1] > limit

    def shown(self) -> str:
        if self.outcome == DOWN:
            return "down"
        if self.outcome == NEVER_RECOVERS:
            return "never"
        if self.outcome == NOT_DECIDED:
            return "unknown"
        span = self.seconds or (0.0, 0.0)
        return seconds_range(*span)

    def to_json(self) -> dict[str, Any]:
        span = self.seconds
        dominant = self.dominant
        return {
            "outcome": self.outcome,
            "seconds_min": _num(span[0]) if span else None,
            "seconds_max": _num(span[1]) if span else None,
            "dominant": f"{dominant.what} {dominant.name}" if dominant is not None else None,
            **({"why": self.why} if self.why else {}),
            "steps": [s.to_json() for s in self.steps],
        }


def combined(steps: Iterable[Step], *, why: str = "") -> Recovery:
    steps = tuple(steps)
    states = {s.blocked() for s in steps}
    if NEVER in states:
        return Recovery(NEVER_RECOVERS, steps, why)
    if OPEN in states:
        return Recovery(NOT_DECIDED, steps, why)
    return Recovery(RECOVERS, steps, why)


def down(why: str, steps: Iterable[Step] = ()) -> Recovery:
    return Recovery(DOWN, tuple(steps), why)


def not_known(why: str) -> Recovery:
    return Recovery(NOT_DECIDED, (), why)


# --- the steps ---------------------------------------------------------------------------------


def _seconds(key: str, c: Constants) -> float | None:
    return c.get(key, DEFAULTS[key])


def target_health(group: TargetGroupUse, c: Constants) -> Step:
    """How long until the load balancer finds the dark AZ's targets unhealthy. A check is sent every
    interval whatever the last one took; a target is out after `threshold` failures, each failing
    after the timeout: between (threshold - 1) x interval + timeout and threshold x interval + timeout."""
    tg = group.resource
    check = tg.get("healthCheck")
    name, urn = tg.name, tg.urn
    if check == UNKNOWN:
        return Step("target health", urn, name, OPEN, detail="the health check is not known", attribute="healthCheck")
    block = isinstance(check, dict)
    settings: dict[str, Any] = check if isinstance(check, dict) else {}
    enabled = settings.get("enabled")
    if enabled is False:
        return Step("target health", urn, name, NEVER, detail="health checks disabled: the load balancer keeps sending to the dark AZ's targets",
                    attribute="healthCheck.enabled")
    if enabled == UNKNOWN:
        return Step("target health", urn, name, OPEN, detail="whether health checks are enabled is not known", attribute="healthCheck.enabled")
    used: list[Source] = [ALB_HEALTH]
    parts = {}
    for key, fallback in (("interval", "elb_interval"), ("unhealthyThreshold", "pulumi_unhealthy_threshold" if block else "elb_unhealthy_threshold")):
        value = number(settings.get(key))
        if isinstance(value, Unknown):
            return Step("target health", urn, name, OPEN, detail=f"the health check {key} is not known", attribute=f"healthCheck.{key}")
        if value is None:
            value = _seconds(fallback, c)
            used += BY_KEY[fallback].sources
        parts[key] = value
    timeout = number(settings.get("timeout"))
    if isinstance(timeout, Unknown):
        return Step("target health", urn, name, OPEN, detail="the health check timeout is not known", attribute="healthCheck.timeout")
    if timeout is None:
        protocol = _check_protocol(tg, settings)
        if isinstance(protocol, Unknown):
            return Step("target health", urn, name, OPEN, detail="the health-check protocol (for its default timeout) is not known", attribute="healthCheck.protocol")
        key = "elb_timeout_http" if protocol == "HTTP" else "elb_timeout_other"
        timeout = _seconds(key, c)
        used += BY_KEY[key].sources
    interval, threshold = parts["interval"], parts["unhealthyThreshold"]
    assert interval is not None and threshold is not None and timeout is not None
    low, high = (threshold - 1) * interval + timeout, threshold * interval + timeout
    detail = f"{_num(interval)} s × {_num(threshold)} misses + {_num(timeout)} s timeout"
    return Step("target health", urn, name, KNOWN, low, high, detail, "healthCheck", tuple(dict.fromkeys(used)))


def _check_protocol(tg: Resource, settings: Mapping[str, Any]) -> str | Unknown:
    """The health-check protocol that sets the default timeout: the check's own, else HTTP for an
    HTTP target group (the API keys its default timeout on the target group's protocol), else TCP
    (HTTPS and TLS groups default to 10 s, and UDP groups are checked over TCP)."""
    own = word(settings.get("protocol"))
    if isinstance(own, Unknown):
        return NOT_KNOWN
    if own:
        return own.upper()
    group = word(tg.get("protocol"))
    if isinstance(group, Unknown):
        return NOT_KNOWN
    return "HTTP" if (group or "").upper() == "HTTP" else "TCP"


def _cross_zone(lb: Resource) -> bool | Unknown:
    """Application Load Balancers always balance across zones; NLBs only when enabled (off by default)."""
    if (text(lb.get("loadBalancerType")) or "application") == "application":
        return True
    value = lb.get("enableCrossZoneLoadBalancing")
    return NOT_KNOWN if value == UNKNOWN else value is True


def tier_steps(tier: Tier, dark: set[str], lb_zones: set[str], c: Constants) -> list[Step]:
    """The load balancer's steps: its target groups find the dark AZ's targets unhealthy, then its
    node in the dark AZ leaves DNS and clients' caches expire (ELB's DNS failover)."""
    steps: list[Step] = []
    detections: list[Step] = []
    for group in tier.target_groups:
        if not group.placed():
            steps.append(Step("target health", group.resource.urn, group.resource.name, OPEN, detail="the AZ of a target is not known", attribute="healthCheck"))
        elif group.zones() & dark:
            step = target_health(group, c)
            detections.append(step)
            steps.append(step)
    lb = tier.load_balancer
    if lb is None or not lb_zones & dark or not tier.target_groups:
        return steps
    ttl = _seconds("elb_dns_ttl", c) or 0.0
    sources = (ALB_DNS_FAILOVER, NLB_HEALTH, ELB_TTL)
    if detections:
        slowest = max(detections, key=lambda s: (s.blocked() is not None, s.high))
        steps.append(Step("load balancer DNS", lb.urn, lb.name, KNOWN, ttl, ttl, f"its node in {', '.join(sorted(lb_zones & dark))} leaves DNS once "
                          f"the AZ's targets are unhealthy, then clients' caches expire ({_num(ttl)} s TTL)", "subnets", sources, slowest))
        return steps
    cross = _cross_zone(lb)
    if cross is False:
        return steps  # no target in that AZ: its node was out of DNS already (NLB without cross-zone)
    steps.append(Step("load balancer DNS", lb.urn, lb.name, OPEN, detail=f"no target in {', '.join(sorted(lb_zones & dark))}: how soon AWS takes "
                      "the node out of DNS is not published", attribute="subnets", sources=sources))
    return steps


def capacity_steps(tier: Tier, dark: set[str], c: Constants) -> list[Step]:
    """Below its baseline a tier serves again in full only once replacements run: an Auto Scaling
    group launches them at once (its instances stopped) and they serve after the grace period."""
    steps = []
    launch = _seconds("ec2_launch", c)
    for group in tier.groups:
        if not set(group.zones) & dark:
            continue
        resource = group.resource
        if resource.type != ASG:
            steps.append(Step("capacity", resource.urn, resource.name, OPEN, detail="AWS publishes no time to replace lost tasks or nodes", attribute="desiredCount"))
            continue
        grace = number(resource.get("healthCheckGracePeriod"))
        sources: tuple[Source, ...] = (ASG_HEALTH,)
        if isinstance(grace, Unknown):
            steps.append(Step("capacity", resource.urn, resource.name, OPEN, detail="the health-check grace period is not known", attribute="healthCheckGracePeriod"))
            continue
        if grace is None:
            grace = _seconds("asg_grace_period", c) or 0.0
            sources += (ASG_GRACE,)
        if launch is None:
            steps.append(Step("capacity", resource.urn, resource.name, OPEN, detail=f"replacements serve after launch + {_num(grace)} s grace; "
                              "AWS publishes no launch time (give ec2_launch in --recovery)", attribute="minSize", sources=sources))
            continue
        total = launch + grace
        steps.append(Step("capacity", resource.urn, resource.name, KNOWN, total, total, f"replacements launch at once and serve after {_num(launch)} s "
                          f"launch + {_num(grace)} s grace", "minSize", sources))
    fixed = [i for i, zone in tier.instances if zone in dark]
    if fixed:
        first = fixed[0]
        steps.append(Step("capacity", first.urn, first.name, NEVER, detail=f"{len(fixed)} fixed instance(s) lost and nothing replaces them: "
                          "the tier stays below its baseline until the AZ is back", attribute="instances"))
    return steps


def _primary_open(kind: str, resource: Resource, hit: bool | Unknown, attribute: str) -> Step | None:
    """No failover step when the primary is not in the dark AZ; an open one when that is not known."""
    if isinstance(hit, Unknown):
        return Step(kind, resource.urn, resource.name, OPEN, detail="whether its primary is in the dark AZ is not known", attribute=attribute)
    return None


def database_step(db: Database, dark: set[str], c: Constants) -> Step | None:
    """The failover a database's writer needs when its AZ goes dark (None: its writer is not there)."""
    resource = db.resource
    hit = db.primary_dark(dark)
    if hit is not True:
        return _primary_open("database failover", resource, hit, "availabilityZone")
    if db.kind == "rds-cluster":
        value = _seconds("rds_cluster_failover", c) or 0.0
        return Step("database failover", resource.urn, resource.name, KNOWN, value, value, "Multi-AZ DB cluster promotes a reader", "dbClusterInstanceClass", (RDS_CLUSTER,))
    if db.kind == "rds":
        if not db.multi_az:
            return None  # not served (down): the blast radius says so
        low, high = _seconds("rds_multi_az_min", c) or 0.0, _seconds("rds_multi_az_max", c) or 0.0
        return Step("database failover", resource.urn, resource.name, KNOWN, low, high, "RDS Multi-AZ fails over to its standby", "multiAz", (RDS_MULTI_AZ,))
    alive = [z for z in db.zones if z not in dark]
    if not alive:
        return None
    low, high = _seconds("aurora_failover_min", c) or 0.0, _seconds("aurora_failover_max", c) or 0.0
    return Step("database failover", resource.urn, resource.name, KNOWN, low, high, f"Aurora promotes the reader in {alive[0]}", "availabilityZone", (AURORA_FAQ, AURORA_GUIDE))


def cache_step(cache: Cache, dark: set[str], c: Constants) -> Step | None:
    resource = cache.resource
    hit = cache.primary_dark(dark)
    if hit is not True:
        return _primary_open("cache failover", resource, hit, "preferredCacheClusterAzs")
    low, high = _seconds("elasticache_failover_min", c) or 0.0, _seconds("elasticache_failover_max", c) or 0.0
    return Step("cache failover", resource.urn, resource.name, KNOWN, low, high, "ElastiCache promotes a replica in another AZ", "automaticFailoverEnabled", (CACHE_NOW, CACHE_2015))


def egress_step(nat: Resource, zones: Iterable[str]) -> Step:
    return Step("egress", nat.urn, nat.name, NEVER, detail=f"NAT gateway in {', '.join(sorted(zones)) or 'the dark AZ'} carries other AZs' egress: "
                "cut until a route or NAT gateway changes", attribute="subnetId")


def down_reason(tier: Tier, dark: set[str]) -> list[Step]:
    """What keeps a database that does not fail over down, with AWS's own words."""
    found = []
    for db in tier.databases:
        if db.kind == "aurora" and db.zones and not [z for z in db.zones if z not in dark]:
            found.append(Step("database failover", db.resource.urn, db.resource.name, NEVER,
                              detail="no Aurora replica in another AZ: AWS recreates the instance in its own (dark) AZ, typically within 10 minutes "
                              "once the AZ is back; in another AZ only by hand", attribute="availabilityZone", sources=(AURORA_GUIDE,)))
    return found


# --- Route 53 failover -------------------------------------------------------------------------


def route53_steps(graph: Graph, primary: Resource, primary_tier: Tier | None, c: Constants) -> list[Step]:
    """Health-checked DNS failover: Route 53 finds the primary unhealthy, then clients' caches of
    the record expire. Each checker waits `interval` after an answer (or a timeout) before the
    next request; the endpoint is unhealthy after `threshold` failures: between
    (threshold - 1) x (interval + timeout) + timeout and threshold x (interval + timeout)."""
    checks = graph.linked(primary, "healthCheckId", HEALTH_CHECK)
    detection: Step
    if primary.get("healthCheckId") not in (None, ""):
        if not checks:
            detection = Step("DNS failover", primary.urn, primary.name, OPEN, detail="its Route 53 health check is outside this program", attribute="healthCheckId")
        else:
            detection = _route53_detection(checks[0], c)
    else:
        # Alias evaluateTargetHealth: the load balancer is unhealthy once a target group has no healthy target.
        groups = [target_health(g, c) for g in primary_tier.target_groups] if primary_tier is not None else []
        if not groups:
            detection = Step("DNS failover", primary.urn, primary.name, OPEN, detail="its alias target's health is not seen in this program", attribute="aliases")
        else:
            slowest = max(groups, key=lambda s: (s.blocked() is not None, s.high))
            detection = Step("DNS failover", primary.urn, primary.name, KNOWN, detail=f"alias evaluates target health: unhealthy once {slowest.name} has no "
                             "healthy target", attribute="aliases", sources=(R53_EVALUATE,), after=slowest)
    # Clients cached the primary's answer: it expires with the primary record's TTL.
    ttl = _record_ttl(graph, primary, c)
    if isinstance(ttl, Step):
        return [detection, Step(ttl.what, ttl.urn, ttl.name, ttl.state, ttl.low, ttl.high, ttl.detail, ttl.attribute, ttl.sources, detection)]
    seconds, why, sources = ttl
    return [detection, Step("DNS TTL", primary.urn, primary.name, KNOWN, seconds, seconds, why, "ttl", sources, detection)]


def _route53_detection(check: Resource, c: Constants) -> Step:
    name, urn = check.name, check.urn
    values = {}
    used: list[Source] = [R53_HEALTH]
    for key, fallback in (("requestInterval", "route53_interval"), ("failureThreshold", "route53_failure_threshold")):
        value = number(check.get(key))
        if isinstance(value, Unknown):
            return Step("DNS failover", urn, name, OPEN, detail=f"the health check {key} is not known", attribute=key)
        if value is None:
            value = _seconds(fallback, c)
            used.append(R53_API)
        values[key] = value
    kind = word(check.get("type"))
    if isinstance(kind, Unknown) or kind is None:
        return Step("DNS failover", urn, name, OPEN, detail="the health check type is not known", attribute="type")
    if kind.upper().startswith("HTTP"):
        timeout = _seconds("route53_timeout_http", c)
    elif kind.upper() == "TCP":
        timeout = _seconds("route53_timeout_tcp", c)
    else:
        return Step("DNS failover", urn, name, OPEN, detail=f"a {kind} health check's detection time is not published", attribute="type")
    interval, threshold = values["requestInterval"], values["failureThreshold"]
    assert interval is not None and threshold is not None and timeout is not None
    low, high = (threshold - 1) * (interval + timeout) + timeout, threshold * (interval + timeout)
    detail = f"{kind} every {_num(interval)} s after each answer, {_num(threshold)} misses of {_num(timeout)} s"
    return Step("DNS failover", urn, name, KNOWN, low, high, detail, "requestInterval", tuple(dict.fromkeys(used)))


def _record_ttl(graph: Graph, record: Resource, c: Constants) -> tuple[float, str, tuple[Source, ...]] | Step:
    """The TTL clients cache the failover record for: an alias to a load balancer uses the load
    balancer's (60 s); other records their own `ttl`."""
    aliases = record.get("aliases")
    if isinstance(aliases, list) and aliases:
        if graph.linked(record, "aliases", LOAD_BALANCER) or any(".elb." in (text(a.get("name")) or "").lower() for a in aliases if isinstance(a, dict)):
            alias_ttl = _seconds("elb_dns_ttl", c) or 0.0
            return alias_ttl, f"alias to a load balancer: its {_num(alias_ttl)} s TTL", (R53_ALIAS, ELB_TTL)
        return Step("DNS TTL", record.urn, record.name, OPEN, detail="the alias target's TTL is not known", attribute="aliases")
    ttl = number(record.get("ttl"))
    if isinstance(ttl, float):
        return ttl, f"record TTL {_num(ttl)} s", ()
    return Step("DNS TTL", record.urn, record.name, OPEN, detail="the record's TTL is not known", attribute="ttl")


# --- the downtime budget -------------------------------------------------------------------------

SECONDS_PER_YEAR = 365.25 * 24 * 3600


@dataclass(frozen=True)
class Budget:
    """How many zone losses like the worst one the SLO's yearly downtime allows."""

    slo: float
    seconds: int  # downtime a year, rounded down
    worst: float | None  # the worst loss's longest recovery; None: never, down or not known
    zone: str
    service: str
    outcome: str  # of the worst loss: recovers | never | down | unknown

    @property
    def losses(self) -> int | None:
        """None: any number (no loss costs downtime); 0 when one loss exhausts it or never recovers."""
        if self.outcome in (NEVER_RECOVERS, DOWN):
            return 0
        if self.outcome == NOT_DECIDED or self.worst is None:
            return None
        return None if self.worst == 0 else math.floor(self.seconds / self.worst)

    def shown(self) -> str:
        head = f"{self.slo:g} % = {self.seconds} s/year"
        if self.outcome in (NEVER_RECOVERS, DOWN):
            word_ = "does not survive" if self.outcome == DOWN else "never recovers"
            return f"{head}: not one loss of {self.zone} ({self.service} {word_})"
        if self.outcome == NOT_DECIDED:
            return f"{head}: not known (the recovery of {self.service} after losing {self.zone} is not known)"
        if not self.worst:
            return f"{head}: no zone loss costs downtime"
        return f"{head}: {self.losses} losses of {_num(self.worst)} s (worst: {self.zone}, {self.service})"

    def to_json(self) -> dict[str, Any]:
        return {
            "slo": self.slo,
            "seconds_per_year": self.seconds,
            "worst": {"zone": self.zone, "service": self.service, "outcome": self.outcome, "seconds_max": _num(self.worst) if self.worst is not None else None},
            "losses": self.losses,
            "shown": self.shown(),
        }


def budget(slo: float, losses: Iterable[tuple[str, str, Recovery]]) -> Budget:
    """The yearly downtime of `slo` against the worst of the (zone, service, recovery) losses."""
    seconds = math.floor((1 - slo / 100) * SECONDS_PER_YEAR + 1e-9)
    rank = {DOWN: 3, NEVER_RECOVERS: 3, NOT_DECIDED: 2, RECOVERS: 1}
    worst: tuple[Any, ...] | None = None
    for zone, service, recovery in losses:
        span = recovery.seconds
        key = (rank[recovery.outcome], span[1] if span else 0.0)
        if worst is None or key > worst[0]:
            worst = (key, zone, service, recovery)
    if worst is None:
        return Budget(slo, seconds, 0.0, "", "", RECOVERS)
    _, zone, service, recovery = worst
    span = recovery.seconds
    return Budget(slo, seconds, span[1] if span else None, zone, service, recovery.outcome)
