"""Unknown stays unknown through `apply`, and a secret stays secret through lookups.

Expected, written before the programs first ran:
- unanswered_apply: the SSM parameter and the stack reference are unanswered. The SDK runs no
  apply on them, so the program does not crash on `int(...)`; web's size and api's subnets are
  unknown → SS001 web, PZ001 api, SS001 api unknown; both callbacks are named as never run; exit 4.
  With the answers file (size 1; api on one subnet in eu-west-3a): SS001 web, PZ001 api and
  SS001 api fail; exit 1.
- secret_lookups: a stack reference output the program wraps in a secret, and a secret tag value,
  are passed to lookups: neither value appears in any output; the lookups' records read [secret].
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import PROGRAMS, ROOT

UNANSWERED, SECRETS = PROGRAMS / "unanswered_apply", PROGRAMS / "secret_lookups"
ASG = "aws:autoscaling/group:Group"


def stayup(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run([sys.executable, "-m", "stayup.policies", *args], check=False, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def typed(entries: list[dict]) -> list[tuple[str, str, str]]:
    return sorted((e["rule"], e["urn"].split("::")[-2].split("$")[-1], e["urn"].rsplit("::", 1)[-1]) for e in entries)


def test_an_apply_on_an_unanswered_lookup_never_runs_and_the_verdict_is_unknown():
    result = stayup("check", "--project", str(UNANSWERED), "--stack", "dev", "--format", "json")
    assert (result.returncode, result.stderr) == (4, "")
    report = json.loads(result.stdout)
    assert report["verdict"] == "unknown"
    assert report["violations"] == []
    assert typed(report["unknown"]) == [("PZ001", ASG, "api"), ("SS001", ASG, "api"), ("SS001", ASG, "web")]
    # The two callbacks the SDK never ran, named where the program wrote them.
    assert sorted((p["source"]["file"], p["source"]["line"]) for p in report["partial"]) == [("__main__.py", 6), ("__main__.py", 8)]


def test_the_same_program_with_answers_is_decided():
    result = stayup("check", "--project", str(UNANSWERED), "--stack", "dev", "--format", "json", "--answers", str(UNANSWERED / "answers.yaml"))
    assert (result.returncode, result.stderr) == (1, "")
    report = json.loads(result.stdout)
    assert typed(report["violations"]) == [("PZ001", ASG, "api"), ("SS001", ASG, "api"), ("SS001", ASG, "web")]
    assert (report["unknown"], report.get("partial")) == ([], None)


@pytest.mark.parametrize("command", [["graph"], ["check", "--format", "json"], ["check", "--format", "sarif"], ["check", "--format", "markdown"]])
def test_secrets_passed_to_lookups_are_never_printed(command):
    result = stayup(*command, "--project", str(SECRETS), "--stack", "dev", "--answers", str(SECRETS / "answers.yaml"))
    assert result.returncode in (0, 4), result.stderr
    for text in (result.stdout, result.stderr):
        assert "hunter2" not in text and "topsecret" not in text
    if command == ["graph"]:
        invokes = {i["token"]: i for i in json.loads(result.stdout)["invokes"]}
        assert invokes["aws:ec2/getVpc:getVpc"]["args"] == {"tags": "[secret]"}
        assert invokes["aws:ec2/getSubnets:getSubnets"]["args"] == {"filters": "[secret]"}
        assert invokes["pulumi:pulumi:StackReference"]["result"] == {"vpc_name": "[secret]"}


def test_instances_on_subnets_pinned_in_answers_are_placed():
    """Expected: both servers behind the target group are in eu-west-3a (answers) → PZ004 and
    SS002 fail on the target group; nothing unknown."""
    project = PROGRAMS / "pinned_instances"
    result = stayup("check", "--project", str(project), "--stack", "dev", "--format", "json", "--answers", str(project / "answers.yaml"))
    assert (result.returncode, result.stderr) == (1, "")
    report = json.loads(result.stdout)
    group = "aws:lb/targetGroup:TargetGroup"
    assert typed(report["violations"]) == [("PZ004", group, "web"), ("SS002", group, "web")]
    assert report["unknown"] == []
