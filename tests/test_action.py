"""The composite GitHub Action (action.yml) that other repositories run with `uses:`: its steps lint
clean with actionlint, inputs reach scripts only through env (no script injection), and its check
script, run here with bash as the runner would, gives the documented outputs and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROGRAMS, ROOT
from test_workflow import actionlint

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_is_composite_with_the_documented_inputs_and_outputs():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {
        "project", "stacks", "format", "output", "install", "python",
        "policy-config", "answers", "baseline", "args", "docs-url", "summary", "annotations",
    }
    assert set(ACTION["outputs"]) == {"exit-code", "report"}
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], step["name"]  # inputs arrive as env variables only


def test_action_steps_pass_actionlint(tmp_path):
    """actionlint reads workflows, so the action's steps are linted inside one that declares the
    same inputs (workflow_call) and runs them."""
    inputs = {name: {"type": "string", "required": False, "default": spec.get("default", "")} for name, spec in ACTION["inputs"].items()}
    workflow = {
        "name": "action steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": [{"uses": "actions/checkout@v4"}, *ACTION["runs"]["steps"]]}},
    }
    path = tmp_path / "action-steps.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False))
    assert actionlint(path) == []


def test_a_workflow_using_the_action_passes_actionlint(tmp_path):
    path = tmp_path / "consumer.yml"
    path.write_text(
        "on: pull_request\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - id: stayup\n        uses: acme/stayup@v0.1.0\n        with:\n          project: infra\n          stacks: prod, staging\n          install: true\n"
        "          policy-config: infra/policy.json\n          answers: infra/answers.yaml\n          baseline: infra/stayup-baseline.json\n"
        "          args: --preview --timeout 600\n"
        "      - if: always()\n        run: echo \"${{ steps.stayup.outputs.exit-code }} ${{ steps.stayup.outputs.report }}\"\n"
    )
    assert actionlint(path) == []


def run_check_step(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str]:
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "check"]
    outputs = tmp_path / "github-output"
    outputs.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({"PROJECT": ".", "STACKS": "", "FORMAT": "sarif", "OUTPUT": "", "INSTALL": "false"})
    env.update({"POLICY_CONFIG": "", "ANSWERS": "", "BASELINE": "", "ARGS": "", "DOCS_URL": "", "SUMMARY": "true", "ANNOTATIONS": "false"})
    env.update({"ACTION_REPOSITORY": "", "ACTION_REF": ""})
    env.pop("GITHUB_STEP_SUMMARY", None)
    env.update({k.upper(): v for k, v in inputs.items()})
    env["GITHUB_OUTPUT"] = str(outputs)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # where `stayup` is installed
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return done.returncode, values, done.stdout + done.stderr


def test_check_step_named_stacks_as_json(tmp_path):
    code, outputs, _ = run_check_step(tmp_path, project=str(ROOT), stacks="crm-paris, video-frankfurt", format="json")
    assert (code, outputs) == (0, {"exit-code": "0", "report": "stayup.json"})
    report = json.loads((tmp_path / "stayup.json").read_text())
    assert [(s["stack"], s["verdict"]) for s in report["stacks"]] == [("crm-paris", "pass"), ("video-frankfurt", "pass")]


def test_check_step_every_stack_as_sarif_fails_on_a_violation(tmp_path):
    code, outputs, _ = run_check_step(tmp_path, project=str(PROGRAMS / "weak_egress"))
    assert (code, outputs) == (1, {"exit-code": "1", "report": "stayup.sarif"})
    sarif = json.loads((tmp_path / "stayup.sarif").read_text())
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["NE001", "NE002"]


@pytest.mark.parametrize("fmt", ["bogus", "sarif; rm -rf /"])
def test_check_step_rejects_an_unknown_format(tmp_path, fmt):
    code, outputs, printed = run_check_step(tmp_path, format=fmt)
    assert (code, outputs) == (2, {})
    assert printed == f"::error::format must be one of text, json, sarif, junit, markdown, github, got '{fmt}'\n"


def test_check_step_appends_the_markdown_report_to_the_job_summary(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    code, outputs, _ = run_check_step(tmp_path, project=str(PROGRAMS / "weak_egress"), github_step_summary=str(summary))
    assert (code, outputs) == (1, {"exit-code": "1", "report": "stayup.sarif"})
    lines = summary.read_text().splitlines()
    assert lines[:2] == ["earlier step", "## stayup · `dev` · FAIL"]
    assert "| NE001 private-egress-in-own-zone | violation | mandatory | private-b | `__main__.py:14` |" in "\n".join(lines)


def test_check_step_annotates_findings_at_their_lines(tmp_path):
    code, _, printed = run_check_step(tmp_path, project=str(PROGRAMS / "weak_egress"), annotations="true")
    annotations = [line.split("::", 2)[1] for line in printed.splitlines() if line.startswith("::")]
    assert code == 1
    assert annotations == [
        "error file=tests/programs/weak_egress/__main__.py,line=14,title=NE001 private-egress-in-own-zone [dev]",
        "error file=tests/programs/weak_egress/__main__.py,line=3,title=NE002 independent-egress-paths [dev]",
    ]


def test_check_step_passes_policy_config_baseline_and_args(tmp_path):
    project = str(PROGRAMS / "weak_egress")
    (tmp_path / "policy.json").write_text(json.dumps({"independent-egress-paths": "advisory"}))
    code, _, _ = run_check_step(tmp_path, project=project, format="json", args=f"--write-baseline {tmp_path / 'baseline.json'}")
    assert code == 0  # the baseline just written accepts every finding
    code, outputs, _ = run_check_step(tmp_path, project=project, format="json", baseline="baseline.json", policy_config="policy.json", args="--preview  --quiet")
    report = json.loads((tmp_path / "stayup.json").read_text())
    (stack,) = report["stacks"]
    assert (code, outputs["exit-code"], stack["preview"], stack["verdict"], stack["violations"]) == (0, "0", True, "pass", [])
    assert [(v["rule"], v["enforcement"]) for v in stack["baseline"]["violations"]] == [("NE001", "mandatory"), ("NE002", "advisory")]


def test_check_step_links_rule_help_to_the_actions_own_repository(tmp_path):
    code, _, _ = run_check_step(tmp_path, project=str(PROGRAMS / "weak_egress"), action_repository="acme/stayup", action_ref="v1.2.0", github_server_url="https://github.com")
    rules = {r["id"]: r for r in json.loads((tmp_path / "stayup.sarif").read_text())["runs"][0]["tool"]["driver"]["rules"]}
    assert (code, rules["NE001"]["helpUri"]) == (1, "https://github.com/acme/stayup/blob/v1.2.0/docs/rules.md#ne001-private-egress-in-own-zone")


def test_check_step_extra_args_are_never_run_by_the_shell(tmp_path):
    code, outputs, printed = run_check_step(tmp_path, project=str(PROGRAMS / "weak_egress"), args="$(touch pwned) ; touch pwned2")
    assert (code, outputs["exit-code"], (tmp_path / "pwned").exists(), (tmp_path / "pwned2").exists()) == (2, "2", False, False)
    assert printed.splitlines()[-1].startswith("stayup: error: unrecognized arguments: $(touch pwned) ; touch pwned2")
