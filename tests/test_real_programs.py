"""Programs written the way teams write Pulumi Python (tests/programs/real/): brownfield lookups,
StackReferences, loops over AZs, the main route table, ECS, EKS, Lambda in a VPC, DNS-validated
certificates, prints, explicit providers in two regions. Each is checked in update and preview
mode (and with its answers file where it has one) against verdicts written before it first ran.
"""

from __future__ import annotations

import json

import pytest
from conftest import PROGRAMS, outcomes
from stayup.policies.cli import main

pytestmark = pytest.mark.slow  # runs stayup on each program, in update and preview mode: `make test` runs it, `make test-fast` does not

REAL = PROGRAMS / "real"
PASS: set = set()

# "program[:stack]": {mode: (exit code, {(rule, resource name, outcome)})}; mode "answers" = with answers.yaml
EXPECTED = {
    "brownfield_lookup": {
        "update": (4, {("PZ001", "app", "unknown")}),
        "preview": (4, {("PZ001", "app", "unknown")}),
        "answers": (0, PASS),
        "answers-preview": (0, PASS),
    },
    "stack_reference": {
        "update": (4, {("PZ001", "worker", "unknown"), ("SS001", "worker", "unknown")}),
        "preview": (4, {("PZ001", "worker", "unknown"), ("SS001", "worker", "unknown")}),
        "answers": (0, PASS),
        "answers-preview": (0, PASS),
    },
    "azs_loop": {"update": (0, PASS), "preview": (0, PASS)},
    "azs_loop:single-nat": {
        "update": (1, {("NE001", "private-eu-west-3b", "fail"), ("NE001", "private-eu-west-3c", "fail"), ("NE002", "main", "fail")}),
        "preview": (1, {("NE001", "private-eu-west-3b", "fail"), ("NE001", "private-eu-west-3c", "fail"), ("NE002", "main", "fail")}),
    },
    "main_route_table": {
        "update": (1, {("NE001", "app-eu-west-3b", "fail"), ("NE002", "core", "fail")}),
        "preview": (1, {("NE001", "app-eu-west-3b", "fail"), ("NE002", "core", "fail")}),
    },
    "default_route_table": {
        "update": (1, {("NE001", "app-eu-west-3b", "fail"), ("NE002", "core", "fail")}),
        "preview": (1, {("NE001", "app-eu-west-3b", "fail"), ("NE002", "core", "fail")}),
    },
    "apply_subset": {"update": (1, {("PZ001", "web", "fail")}), "preview": (4, {("PZ001", "web", "unknown")})},
    "ecs_fargate": {"update": (0, PASS), "preview": (0, PASS)},
    "ecs_fargate:single-task": {"update": (1, {("SS001", "svc", "fail")}), "preview": (1, {("SS001", "svc", "fail")})},
    "eks_nodegroup": {"update": (0, PASS), "preview": (0, PASS)},
    "lambda_in_vpc": {"update": (0, PASS), "preview": (0, PASS)},
    "acm_dns_validation": {"update": (0, PASS), "preview": (0, PASS)},
    "prints": {"update": (0, PASS), "preview": (0, PASS)},
    "two_regions": {"update": (0, PASS), "preview": (0, PASS)},
    "two_regions:same-region": {"update": (1, {("DR001", "www-primary", "fail")}), "preview": (1, {("DR001", "www-primary", "fail")})},
    "asg_web": {"update": (0, PASS), "preview": (0, PASS)},
    "asg_web:ec2-checks": {"update": (1, {("HC003", "web", "fail")}), "preview": (1, {("HC003", "web", "fail")})},
    "aurora_cluster": {"update": (0, PASS), "preview": (0, PASS)},
    "aurora_cluster:one-instance": {"update": (1, {("PZ002", "orders", "fail")}), "preview": (1, {("PZ002", "orders", "fail")})},
    "rds_single_az": {"update": (1, {("PZ002", "db", "fail")}), "preview": (1, {("PZ002", "db", "fail")})},
}
UNANSWERED = {
    "brownfield_lookup": ["aws:ec2/getSubnets:getSubnets", "aws:ec2/getVpc:getVpc"],
    "stack_reference": ["pulumi:pulumi:StackReference"],
    "acm_dns_validation": ["aws:route53/getZone:getZone"],
}
CASES = [(program, mode) for program, modes in EXPECTED.items() for mode in modes]


@pytest.mark.parametrize(("program", "mode"), CASES, ids=[f"{p}-{m}" for p, m in CASES])
def test_real_program(capsys, program, mode):
    directory, _, stack = program.partition(":")
    argv = ["check", "--project", str(REAL / directory), "--stack", stack or "dev", "--format", "json"]
    if "preview" in mode:
        argv.append("--preview")
    if mode.startswith("answers"):
        argv += ["--answers", str(REAL / program / "answers.yaml")]
    code = main(argv)
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (code, outcomes(report)) == EXPECTED[program][mode], captured.err
    expected_unanswered = [] if mode.startswith("answers") else UNANSWERED.get(program, [])
    assert sorted(u["token"] for u in report["unanswered"]) == expected_unanswered


def test_program_output_goes_to_stderr_prefixed(capsys):
    main(["check", "--project", str(REAL / "prints"), "--stack", "dev"])
    err = capsys.readouterr().err.splitlines()
    assert "dev | building the web tier" in err
    assert {"dev | subnet in eu-west-3a", "dev | subnet in eu-west-3b"} <= set(err)


def test_an_answers_file_with_one_zone_makes_the_verdict_exact(capsys, tmp_path):
    answers = (REAL / "brownfield_lookup" / "answers.yaml").read_text().replace("availabilityZone: eu-west-3b", "availabilityZone: eu-west-3a")
    (tmp_path / "answers.yaml").write_text(answers)
    code = main(["check", "--project", str(REAL / "brownfield_lookup"), "--stack", "dev", "--format", "json", "--answers", str(tmp_path / "answers.yaml")])
    assert (code, outcomes(json.loads(capsys.readouterr().out))) == (1, {("PZ001", "app", "fail")})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("invokes: {}\n", "invokes: expected a list of {token, args, result}"),
        ("invokes:\n  - token: getVpc\n    result: {}\n", "invokes[0].token: expected an invoke token such as aws:ec2/getSubnets:getSubnets, got 'getVpc'"),
        ("existing:\n  - {type: aws:ec2/subnet:Subnet}\n", "existing[0]: expected {type, id, properties}"),
        ("stackrefs: {}\n", "stackrefs: unknown key (known: invokes, existing, stackReferences)"),
        ("invokes: [\n", "malformed YAML at line 2: expected the node content, but found '<stream end>'"),
    ],
    ids=["invokes-not-a-list", "bad-token", "existing-without-id", "unknown-key", "malformed"],
)
def test_a_bad_answers_file_is_one_line_naming_file_and_key(capsys, tmp_path, text, expected):
    path = tmp_path / "answers.yaml"
    path.write_text(text)
    code = main(["check", "--project", str(REAL / "brownfield_lookup"), "--stack", "dev", "--answers", str(path)])
    assert (code, capsys.readouterr().err) == (2, f"stayup: error: {path}: {expected}\n")


def test_unanswered_lookups_reach_every_report_format(capsys):
    import xml.etree.ElementTree as ET

    import jsonschema
    from conftest import ROOT

    project = ["--project", str(REAL / "brownfield_lookup"), "--stack", "dev"]
    main(["check", *project, "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())).validate(sarif)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert sorted(n["message"]["text"].split()[3].rstrip(":") for n in notes) == ["aws:ec2/getSubnets:getSubnets", "aws:ec2/getVpc:getVpc"]
    assert {n["locations"][0]["physicalLocation"]["region"]["startLine"] for n in notes} == {6, 7}
    main(["check", *project, "--format", "junit"])
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert sorted(p.get("value") for p in suite.find("properties")) == ["aws:ec2/getSubnets:getSubnets at __main__.py:7", "aws:ec2/getVpc:getVpc at __main__.py:6"]
    main(["check", *project, "--format", "markdown"])
    assert "Unanswered lookups (what depends on them is unknown; pin them with `--answers`): `aws:ec2/getSubnets:getSubnets` (`__main__.py:7`), `aws:ec2/getVpc:getVpc` (`__main__.py:6`)" in capsys.readouterr().out
    main(["check", *project])
    assert "  unanswered lookups (what depends on them is unknown; see --answers): aws:ec2/getSubnets:getSubnets (__main__.py:7), aws:ec2/getVpc:getVpc (__main__.py:6)" in capsys.readouterr().out.splitlines()
