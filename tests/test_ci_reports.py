"""What a CI job needs around the verdict (issue 31): a stack that cannot be checked is in every
report and on stderr; several reports from one run; `--version`; `stayup rules`; messages by name
in the program's language with the rules' outcomes listed; a baseline of accepted findings."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import jsonschema
import pytest
import tomllib
from conftest import PROGRAMS, ROOT
from stayup.policies.cli import main
from stayup.policies.reports import readable
from stayup.policies.reports.sarif import fingerprint
from stayup.policies.rules import RULES

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
WEAK = PROGRAMS / "weak_egress"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
NE001_URN = "urn:pulumi:dev::weak-egress::pulumi:pulumi:Stack$aws:ec2/subnet:Subnet::private-b"
NE002_URN = "urn:pulumi:dev::weak-egress::pulumi:pulumi:Stack$aws:ec2/vpc:Vpc::main"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def broken_project(tmp_path):
    """A passing stack `dev` and a stack `broken` whose config names no AWS region."""
    project = tmp_path / "project"
    shutil.copytree(PROGRAMS / "separate_routes", project)
    (project / "Pulumi.broken.yaml").write_text("config:\n  aws:region: nowhere-1\n")
    return project


def broken_error(project) -> str:
    return (f"{project / 'Pulumi.broken.yaml'}: config.aws:region: unknown AWS region 'nowhere-1' "
            "(stayup knows the 38 regions of the aws, aws-us-gov and aws-cn partitions)")


# 1. Errors are findings too.


def test_a_stack_that_cannot_be_checked_is_in_every_report_and_on_stderr(capsys, tmp_path, broken_project):
    reports = {fmt: tmp_path / f"report.{fmt}" for fmt in ("sarif", "junit", "json", "markdown", "text")}
    argv = ["check", "--project", str(broken_project), "--all", "--format", "json"]
    argv += [arg for fmt, path in reports.items() for arg in ("--report", f"{fmt}={path}")]
    code, out, err = run(capsys, *argv)
    error = broken_error(broken_project)
    assert (code, err) == (2, f"stayup: error: broken: {error}\n")

    sarif = json.loads(reports["sarif"].read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert sarif["runs"][0]["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [{"level": "error", "message": {"text": f"[broken] {error}"}, "properties": {"stack": "broken", "exit": 2}}],
        }
    ]
    assert sarif["runs"][0]["results"] == []

    suites = {s.get("name"): s for s in ET.fromstring(reports["junit"].read_text()).findall("testsuite")}
    (case,) = suites["broken"].findall("testcase")
    assert (case.get("name"), case.find("error").get("message"), case.find("error").text) == ("stack", error, error)
    assert (suites["dev"].get("errors"), suites["dev"].get("failures")) == ("0", "0")

    assert json.loads(out) == json.loads(reports["json"].read_text())
    assert json.loads(out)["stacks"][0] == {"stack": "broken", "verdict": "error", "error": error, "exit": 2}
    markdown = reports["markdown"].read_text().splitlines()
    assert markdown[:3] == ["## stayup · `broken` · ERROR", "", error.replace("_", "\\_")]
    assert reports["text"].read_text().splitlines()[:2] == ["stayup check · broken · ERROR", f"  {error}"]


@pytest.mark.parametrize("fmt", ["sarif", "json", "junit", "markdown"])
def test_one_stack_that_cannot_be_checked_still_writes_the_machine_formats(capsys, broken_project, fmt):
    code, out, err = run(capsys, "check", "--project", str(broken_project), "--stack", "broken", "--format", fmt)
    error = broken_error(broken_project)
    assert (code, err) == (2, f"stayup: error: {error}\n")
    if fmt == "sarif":
        sarif = json.loads(out)
        jsonschema.Draft4Validator(SCHEMA).validate(sarif)
        (invocation,) = sarif["runs"][0]["invocations"]
        assert (invocation["executionSuccessful"], [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]) == (False, [f"[broken] {error}"])
    elif fmt == "json":
        assert json.loads(out) == {"stack": "broken", "verdict": "error", "error": error, "exit": 2}
    elif fmt == "junit":
        (suite,) = ET.fromstring(out).findall("testsuite")
        assert (suite.get("errors"), suite.find("testcase/error").get("message")) == ("1", error)
    else:
        assert out.splitlines()[0] == "## stayup · `broken` · ERROR"


def test_one_stack_that_cannot_be_checked_in_text_is_the_one_line_on_stderr(capsys, broken_project):
    code, out, err = run(capsys, "check", "--project", str(broken_project), "--stack", "broken")
    assert (code, out, err) == (2, "", f"stayup: error: {broken_error(broken_project)}\n")


def test_a_passing_sarif_run_has_no_failed_invocation(capsys, broken_project):
    code, out, err = run(capsys, "check", "--project", str(broken_project), "--stack", "dev", "--format", "sarif")
    assert (code, err, "invocations" in json.loads(out)["runs"][0]) == (0, "", False)


# 2. --version, --report, rules.


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert (exc.value.code, capsys.readouterr().out) == (0, f"stayup {VERSION}\n")


def test_several_reports_from_one_run_while_stdout_keeps_its_format(capsys, tmp_path):
    sarif_path, junit_path, md_path = tmp_path / "a.sarif", tmp_path / "a.xml", tmp_path / "a.md"
    code, out, err = run(
        capsys, "check", "--project", str(WEAK), "--stack", "dev", "--format", "json",
        "--report", f"sarif={sarif_path}", "--report", f"junit={junit_path}", "--report", f"markdown={md_path}",
    )
    assert (code, err) == (1, "")
    assert [(v["rule"], v["urn"]) for v in json.loads(out)["violations"]] == [("NE001", NE001_URN), ("NE002", NE002_URN)]
    sarif = json.loads(sarif_path.read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["NE001", "NE002"]
    (suite,) = ET.fromstring(junit_path.read_text()).findall("testsuite")
    assert sorted(c.get("name").split()[0] for c in suite.findall("testcase") if c.find("failure") is not None) == ["NE001", "NE002"]
    assert md_path.read_text().startswith("## stayup · `dev` · FAIL\n")


@pytest.mark.parametrize("spec", ["pdf=out.pdf", "sarif", "sarif="])
def test_a_bad_report_spec_is_one_line(capsys, spec):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--project", str(WEAK), "--stack", "dev", "--report", spec])
    assert (exc.value.code, capsys.readouterr().err) == (
        2,
        f"stayup: error: argument --report: expected FORMAT=PATH with FORMAT one of text, json, sarif, junit, markdown, github, got {spec!r} (see `stayup check --help`)\n",
    )


def test_rules_lists_id_name_family_enforcement_and_doc(capsys):
    code, out, err = run(capsys, "rules", "--format", "json", "--docs-url", "https://example.com/stayup/docs/rules.md")
    listed = json.loads(out)
    assert (code, err) == (0, "")
    assert [r["id"] for r in listed] == [r.id for r in RULES]
    assert listed[0] == {
        "id": "DR001",
        "name": "availability-meets-slo",
        "family": "disaster recovery",
        "enforcement": "mandatory",
        "severity": RULES[0].severity,
        "doc": "https://example.com/stayup/docs/rules.md#dr001-availability-meets-slo",
    }


def test_rules_shows_the_enforcement_the_policy_config_sets(capsys, tmp_path):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"availability-meets-slo": "advisory", "tier-spans-power-zones": "disabled"}))
    code, out, _ = run(capsys, "rules", "--format", "json", "--policy-config", str(config))
    enforcement = {r["id"]: r["enforcement"] for r in json.loads(out)}
    assert (code, enforcement["DR001"], enforcement["PZ001"], enforcement["NE001"]) == (0, "advisory", "disabled", "mandatory")


def test_rules_text_is_one_aligned_line_per_rule_when_it_fits(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsys, "rules")
    lines = out.splitlines()
    assert (code, len(lines)) == (0, len(RULES))
    assert lines[0] == "DR001  availability-meets-slo              disaster recovery       mandatory  docs/rules.md#dr001-availability-meets-slo"


def test_sarif_help_links_are_absolute_under_the_docs_url(capsys):
    _, out, _ = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--format", "sarif", "--docs-url", "https://github.com/acme/stayup/blob/v1/docs/rules.md")
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["NE001"]["helpUri"] == "https://github.com/acme/stayup/blob/v1/docs/rules.md#ne001-private-egress-in-own-zone"
    assert rules["NE001"]["help"]["markdown"].endswith("See [NE001](https://github.com/acme/stayup/blob/v1/docs/rules.md#ne001-private-egress-in-own-zone).")


# 4. Messages by name, in the program's language; which rules passed and which did not apply.


def test_json_messages_name_resources_in_python_spelling_and_list_rule_outcomes(capsys):
    code, out, _ = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--format", "json")
    report = json.loads(out)
    ne001 = report["violations"][0]
    assert (code, ne001["urn"], ne001["attribute"]) == (1, NE001_URN, "natGatewayId")
    assert ne001["message"] == (
        "Violation: private subnet in eu-west-3b sends 0.0.0.0/0 through NAT gateway nat in eu-west-3a: its internet egress dies "
        "with another power zone (private-b, `nat_gateway_id`). Fix: give eu-west-3b its own NAT gateway and this subnet a route "
        "table whose default route points at it (it now uses route table private), or use a regional NAT gateway."
    )
    applicable = {"NE001", "NE002", "NE003"}
    assert report["rules"] == {
        "passed": ["NE003"],
        "failed": ["NE001", "NE002"],
        "unknown": [],
        "suppressed": [],
        "not_applicable": [r.id for r in RULES if r.id not in applicable],
        "disabled": [],
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("python", "Violation: no standby (db, `multi_az`). Fix: set multi_az or use aliases.evaluate_target_health."),
        ("nodejs", "Violation: no standby (db, `multiAz`). Fix: set multiAz or use aliases.evaluateTargetHealth."),
        (None, "Violation: no standby (db, `multiAz`). Fix: set multiAz or use aliases.evaluateTargetHealth."),
    ],
)
def test_messages_speak_the_programs_language(language, expected):
    message = "Violation: no standby (urn:pulumi:dev::p::aws:rds/instance:Instance::db, `multiAz`). Fix: set multiAz or use aliases.evaluateTargetHealth."
    assert readable(message, language) == expected


def test_text_messages_carry_no_urn(capsys):
    _, out, _ = run(capsys, "check", "--project", str(WEAK), "--stack", "dev")
    assert "urn:pulumi:" not in out


# 5. Baseline.


def test_write_baseline_accepts_every_current_finding(capsys, tmp_path):
    baseline = tmp_path / "baseline.json"
    code, out, err = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--format", "json", "--write-baseline", str(baseline))
    assert json.loads(baseline.read_text()) == {
        "stayup-baseline": 1,
        "findings": [
            {"fingerprint": fingerprint("dev", "NE001", NE001_URN), "stack": "dev", "rule": "NE001", "urn": NE001_URN},
            {"fingerprint": fingerprint("dev", "NE002", NE002_URN), "stack": "dev", "rule": "NE002", "urn": NE002_URN},
        ],
    }
    report = json.loads(out)
    assert (code, err, report["verdict"], report["violations"]) == (0, "", "pass", [])
    assert [(v["rule"], v["urn"]) for v in report["baseline"]["violations"]] == [("NE001", NE001_URN), ("NE002", NE002_URN)]


def test_baseline_fails_only_on_new_findings(capsys, tmp_path):
    baseline = tmp_path / "baseline.json"
    accepted = {"fingerprint": fingerprint("dev", "NE002", NE002_URN), "stack": "dev", "rule": "NE002", "urn": NE002_URN}
    baseline.write_text(json.dumps({"stayup-baseline": 1, "findings": [accepted]}))
    code, out, _ = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--format", "sarif", "--baseline", str(baseline))
    sarif = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert code == 1
    assert sorted((r["ruleId"], r["baselineState"]) for r in sarif["runs"][0]["results"]) == [("NE001", "new"), ("NE002", "unchanged")]
    code, out, _ = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--baseline", str(baseline))
    lines = out.splitlines()
    assert (code, lines[0]) == (1, "stayup check · dev (project weak-egress, update, inprocess) · FAIL")
    assert f"  accepted by the baseline {baseline} (not counted): NE002 main" in lines


def test_baseline_of_every_finding_passes(capsys, tmp_path):
    baseline = tmp_path / "baseline.json"
    run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--write-baseline", str(baseline))
    code, out, _ = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--format", "json", "--baseline", str(baseline))
    report = json.loads(out)
    assert (code, report["verdict"], report["rules"]["failed"], report["rules"]["baselined"]) == (0, "pass", [], ["NE001", "NE002"])


def test_junit_shows_what_the_baseline_accepted(capsys, tmp_path):
    baseline = tmp_path / "baseline.json"
    accepted = {"fingerprint": fingerprint("dev", "NE002", NE002_URN), "stack": "dev", "rule": "NE002", "urn": NE002_URN}
    baseline.write_text(json.dumps({"stayup-baseline": 1, "findings": [accepted]}))
    code, out, _ = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--format", "junit", "--baseline", str(baseline))
    suite = ET.fromstring(out).find("testsuite")
    outcomes = {case.get("name").split()[0]: [(child.tag, child.get("message")) for child in case] for case in suite}
    assert code == 1
    assert {rule: found for rule, found in outcomes.items() if found} == {
        "NE001": [("failure", "1 violation(s)")],
        "NE002": [("skipped", f"1 finding(s) accepted by the baseline {baseline}")],
    }
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "1")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ('{"findings": []}', "not a stayup baseline (version 1): write one with --write-baseline"),
        ('{"stayup-baseline": 1, "findings": [{"rule": "NE001"}]}', "not a stayup baseline (version 1): write one with --write-baseline"),
    ],
    ids=["missing", "not-json", "no-version", "no-fingerprint"],
)
def test_a_bad_baseline_is_one_line_exit_2(capsys, tmp_path, content, message):
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content)
    code, out, err = run(capsys, "check", "--project", str(WEAK), "--stack", "dev", "--baseline", str(baseline))
    assert (code, out, err) == (2, "", f"stayup: error: {baseline}: --baseline: {message}\n")
