"""The rule registry: every rule, in ID order. One rule per module; the path says what it guards."""

from __future__ import annotations

from .base import FAMILIES, Enforcement, Finding, Outcome, Rule
from .disaster_recovery import availability_meets_slo, recovery_time_meets_rto
from .egress import (
    independent_egress_paths,
    nat_in_public_subnet,
    opaque_vpc_nat_strategy,
    private_egress_in_own_zone,
)
from .health_checks import (
    asg_uses_load_balancer_health,
    dns_alias_evaluates_target_health,
    dns_failover_explicit_health_check,
    dns_failover_pair,
    dns_health_check_settings,
    target_group_health_check,
    target_group_readiness_path,
    udp_target_group_health_check,
)
from .power_zones import (
    cache_survives_zone_loss,
    database_survives_zone_loss,
    no_single_zone_instance_tier,
    serving_instances_span_power_zones,
    tier_spans_power_zones,
)
from .static_stability import group_statically_stable, instance_tier_statically_stable

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            module.RULE
            for module in (
                tier_spans_power_zones,
                database_survives_zone_loss,
                cache_survives_zone_loss,
                no_single_zone_instance_tier,
                serving_instances_span_power_zones,
                private_egress_in_own_zone,
                independent_egress_paths,
                nat_in_public_subnet,
                opaque_vpc_nat_strategy,
                target_group_health_check,
                udp_target_group_health_check,
                asg_uses_load_balancer_health,
                dns_failover_pair,
                dns_alias_evaluates_target_health,
                dns_health_check_settings,
                dns_failover_explicit_health_check,
                target_group_readiness_path,
                group_statically_stable,
                instance_tier_statically_stable,
                availability_meets_slo,
                recovery_time_meets_rto,
            )
        ),
        key=lambda rule: rule.id,
    )
)
BY_ID = {rule.id: rule for rule in RULES}
BY_NAME = {rule.name: rule for rule in RULES}

__all__ = ["BY_ID", "BY_NAME", "FAMILIES", "RULES", "Enforcement", "Finding", "Outcome", "Rule"]
