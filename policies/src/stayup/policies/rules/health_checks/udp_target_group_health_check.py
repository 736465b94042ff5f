"""HC002 udp-target-group-health-check: UDP target groups health-check over TCP or HTTP(S).

UDP cannot be a health-check protocol; a UDP or TCP_UDP target group needs an explicit TCP or
HTTP(S) check on an application port.

Scenarios: pass (TCP_UDP group checked over TCP on 3478) · fail (checked over UDP) ·
not-applicable (no UDP target groups) · unknown (health check protocol unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import TARGET_GROUP
from ...model import Graph
from ...values import flag, is_unknown, text
from ..base import Finding, Rule
from ..shared import UDP_PROTOCOLS, timing_verdict


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for group in graph.of_type(TARGET_GROUP):
        if is_unknown(group.get("protocol")):
            yield RULE.unknown(group, "protocol", "the target group protocol is not known (UDP needs a TCP or HTTP check)")
            continue
        if text(group.get("protocol")) not in UDP_PROTOCOLS:
            continue
        hc = group.get("healthCheck")
        if is_unknown(hc) or (isinstance(hc, dict) and is_unknown(hc.get("protocol"))):
            yield RULE.unknown(group, "healthCheck.protocol", "the health check protocol is not known")
            continue
        if not isinstance(hc, dict) or flag(hc.get("enabled")) is False:
            yield RULE.failed(group, "healthCheck", "UDP target group has no enabled health check")
            continue
        if text(hc.get("protocol")) not in ("TCP", "HTTP", "HTTPS"):
            yield RULE.failed(
                group,
                "healthCheck.protocol",
                f"UDP target group health check protocol is {hc.get('protocol') or 'not set'}",
                "set healthCheck.protocol to TCP (or HTTP/HTTPS) on a port the application listens on.",
            )
            continue
        yield timing_verdict(RULE, group, hc, params)


RULE = Rule(
    id="HC002",
    name="udp-target-group-health-check",
    description="Every UDP or TCP_UDP target group has an explicit TCP or HTTP(S) health check.",
    severity="high",
    remediation="Set healthCheck.protocol to TCP on the application's TCP port.",
    check=check,
    tags=("health-checks", "udp", "turn"),
    defaults={"maxInterval": 30, "maxUnhealthyThreshold": 3},
)
