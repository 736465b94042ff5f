"""AZ power-loss simulation: exact outcomes for the example stacks and single-fault variants."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, graph_of
from stayup.policies.availability import budget
from stayup.policies.blast import simulate
from stayup.policies.cli import main
from stayup.policies.model import from_capture

PARIS = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
IRELAND = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


def run(stack, overrides=(), zones_down=1):
    return simulate(from_capture(graph_of(ROOT, stack, overrides=overrides)), zones_down=zones_down).to_json()


def scenario(result, zone):
    (found,) = [z for z in result["zones"] if z["zone"] == zone]
    return found


def recoveries(zone_result):
    """Takes each service's recovery out of the zone's JSON: (outcome, seconds_min, seconds_max,
    dominant, [(step, resource, state, own min, own max, after, ends min, ends max, detail)])."""
    found = []
    for service in zone_result["services"]:
        r = service.pop("recovery")
        steps = [(s["step"], s["resource"], s["state"], s["seconds_min"], s["seconds_max"], s["after"], s["ends_min"], s["ends_max"], s["detail"]) for s in r["steps"]]
        found.append((service["name"], r["outcome"], r["seconds_min"], r["seconds_max"], r["dominant"], steps))
    return found


ALB_DNS = "its node in {} leaves DNS once the AZ's targets are unhealthy, then clients' caches expire (60 s TTL)"
CRM_A = [
    ("target health", "crm-app", "known", 15, 25, None, 15, 25, "10 s × 2 misses + 5 s timeout"),
    ("load balancer DNS", "crm-alb", "known", 60, 60, "target health crm-app", 75, 85, ALB_DNS.format("eu-west-3a")),
    ("database failover", "crm-db", "known", 30, 120, None, 30, 120, "Aurora promotes the reader in eu-west-3b"),
]
VIDEO_B = [
    ("target health", "video-turn", "known", 20, 30, None, 20, 30, "10 s × 2 misses + 10 s timeout"),
    ("target health", "video-turns", "known", 20, 30, None, 20, 30, "10 s × 2 misses + 10 s timeout"),
    ("load balancer DNS", "video-nlb", "known", 60, 60, "target health video-turn", 80, 90, ALB_DNS.format("eu-central-1b")),
]


@pytest.mark.parametrize("stack", ["crm-paris", "video-frankfurt"])
def test_every_single_zone_loss_leaves_every_service_serving(stack):
    result = run(stack)
    assert len(result["zones"]) == 6
    assert [(z["zone"], z["survives"], {s["serves"] for s in z["services"]}) for z in result["zones"]] == [
        (z["zone"], True, {True}) for z in result["zones"]
    ]


def test_crm_paris_zone_a_exact():
    """Expected before the first run: the ALB's targets are found unhealthy after 10 s x 2 misses +
    5 s timeout (15–25 s), then its dark node leaves DNS and the 60 s TTL runs out (75–85 s); Aurora
    promotes the reader in 3b in 30–120 s; the failover name follows its primary."""
    zone = scenario(run("crm-paris"), "eu-west-3a")
    assert recoveries(zone) == [
        ("crm", "recovers", 75, 120, "database failover crm-db", CRM_A),
        ("crm-dr", "recovers", 0, 0, None, []),
        ("crm.stayup.example.com", "recovers", 75, 120, "database failover crm-db", CRM_A),
    ]
    assert zone == {
        "zone": "eu-west-3a",
        "status": "survives",
        "survives": True,
        "services": [
            {"name": "crm", "kind": "web", "status": "serves", "capacity_before": 3, "capacity_after": 2, "baseline": 2, "peak": 2, "serves": True, "egress": True,
             "via": "load balancer in eu-west-3b, eu-west-3c; database: failover to reader in eu-west-3b"},
            {"name": "crm-dr", "kind": "web", "status": "serves", "capacity_before": 3, "capacity_after": 3, "baseline": 2, "peak": 2, "serves": True, "egress": True,
             "via": "load balancer in eu-west-1a, eu-west-1b, eu-west-1c; database: writer in eu-west-1a"},
            {"name": "crm.stayup.example.com", "kind": "dns", "status": "serves", "capacity_before": None, "capacity_after": None, "baseline": None, "peak": None,
             "serves": True, "egress": True, "via": "primary (crm)"},
        ],
    }


def test_video_zone_b_exact():
    """Expected before the first run: both NLB target groups check TCP every 10 s, 2 misses, with
    the API's 10 s TCP timeout (20–30 s), then the dark node leaves DNS: 80–90 s; no database."""
    zone = scenario(run("video-frankfurt"), "eu-central-1b")
    assert recoveries(zone) == [
        ("video-dr", "recovers", 0, 0, None, []),
        ("video", "recovers", 80, 90, "load balancer DNS video-nlb", VIDEO_B),
        ("turn.stayup.example.com", "recovers", 80, 90, "load balancer DNS video-nlb", VIDEO_B),
    ]
    services = zone["services"]
    assert services == [
        {"name": "video-dr", "kind": "relay", "status": "serves", "capacity_before": 3, "capacity_after": 3, "baseline": 2, "peak": 2, "serves": True, "egress": True,
         "via": "load balancer in eu-west-1a, eu-west-1b, eu-west-1c"},
        {"name": "video", "kind": "relay", "status": "serves", "capacity_before": 3, "capacity_after": 2, "baseline": 2, "peak": 2, "serves": True, "egress": True,
         "via": "load balancer in eu-central-1a, eu-central-1c"},
        {"name": "turn.stayup.example.com", "kind": "dns", "status": "serves", "capacity_before": None, "capacity_after": None, "baseline": None, "peak": None,
         "serves": True, "egress": True, "via": "primary (video)"},
    ]


def test_single_az_database_stops_the_service_and_dns_fails_over():
    result = run("crm-paris", ("databaseMultiAz=false",))
    dark_a = scenario(result, "eu-west-3a")
    crm = dark_a["services"][0]
    assert (crm["name"], crm["serves"], crm["via"]) == ("crm", False, "load balancer in eu-west-3b, eu-west-3c; database: every instance in eu-west-3a is dark")
    assert (dark_a["survives"], dark_a["services"][2]["serves"], dark_a["services"][2]["via"]) == (False, True, "failover to secondary (crm-dr)")
    assert [z["zone"] for z in result["zones"] if not z["survives"]] == ["eu-west-1a", "eu-west-3a"]


def test_one_nat_loses_egress_of_the_other_zones():
    result = run("crm-paris", ("natZones=1",))
    assert [(z["zone"], z["services"][0]["egress"], z["services"][1]["egress"]) for z in result["zones"]] == [
        ("eu-west-1a", True, False),
        ("eu-west-1b", True, True),
        ("eu-west-1c", True, True),
        ("eu-west-3a", False, True),
        ("eu-west-3b", True, True),
        ("eu-west-3c", True, True),
    ]


def test_capacity_not_statically_stable_falls_below_baseline():
    """SS001 fails this stack (2 left after losing an AZ, peak 4): the blast radius says degraded."""
    result = run("crm-paris", ("crmPeakInstances=4", "crmInstancesPerZone=1"))
    dark_c = scenario(result, "eu-west-3c")
    crm = dark_c["services"][0]
    assert (crm["capacity_before"], crm["capacity_after"], crm["baseline"], crm["serves"], crm["status"]) == (3, 2, 4, True, "degraded")
    assert (dark_c["status"], dark_c["survives"], result["verdict"]) == ("degraded", False, "degraded")


def test_two_zones_down_pairs_within_each_region():
    result = run("video-frankfurt", zones_down=2)
    assert [z["zone"] for z in result["zones"]] == [
        "eu-central-1a + eu-central-1b", "eu-central-1a + eu-central-1c", "eu-central-1b + eu-central-1c",
        "eu-west-1a + eu-west-1b", "eu-west-1a + eu-west-1c", "eu-west-1b + eu-west-1c",
    ]
    first = result["zones"][0]["services"]
    assert [(s["name"], s["capacity_after"], s["serves"]) for s in first] == [("video-dr", 3, True), ("video", 1, True), ("turn.stayup.example.com", None, True)]


def test_availability_estimates_show_their_arithmetic():
    (crm,) = [e.to_json() for e in budget(from_capture(graph_of(ROOT, "crm-paris")))]
    assert (crm["name"], crm["availability"], crm["downtime_minutes_per_year"]) == ("crm.stayup.example.com", 99.999991, 0.05)
    assert crm["arithmetic"] == (
        "1 − ∏(1 − site) over [crm: ELB 99.99 % × EC2 across AZs 99.99 % × Aurora Multi-AZ 99.99 % = 99.9700 %] ‖ "
        "[crm-dr: ELB 99.99 % × EC2 across AZs 99.99 % × Aurora Multi-AZ 99.99 % = 99.9700 %], × Route 53 100 %"
    )
    (single,) = [e.to_json() for e in budget(from_capture(graph_of(ROOT, "video-frankfurt", overrides=("secondary=none",))))]
    assert (single["availability"], single["arithmetic"]) == (99.980001, "video: ELB 99.99 % × EC2 across AZs 99.99 % (no health-checked second site)")


def test_cli_formats_and_sla_override(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    sla = tmp_path / "sla.yaml"
    sla.write_text("elb: 99.9\n")
    assert main(["blast-radius", "--stack", "video-frankfurt", "--format", "json", "--sla", str(sla)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["stack"], len(data["zones"]), data["availability"][0]["availability"]) == ("video-frankfurt", 6, 99.999879)
    assert main(["blast-radius", "--stack", "crm-paris", "--config", "databaseMultiAz=false", "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("## Power-zone loss · `crm-paris` · FAIL\n") and "```mermaid\nflowchart TB\n" in out
    assert "| eu-west-3a | down | crm | down | yes | 3 → 2 | 2 |" in out
    sla.write_text("elb: 120\n")
    assert main(["blast-radius", "--stack", "crm-paris", "--sla", str(sla)]) == 2
    assert capsys.readouterr().err == f"stayup: error: {sla}: elb: expected a percentage in (0, 100], got 120\n"
