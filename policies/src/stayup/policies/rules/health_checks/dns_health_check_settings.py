"""HC006 dns-health-check-settings: Route 53 health checks detect failure within about 30 s and
probe what the service really needs.

Request interval at most 30 s (10 recommended), failure threshold at most 3; HTTP(S) checks
probe a readiness path, a check on an application load balancer is HTTP(S), and the check is not
disabled (a disabled Route 53 check reports healthy, so failover never happens).

Scenarios: pass (HTTPS /healthz every 10 s x 3) · fail (slow; TCP on an ALB; disabled) ·
not-applicable (no health checks) · unknown (settings unknown; interval from an apply) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import HEALTH_CHECK, LOAD_BALANCER
from ...model import Graph
from ...values import Unknown, any_unknown, as_key, flag, is_unknown, number, text
from ..base import Finding, Rule

_PROBES = ("HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP")


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for hc in graph.of_type(HEALTH_CHECK):
        kind = hc.get("type")
        if is_unknown(kind):
            yield RULE.unknown(hc, "type", "the health check type is not known")
            continue
        if kind not in _PROBES:
            continue  # CALCULATED, CLOUDWATCH_METRIC, RECOVERY_CONTROL
        interval = _or_default(number(hc.get("requestInterval")), 30.0)
        threshold = _or_default(number(hc.get("failureThreshold")), 3.0)
        targets = graph.linked(hc, "fqdn", LOAD_BALANCER)
        kinds = {as_key(t.get("loadBalancerType", "application")) for t in targets}
        on_alb = "application" in kinds
        on_unknown = any_unknown(kinds)
        path = hc.get("resourcePath")
        disabled = flag(hc.get("disabled"))
        if isinstance(interval, float) and interval > params["maxRequestInterval"]:
            yield RULE.failed(hc, "requestInterval", f"request interval is {interval:g} s", "use requestInterval: 10.")
        elif isinstance(threshold, float) and threshold > params["maxFailureThreshold"]:
            yield RULE.failed(hc, "failureThreshold", f"failure threshold is {threshold:g}", "use failureThreshold: 3 or less.")
        elif kind == "TCP" and on_alb:
            yield RULE.failed(
                hc,
                "type",
                "TCP health check on an application load balancer only proves the port is open",
                "use an HTTPS health check with a readiness resourcePath.",
            )
        elif kind == "TCP" and on_unknown:
            yield RULE.unknown(hc, "type", "whether the checked load balancer is an application load balancer is not known")
        elif kind != "TCP" and is_unknown(path):
            yield RULE.unknown(hc, "resourcePath", "the resource path is not known")
        elif kind != "TCP" and (not text(path) or path == "/"):
            yield RULE.failed(hc, "resourcePath", f"{kind} health check probes {path or '/'} instead of a readiness path", "set resourcePath to a readiness endpoint such as /healthz.")
        elif isinstance(interval, Unknown):
            yield RULE.unknown(hc, "requestInterval", "the request interval is not known")
        elif isinstance(threshold, Unknown):
            yield RULE.unknown(hc, "failureThreshold", "the failure threshold is not known")
        elif isinstance(disabled, Unknown):
            yield RULE.unknown(hc, "disabled", "whether the health check is disabled is not known")
        elif disabled is True:
            yield RULE.failed(hc, "disabled", "the health check is disabled: Route 53 considers the endpoint always healthy", "remove disabled: true.")
        else:
            yield RULE.passed(hc)


def _or_default(value: float | Unknown | None, default: float) -> float | Unknown:
    return default if value is None else value


RULE = Rule(
    id="HC006",
    name="dns-health-check-settings",
    description="Every Route 53 health check probes every 30 s or faster, fails after at most 3 misses, and checks a readiness path over HTTP(S) for web tiers.",
    severity="high",
    remediation="Use requestInterval 10, failureThreshold 3, HTTPS with resourcePath /healthz for web tiers and TCP for relays.",
    check=check,
    tags=("health-checks", "dns", "route53"),
    defaults={"maxRequestInterval": 30, "maxFailureThreshold": 3},
)
