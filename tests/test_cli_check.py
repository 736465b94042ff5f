"""`stayup check`: verdicts, exit codes, JSON shape, text grouped by AZ, both engines."""

from __future__ import annotations

import json
import platform
import shutil
from importlib.metadata import version

import pytest
from conftest import PROGRAMS, ROOT
from stayup.policies.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("engine", ["inprocess", "crossguard"])
def test_example_stack_passes(capsys, monkeypatch, engine):
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "check", "--stack", "video-frankfurt", "--preview", "--engine", engine, "--format", "json")
    report = json.loads(out)
    assert (code, err, report["verdict"], report["violations"], report["unknown"], report["engine"]) == (0, "", "pass", [], [], engine)


def test_violation_exit_1_with_source_location(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "--stack", "crm-paris", "--config", "crmAsgHealthCheck=EC2", "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["verdict"] == "fail"
    assert [(v["rule"], v["urn"].rsplit("::", 1)[-1], v["enforcement"], v["file"]) for v in report["violations"]] == [
        ("HC003", "crm-app", "mandatory", "components/src/stayup/components/crm.py"),
        ("HC003", "crm-dr-app", "mandatory", "components/src/stayup/components/crm.py"),
    ]
    assert report["violations"][0]["message"].startswith("Violation: group behind a load balancer uses EC2 health checks")


def test_advisory_violation_does_not_fail(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"asg-uses-load-balancer-health": "advisory"}))
    code, out, _ = run(capsys, "check", "--stack", "crm-paris", "--config", "crmAsgHealthCheck=EC2", "--policy-config", str(config), "--format", "json")
    report = json.loads(out)
    assert (code, report["verdict"], {v["enforcement"] for v in report["violations"]}) == (0, "pass", {"advisory"})


def test_unknown_exit_4(capsys):
    # CrossGuard never sees invoke answers: the default-VPC subnets' AZs are unknown there.
    code, out, _ = run(capsys, "check", "--project", str(PROGRAMS / "default_vpc"), "--stack", "dev", "--format", "json", "--engine", "crossguard")
    report = json.loads(out)
    assert (code, report["verdict"], [(u["rule"], u["urn"].rsplit("::", 1)[-1]) for u in report["unknown"]]) == (4, "unknown", [("PZ001", "web"), ("SS001", "web")])


def test_default_vpc_subnets_from_a_lookup_are_placed_in_their_zones(capsys):
    code, out, _ = run(capsys, "check", "--project", str(PROGRAMS / "default_vpc"), "--stack", "dev", "--format", "json")
    report = json.loads(out)
    # us-east-1 has six AZs: a minimum of 2 leaves four of them empty.
    assert (code, [(v["rule"], v["urn"].rsplit("::", 1)[-1]) for v in report["violations"]], report["unknown"]) == (1, [("SS001", "web")], [])


def test_text_groups_by_zone_then_rule(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "--stack", "crm-paris", "--config", "natZones=2")
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == "stayup check · crm-paris (project stayup, update, inprocess) · FAIL"
    versions = f"python {platform.python_version()}, pulumi {version('pulumi')}, pulumi-aws {version('pulumi-aws')}"
    assert lines[2] == f"  program ran in virtualenv .venv (Pulumi.yaml runtime.options); {versions}"
    # region-wide: RT001 on the failover name (egress through another AZ's NAT never recovers).
    assert [line.strip() for line in lines if line.startswith("  ") and not line.startswith("   ")][2:] == ["eu-west-1c", "eu-west-3c", "region-wide"]
    assert sum(1 for line in lines if line.strip().startswith("FAIL       NE001 private-egress-in-own-zone")) == 2


def test_all_checks_every_stack_worst_exit(capsys, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROGRAMS / "separate_routes", project)
    (project / "Pulumi.broken.yaml").write_text("config:\n  aws:region: nowhere-1\n")
    code, out, _ = run(capsys, "check", "--project", str(project), "--all", "--format", "json")
    report = json.loads(out)
    assert code == 2
    assert [(s["stack"], s["verdict"]) for s in report["stacks"]] == [("broken", "error"), ("dev", "pass")]
    assert report["verdict"] == "error"


def test_stack_or_all_required(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    assert "check needs exactly one of --stack NAME, --all, --graph FILE or --state FILE" in capsys.readouterr().err


def test_invalid_policy_config_exit_2(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"tier-spans-power-zones": {"minZones": -1}}))
    code, out, err = run(capsys, "check", "--stack", "crm-paris", "--policy-config", str(config))
    assert (code, out, err) == (2, "", f"stayup: error: {config}: tier-spans-power-zones.minZones: -1 is less than the minimum of 2\n")


def test_a_kept_host_stopped_meanwhile_is_replaced(capsys):
    """Commands in this process share warm hosts (conftest's keep_hosts); one that was stopped
    since (an interrupted --all closes its pool) is never handed to the next command."""
    from stayup.policies import host

    assert host._KEPT is not None
    argv = ["check", "--project", str(PROGRAMS / "weak_egress"), "--stack", "dev", "--format", "json"]
    assert main(argv) == 1
    first = capsys.readouterr().out
    for pool in host._KEPT.values():
        pool.close()
    assert main(argv) == 1
    assert capsys.readouterr().out == first
