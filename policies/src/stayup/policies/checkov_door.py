"""`stayup checkov`: checkov's AWS checks and stayup's resilience rules on Pulumi stacks.

checkov runs in its own isolated tool environment (its `packaging` pin conflicts with pulumi's),
pinned by `checkov-constraints.txt`. It exits 0 when it scanned nothing, when a custom check
crashed, or when a check produced no result; this wrapper fails loudly in all three cases.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .engine import evaluate
from .errors import StayupError
from .model import from_capture
from .rules import BY_ID
from .settings import PolicySettings, load_settings
from .tfplan import TYPES, export, graph_id

CHECKOV = "checkov==3.3.30"
HERE = Path(__file__).resolve().parent
CONSTRAINTS = HERE / "checkov-constraints.txt"
SUPPRESSIONS = HERE / "checkov-suppressions.yaml"
EXIT_CHECKOV_BROKEN = 5


class CheckovError(StayupError):
    exit_code = EXIT_CHECKOV_BROKEN


def uv_command() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


def load_suppressions(path: Path = SUPPRESSIONS) -> dict[str, str]:
    """Reviewed built-in check suppressions: {check id: reason}."""
    data = yaml.safe_load(path.read_text()) or {}
    for check_id, reason in data.items():
        if not isinstance(reason, str) or len(reason) < 10:
            raise CheckovError("every suppressed check needs a reason", file=str(path), key=str(check_id))
        if check_id in BY_ID:
            raise CheckovError("stayup's own rules are configured through the policy config", file=str(path), key=check_id)
    return data


@dataclass
class CheckovRun:
    results: list[dict[str, Any]]  # checkov's per-framework JSON reports
    plans: dict[str, str] = field(default_factory=dict)  # plan file name -> stack
    stderr: str = ""

    def checks(self, state: str) -> list[dict[str, Any]]:
        return [c for report in self.results for c in report.get("results", {}).get(f"{state}_checks", [])]

    def failed(self, prefix_ids: set[str] | None = None) -> list[dict[str, Any]]:
        return [c for c in self.checks("failed") if prefix_ids is None or c["check_id"] in prefix_ids]


def run(
    graphs: dict[str, dict[str, Any]],
    *,
    policy_config: dict[str, Any] | None = None,
    suppressions: dict[str, str] | None = None,
    timeout: float = 900,
) -> CheckovRun:
    """Exports each graph to a plan file and runs checkov once over all of them."""
    suppressions = load_suppressions() if suppressions is None else suppressions
    with tempfile.TemporaryDirectory(prefix="stayup-checkov-") as tmp:
        work = Path(tmp)
        plans, sidecars, lib = work / "plans", work / "sidecars", work / "lib" / "stayup"
        plans.mkdir(parents=True)
        sidecars.mkdir()
        # The rule code, without the Pulumi-bound parts, on checkov's path: the same rules.
        shutil.copytree(HERE, lib / "policies", ignore=shutil.ignore_patterns("__pycache__", "preview", "pack"))
        names = {}
        for name, graph in graphs.items():
            plan = export(graph)
            file = f"{name}.tfplan.json"
            (plans / file).write_text(json.dumps(plan))
            (sidecars / f"{graph_id(graph)}.json").write_text(json.dumps({"graph": graph, "policy_config": policy_config or {}}))
            names[file] = name
        command = [
            *uv_command(), "tool", "run", "--quiet", "--from", CHECKOV, "--constraints", str(CONSTRAINTS), "checkov",
            "--directory", str(plans), "--framework", "terraform_plan", "--skip-download",
            "--external-checks-dir", str(lib / "policies" / "checkov_checks"), "--output", "json", "--compact",
        ]
        if suppressions:
            command += ["--skip-check", ",".join(sorted(suppressions))]
        env = {**os.environ, "PYTHONPATH": str(work / "lib"), "STAYUP_CHECKOV_SIDECARS": str(sidecars), "LOG_LEVEL": "WARNING"}
        try:
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise CheckovError(f"checkov did not finish within {timeout:.0f} s") from None
        except OSError as exc:
            raise CheckovError(f"cannot start checkov through uv: {exc.strerror}") from None
        if done.returncode not in (0, 1):
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise CheckovError(f"checkov exited {done.returncode}: {last}")
        try:
            parsed = json.loads(done.stdout)
        except json.JSONDecodeError:
            raise CheckovError("checkov printed no JSON report") from None
        reports = parsed if isinstance(parsed, list) else [parsed]
        outcome = CheckovRun(reports, names, done.stderr)
        _fail_loudly(outcome, graphs, policy_config)
        for check in outcome.checks("failed") + outcome.checks("passed"):
            check["stack"] = names.get(Path(check.get("file_path", "")).name, "?")
        return outcome


def _fail_loudly(outcome: CheckovRun, graphs: dict[str, dict[str, Any]], policy_config) -> None:
    scanned = sum(r.get("summary", {}).get("resource_count", 0) for r in outcome.results)
    expected = sum(1 for g in graphs.values() for r in g["resources"] if r["type"] in TYPES)
    if expected and scanned == 0:
        raise CheckovError("checkov scanned 0 resources: the exported plan was not understood")
    for line in outcome.stderr.splitlines():
        if any(marker in line for marker in ("Failed to run check", "Traceback", "Error while running check")):
            raise CheckovError(f"a custom check failed inside checkov: {line.strip()}")
    seen = {c["check_id"] for c in outcome.checks("failed") + outcome.checks("passed")}
    settings: PolicySettings = load_settings(policy_config or {})
    for name, graph in graphs.items():
        mapped = {r["urn"] for r in graph["resources"] if r["type"] in TYPES}
        decided = {r.rule.id for r in evaluate(from_capture(graph), settings) if r.finding.urn in mapped and r.finding.outcome != "unknown"}
        missing = sorted(decided - seen)
        if missing:
            raise CheckovError(f"stayup checks {', '.join(missing)} produced no result in checkov for {name}")


def summary(outcome: CheckovRun, suppressions: dict[str, str]) -> dict[str, Any]:
    failed = outcome.checks("failed")
    return {
        "resources": sum(r.get("summary", {}).get("resource_count", 0) for r in outcome.results),
        "passed": len(outcome.checks("passed")),
        "failed": [
            {"check": c["check_id"], "name": c.get("check_name"), "stack": c.get("stack"), "resource": c.get("resource"), "stayup": c["check_id"] in BY_ID}
            for c in failed
        ],
        "suppressed": suppressions,
    }


def sarif(outcome: CheckovRun, graph: dict[str, Any], project: Path, version: str) -> dict[str, Any]:
    """checkov's failures as SARIF, located at the program line that declared each resource."""
    from .reports import _location, repo_root

    project = project.resolve()
    root = repo_root(project)
    plan = export(graph)
    sources = {r["urn"]: r.get("source") or {} for r in graph["resources"]}
    results, rules = [], {}
    for check in outcome.checks("failed"):
        urn = plan["stayup"]["addresses"].get(check.get("resource", ""), "")
        rules.setdefault(check["check_id"], {"id": check["check_id"], "shortDescription": {"text": check.get("check_name") or check["check_id"]}})
        entry = {"urn": urn, **{k: v for k, v in sources.get(urn, {}).items() if k in ("file", "line")}}
        results.append(
            {
                "ruleId": check["check_id"],
                "level": "error",
                "message": {"text": f"{check.get('check_name')} ({urn or check.get('resource')})"},
                "locations": [_location(entry, project, root)],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "stayup-checkov", "version": version, "rules": list(rules.values())}}, "results": results}],
    }
