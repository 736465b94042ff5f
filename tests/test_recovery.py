"""Recovery time per zone loss, on tests/programs/recovery (plain pulumi_aws, one service per recovery
step; its docstring has the expected seconds, written before the first run): exact seconds for every
service and AZ, the `--recovery` file, the downtime budget in every blast-radius format, and RT001
pass/fail pairs on both engines and on a `--state` export."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import PROGRAMS, ROOT, graph_of, outcomes
from stayup.policies.blast import simulate
from stayup.policies.check import check_graph
from stayup.policies.cli import main
from stayup.policies.model import from_capture
from stayup.policies.settings import load_settings

sys.path.insert(0, str(ROOT / "tests" / "bench"))
from synthetic import deployment_of

LAB = PROGRAMS / "recovery"
A, B, C = "eu-west-3a", "eu-west-3b", "eu-west-3c"
ZERO = ("recovers", 0, 0)

# (zone, service) -> (outcome, seconds_min, seconds_max), as the program's docstring works them out.
EXPECTED = {
    **{(z, "fast"): ("recovers", 67, 72) for z in (A, B, C)},
    **{(z, "slow"): ("recovers", 126, 156) for z in (A, B, C)},
    **{(z, "tcp"): ("recovers", 100, 130) for z in (A, B, C)},
    (A, "aurora"): ("recovers", 30, 120), (B, "aurora"): ZERO, (C, "aurora"): ZERO,
    (A, "single"): ("down", None, None), (B, "single"): ZERO, (C, "single"): ZERO,
    **{(z, "rds"): ("recovers", 60, 120) for z in (A, B, C)},
    (A, "cache"): ("recovers", 3, 180), (B, "cache"): ZERO, (C, "cache"): ZERO,
    (A, "fast.lab.test"): ("recovers", 82, 92), (B, "fast.lab.test"): ZERO, (C, "fast.lab.test"): ZERO,
    (A, "standard.lab.test"): ("recovers", 150, 180), (B, "standard.lab.test"): ZERO, (C, "standard.lab.test"): ZERO,
    **{(z, "short"): ("unknown", None, None) for z in (A, B, C)},
    # The failover names' sites, judged through the names: solo (one instance in a), backup (b, c).
    (A, "solo"): ("down", None, None), (B, "solo"): ZERO, (C, "solo"): ZERO,
    (A, "backup"): ZERO, (B, "backup"): ("recovers", 80, 90), (C, "backup"): ("recovers", 80, 90),
}


def figures(radius) -> dict[tuple[str, str], tuple]:
    found = {}
    for loss in radius.zones:
        for service in loss.services:
            shown = service.recovery.to_json()
            found[(loss.zone, service.name)] = (shown["outcome"], shown["seconds_min"], shown["seconds_max"])
    return found


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_every_step_in_exact_seconds(preview):
    assert figures(simulate(from_capture(graph_of(LAB, preview=preview)))) == EXPECTED


def test_each_step_names_its_resource_seconds_and_source():
    radius = simulate(from_capture(graph_of(LAB)))
    dark_a = {s.name: s.recovery.to_json() for s in radius.zones[0].services}
    slow = [(s["step"], s["resource"], s["seconds_min"], s["seconds_max"], s["after"], s["detail"], s["sources"]) for s in dark_a["slow"]["steps"]]
    assert slow == [
        ("target health", "slow", 66, 96, None, "30 s × 3 misses + 6 s timeout", [
            "Health checks for Application Load Balancer target groups, User Guide for Application Load Balancers "
            "<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html>",
            "CreateTargetGroup, Elastic Load Balancing API Reference <https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html>",
            "aws.lb.TargetGroup, Pulumi Registry (pulumi-aws 7): healthCheck <https://www.pulumi.com/registry/packages/aws/api-docs/lb/targetgroup/>",
            "Health checks for Network Load Balancer target groups, User Guide for Network Load Balancers "
            "<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html>",
        ]),
        ("load balancer DNS", "slow", 60, 60, "target health slow",
         "its node in eu-west-3a leaves DNS once the AZ's targets are unhealthy, then clients' caches expire (60 s TTL)", [
             "Target group health, User Guide for Application Load Balancers <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health.html>",
             "Health checks for Network Load Balancer target groups, User Guide for Network Load Balancers "
             "<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html>",
             "How Elastic Load Balancing works, Elastic Load Balancing User Guide <https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html>",
         ]),
    ]
    standard = [(s["step"], s["resource"], s["state"], s["seconds_min"], s["seconds_max"], s["ends_min"], s["ends_max"], s["detail"]) for s in dark_a["standard.lab.test"]["steps"]]
    assert standard == [
        ("DNS failover", "standard", "known", 90, 120, 90, 120, "TCP every 30 s after each answer, 3 misses of 10 s"),
        ("DNS TTL", "standard-primary", "known", 60, 60, 150, 180, "alias to a load balancer: its 60 s TTL"),
    ]
    assert (dark_a["single"]["outcome"], dark_a["single"]["seconds_max"], [s["state"] for s in dark_a["single"]["steps"]]) == ("down", None, ["never"])
    assert dark_a["short"]["dominant"] == "capacity short" and dark_a["short"]["steps"][-1]["detail"] == (
        "replacements serve after launch + 60 s grace; AWS publishes no launch time (give ec2_launch in --recovery)"
    )


def test_a_capacity_short_group_with_a_launch_time_recovers_in_exact_seconds():
    """With `ec2_launch: 90`: replacements launch at once and serve after 90 + 60 s grace = 150 s,
    after the target health (15–25 s) and DNS (75–85 s) steps."""
    radius = simulate(from_capture(graph_of(LAB)), recovery={"ec2_launch": 90})
    assert {k: v for k, v in figures(radius).items() if k[1] == "short"} == {(z, "short"): ("recovers", 150, 150) for z in (A, B, C)}


def test_two_zones_down_carries_recovery_per_pair():
    """Losing a and b: both cache nodes and both Aurora instances are dark (down); `fast` keeps one of
    three instances, below its baseline of 2, so it waits for replacements (launch time not known,
    then 90 + 60 s with `ec2_launch: 90`); the RDS standby takes over as for one AZ."""
    ab = "eu-west-3a + eu-west-3b"
    found = figures(simulate(from_capture(graph_of(LAB)), zones_down=2))
    assert (found[(ab, "cache")], found[(ab, "aurora")], found[(ab, "fast")], found[(ab, "rds")]) == (
        ("down", None, None), ("down", None, None), ("unknown", None, None), ("recovers", 60, 120)
    )
    assert figures(simulate(from_capture(graph_of(LAB)), zones_down=2, recovery={"ec2_launch": 90}))[(ab, "fast")] == ("recovers", 150, 150)


# --- RT001 pass/fail pairs: the program's `fast` service, 67–72 s ------------------------------

PAIRS = [pytest.param("80", 0, set(), id="RTO 80 s: pass"), pytest.param("70", 1, {("RT001", "fast", "fail")}, id="RTO 70 s: fail")]
FAST = "urn:pulumi:dev::recovery-lab::pulumi:pulumi:Stack$aws:lb/loadBalancer:LoadBalancer::fast"


@pytest.mark.parametrize("engine", ["inprocess", "crossguard"])
@pytest.mark.parametrize(("rto", "code", "expected"), PAIRS)
def test_rto_pairs_on_both_engines(rto, code, expected, engine):
    report = check_graph(graph_of(LAB, overrides=("parts=fast", f"rto={rto}")), settings=load_settings({}), engine=engine)
    assert (report.exit_code, outcomes(report.to_json())) == (code, expected)
    if expected:
        (violation,) = report.violations
        assert violation.message.startswith(f"Violation: after losing {A}, fast serves again after 67–72 s, above the declared RTO of 70 s; the longest path: "
                                            "target health on fast: 7–12 s (5 s × 2 misses + 2 s timeout), then load balancer DNS on fast: 60 s")
        assert violation.urn == FAST


@pytest.mark.parametrize("engine", ["inprocess", "crossguard"])
@pytest.mark.parametrize(("rto", "code", "expected"), PAIRS)
def test_rto_pairs_on_a_state_export(capsys, tmp_path, rto, code, expected, engine):
    path = tmp_path / "lab.json"
    path.write_text(json.dumps(deployment_of(graph_of(LAB, overrides=("parts=fast", f"rto={rto}")))))
    found = main(["check", "--state", str(path), "--format", "json", "--engine", engine])
    captured = capsys.readouterr()
    assert (found, captured.err, outcomes(json.loads(captured.out))) == (code, "", expected)


# --- the --recovery file and the reports -------------------------------------------------------


def test_recovery_file_reaches_blast_radius_and_check(capsys, tmp_path):
    """One program run each: `ec2_launch: 90` gives the short group 150 s in the blast radius and
    lets RT001 decide it (150 s > 120 s: fail) where it was unknown."""
    recovery = tmp_path / "recovery.yaml"
    recovery.write_text("ec2_launch: 90\n")
    project = ["--project", str(LAB), "--stack", "dev", "--config", "parts=short", "--config", "rto=120"]
    assert main(["blast-radius", *project, "--recovery", str(recovery), "--format", "json"]) == 1  # degraded
    data = json.loads(capsys.readouterr().out)
    assert [(z["zone"], s["recovery"]["outcome"], s["recovery"]["seconds_max"]) for z in data["zones"] for s in z["services"]] == [(z, "recovers", 150) for z in (A, B, C)]
    assert main(["check", *project, "--format", "json"]) == 1  # SS001 fails; RT001 unknown without a launch time
    assert outcomes(json.loads(capsys.readouterr().out)) == {("SS001", "short", "fail"), ("RT001", "short", "unknown")}
    assert main(["check", *project, "--recovery", str(recovery), "--format", "json"]) == 1
    assert outcomes(json.loads(capsys.readouterr().out)) == {("SS001", "short", "fail"), ("RT001", "short", "fail")}


BAD = {
    "negative": ("aurora_failover_max: -1\n", "aurora_failover_max: expected a number of seconds from 0 to 86400, got -1"),
    "unknown key": ("elb_ttl: 30\n", "elb_ttl: unknown recovery constant (known: " + ", ".join(__import__("stayup.policies.recovery", fromlist=["x"]).BY_KEY) + ")"),
    "min above max": ("rds_multi_az_min: 200\n", "rds_multi_az_min: rds_multi_az_min (200) is above rds_multi_az_max (120)"),
    "threshold not whole": ("route53_failure_threshold: 2.5\n", "route53_failure_threshold: expected a whole number of checks from 1 to 10, got 2.5"),
    "not a mapping": ("- 1\n", "expected a mapping of recovery constants to seconds"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_recovery_file_is_one_line_naming_file_and_key(capsys, tmp_path, case):
    text, said = BAD[case]
    path = tmp_path / "recovery.yaml"
    path.write_text(text)
    for argv in (["blast-radius", "--stack", "nope"], ["check", "--stack", "nope"]):
        assert main([*argv, "--project", str(LAB), "--recovery", str(path)]) == 2
        assert capsys.readouterr().err == f"stayup: error: {path}: {said}\n"


@pytest.mark.parametrize("engine", ["inprocess", "crossguard"])
@pytest.mark.parametrize("given", ["--recovery", "policy config"])
def test_recovery_reaches_rt001_on_both_engines_from_a_file_or_the_policy_config(capsys, tmp_path, engine, given):
    """What `pulumi up --policy-pack-config` reads (the policy config) decides RT001 as the
    `--recovery` file does: `ec2_launch: 90` makes the short group's 150 s a failure."""
    if given == "--recovery":
        (tmp_path / "recovery.yaml").write_text("ec2_launch: 90\n")
        extra = ["--recovery", str(tmp_path / "recovery.yaml")]
    else:
        (tmp_path / "policy.json").write_text(json.dumps({"recovery-time-meets-rto": {"recovery": {"ec2_launch": 90}}}))
        extra = ["--policy-config", str(tmp_path / "policy.json")]
    argv = ["check", "--project", str(LAB), "--stack", "dev", "--config", "parts=short", "--config", "rto=120", "--format", "json", "--engine", engine]
    assert main([*argv, *extra]) == 1
    assert outcomes(json.loads(capsys.readouterr().out)) == {("SS001", "short", "fail"), ("RT001", "short", "fail")}


@pytest.mark.parametrize(
    ("recovery", "key", "said"),
    [
        ({"rds_multi_az_min": 200}, "recovery-time-meets-rto.recovery.rds_multi_az_min", "rds_multi_az_min (200) is above rds_multi_az_max (120)"),
        ({"ec2_launch": -1}, "recovery-time-meets-rto.recovery.ec2_launch", "-1 is less than the minimum of 0"),
        ({"elb_ttl": 30}, "recovery-time-meets-rto.recovery", "Additional properties are not allowed ('elb_ttl' was unexpected)"),
    ],
    ids=["min above max", "negative", "unknown key"],
)
def test_a_bad_recovery_setting_in_the_policy_config_is_one_line(capsys, tmp_path, recovery, key, said):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"recovery-time-meets-rto": {"recovery": recovery}}))
    assert main(["check", "--project", str(LAB), "--stack", "nope", "--policy-config", str(path)]) == 2
    assert capsys.readouterr().err == f"stayup: error: {path}: {key}: {said}\n"


def test_a_recovery_file_is_checked_together_with_the_policy_configs_setting(capsys, tmp_path):
    (tmp_path / "policy.json").write_text(json.dumps({"recovery-time-meets-rto": {"recovery": {"aurora_failover_min": 100}}}))
    (tmp_path / "recovery.yaml").write_text("aurora_failover_max: 90\n")
    argv = ["check", "--project", str(LAB), "--stack", "dev", "--policy-config", str(tmp_path / "policy.json"), "--recovery", str(tmp_path / "recovery.yaml")]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"stayup: error: {tmp_path / 'recovery.yaml'}: aurora_failover_min: aurora_failover_min (100) is above aurora_failover_max (90)\n"


def test_downtime_budget_and_recovery_in_every_blast_radius_format():
    """99.999 % is 315 s a year (365.25 days, rounded down); the worst loss of `fast` is 72 s: 4 of them."""
    from stayup.policies.availability import budget
    from stayup.policies.reports.json import blast_json
    from stayup.policies.reports.markdown import blast_markdown, check_markdown
    from stayup.policies.reports.text import blast_text

    graph = from_capture(graph_of(LAB, overrides=("parts=fast", "slo=99.999")))
    radius = simulate(graph)
    line = "99.999 % = 315 s/year: 4 losses of 72 s (worst: eu-west-3a, fast)"
    data = json.loads(blast_json(radius, budget(graph)))
    assert data["downtime_budget"] == {"slo": 99.999, "seconds_per_year": 315, "worst": {"zone": A, "service": "fast", "outcome": "recovers", "seconds_max": 72},
                                       "losses": 4, "shown": line}
    text = blast_text(radius, budget(graph))
    assert f"  downtime budget: {line}\n" in text
    assert text.count("\n      recovery 67–72 s: target health fast: 7–12 s (5 s × 2 misses + 2 s timeout); load balancer DNS fast: 67–72 s (") == 3
    markdown = blast_markdown(radius, budget(graph), graph)
    assert f"\nDowntime budget: {line}\n" in markdown
    assert "\n- eu-west-3b · fast: 67–72 s: target health fast: 7–12 s (5 s × 2 misses + 2 s timeout); load balancer DNS fast: 67–72 s (its node in eu-west-3b" in markdown
    report = check_graph(graph_of(LAB, overrides=("parts=fast", "slo=99.999")), settings=load_settings({}))
    pr = check_markdown([report])
    assert "\n- eu-west-3c: fast 67–72 s: load balancer DNS fast: 67–72 s (its node in eu-west-3c leaves DNS once the AZ's targets are unhealthy, then clients' caches expire (60 s TTL))\n" in pr
    assert f"\nDowntime budget: {line}\n" in pr


def test_the_example_stacks_meet_their_rto_with_these_figures():
    """The README's table: the CRM's worst loss (its Aurora writer's AZ) is 120 s against 180 s; the
    relay's 90 s against 100 s, and five nines allow 3 such losses a year."""
    rows = {}
    for stack in ("crm-paris", "video-frankfurt"):
        radius = simulate(from_capture(graph_of(ROOT, stack)))
        worst = max(((loss.zone, s) for loss in radius.zones for s in radius.served(loss)), key=lambda item: item[1].recovery.seconds[1])
        rows[stack] = (worst[0], worst[1].name, worst[1].recovery.shown(), worst[1].recovery.dominant.what, radius.budget.shown())
    assert rows == {
        "crm-paris": ("eu-west-3a", "crm.stayup.example.com", "75–120 s", "database failover", "99.99 % = 3155 s/year: 26 losses of 120 s (worst: eu-west-3a, crm.stayup.example.com)"),
        "video-frankfurt": ("eu-central-1a", "turn.stayup.example.com", "80–90 s", "load balancer DNS",
                            "99.999 % = 315 s/year: 3 losses of 90 s (worst: eu-central-1a, turn.stayup.example.com)"),
    }

