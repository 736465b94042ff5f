"""The happy-path fixture every rule's scenarios mutate: every rule passes it."""

from builder import STACK_URN, happy
from stayup.policies.engine import evaluate, outcome_set, verdict
from stayup.policies.model import from_capture
from stayup.policies.rules import RULES
from stayup.policies.settings import load_settings


def test_happy_path_passes_every_rule():
    # With the RTO RT001's own scenarios declare (the fixture leaves it out, so RT001 stays out of
    # every other rule's scenarios): its longest recovery, the cache's failover, is 180 s.
    b = happy()
    b.resources[STACK_URN]["outputs"]["rto"] = 180.0
    results = evaluate(from_capture(b.graph()), load_settings({}))
    assert outcome_set(results) == set()
    assert {r.rule.id for r in results if r.finding.outcome == "pass"} == {rule.id for rule in RULES}
    assert verdict(results) == "pass"
