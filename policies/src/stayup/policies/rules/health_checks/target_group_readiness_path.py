"""HC008 target-group-readiness-path: HTTP(S) health checks probe a readiness path, not "/".

"/" often answers 200 while the application cannot reach its database; a readiness endpoint that
checks dependencies takes a broken target out of service. Advisory: a fast, enabled check on "/"
still fails over (HC001 judges that part).

Scenarios: pass (/healthz) · fail ("/"; no path: AWS's default "/") · not-applicable (TCP checks;
no target groups) · unknown (path unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import TARGET_GROUP
from ...model import Graph
from ...values import any_unknown, flag, is_unknown, text
from ..base import Finding, Rule
from ..shared import UDP_PROTOCOLS


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for group in graph.of_type(TARGET_GROUP):
        protocol = text(group.get("protocol")) or "HTTP"
        hc = group.get("healthCheck")
        if (
            group.get("targetType") == "lambda"
            or protocol in UDP_PROTOCOLS
            or not isinstance(hc, dict)
            or flag(hc.get("enabled")) is False
        ):
            continue  # HC001 / HC002 judge missing, disabled and UDP checks
        if any_unknown((group.get("protocol"), hc.get("protocol"))):
            yield RULE.unknown(
                group, "healthCheck.protocol", "whether the health check is HTTP is not known"
            )
            continue
        check_protocol = text(hc.get("protocol")) or (
            "HTTP" if protocol in ("HTTP", "HTTPS") else "TCP"
        )
        if check_protocol not in ("HTTP", "HTTPS"):
            continue
        path = hc.get("path")
        if is_unknown(path):
            yield RULE.unknown(group, "healthCheck.path", "the health check path is not known")
        elif not text(path) or path == "/":
            yield RULE.failed(
                group,
                "healthCheck.path",
                f"HTTP health check probes {path or '/ (the default)'!s}, which may answer while the application cannot serve",
                "probe a readiness endpoint such as /healthz that checks the application's dependencies.",
            )
        else:
            yield RULE.passed(group)


RULE = Rule(
    id="HC008",
    name="target-group-readiness-path",
    description='HTTP(S) target group health checks probe a readiness path rather than "/".',
    severity="medium",
    remediation="Set healthCheck.path to a readiness endpoint such as /healthz.",
    check=check,
    tags=("health-checks", "load-balancer"),
    core=False,  # advisory: a fast check on "/" still takes a dead target out of service
)
