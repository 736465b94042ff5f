"""Rule registry: stable unique IDs and names, complete metadata, one rule per file."""

from __future__ import annotations

import re
from pathlib import Path

from stayup.policies.rules import FAMILIES, RULES

RULES_DIR = Path(__import__("stayup.policies.rules", fromlist=["x"]).__file__).parent


def test_ids_and_names_unique_and_well_formed():
    ids = [r.id for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    for rule in RULES:
        assert re.fullmatch(r"(PZ|NE|HC|SS|DR|RT)\d{3}", rule.id), rule.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name), rule.name
        assert rule.family in FAMILIES


def test_metadata_complete():
    for rule in RULES:
        assert rule.description.endswith(".") and len(rule.description) > 30, rule.id
        assert rule.severity in ("critical", "high", "medium", "low"), rule.id
        assert rule.remediation and rule.tags, rule.id
        assert rule.url == f"docs/rules.md#{rule.id.lower()}-{rule.name}"
        assert rule.scenarios == ("pass", "fail", "not-applicable", "unknown", "suppressed")


def test_one_rule_per_file_with_its_scenarios_documented():
    modules = sorted(p for p in RULES_DIR.glob("*/*.py") if p.name != "__init__.py")
    declared = {}
    for path in modules:
        text = path.read_text()
        (rule_id,) = re.findall(r'^    id="(\w+)"', text, re.MULTILINE)
        declared[rule_id] = path
        assert "Scenarios:" in text.split('"""')[1], path
    assert sorted(declared) == sorted(r.id for r in RULES)


def test_every_family_in_the_catalogue_is_covered():
    assert {r.family for r in RULES} == {"PZ", "NE", "HC", "SS", "DR", "RT"}


def test_each_rule_file_is_named_by_its_rule():
    for rule in RULES:
        module = Path(__import__(rule.check.__module__, fromlist=["x"]).__file__)
        assert module.stem == rule.name.replace("-", "_"), (rule.id, module.name)
        assert module.parent.parent == RULES_DIR, module
        test = RULES_DIR.parents[4] / "tests" / "policies" / "rules" / f"test_{module.stem}.py"
        assert test.is_file(), f"{rule.id} has no test module {test.name}"
