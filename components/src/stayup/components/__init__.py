"""stayup components: resilient-by-default building blocks for multi-AZ AWS stacks."""

from .crm import AsgHealthCheck, CrmArgs, CrmHosting, DatabaseKind
from .dns import (
    AliasTarget,
    FailoverDns,
    FailoverDnsArgs,
    HealthCheckKind,
    HealthCheckSpec,
    StaticTarget,
)
from .network import EgressMode, NetworkArgs, ResilientNetwork
from .relay import RelayArgs, VideoRelay

__all__ = [
    "AliasTarget",
    "AsgHealthCheck",
    "CrmArgs",
    "CrmHosting",
    "DatabaseKind",
    "EgressMode",
    "FailoverDns",
    "FailoverDnsArgs",
    "HealthCheckKind",
    "HealthCheckSpec",
    "NetworkArgs",
    "RelayArgs",
    "ResilientNetwork",
    "StaticTarget",
    "VideoRelay",
]
