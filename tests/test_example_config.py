"""The example configuration files the README points at load through the same readers users hit."""

from __future__ import annotations

from conftest import ROOT
from stayup.policies.cli import load_sla
from stayup.policies.recovery import load_recovery
from stayup.policies.rules import BY_ID
from stayup.policies.settings import load_settings_file

CONFIG = ROOT / "examples" / "config"


def test_policy_config_example_loads_with_its_levels_and_thresholds():
    settings = load_settings_file(CONFIG / "policy.json")
    assert settings.for_rule(BY_ID["PZ001"]).params["minZones"] == 3
    assert settings.for_rule(BY_ID["HC001"]).params == {"maxInterval": 10, "maxUnhealthyThreshold": 2}
    assert settings.for_rule(BY_ID["HC005"]).enforcement == "mandatory"


def test_sla_and_recovery_examples_load():
    assert load_sla(CONFIG / "sla.yaml") == {"rds_multi_az": 99.95, "aurora_multi_az": 99.99}
    recovery = load_recovery(CONFIG / "recovery.yaml")
    assert (recovery["ec2_launch"], recovery["aurora_failover_max"]) == (90.0, 60.0)
