"""Runs the rules over a graph and turns findings into a verdict. Every front door (CrossGuard,
`stayup check`, checkov) goes through `evaluate`."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .model import Graph, paused_gc
from .rules import RULES, Enforcement, Finding, Outcome, Rule
from .settings import PolicySettings, Suppression, load_settings
from .values import SECRET


@dataclass(slots=True)
class Result:
    rule: Rule
    finding: Finding
    enforcement: Enforcement
    suppression: Suppression | None = None


def _safe(rule: Rule, graph: Graph, params: Mapping[str, Any]) -> list[Finding]:
    """A rule that raises must not pass silently nor crash the analyzer: its error is an unknown."""
    try:
        return list(rule.check(graph, params))
    except Exception as exc:
        stack_urn = next((u for u, r in graph.resources.items() if r.type == "pulumi:pulumi:Stack"), "stack")
        return [Finding(rule.id, stack_urn, Outcome.UNKNOWN, f"Unknown: rule {rule.id} could not evaluate this graph ({type(exc).__name__}: {exc}).")]


def evaluate(graph: Graph, settings: PolicySettings | None = None, rules: Iterable[Rule] = RULES) -> list[Result]:
    with paused_gc():
        return _evaluate(graph, settings or load_settings({}), rules)


def _evaluate(graph: Graph, settings: PolicySettings, rules: Iterable[Rule]) -> list[Result]:
    results = []
    for rule in rules:
        rule_settings = settings.for_rule(rule)
        if rule_settings.enforcement == Enforcement.DISABLED:
            continue
        for finding in _safe(rule, graph, rule_settings.params):
            finding = masked_finding(graph, finding)
            suppression = None
            if finding.outcome != "pass":
                suppression = next((s for s in rule_settings.suppressions if s.matches(finding.urn)), None)
            results.append(Result(rule, finding, rule_settings.enforcement, suppression))
    # Rules run in ID order and each yields deterministically: order by resource within a rule.
    results.sort(key=lambda r: (r.rule.id, r.finding.urn))
    return results


def masked_finding(graph: Graph, finding: Finding) -> Finding:
    """A message never shows a secret value: rules may name the property, not print its value."""
    texts = graph.secret_texts()
    if not texts or not finding.message:
        return finding
    message = finding.message
    for text in texts:
        message = re.sub(rf"(?<![\w.]){re.escape(text)}(?![\w])", SECRET, message)
    return dataclasses.replace(finding, message=message)


def decide(*, failed: bool, undecided: bool) -> str:
    """The one verdict rule. fail: a mandatory violation; unknown: a mandatory rule could not
    decide, or part of the stack was never seen (`undecided`); else pass."""
    if failed:
        return "fail"
    return "unknown" if undecided else "pass"


def verdict(results: Iterable[Result]) -> str:
    """The verdict of rule results alone (nothing unseen), by `decide`."""
    active = [r for r in results if r.suppression is None and r.enforcement == "mandatory"]
    return decide(failed=any(r.finding.outcome == "fail" for r in active), undecided=any(r.finding.outcome == "unknown" for r in active))


def outcome_set(results: Iterable[Result]) -> set[tuple[str, str, str]]:
    """{(rule id, urn, outcome)} of the non-pass, non-suppressed results: what tests compare."""
    return {(r.rule.id, r.finding.urn, r.finding.outcome) for r in results if r.finding.outcome != "pass" and r.suppression is None}
