"""The offline capture and CrossGuard yield the same graph and the same results.

The analyzer tests drive the real pack over gRPC (`python -u -m pulumi.policy`), as the CLI does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from builder import happy
from conftest import ROOT, graph_of
from pulumi_policy import EnforcementLevel, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from rules.scenarios import all_cases
from stayup.policies.analyzer_client import Analyzer, results_from, stack_request
from stayup.policies.check import pack_dir
from stayup.policies.engine import evaluate
from stayup.policies.model import from_capture, from_policy_resources
from stayup.policies.settings import load_settings

CASES = all_cases()

PROGRAMS = ["separate_routes", "inline_routes", "default_vpc", "secrets"]
STACKS = ["crm-paris", "video-frankfurt"]


def captured_graphs():
    for stack in STACKS:
        for preview in (False, True):
            yield pytest.param(lambda s=stack, p=preview: graph_of(ROOT, s, preview=p), id=f"{stack}-{'preview' if preview else 'update'}")
    for program in PROGRAMS:
        for preview in (False, True):
            yield pytest.param(lambda s=program, p=preview: graph_of(s, preview=p), id=f"{program}-{'preview' if preview else 'update'}")


def fixture_graphs():
    yield pytest.param(lambda: happy().graph(), id="happy")
    for rule_id, cases in CASES.items():
        for kind in ("fail", "unknown"):
            for index, (mutation, _) in enumerate(cases[kind]):
                yield pytest.param(lambda m=mutation: m(happy()).graph(), id=f"{rule_id}-{kind}-{index}")


def through_policy_sdk(graph: dict) -> list[dict]:
    """The graph pulumi-policy hands a stack policy, normalised, via its own deserialisation."""
    seen = []
    probe = StackValidationPolicy(name="probe", description="probe", validate=lambda args, report: seen.append(from_policy_resources(args.resources)))
    servicer = _PolicyAnalyzerServicer("probe", "0.0.1", [probe], EnforcementLevel.ADVISORY, None, None, None, None, None, None, None)
    servicer.AnalyzeStack(stack_request(graph["resources"]), None)
    (normalised,) = seen
    return normalised.canonical()


@pytest.mark.parametrize("make", list(captured_graphs()) + list(fixture_graphs()))
def test_same_normalised_graph_both_ways(make):
    graph = make()
    assert through_policy_sdk(graph) == from_capture(graph).canonical()


@pytest.fixture(scope="module")
def analyzer():
    with Analyzer(pack_dir()) as running:
        running.configure(load_settings({}))
        yield running


def comparable(results):
    return [(r.rule.id, r.finding.urn, r.finding.outcome, r.finding.message, r.finding.attribute, r.enforcement) for r in results if r.finding.outcome != "pass" and r.suppression is None]


def test_analyzer_info_lists_every_rule(analyzer):
    info = analyzer.info()
    from stayup.policies.rules import RULES

    assert info.name == "stayup"
    assert sorted(p.name for p in info.policies) == sorted(r.name for r in RULES)
    assert {p.name: p.description.split("]")[0] for p in info.policies} == {r.name: f"[{r.id}" for r in RULES}


@pytest.mark.parametrize("make", list(captured_graphs()) + list(fixture_graphs()))
def test_crossguard_results_equal_inprocess(analyzer, make):
    # CrossGuard never sees invoke answers (e.g. default-VPC subnet zones); compare on what it sees.
    graph = {**make(), "invokes": []}
    expected = comparable(evaluate(from_capture(graph), load_settings({})))
    assert comparable(results_from(analyzer.analyze_stack(graph["resources"]))) == expected


def test_pack_main_holds_only_the_pack():
    source = (Path(pack_dir()) / "__main__.py").read_text()
    assert [line for line in source.splitlines() if line and not line.startswith(("import", "from"))] == [
        "PolicyPack(name=PACK_NAME, policies=POLICIES)"
    ]
