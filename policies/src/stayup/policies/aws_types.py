"""The Pulumi type tokens facts, rules and reports name resources by. The tokens themselves are
written once, in the type catalogue (preview/catalogue.py, which also runs inside the program's
interpreter): these names are the pack's view of it."""

from __future__ import annotations

from .preview.catalogue import (
    ALIASES,
    ASG,
    ASG_ATTACHMENT,
    ASG_SCHEDULE,
    ASSOCIATION,
    AWSX_VPC,
    CACHE_GROUP,
    CACHE_SUBNET_GROUP,
    CLASSIC_ELB,
    CLASSIC_ELB_ATTACHMENT,
    DB_SUBNET_GROUP,
    DEFAULT_ROUTE_TABLE,
    ECS_SERVICE,
    EIP,
    EIP_ASSOCIATION,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    GET_SUBNET,
    GET_SUBNET_IDS,
    GET_SUBNETS,
    HEALTH_CHECK,
    IGW,
    INSTANCE,
    LISTENER,
    LOAD_BALANCER,
    MAIN_ASSOCIATION,
    NAT,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    RECORD,
    ROUTE,
    ROUTE53_ZONE,
    ROUTE_TABLE,
    SCALABLE_TARGET,
    SCALING_SCHEDULE,
    SECURITY_GROUP,
    SG_INGRESS_RULE,
    SG_RULE,
    SUBNET,
    TARGET_ATTACHMENT,
    TARGET_GROUP,
    VPC,
)

__all__ = [
    "ASG", "ASG_ATTACHMENT", "ASG_SCHEDULE", "ASSOCIATION", "AWSX_VPC", "CACHE_GROUP", "CACHE_SUBNET_GROUP", "CLASSIC_ELB",
    "CLASSIC_ELB_ATTACHMENT", "DB_SUBNET_GROUP", "DEFAULT_ROUTE_TABLE", "ECS_SERVICE", "EIP", "EIP_ASSOCIATION", "EKS_CLUSTER",
    "EKS_NODE_GROUP", "GET_SUBNET", "GET_SUBNETS", "GET_SUBNET_IDS", "HEALTH_CHECK", "IGW", "INSTANCE", "LISTENER", "LOAD_BALANCER",
    "MAIN_ASSOCIATION", "NAT", "RDS_CLUSTER", "RDS_CLUSTER_INSTANCE", "RDS_INSTANCE", "RECORD", "ROUTE", "ROUTE53_ZONE", "ROUTE_TABLE",
    "SCALABLE_TARGET", "SCALING_SCHEDULE", "SECURITY_GROUP", "SG_INGRESS_RULE", "SG_RULE", "STACK", "SUBNET", "TARGET_ATTACHMENT",
    "TARGET_GROUP", "TYPE_ALIASES", "VPC",
]

STACK = "pulumi:pulumi:Stack"

# Type tokens that are aliases of one another; rules see the canonical one.
TYPE_ALIASES = ALIASES
