"""Rules that match AWS behaviour, on plain pulumi_aws programs (tests/programs/aws_behaviour/),
through both engines in update and preview mode. Verdicts were written before the programs ran:

- autoscaled_service: an ECS service with desired_count=3 and an Application Auto Scaling target
  with min_capacity 1 (dev) or a night schedule down to 1 (night) can be scaled in to one task, so
  SS001 fails; min_capacity 3 (steady) passes. The blast radius agrees (a service down or below its
  baseline exactly when SS001 fails).
- lone_server: a web server with an Elastic IP and an A record (dev; its AZ picked by AWS, still one
  AZ) fails PZ005; one per AZ (pair) passes; an SSH-only bastion (bastion) is out of scope.
- alias_failover: a PRIMARY alias to the ALB with evaluate_target_health passes HC004 and draws the
  advisory HC007 (exit 0); without target health (no-target-health) HC004 fails (and advisory HC005).
- root_health_check: a fast check on "/" passes HC001 and draws the advisory HC008 (exit 0); a slow
  one (slow) fails HC001.
- classic_elb: a Classic ELB in one AZ with both its instances there and a 60 s TCP check fails
  PZ001, PZ004 and HC001 (it read "every rule passed" before Classic ELBs were modelled).
"""

from __future__ import annotations

import json

import pytest
from conftest import PROGRAMS
from stayup.policies.cli import main

pytestmark = pytest.mark.slow  # runs every program through both engines and modes: `make test` runs it, `make test-fast` does not

HERE = PROGRAMS / "aws_behaviour"
ENGINES = ["inprocess", "crossguard"]
MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]

# "program:stack": (exit code, {(rule, resource name, outcome, enforcement)}), the same in both modes
EXPECTED = {
    "autoscaled_service:dev": (1, {("SS001", "api", "fail", "mandatory")}),
    "autoscaled_service:night": (1, {("SS001", "api", "fail", "mandatory")}),
    "autoscaled_service:steady": (0, set()),
    "lone_server:dev": (1, {("PZ005", "web-0", "fail", "mandatory")}),
    "lone_server:pair": (0, set()),
    "lone_server:bastion": (0, set()),
    "alias_failover:dev": (0, {("HC007", "primary", "fail", "advisory")}),
    "alias_failover:no-target-health": (1, {("HC004", "primary", "fail", "mandatory"), ("HC005", "primary", "fail", "advisory")}),
    "root_health_check:dev": (0, {("HC008", "site", "fail", "advisory")}),
    "root_health_check:slow": (1, {("HC001", "site", "fail", "mandatory"), ("HC008", "site", "fail", "advisory")}),
    "classic_elb:dev": (1, {("PZ001", "web", "fail", "mandatory"), ("PZ004", "web", "fail", "mandatory"), ("HC001", "web", "fail", "mandatory")}),
}


def argv(program: str, *more: str) -> list[str]:
    directory, stack = program.split(":")
    return ["--project", str(HERE / directory), "--stack", stack, "--format", "json", *more]


def outcomes(report: dict) -> set[tuple[str, str, str, str]]:
    return {(e["rule"], e["urn"].rsplit("::", 1)[-1], kind, e["enforcement"]) for kind, key in (("fail", "violations"), ("unknown", "unknown")) for e in report[key]}


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("program", sorted(EXPECTED))
def test_program(capsys, program, engine, preview):
    code = main(["check", *argv(program, "--engine", engine, *(["--preview"] if preview else []))])
    report = json.loads(capsys.readouterr().out)
    assert (code, outcomes(report)) == EXPECTED[program]


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize("program", ["autoscaled_service:dev", "autoscaled_service:night", "autoscaled_service:steady"])
def test_blast_radius_agrees_with_static_stability(capsys, program, preview):
    code = main(["blast-radius", *argv(program, *(["--preview"] if preview else []))])
    radius = json.loads(capsys.readouterr().out)
    failing = EXPECTED[program][0] == 1
    assert (code, radius["verdict"]) == ((1, "fail") if failing else (0, "pass"))
    # Scaled in to one task, the AZ that holds it takes the service down; the others leave it serving.
    api = [s for zone in radius["zones"] for s in zone["services"] if s["name"] == "api"]
    assert [(s["capacity_before"], s["capacity_after"], s["baseline"], s["status"]) for s in api] == (
        [(1, 0, 2, "down")] * 3 if failing else [(3, 2, 2, "serves")] * 3
    )
