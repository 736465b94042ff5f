"""Verdicts several rules share: health-check timing (HC001, HC002) and the static-stability
arithmetic (SS001, SS002)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..model import Resource
from ..topology import baseline, zone_floor
from ..values import Unknown, number
from .base import Finding, Rule

UDP_PROTOCOLS = ("UDP", "TCP_UDP")


def timing_verdict(rule: Rule, group: Resource, check: dict[str, Any], params: Mapping[str, Any]) -> Finding:
    """Shared by HC001 and HC002: failure must be detected within the configured time. A known
    slow setting fails whatever the other is; an unknown one otherwise leaves the verdict unknown."""
    interval = number(check.get("interval"))
    threshold = number(check.get("unhealthyThreshold"))
    fix = "use interval 10 s and unhealthy threshold 2."
    if isinstance(interval, float) and interval > params["maxInterval"]:
        return rule.failed(group, "healthCheck.interval", f"health check interval is {interval:g} s (more than {params['maxInterval']} s): failure detection is too slow", fix)
    if isinstance(threshold, float) and threshold > params["maxUnhealthyThreshold"]:
        return rule.failed(
            group,
            "healthCheck.unhealthyThreshold",
            f"unhealthy threshold is {threshold:g} (more than {params['maxUnhealthyThreshold']}): failure detection is too slow",
            fix,
        )
    for key, value in (("interval", interval), ("unhealthyThreshold", threshold)):
        if isinstance(value, Unknown):
            return rule.unknown(group, f"healthCheck.{key}", f"the health check {key} is not known")
    return rule.passed(group)


def statically_stable(
    rule: Rule, resource: Resource, per_zone_counts: list[int] | None, total: float, zones: int, peak: float | Unknown | None, attribute: str, why: str = ""
) -> Finding:
    """Shared verdict, on topology.baseline (the blast radius's definition too): capacity left
    after losing the fullest AZ keeps one per remaining AZ and meets the declared peak (an unknown
    peak decides only a certain shortfall). `why` says what sets the capacity floor."""
    fullest = max(per_zone_counts) if per_zone_counts else math.ceil(total / zones)
    left = total - fullest
    source = f" ({why})" if why else ""
    if zones == 1:
        return rule.failed(resource, attribute, f"capacity {total:g}{source} runs in one AZ: losing it leaves nothing running", "spread it over at least 2 AZs (3 recommended).")
    if left < zone_floor(zones):
        return rule.failed(
            resource,
            attribute,
            f"capacity {total:g}{source} over {zones} AZs leaves an AZ empty or a single instance",
            f"provision at least {max(zones, 2)} (one per AZ).",
        )
    need = baseline(peak, zones)
    if isinstance(need, Unknown):
        return rule.unknown(resource, "tags.stayup:peak", "the declared peak is not known")
    if left < need:
        return rule.failed(
            resource,
            attribute,
            f"capacity {total:g}{source} over {zones} AZs leaves {left:g} after losing the fullest AZ, below the peak of {need:g}",
            f"provision at least {math.ceil(need / (zones - 1))} per AZ ({math.ceil(need / (zones - 1)) * zones} in all).",
        )
    return rule.passed(resource)
