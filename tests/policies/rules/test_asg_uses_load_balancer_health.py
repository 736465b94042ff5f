"""HC003 asg-uses-load-balancer-health: its documented scenarios (`stayup.policies.rules.health_checks.asg_uses_load_balancer_health`)."""

from __future__ import annotations

from scenarios import (
    ASG,
    UNKNOWN,
    classic_elb,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC003"
CASES = {
    "pass": {"ELB type, grace 120 s": (same, [("web", ASG)])},
    "fail": {
        "EC2 type": (lambda b: mutate(b, "web", ASG, healthCheckType="EC2"), [("HC003", "web", ASG, "fail")]),
        "no grace period": (lambda b: mutate(b, "web", ASG, healthCheckGracePeriod=None), [("HC003", "web", ASG, "fail")]),
        "EC2 type behind a classic load balancer": (
            lambda b: mutate(classic_elb(b, zones=("eu-west-3a", "eu-west-3b")), "web", ASG, targetGroupArns=None, loadBalancers=["classic"], healthCheckType="EC2"),
            [("HC003", "web", ASG, "fail")],
        ),
    },
    "not-applicable": {"no group attached to a target group": lambda b: mutate(b, "web", ASG, targetGroupArns=None)},
    "unknown": {"settings unknown": (lambda b: mutate(b, "web", ASG, healthCheckType=UNKNOWN), [("HC003", "web", ASG, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
