"""Policy config: the --policy-pack-config JSON, validated with defaults; one-line errors."""

from __future__ import annotations

import datetime as dt

import pytest
from stayup.policies.errors import InputError
from stayup.policies.rules import BY_ID
from stayup.policies.settings import load_settings, load_settings_file

TODAY = dt.date(2026, 11, 23)


def test_defaults_core_rules_mandatory_with_thresholds():
    settings = load_settings({}, today=TODAY)
    assert settings.for_rule(BY_ID["PZ001"]).enforcement == "mandatory"
    assert settings.for_rule(BY_ID["PZ001"]).params == {"minZones": 2}
    assert settings.for_rule(BY_ID["HC005"]).enforcement == "advisory"
    assert settings.for_rule(BY_ID["HC003"]).params == {"minGracePeriod": 60, "maxGracePeriod": 300}


def test_levels_thresholds_and_all():
    settings = load_settings(
        {"all": "advisory", "tier-spans-power-zones": {"minZones": 3.0, "enforcementLevel": "mandatory"}, "dns-failover-pair": "disabled"},
        today=TODAY,
    )
    assert settings.for_rule(BY_ID["PZ001"]).enforcement == "mandatory"
    assert settings.for_rule(BY_ID["PZ001"]).params == {"minZones": 3}
    assert settings.for_rule(BY_ID["HC004"]).enforcement == "disabled"
    assert settings.for_rule(BY_ID["NE001"]).enforcement == "advisory"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"tier-spans-power-zone": {}}, "p.json: tier-spans-power-zone: no policy with this name (did you mean tier-spans-power-zones, serving-instances-span-power-zones?)"),
        ({"tier-spans-power-zones": {"minZones": "two"}}, "p.json: tier-spans-power-zones.minZones: 'two' is not of type 'integer'"),
        ({"tier-spans-power-zones": {"enforcementLevel": "strict"}}, "p.json: tier-spans-power-zones.enforcementLevel: 'strict' is not one of ['advisory', 'mandatory', 'disabled']"),
        ({"all": "sometimes"}, "p.json: all: expected one of advisory, mandatory, disabled, got 'sometimes'"),
        ({"dns-failover-pair": {"suppress": [{"urn": "urn:x"}]}}, "p.json: dns-failover-pair.suppress.0: 'reason' is a required property"),
        (
            {"dns-failover-pair": {"suppress": [{"urn": "urn:x", "reason": "legacy zone", "expires": "2026-01-31"}]}},
            "p.json: dns-failover-pair.suppress[0].expires: suppression expired on 2026-01-31 (reason: legacy zone); remove it or fix the finding",
        ),
        ([1, 2], "p.json: expected a JSON object of policy names"),
        ({"all": {"enforcementLevel": "advisory", "suppress": [{"urn": "*"}]}}, "p.json: all.suppress: only enforcementLevel applies to every policy"),
        ({"dns-failover-pair": {"suppress": [{"urn": "urn:x", "reason": "   ", "expires": "2027-01-01"}]}}, "p.json: dns-failover-pair.suppress.0.reason: a suppression needs a reason with text (at least 3 characters), not only spaces"),
        ({"dns-failover-pair": {"suppress": [{"urn": "urn:x", "reason": "legacy zone"}]}}, "p.json: dns-failover-pair.suppress.0: 'expires' is a required property"),
        (
            {"dns-failover-pair": {"suppress": [{"urn": "urn:x", "reason": "legacy zone", "expires": "9999-12-31"}]}},
            "p.json: dns-failover-pair.suppress[0].expires: expires more than 366 days ahead (9999-12-31): accepted risk must come back for review",
        ),
        ({"tier-spans-power-zones": {"minZones": 0}}, "p.json: tier-spans-power-zones.minZones: 0 is less than the minimum of 2"),
        ({"tier-spans-power-zones": {"minZones": 1.0}}, "p.json: tier-spans-power-zones.minZones: 1 is less than the minimum of 2"),
    ],
    ids=["unknown-policy", "wrong-type", "bad-level", "bad-all", "no-reason", "expired", "not-object", "all-extra-keys", "blank-reason", "no-expiry",
         "expires-9999", "min-zones-0", "min-zones-1"],
)
def test_invalid_config_one_line(raw, message):
    with pytest.raises(InputError) as err:
        load_settings(raw, source="p.json", today=TODAY)
    assert err.value.line() == message


def test_file_errors(tmp_path):
    bad = tmp_path / "policy.json"
    bad.write_text('{"all": "advisory",}')
    with pytest.raises(InputError) as err:
        load_settings_file(bad)
    assert err.value.line().startswith(f"{bad}: invalid JSON at line 1 column 20")
    with pytest.raises(InputError) as err:
        load_settings_file(tmp_path / "missing.json")
    assert err.value.line() == f"{tmp_path / 'missing.json'}: file not found"


def test_suppression_wildcards():
    settings = load_settings({"dns-failover-pair": {"suppress": [{"urn": "urn:pulumi:*::legacy-*", "reason": "migrating", "expires": "2027-03-01"}]}}, today=TODAY)
    (suppression,) = settings.for_rule(BY_ID["HC004"]).suppressions
    assert suppression.matches("urn:pulumi:dev::p::aws:route53/record:Record::legacy-www")
    assert not suppression.matches("urn:pulumi:dev::p::aws:route53/record:Record::www")
    assert suppression.expires == dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("pattern", "matched"),
    [
        # `*` is the only wildcard; `?` and brackets are characters of a name.
        ("urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v?", {"urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v?"}),
        ("urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v[12]", {"urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v[12]"}),
        ("urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v*", {"urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v?", "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v[12]",
                                                   "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v1", "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v"}),
        ("urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v.", set()),  # regex characters are characters too
    ],
)
def test_suppression_patterns_know_one_wildcard(pattern, matched):
    urns = {f"urn:pulumi:dev::p::aws:ec2/vpc:Vpc::{name}" for name in ("v?", "v[12]", "v1", "v", "w1")}
    settings = load_settings({"dns-failover-pair": {"suppress": [{"urn": pattern, "reason": "migrating", "expires": "2027-03-01"}]}}, today=TODAY)
    (suppression,) = settings.for_rule(BY_ID["HC004"]).suppressions
    assert {u for u in urns if suppression.matches(u)} == matched
