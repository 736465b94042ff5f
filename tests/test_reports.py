"""PR-gate reports: SARIF 2.1.0 (schema-valid, real program lines), JUnit, Markdown + Mermaid."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from conftest import PROGRAMS, ROOT
from stayup.policies.cli import main

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
WEAK = PROGRAMS / "weak_egress"


def check(capsys, *argv):
    code = main(["check", *argv])
    return code, capsys.readouterr().out


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize("preview", [[], ["--preview"]], ids=["update", "preview"])
def test_sarif_valid_and_points_at_program_lines(capsys, preview):
    code, out = check(capsys, "--project", str(WEAK), "--stack", "dev", "--format", "sarif", *preview)
    sarif = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert code == 1
    located = {
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in sarif["runs"][0]["results"]
    }
    main_py = "tests/programs/weak_egress/__main__.py"
    assert located == {
        ("NE001", "error", main_py, line_of(WEAK / "__main__.py", 'Subnet("private-b"')),
        ("NE002", "error", main_py, line_of(WEAK / "__main__.py", 'Vpc("main"')),
    }
    driver = sarif["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]][:2] == ["DR001", "HC001"]
    assert all(r["ruleIndex"] == [d["id"] for d in driver["rules"]].index(r["ruleId"]) for r in sarif["runs"][0]["results"])


def test_sarif_fingerprints_stable_across_runs_and_modes(capsys):
    prints = []
    for preview in ([], ["--preview"], []):
        _, out = check(capsys, "--project", str(WEAK), "--stack", "dev", "--format", "sarif", *preview)
        prints.append(sorted(r["partialFingerprints"]["stayupFinding/v1"] for r in json.loads(out)["runs"][0]["results"]))
    assert prints[0] == prints[1] == prints[2] and len(set(prints[0])) == 2


def test_sarif_of_passing_stack_is_valid_and_empty(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out = check(capsys, "--stack", "video-frankfurt", "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert (code, sarif["runs"][0]["results"]) == (0, [])


def test_junit_counts_match_json(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    faults = ["--config", "natZones=1", "--config", "crmAsgHealthCheck=EC2"]
    _, json_out = check(capsys, "--stack", "crm-paris", *faults, "--format", "json")
    _, xml_out = check(capsys, "--stack", "crm-paris", *faults, "--format", "junit")
    report = json.loads(json_out)
    root = ET.fromstring(xml_out)
    (suite,) = root.findall("testsuite")
    failed = {case.get("name").split()[0]: case.find("failure") for case in suite.findall("testcase") if case.find("failure") is not None}
    # RT001 too: egress through the one NAT's AZ never recovers within the stack's 180 s RTO.
    assert sorted(failed) == sorted({v["rule"] for v in report["violations"]}) == ["HC003", "NE001", "NE002", "RT001"]
    assert sum(len(f.text.splitlines()) for f in failed.values()) == len(report["violations"]) == 9
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("21", "4", "0")  # one test case per rule
    assert root.get("failures") == "4"


def test_markdown_has_verdict_table_and_mermaid(capsys):
    _, out = check(capsys, "--project", str(WEAK), "--stack", "dev", "--format", "markdown")
    assert out.startswith("## stayup · `dev` · FAIL\n")
    assert "| Rule | Outcome | Enforcement | Resource | Where | Message |" in out
    assert "| NE001 private-egress-in-own-zone | violation | mandatory | private-b | `__main__.py:14` |" in out
    block = out.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("flowchart TB\n")
    assert '["⚠ subnet private-b"]:::weak' in block  # kind and name, "private" said once
    assert 'subgraph r0z1["eu-west-3b"]\n      direction TB\n' in block  # AZ columns side by side in their region


def test_all_stacks_markdown(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out = check(capsys, "--all", "--format", "markdown")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("## ")] == ["## stayup · `crm-paris` · PASS", "## stayup · `video-frankfurt` · PASS"]
    assert out.count("```mermaid") == 2
