"""Invalid component arguments fail with the input's name before any child resource exists."""

from __future__ import annotations

import pulumi
import pytest
from conftest import ROOT
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
    VideoRelay,
)
from stayup.policies.host import job_for
from stayup.policies.preview.capture import Job, run_under_mocks
from stayup.policies.project import load_stack


def rejected(build) -> tuple[str, str, list[str]]:
    """(property path, reason, URNs registered) for a component constructor expected to fail."""
    config = load_stack(ROOT, "crm-paris")
    failure = []

    def program():
        try:
            build()
        except pulumi.InputPropertyError as exc:
            failure.append(exc)

    recorder, errors = run_under_mocks(Job.load(job_for(config, preview=False)), program)
    assert errors.messages == []
    (exc,) = failure
    return exc.property_path, exc.reason, sorted(u for u, r in recorder.records.items() if r["type"] != "pulumi:pulumi:Stack")


SUBNETS = {"vpc_id": "vpc-1", "zones": ["eu-west-3a", "eu-west-3b"], "public_subnet_ids": ["subnet-1", "subnet-2"]}


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: ResilientNetwork("n", NetworkArgs(zones=0)), ("NetworkArgs.zones", "must be at least 1, got 0")),
        (
            lambda: ResilientNetwork("n", NetworkArgs(zones=4)),
            ("NetworkArgs.zones", "4 zones requested but the region has 3 (eu-west-3a, eu-west-3b, eu-west-3c)"),
        ),
        (
            lambda: ResilientNetwork("n", NetworkArgs(egress="single")),
            ("NetworkArgs.egress", "unknown value 'single' (expected one of 'zonal', 'regional')"),
        ),
        (
            lambda: ResilientNetwork("n", NetworkArgs(zones=2, nat_zones=3)),
            ("NetworkArgs.nat_zones", "must be between 1 and zones (2), got 3"),
        ),
        (
            lambda: ResilientNetwork("n", NetworkArgs(cidr_block="10.0.0.0/33")),
            ("NetworkArgs.cidr_block", "not an IPv4 network: '10.0.0.0/33'"),
        ),
        (
            lambda: CrmHosting("c", CrmArgs(**SUBNETS, private_subnet_ids=["subnet-3", "subnet-4"], database="mysql")),
            ("CrmArgs.database", "unknown value 'mysql' (expected one of 'aurora', 'rds')"),
        ),
        (
            lambda: CrmHosting("c", CrmArgs(**SUBNETS, private_subnet_ids=["subnet-3"])),
            ("CrmArgs.private_subnet_ids", "need one public and one private subnet per zone"),
        ),
        (
            lambda: VideoRelay("v", RelayArgs(**SUBNETS, cross_zone=False, relay_zones=3)),
            ("RelayArgs.relay_zones", "must be between 1 and zones (2), got 3"),
        ),
        (
            lambda: FailoverDns(
                "d",
                FailoverDnsArgs(zone_id="Z1", record_name="x.example.com", primary=AliasTarget("lb", "Z2"), health_check=HealthCheckSpec(kind="HTTPS", port=443)),
            ),
            ("FailoverDnsArgs.health_check.path", "an HTTPS health check needs a readiness path"),
        ),
        (
            lambda: FailoverDns(
                "d",
                FailoverDnsArgs(zone_id="Z1", record_name="x.example.com", primary=AliasTarget("lb", "Z2"), health_check=HealthCheckSpec(kind="TCP", port=3478, interval=20)),
            ),
            ("FailoverDnsArgs.health_check.interval", "Route 53 accepts 10 or 30 seconds, got 20"),
        ),
    ],
    ids=["zero-zones", "too-many-zones", "unknown-egress", "nat-zones", "bad-cidr", "unknown-database", "subnets-per-zone", "relay-zones", "https-no-path", "dns-interval"],
)
def test_invalid_args_fail_before_any_child(build, expected):
    path, reason, registered = rejected(build)
    assert (path, reason, registered) == (*expected, [])
