"""SARIF 2.1.0 for code scanning: one builder for `stayup check` and `stayup checkov` results, each
located at the program line that declared the resource."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..rules import RULES, Rule
from . import StackReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {("fail", "mandatory"): "error", ("fail", "advisory"): "warning", ("unknown", "mandatory"): "warning", ("unknown", "advisory"): "note"}


def repo_root(project: Path) -> Path:
    try:
        top = subprocess.run(
            ["git", "-C", str(project), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        return Path(top)
    except (OSError, subprocess.SubprocessError):
        return project.resolve()  # no repository: paths relative to the project, whatever the working directory


def docs_url(rule: Rule, base: str | None = None) -> str | None:
    """An absolute link to the rule's doc: under `base` (the URL of docs/rules.md, from --docs-url
    or the Action's docs-url input), else in the repository being checked when that is known (this
    repository's own workflow), else none."""
    if base:
        return f"{base.split('#', 1)[0]}#{rule.url.split('#', 1)[1]}"
    server, repo = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repo:
        return f"{server}/{repo}/blob/{os.environ.get('GITHUB_SHA', 'HEAD')}/{rule.url}"
    return None


def fingerprint(stack: str, rule: str, urn: str) -> str:
    # surrogatepass: a lone surrogate in a name must not crash the report (same bytes otherwise)
    return hashlib.sha256(f"{stack}\x00{rule}\x00{urn}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def location(urn: str, file: object, line: object, project: Path, root: Path) -> dict[str, Any]:
    found: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": urn, "kind": "resource"}]}
    if isinstance(file, str) and file:  # a graph file may hold anything here
        try:
            uri = (project / file).resolve().relative_to(root).as_posix()
        except (OSError, ValueError):  # ValueError: outside the repository, a NUL, a lone surrogate
            return found  # no machine path in any output, the URN says where
        valid_line = isinstance(line, int) and not isinstance(line, bool) and line >= 1
        found["physicalLocation"] = {
            # A relative URI reference: spaces, control characters, `:` or `#` in a name are encoded.
            "artifactLocation": {"uri": quote(uri, safe="/", errors="surrogateescape"), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line if valid_line else 1},
        }
    return found


def log(driver: dict[str, Any], results: list[dict[str, Any]], *, column_kind: bool = True) -> dict[str, Any]:
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": results}
    if column_kind:
        run["columnKind"] = "unicodeCodePoints"
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule_descriptor(rule: Rule, docs: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": f"{rule.remediation} See {rule.url}.", "markdown": f"{rule.remediation} See [{rule.id}]({rule.url})."},
        "defaultConfiguration": {"level": "error" if rule.core else "warning"},
        "properties": {"tags": [rule.family, *rule.tags], "severity": rule.severity},
    }
    url = docs_url(rule, docs)
    if url:
        entry["helpUri"] = url
        entry["help"] = {"text": f"{rule.remediation} See {url}.", "markdown": f"{rule.remediation} See [{rule.id}]({url})."}
    return entry


def check_sarif(reports: Iterable[StackReport], project: Path, version: str, *, docs: str | None = None) -> dict[str, Any]:
    reports = list(reports)
    project = project.resolve()
    root = repo_root(project)
    index = {rule.id: i for i, rule in enumerate(RULES)}
    results = []
    for report in reports:
        if report.verdict == "error":
            continue
        entries = [(e, "fail") for e in report.violations] + [(e, "unknown") for e in report.unknown]
        entries += [(e, "suppressed") for e in report.suppressed]
        accepted = {(e.rule, e.urn) for e in [*report.baselined, *report.baselined_unknown]}
        entries += [(e, "fail") for e in report.baselined] + [(e, "unknown") for e in report.baselined_unknown]
        for entry, kind in entries:
            outcome = "fail" if kind == "suppressed" else kind
            result: dict[str, Any] = {
                "ruleId": entry.rule,
                "ruleIndex": index[entry.rule],
                "level": _LEVEL[(outcome, entry.enforcement)],
                "message": {"text": f"[{report.stack}] {entry.message}"},
                "locations": [location(entry.urn, entry.file, entry.line, project, root)],
                "partialFingerprints": {"stayupFinding/v1": fingerprint(report.stack, entry.rule, entry.urn)},
                "properties": {"stack": report.stack, "urn": entry.urn, "attribute": entry.attribute},
            }
            if kind == "suppressed":
                result["suppressions"] = [{"kind": "external", "justification": entry.reason}]
            if report.baseline is not None and kind != "suppressed":
                # With --baseline: what the baseline accepts is unchanged, the rest is new.
                result["baselineState"] = "unchanged" if (entry.rule, entry.urn) in accepted else "new"
            results.append(result)
    driver = {"name": "stayup", "version": version, "semanticVersion": version, "rules": [_rule_descriptor(r, docs) for r in RULES]}
    sarif = log(driver, results)
    # Unanswered lookups: tool notifications (what depends on them was reported unknown).
    notes = [
        {
            "level": "warning",
            "message": {"text": f"[{report.stack}] unanswered lookup {u['token']}: what depends on it is unknown (pin it with --answers)"},
            **({"locations": [location(str(u["token"]), u["file"], u.get("line"), project, root)]} if u.get("file") else {}),
        }
        for report in reports
        for u in report.unanswered
    ]
    # A stack that could not be checked is a finding too: the run did not succeed, and says why.
    failures = [
        {
            "level": "error",
            "message": {"text": f"[{report.stack}] {report.error}"},
            "properties": {"stack": report.stack, "exit": report.exit_code},
        }
        for report in reports
        if report.verdict == "error"
    ]
    if notes or failures:
        sarif["runs"][0]["invocations"] = [{"executionSuccessful": not failures, "toolExecutionNotifications": failures + notes}]
    return sarif


def checkov_sarif(failed: list[dict[str, Any]], graph: dict[str, Any], addresses: dict[str, str], project: Path, version: str) -> dict[str, Any]:
    """checkov's failed checks, located at the program line that declared each resource."""
    project = project.resolve()
    root = repo_root(project)
    sources = {r["urn"]: r.get("source") or {} for r in graph["resources"]}
    results: list[dict[str, Any]] = []
    rules: dict[str, dict[str, Any]] = {}
    for check in failed:
        urn = addresses.get(check.get("resource", ""), "")
        rules.setdefault(check["check_id"], {"id": check["check_id"], "shortDescription": {"text": check.get("check_name") or check["check_id"]}})
        source = sources.get(urn, {})
        results.append(
            {
                "ruleId": check["check_id"],
                "level": "error",
                "message": {"text": f"{check.get('check_name')} ({urn or check.get('resource')})"},
                "locations": [location(urn, source.get("file"), source.get("line"), project, root)],
            }
        )
    return log({"name": "stayup-checkov", "version": version, "rules": list(rules.values())}, results, column_kind=False)
