"""Mutation testing: every single-fault mutant of the example stacks (one per fault kind the rules
cover) is killed, each by the right family; the unmutated stacks raise no false positive."""

from __future__ import annotations

from builder import happy
from conftest import ROOT, graph_of
from rules.scenarios import all_cases
from stayup.policies.engine import evaluate, outcome_set
from stayup.policies.model import from_capture
from stayup.policies.settings import load_settings

BASE = happy()
CASES = all_cases()
from test_variants import VARIANTS

# fault kind -> the family that must catch it
FAMILY = {
    "one-zone-crm": "PZ", "one-zone-video": "PZ", "single-az-aurora": "PZ", "single-az-rds": "PZ", "relay-in-one-az": "PZ",
    "one-nat": "NE", "cross-az-route": "NE",
    "target-health-check-disabled": "HC", "asg-ec2-health-type": "HC", "primary-on-alias-target-health": "HC", "no-secondary": "HC",
    "crm-capacity-not-static": "SS", "relay-capacity-not-static": "SS",
}


def families(graph) -> set[str]:
    return {rule[:2] for rule, _, outcome in outcome_set(evaluate(from_capture(graph), load_settings({}))) if outcome == "fail"}


def test_every_stack_mutant_is_killed_by_its_family():
    assert set(FAMILY) == set(VARIANTS)
    survivors = []
    for name, (stack, overrides, _) in sorted(VARIANTS.items()):
        for preview in (False, True):
            if FAMILY[name] not in families(graph_of(ROOT, stack, preview=preview, overrides=overrides)):
                survivors.append((name, preview))
    assert survivors == []  # kill rate 26/26 (13 fault kinds x update and preview)


def test_every_fixture_mutant_is_killed_by_its_rule():
    survivors = [
        (rule_id, index)
        for rule_id, cases in CASES.items()
        for index, (mutation, _) in enumerate(cases["fail"])
        if rule_id not in {r for r, _, o in outcome_set(evaluate(from_capture(mutation(BASE).graph()), load_settings({}))) if o == "fail"}
    ]
    assert survivors == []


def test_no_false_positives_on_unmutated_stacks():
    for stack in ("crm-paris", "video-frankfurt"):
        for preview in (False, True):
            assert outcome_set(evaluate(from_capture(graph_of(ROOT, stack, preview=preview)), load_settings({}))) == set()
