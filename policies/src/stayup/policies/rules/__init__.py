"""The rule registry: every rule, in ID order. One rule per module; the path says what it guards."""

from __future__ import annotations

from .base import FAMILIES, Finding, Rule
from .disaster_recovery import availability_meets_slo
from .egress import (
    independent_egress_paths,
    nat_in_public_subnet,
    opaque_vpc_component,
    private_subnet_nat_same_az,
)
from .health_checks import (
    asg_elb_health_check,
    dns_alias_evaluates_health,
    dns_failover_pair,
    dns_health_check_settings,
    target_group_health_check,
    udp_target_group_health_check,
)
from .power_zones import (
    cache_multi_az,
    database_multi_az,
    instance_tier_spans_zones,
    tier_spans_zones,
)
from .static_stability import group_capacity, instance_tier_capacity

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            module.RULE
            for module in (
                tier_spans_zones,
                database_multi_az,
                cache_multi_az,
                instance_tier_spans_zones,
                private_subnet_nat_same_az,
                independent_egress_paths,
                nat_in_public_subnet,
                opaque_vpc_component,
                target_group_health_check,
                udp_target_group_health_check,
                asg_elb_health_check,
                dns_failover_pair,
                dns_alias_evaluates_health,
                dns_health_check_settings,
                group_capacity,
                instance_tier_capacity,
                availability_meets_slo,
            )
        ),
        key=lambda rule: rule.id,
    )
)
BY_ID = {rule.id: rule for rule in RULES}
BY_NAME = {rule.name: rule for rule in RULES}

__all__ = ["BY_ID", "BY_NAME", "FAMILIES", "RULES", "Finding", "Rule"]
