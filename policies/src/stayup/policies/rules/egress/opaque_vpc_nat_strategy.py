"""NE004 opaque-vpc-nat-strategy: opaque VPC components (awsx) are judged from their inputs.

awsx's Vpc registers as one resource under mocks and in policy packs; its NAT strategy input
decides egress: "OnePerAz" (the default) passes, "Single" and "None" with private subnets fail.

Its settings are its inputs, absent ones awsx's defaults; where only its outputs are seen (state,
CrossGuard) the NAT gateways it created are its children, which NE001-NE003 judge instead.

Scenarios: pass (OnePerAz; also by default) · fail (Single) · not-applicable (no awsx Vpc; outputs
with the gateways as children) · unknown (strategy unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import AWSX_VPC, NAT
from ...model import Graph, Resource
from ...values import NOT_KNOWN, is_unknown, text
from ..base import Finding, Rule


def _has_private_subnets(vpc: Resource) -> bool | None:
    specs = vpc.get("subnetSpecs")
    if specs is None:
        return True  # awsx default: public and private subnets
    if not isinstance(specs, list):  # unknown, or not a list of specs
        return None
    return any(isinstance(s, dict) and s.get("type") in ("Private", "private") for s in specs)


def _has_gateway_children(graph: Graph, vpc: Resource) -> bool:
    return any(any(p.urn == vpc.urn for p in graph.parent_chain(nat)) for nat in graph.of_type(NAT))


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for vpc in graph.of_type(AWSX_VPC):
        nat = vpc.get("natGateways")
        if isinstance(nat, list) and _has_gateway_children(graph, vpc):
            # Its outputs (a deployed stack's state, CrossGuard): the NAT gateways it created are
            # in the graph, and NE001-NE003 judge them where they are.
            continue
        strategy = "OnePerAz" if nat is None else (nat.get("strategy", "OnePerAz") if isinstance(nat, dict) else NOT_KNOWN)
        private = _has_private_subnets(vpc)
        if is_unknown(strategy) or private is None:
            yield RULE.unknown(vpc, "natGateways.strategy", "the NAT strategy or subnet layout is not known")
        elif text(strategy) in ("Single", "None") and private:
            yield RULE.failed(
                vpc,
                "natGateways.strategy",
                f"awsx Vpc uses NAT strategy {strategy!r} with private subnets: egress depends on one AZ (or none)",
                'set natGateways.strategy to "OnePerAz".',
            )
        else:
            yield RULE.passed(vpc)


RULE = Rule(
    id="NE004",
    name="opaque-vpc-nat-strategy",
    description="awsx VPCs with private subnets use a NAT gateway per AZ.",
    severity="high",
    remediation='Set natGateways.strategy to "OnePerAz".',
    check=check,
    tags=("network-egress", "awsx"),
)
