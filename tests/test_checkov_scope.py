"""`stayup checkov` judges the checked project with its own suppressions only: its `.checkov.yaml`
`skip-check` (checkov's convention) and its policy config, never the skips of stayup's own stacks
(the repository root's `.checkov.yaml`), even when run from stayup's repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import PROGRAMS, ROOT
from stayup.policies import checkov_door
from stayup.policies.cli import main

pytestmark = pytest.mark.slow  # runs checkov: `make test` runs it, `make test-fast` does not

WEB = PROGRAMS / "real" / "asg_web"
# checkov's built-in failures on the ALB + ASG program; the two marked were hidden in every project
# by the suppression file of stayup's own stacks.
WEB_FAILURES = {
    ("CKV2_AWS_11", "aws_vpc.web"),
    ("CKV2_AWS_12", "aws_vpc.web"),
    ("CKV2_AWS_20", "aws_lb.web"),
    ("CKV2_AWS_28", "aws_lb.web"),  # WAF: was hidden
    ("CKV_AWS_103", "aws_lb_listener.web"),
    ("CKV_AWS_131", "aws_lb.web"),
    ("CKV_AWS_150", "aws_lb.web"),
    ("CKV_AWS_153", "aws_autoscaling_group.web"),
    ("CKV_AWS_2", "aws_lb_listener.web"),
    ("CKV_AWS_79", "aws_launch_template.web"),
    ("CKV_AWS_91", "aws_lb.web"),  # access logs: was hidden
}
STAYUP_SKIPS = {"CKV_AWS_260", "CKV2_AWS_28", "CKV_AWS_91", "CKV2_AWS_8", "CKV2_AWS_27", "CKV2_AWS_38", "CKV2_AWS_39", "CKV2_AWS_30", "CKV_AWS_152"}


def web_project(tmp_path):
    project = tmp_path / "web"
    project.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        shutil.copy(WEB / name, project / name)
    return project


def checkov_json(capsys, project, stack="dev"):
    code = main(["checkov", "--project", str(project), "--stack", stack, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_another_project_is_judged_with_its_own_skips_only(capsys, monkeypatch, tmp_path):
    project = web_project(tmp_path)
    # Run from stayup's repository: neither stayup nor checkov may apply its root .checkov.yaml.
    monkeypatch.chdir(ROOT)
    code, report = checkov_json(capsys, project)
    assert (code, {(f["check"], f["resource"]) for f in report["failed"]}, report["suppressed"]) == (1, WEB_FAILURES, {})
    (project / ".checkov.yaml").write_text("framework: terraform\nskip-check:\n  - CKV2_AWS_28\n  - CKV_AWS_91\n")
    code, report = checkov_json(capsys, project)
    reason = f"skip-check in {project / '.checkov.yaml'}"
    assert (code, {(f["check"], f["resource"]) for f in report["failed"]}, report["suppressed"]) == (
        1,
        WEB_FAILURES - {("CKV2_AWS_28", "aws_lb.web"), ("CKV_AWS_91", "aws_lb.web")},
        {"CKV2_AWS_28": reason, "CKV_AWS_91": reason},
    )


def test_stayups_own_stacks_keep_their_reviewed_skips(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the project's file is read, not the working directory's
    code, report = checkov_json(capsys, ROOT, "crm-paris")
    assert (code, report["failed"], set(report["suppressed"])) == (0, [], STAYUP_SKIPS)


def test_the_repository_root_holds_the_example_stacks_skips():
    assert checkov_door.load_suppressions(ROOT) == dict.fromkeys(STAYUP_SKIPS, f"skip-check in {ROOT / '.checkov.yaml'}")


def test_the_policy_package_ships_no_suppressions():
    assert sorted(p.name for p in checkov_door.HERE.glob("*suppress*")) == []


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("list", "skip-check:\n  - CKV_AWS_91\n  - CKV2_AWS_*\n", {"CKV_AWS_91", "CKV2_AWS_*"}),
        ("string split on commas", "skip-check: CKV_AWS_91, CKV2_AWS_28\n", {"CKV_AWS_91", "CKV2_AWS_28"}),
        ("one-item list split on commas", "skip-check:\n  - CKV_AWS_91,CKV2_AWS_28\n", {"CKV_AWS_91", "CKV2_AWS_28"}),
        ("other settings only", "framework: terraform\ncompact: true\n", set()),
        ("empty file", "", set()),
    ],
)
def test_skip_check_is_read_as_checkov_reads_it(tmp_path, name, text, expected):
    (tmp_path / ".checkov.yaml").write_text(text)
    assert set(checkov_door.load_suppressions(tmp_path)) == expected


def test_a_yml_file_is_read_too(tmp_path):
    (tmp_path / ".checkov.yml").write_text("skip-check: [CKV_AWS_91]\n")
    assert checkov_door.load_suppressions(tmp_path) == {"CKV_AWS_91": f"skip-check in {tmp_path / '.checkov.yml'}"}


def test_no_checkov_file_skips_nothing(tmp_path):
    assert checkov_door.load_suppressions(tmp_path) == {}


BAD = {
    "not a list": (".checkov.yaml", "skip-check: 7\n", "skip-check: expected a list of checkov check IDs"),
    "a severity": (".checkov.yaml", "skip-check:\n  - CKV_AWS_91\n  - LOW\n",
                   "skip-check[1]: not a checkov check ID or ID pattern: 'LOW' (severities and path patterns are not applied)"),
    "not a string": (".checkov.yaml", "skip-check:\n  - CKV_AWS_91\n  - {id: CKV_AWS_2}\n", "skip-check[1]: expected a checkov check ID, got {'id': 'CKV_AWS_2'}"),
    "stayup's own rule": (".checkov.yaml", "skip-check:\n  - NE001\n  - CKV_AWS_91\n",
                          "skip-check[0]: NE001 skips stayup's own rules: suppress their findings in the policy config, with a reason"),
    "a pattern over stayup's rules": (".checkov.yml", "skip-check: CKV_AWS_91,NE*\n",
                                      "skip-check: NE* skips stayup's own rules: suppress their findings in the policy config, with a reason"),
    "not a mapping": (".checkov.yaml", "- CKV_AWS_91\n", "expected a mapping of checkov settings"),
    "duplicate key": (".checkov.yaml", "skip-check: [CKV_AWS_91]\nskip-check: [CKV_AWS_2]\n", "malformed YAML at line 2: duplicate key 'skip-check'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_checkov_file_is_exit_2_naming_file_and_key(capsys, tmp_path, case):
    name, text, message = BAD[case]
    project = web_project(tmp_path)
    (project / name).write_text(text)
    # Refused before the program runs or checkov starts.
    assert main(["checkov", "--project", str(project), "--stack", "dev"]) == 2
    assert capsys.readouterr() == ("", f"stayup: error: {project / name}: {message}\n")


def test_both_checkov_files_are_refused(capsys, tmp_path):
    project = web_project(tmp_path)
    (project / ".checkov.yaml").write_text("skip-check: [CKV_AWS_91]\n")
    (project / ".checkov.yml").write_text("skip-check: [CKV_AWS_2]\n")
    assert main(["checkov", "--project", str(project), "--stack", "dev"]) == 2
    assert capsys.readouterr().err == f"stayup: error: {project / '.checkov.yml'}: .checkov.yaml and .checkov.yml both exist (checkov would read both): keep one\n"


def test_a_directory_named_like_the_file_is_refused(capsys, tmp_path):
    project = web_project(tmp_path)
    (project / ".checkov.yaml").mkdir()
    assert main(["checkov", "--project", str(project), "--stack", "dev"]) == 2
    assert capsys.readouterr().err == f"stayup: error: {project / '.checkov.yaml'}: is a directory, not a file\n"


def test_checkov_says_what_it_is_doing_when_asked(capsys, tmp_path):
    """Progress on stderr (forced here; on a terminal by default): the program, then checkov."""
    project = web_project(tmp_path)
    code = main(["checkov", "--project", str(project), "--stack", "dev", "--format", "json", "--progress"])
    captured = capsys.readouterr()
    graph = json.loads(subprocess.run([sys.executable, "-m", "stayup.policies", "graph", "--project", str(project), "--stack", "dev"],
                                      check=True, capture_output=True, text=True).stdout)
    assert code == 1
    assert captured.err == (
        "stayup: running the program of stack dev\n"
        f"stayup: running checkov on {len(graph['resources'])} resources (its start alone takes a few seconds)\n"
    )
