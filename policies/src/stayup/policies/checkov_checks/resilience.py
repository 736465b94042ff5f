"""stayup's rules as checkov checks, with the same IDs. The rules ran once in `stayup checkov`
(the same rule code as every other door); these checks only look up those findings.

$STAYUP_CHECKOV_FINDINGS names a JSON file: the rules' metadata, the plan attributes that carry
each resource's graph and URN, and per graph the (rule id, urn, outcome) findings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

_SIDE: dict[str, Any] = json.loads(Path(os.environ["STAYUP_CHECKOV_FINDINGS"]).read_text(encoding="utf-8"))
_FINDINGS: dict[str, dict[tuple[str, str], str]] = {
    graph: {(rule, urn): outcome for rule, urn, outcome in entries} for graph, entries in _SIDE["findings"].items()
}
_RESULT = {"fail": CheckResult.FAILED, "pass": CheckResult.PASSED}


def _first(conf: dict[str, Any], key: str) -> str | None:
    value = conf.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


class StayupRuleCheck(BaseResourceCheck):
    def __init__(self, rule: dict[str, str]) -> None:
        self.rule_id = rule["id"]
        super().__init__(
            name=f"{rule['name']}: {rule['description']}",
            id=rule["id"],
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=_SIDE["types"],
            guideline=rule["url"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        graph_id, urn = _first(conf, _SIDE["attributes"]["graph"]), _first(conf, _SIDE["attributes"]["urn"])
        if graph_id is None or urn is None:
            return CheckResult.UNKNOWN
        outcome = _FINDINGS.get(graph_id, {}).get((self.rule_id, urn))
        return _RESULT.get(outcome or "", CheckResult.UNKNOWN)


CHECKS = [StayupRuleCheck(rule) for rule in _SIDE["rules"]]
