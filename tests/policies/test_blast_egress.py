"""The blast radius and the egress rules give one answer: a zone loss cuts egress (the service is
degraded, exit 1) exactly when NE001/NE002 fail. A single-AZ database reads down, not `0 -> 0`."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
from conftest import PROGRAMS, ROOT, graph_of
from stayup.policies.blast import BlastRadius, simulate
from stayup.policies.cli import main
from stayup.policies.engine import evaluate, outcome_set
from stayup.policies.model import Graph, from_capture
from stayup.policies.settings import load_settings
from test_variants import MODES, VARIANTS

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))  # the NE rules' scenario fixtures
import test_independent_egress_paths as ne002
import test_private_egress_in_own_zone as ne001
from scenarios import BASE, ROUTE, SUBNET, UNKNOWN, mutate, relink

pytestmark = pytest.mark.slow  # captures every example-stack variant in both modes: `make test` runs it, `make test-fast` does not

DB = "aws:rds/instance:Instance"


def egress_rules_verdict(graph: Graph) -> str:
    outcomes = {str(o) for rule, _, o in outcome_set(evaluate(graph, load_settings({}))) if rule in ("NE001", "NE002")}
    return "fail" if "fail" in outcomes else ("unknown" if "unknown" in outcomes else "pass")


def egress_verdict(radius: BlastRadius) -> str:
    """The blast radius's answer to NE's question: does any single zone loss cut egress?"""
    services = [s for zone in radius.zones for s in zone.services]
    if any(s.egress is False for s in services):
        return "fail"
    return "unknown" if any(s.egress is not True for s in services) else "pass"


# --- the NE rules' own scenarios, plus routes they do not judge ------------------------------


def served(b):
    """A listener puts the web group (in the private subnets) behind the ALB: a service."""
    b = copy.deepcopy(b)
    b.add("aws:lb/listener:Listener", "web-listener", {"loadBalancerArn": "arn-alb", "protocol": "HTTP", "port": 80.0,
                                                       "defaultActions": [{"type": "forward", "targetGroupArn": "arn-web"}]},
          {"loadBalancerArn": "alb", "defaultActions": "web-tg"})
    return b


def nat_outside_the_program(b):
    b = mutate(b, "private-b-default", ROUTE, natGatewayId="nat-0123456789abcdef0")
    return relink(b, "private-b-default", ROUTE, "natGatewayId", [])


def transit_gateway(b):
    b = mutate(b, "private-b-default", ROUTE, natGatewayId=None, transitGatewayId="tgw-0123456789abcdef0")
    return relink(b, "private-b-default", ROUTE, "natGatewayId", [])


SCENARIOS = [
    *(
        pytest.param(case[0] if isinstance(case, tuple) else case, id=f"{module.RULE_ID} {outcome}: {title}")
        for module in (ne001, ne002)
        for outcome, cases in module.CASES.items()
        for title, case in cases.items()
    ),
    pytest.param(nat_outside_the_program, id="NAT outside the program"),
    pytest.param(transit_gateway, id="transit gateway (not judged)"),
]


@pytest.mark.parametrize("base", [pytest.param(BASE, id="no service in the private subnets"), pytest.param(served(BASE), id="a service in them")])
@pytest.mark.parametrize("mutation", SCENARIOS)
def test_egress_rule_scenarios_give_one_answer(mutation, base):
    graph = from_capture(mutation(base).graph())
    assert egress_verdict(simulate(graph)) == egress_rules_verdict(graph)


def web_rows(b):
    radius = simulate(from_capture(served(b).graph())).to_json()
    return [(z["zone"], s["status"], s["egress"]) for z in radius["zones"] for s in z["services"] if s["name"] == "alb"]


def test_a_service_behind_another_zones_nat_is_degraded_when_that_zone_goes_dark():
    assert web_rows(ne001.nat_b_via_a(BASE)) == [("eu-west-3a", "degraded", False), ("eu-west-3b", "serves", True)]


def test_a_nat_outside_the_program_is_unknown_not_cut():
    assert web_rows(nat_outside_the_program(BASE)) == [("eu-west-3a", "unknown", "unknown"), ("eu-west-3b", "serves", True)]


def test_a_route_the_rules_do_not_judge_is_not_a_cut():
    # A transit-gateway route is neither an internet gateway nor a NAT: no zone loss is known to cut it.
    assert web_rows(transit_gateway(BASE)) == [("eu-west-3a", "serves", True), ("eu-west-3b", "serves", True)]


def test_private_subnets_outside_the_services_lose_egress_as_a_network_row():
    radius = simulate(from_capture(ne001.nat_b_via_a(BASE).graph())).to_json()
    rows = {(z["zone"], s["name"], s["kind"], s["status"], s["egress"], s["via"]) for z in radius["zones"] for s in z["services"] if s["kind"] == "network"}
    assert rows == {("eu-west-3a", "vpc", "network", "degraded", False, "private subnets outside the services; egress cut: NAT gateway nat-a (eu-west-3a) dark")}
    assert radius["verdict"] == "degraded"


# --- the example stacks and their single faults ----------------------------------------------

EGRESS_VARIANTS = {
    "video-one-zonal-nat": ("video-frankfurt", ["egress=zonal", "natZones=1"]),
    "video-cross-az-route": ("video-frankfurt", ["egress=zonal", "natZones=2"]),
    "video-nat-per-az": ("video-frankfurt", ["egress=zonal"]),
    "video-nat-zones-without-zonal-egress": ("video-frankfurt", ["natZones=1"]),
}
EGRESS_FAULTS = {"one-nat", "cross-az-route", "video-one-zonal-nat", "video-cross-az-route"}
CASES = (
    [("example", stack, []) for stack in ("crm-paris", "video-frankfurt")]
    + [(name, stack, overrides) for name, (stack, overrides, _) in sorted(VARIANTS.items())]
    + [(name, stack, overrides) for name, (stack, overrides) in sorted(EGRESS_VARIANTS.items())]
)


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("case", "stack", "overrides"), CASES, ids=[c[0] for c in CASES])
def test_blast_radius_and_egress_rules_give_one_answer(case, stack, overrides, preview):
    graph = from_capture(graph_of(ROOT, stack, preview=preview, overrides=overrides))
    radius = simulate(graph)
    assert egress_verdict(radius) == egress_rules_verdict(graph) == ("fail" if case in EGRESS_FAULTS else "pass")
    cut = {s.status for zone in radius.zones for s in zone.services if s.egress is False}
    if case in EGRESS_FAULTS:
        assert (cut, radius.verdict) == ({"degraded"}, "degraded")  # the only fault: every service still serves
    else:
        assert cut == set()


CRM_SITE_A = "load balancer in eu-west-3b, eu-west-3c; database: failover to reader in eu-west-3b"
CRM_DR_SITE_A = "load balancer in eu-west-1b, eu-west-1c; database: failover to reader in eu-west-1b"


def test_cli_one_nat_is_degraded_exit_1(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["blast-radius", "--stack", "crm-paris", "--config", "natZones=1", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "degraded"
    statuses = [(z["zone"], z["status"], [(s["name"], s["status"], s["egress"]) for s in z["services"]]) for z in data["zones"]]
    serving = [("crm", "serves", True), ("crm-dr", "serves", True), ("crm.stayup.example.com", "serves", True)]
    assert statuses == [
        ("eu-west-1a", "degraded", [("crm", "serves", True), ("crm-dr", "degraded", False), ("crm.stayup.example.com", "serves", True)]),
        ("eu-west-1b", "survives", serving),
        ("eu-west-1c", "survives", serving),
        ("eu-west-3a", "degraded", [("crm", "degraded", False), ("crm-dr", "serves", True), ("crm.stayup.example.com", "serves", True)]),
        ("eu-west-3b", "survives", serving),
        ("eu-west-3c", "survives", serving),
    ]
    cut = {(z["zone"], s["name"], s["via"]) for z in data["zones"] for s in z["services"] if s["egress"] is False}
    assert cut == {
        ("eu-west-1a", "crm-dr", f"{CRM_DR_SITE_A}; egress cut: NAT gateway crm-dr-net-nat-a (eu-west-1a) dark"),
        ("eu-west-3a", "crm", f"{CRM_SITE_A}; egress cut: NAT gateway crm-net-nat-a (eu-west-3a) dark"),
    }
    assert main(["blast-radius", "--stack", "crm-paris", "--config", "natZones=1"]) == 1
    text = capsys.readouterr().out
    assert text.startswith("stayup blast-radius · crm-paris · DEGRADED\n")
    assert [line.split()[:5] for line in text.splitlines() if "egress NO" in line] == [["crm-dr", "web", "degraded", "egress", "NO"], ["crm", "web", "degraded", "egress", "NO"]]


def test_cli_zonal_nats_of_the_video_stack_cut_private_subnets_no_service_uses(capsys, monkeypatch):
    # The relays sit in public subnets; NE001/NE002 still fail the private ones, and so does this.
    monkeypatch.chdir(ROOT)
    assert main(["blast-radius", "--stack", "video-frankfurt", "--config", "egress=zonal", "--config", "natZones=1", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["verdict"], [(z["zone"], z["status"]) for z in data["zones"]]) == (
        "degraded",
        [("eu-central-1a", "degraded"), ("eu-central-1b", "survives"), ("eu-central-1c", "survives"),
         ("eu-west-1a", "degraded"), ("eu-west-1b", "survives"), ("eu-west-1c", "survives")],
    )
    rows = {(z["zone"], s["name"], s["kind"], s["status"], s["egress"], s["via"]) for z in data["zones"] for s in z["services"] if s["status"] != "serves"}
    assert rows == {
        ("eu-central-1a", "video-net", "network", "degraded", False, "private subnets outside the services; egress cut: NAT gateway video-net-nat-a (eu-central-1a) dark"),
        ("eu-west-1a", "video-dr-net", "network", "degraded", False, "private subnets outside the services; egress cut: NAT gateway video-dr-net-nat-a (eu-west-1a) dark"),
    }


# --- a single-AZ database ---------------------------------------------------------------------


def test_cli_single_az_database_reads_down_never_zero_to_zero(capsys):
    program = PROGRAMS / "real" / "rds_single_az"
    assert main(["blast-radius", "--project", str(program), "--stack", "dev", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    via = "database: single-AZ, placed by AWS in one of eu-west-3a, eu-west-3b: taken to be the dark one"
    assert (data["verdict"], [(z["zone"], z["status"], [(s["name"], s["status"], s["capacity_before"], s["capacity_after"], s["via"]) for s in z["services"]]) for z in data["zones"]]) == (
        "fail",
        [("eu-west-3a", "down", [("db", "down", None, None, via)]), ("eu-west-3b", "down", [("db", "down", None, None, via)])],
    )
    assert main(["blast-radius", "--project", str(program), "--stack", "dev"]) == 1
    text = capsys.readouterr().out
    rows = [line.split()[:3] for line in text.splitlines() if line.strip().startswith("db ")]
    assert rows == [["db", "database", "down"]] * 2
    assert " -> " not in text


def lone_database(b):
    return mutate(b, "db", DB, multiAz=False)


def db_rows(b):
    radius = simulate(from_capture(b.graph())).to_json()
    return [(z["zone"], s["status"], s["via"]) for z in radius["zones"] for s in z["services"] if s["name"] == "db"]


def test_single_az_database_in_a_known_subnet_group_is_down_with_either_zone():
    via = "database: single-AZ, placed by AWS in one of eu-west-3a, eu-west-3b: taken to be the dark one"
    assert db_rows(lone_database(BASE)) == [("eu-west-3a", "down", via), ("eu-west-3b", "down", via)]


def test_single_az_database_with_a_subnet_of_unknown_zone_is_unknown_elsewhere():
    b = mutate(lone_database(BASE), "private-b", SUBNET, availabilityZone=UNKNOWN)
    assert db_rows(b) == [
        ("eu-west-3a", "down", "database: single-AZ, placed by AWS in one of eu-west-3a: taken to be the dark one"),
        ("eu-west-3b", "unknown", "database: single-AZ, placed by AWS in one of eu-west-3a or an AZ not known"),
    ]


def test_multi_az_database_still_serves():
    assert {status for _, status, _ in db_rows(BASE)} == {"serves"}
