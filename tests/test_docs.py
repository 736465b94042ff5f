"""Generated docs are fresh: a rule or argument changed without `stayup docs` fails here."""

from __future__ import annotations

from conftest import ROOT
from stayup.policies import docs
from stayup.policies.rules import RULES


def test_generated_docs_are_fresh():
    for path, text in docs.generate(ROOT).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.relative_to(ROOT)} is stale: run `uv run stayup docs`"


def test_every_rule_has_its_anchor_and_every_field_a_meaning():
    rules = docs.rules_md()
    for rule in RULES:
        assert f"## {rule.id} {rule.name}\n" in rules
        assert f"(#{rule.id.lower()}-{rule.name})" in rules
    assert "|  |" not in docs.components_md()


def test_freshness_check_notices_a_changed_rule(monkeypatch):
    from stayup.policies.rules import base

    changed = base.Rule(**{**{f: getattr(RULES[0], f) for f in RULES[0].__dataclass_fields__}, "remediation": "Something else."})
    monkeypatch.setattr(docs, "RULES", (changed, *RULES[1:]))
    assert docs.rules_md() != (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
