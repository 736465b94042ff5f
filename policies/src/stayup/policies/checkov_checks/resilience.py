"""One checkov check per stayup rule, with the same ID, calling the same rule code.

Each planned resource carries `stayup_graph` (which exported graph) and `stayup_urn`. The check
evaluates the rules once per graph (read from $STAYUP_CHECKOV_SIDECARS/<graph>.json, written by
`stayup checkov`) and answers for the resource from those results.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from stayup.policies.engine import evaluate
from stayup.policies.model import from_capture
from stayup.policies.rules import RULES
from stayup.policies.settings import load_settings
from stayup.policies.tfplan import GRAPH_ATTRIBUTE, TYPES, URN_ATTRIBUTE

_RESULTS: dict[str, dict[tuple[str, str], str]] = {}
_ORDER = {"fail": 0, "unknown": 1, "pass": 2}


def _results(graph_id: str) -> dict[tuple[str, str], str]:
    """{(rule id, urn): worst outcome} for one exported graph, computed once."""
    if graph_id not in _RESULTS:
        sidecar = json.loads((Path(os.environ["STAYUP_CHECKOV_SIDECARS"]) / f"{graph_id}.json").read_text())
        outcomes: dict[tuple[str, str], str] = {}
        for result in evaluate(from_capture(sidecar["graph"]), load_settings(sidecar.get("policy_config") or {})):
            if result.suppression is not None:
                continue
            key = (result.rule.id, result.finding.urn)
            if key not in outcomes or _ORDER[result.finding.outcome] < _ORDER[outcomes[key]]:
                outcomes[key] = result.finding.outcome
        _RESULTS[graph_id] = outcomes
    return _RESULTS[graph_id]


def _first(conf: dict[str, Any], key: str) -> str | None:
    value = conf.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


class StayupRuleCheck(BaseResourceCheck):
    def __init__(self, rule) -> None:
        self.rule = rule
        super().__init__(
            name=f"{rule.name}: {rule.description}",
            id=rule.id,
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=sorted({tf_type for tf_type, _ in TYPES.values()}),
            guideline=rule.url,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        graph_id, urn = _first(conf, GRAPH_ATTRIBUTE), _first(conf, URN_ATTRIBUTE)
        if graph_id is None or urn is None:
            return CheckResult.UNKNOWN
        outcome = _results(graph_id).get((self.rule.id, urn))
        if outcome == "fail":
            return CheckResult.FAILED
        if outcome == "pass":
            return CheckResult.PASSED
        return CheckResult.UNKNOWN


CHECKS = [StayupRuleCheck(rule) for rule in RULES]
