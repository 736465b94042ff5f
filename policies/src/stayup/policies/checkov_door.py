"""`stayup checkov`: checkov's AWS checks and stayup's resilience rules on Pulumi stacks.

checkov runs in its own isolated tool environment (its `packaging` pin conflicts with pulumi's),
pinned by `checkov-constraints.txt`. It exits 0 when it scanned nothing, when a custom check
crashed, or when a check produced no result; this wrapper fails loudly in all three cases.

Suppressions belong to the checked project: its own `.checkov.yaml` `skip-check` (checkov's
convention) for checkov's checks, its policy config for stayup's rules. Nothing of stayup's own.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import evaluate
from .errors import EXIT_CHECKOV_BROKEN, InputError, StayupError
from .inputs import read_yaml
from .model import from_capture
from .processes import run_group
from .rules import BY_ID, RULES, Outcome
from .settings import PolicySettings, load_settings
from .tfplan import GRAPH_ATTRIBUTE, TYPES, URN_ATTRIBUTE, export, graph_id

CHECKOV = "checkov==3.3.30"
HERE = Path(__file__).resolve().parent
CONSTRAINTS = HERE / "checkov-constraints.txt"
CONFIG_FILES = (".checkov.yaml", ".checkov.yml")  # where checkov looks in a project
# A check ID or an fnmatch pattern over IDs, as checkov matches `skip-check` entries.
CHECK_PATTERN = re.compile(r"[A-Z][A-Z0-9]*_[A-Z0-9_*?]+")


class CheckovError(StayupError):
    exit_code = EXIT_CHECKOV_BROKEN


def uv_command() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


def load_suppressions(project: Path) -> dict[str, str]:
    """The checked project's own skips of checkov's checks: `skip-check` in its `.checkov.yaml`
    (or `.checkov.yml`), read as checkov reads it. {check ID or pattern: where it is skipped}."""
    found = [project / name for name in CONFIG_FILES if os.path.lexists(project / name)]
    if not found:
        return {}
    if len(found) > 1:
        raise InputError(f"{CONFIG_FILES[0]} and {CONFIG_FILES[1]} both exist (checkov would read both): keep one", file=str(found[1]))
    path = found[0]
    data = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping of checkov settings", file=str(path))
    value = data.get("skip-check")
    # As checkov reads it: a string, or a one-item list, split on commas; longer lists as they are.
    entries: list[tuple[str, Any]]
    if value is None:
        return {}
    if isinstance(value, str):
        entries = [("skip-check", e) for e in value.split(",")]
    elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        entries = [("skip-check[0]", e) for e in value[0].split(",")]
    elif isinstance(value, list):
        entries = [(f"skip-check[{i}]", e) for i, e in enumerate(value)]
    else:
        raise InputError("expected a list of checkov check IDs", file=str(path), key="skip-check")
    skipped: dict[str, str] = {}
    for key, raw in entries:
        entry = raw.strip() if isinstance(raw, str) else raw
        if not isinstance(entry, str) or not entry:
            raise InputError(f"expected a checkov check ID, got {raw!r}", file=str(path), key=key)
        if any(fnmatch.fnmatchcase(rule, entry) for rule in BY_ID):
            raise InputError(f"{entry} skips stayup's own rules: suppress their findings in the policy config, with a reason", file=str(path), key=key)
        if not CHECK_PATTERN.fullmatch(entry):
            raise InputError(f"not a checkov check ID or ID pattern: {entry!r} (severities and path patterns are not applied)", file=str(path), key=key)
        skipped[entry] = f"skip-check in {path}"
    return skipped


def findings(graph: dict[str, Any], settings: PolicySettings) -> dict[tuple[str, str], str]:
    """{(rule id, urn): worst outcome} of one graph's unsuppressed results, evaluated once here."""
    order = {Outcome.FAIL: 0, Outcome.UNKNOWN: 1, Outcome.PASS: 2}
    found: dict[tuple[str, str], str] = {}
    for result in evaluate(from_capture(graph), settings):
        if result.suppression is not None:
            continue
        key = (result.rule.id, result.finding.urn)
        if key not in found or order[result.finding.outcome] < order[Outcome(found[key])]:
            found[key] = str(result.finding.outcome)
    return found


def addresses(graph: dict[str, Any]) -> dict[str, str]:
    """{Terraform address: URN} of a graph's export."""
    return dict(export(graph)["stayup"]["addresses"])


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
    settings: PolicySettings | None = None,
    suppressions: dict[str, str] | None = None,
    timeout: float = 900,
) -> CheckovRun:
    """Exports each graph to a plan file, evaluates stayup's rules once per graph here, and runs
    checkov once over all plans; stayup's checks inside checkov only look up those findings.
    `suppressions`: the checked project's skips (`load_suppressions`), none by default."""
    suppressions = suppressions or {}
    settings = settings or load_settings({})
    decided = {name: findings(graph, settings) for name, graph in graphs.items()}
    with tempfile.TemporaryDirectory(prefix="stayup-checkov-") as tmp:
        work = Path(tmp)
        plans, checks = work / "plans", work / "checks"
        plans.mkdir(parents=True)
        # Only the lookup check goes onto checkov's path; the findings travel in one side file.
        shutil.copytree(HERE / "checkov_checks", checks, ignore=shutil.ignore_patterns("__pycache__"))
        names = {}
        side: dict[str, Any] = {
            "rules": [{"id": r.id, "name": r.name, "description": r.description, "url": r.url} for r in RULES],
            "types": sorted({tf_type for tf_type, _ in TYPES.values()}),
            "attributes": {"graph": GRAPH_ATTRIBUTE, "urn": URN_ATTRIBUTE},
            "findings": {},
        }
        for name, graph in graphs.items():
            file = f"{name}.tfplan.json"
            (plans / file).write_text(json.dumps(export(graph)))
            side["findings"][graph_id(graph)] = [[rule, urn, outcome] for (rule, urn), outcome in sorted(decided[name].items())]
            names[file] = name
        (work / "findings.json").write_text(json.dumps(side))
        command = [
            *uv_command(), "tool", "run", "--quiet", "--from", CHECKOV, "--constraints", str(CONSTRAINTS), "checkov",
            "--directory", str(plans), "--framework", "terraform_plan", "--skip-download",
            "--external-checks-dir", str(checks), "--output", "json", "--compact",
        ]
        if suppressions:
            command += ["--skip-check", ",".join(sorted(suppressions))]
        env = {**os.environ, "STAYUP_CHECKOV_FINDINGS": str(work / "findings.json"), "LOG_LEVEL": "WARNING"}
        try:
            # checkov also reads a `.checkov.yaml` in its working directory: run it where none is.
            done = run_group(command, env=env, timeout=timeout, cwd=work)
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
        _fail_loudly(outcome, graphs, decided)
        for check in outcome.checks("failed") + outcome.checks("passed"):
            check["stack"] = names.get(Path(check.get("file_path", "")).name, "?")
        return outcome


def _fail_loudly(outcome: CheckovRun, graphs: dict[str, dict[str, Any]], decided: dict[str, dict[tuple[str, str], str]]) -> None:
    scanned = sum(r.get("summary", {}).get("resource_count", 0) for r in outcome.results)
    expected = sum(1 for g in graphs.values() for r in g["resources"] if r["type"] in TYPES)
    if expected and scanned == 0:
        raise CheckovError("checkov scanned 0 resources: the exported plan was not understood")
    for line in outcome.stderr.splitlines():
        if any(marker in line for marker in ("Failed to run check", "Traceback", "Error while running check")):
            raise CheckovError(f"a custom check failed inside checkov: {line.strip()}")
    seen = {c["check_id"] for c in outcome.checks("failed") + outcome.checks("passed")}
    for name, graph in graphs.items():
        mapped = {r["urn"] for r in graph["resources"] if r["type"] in TYPES}
        expected_ids = {rule for (rule, urn), result in decided[name].items() if urn in mapped and result != Outcome.UNKNOWN}
        missing = sorted(expected_ids - seen)
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
