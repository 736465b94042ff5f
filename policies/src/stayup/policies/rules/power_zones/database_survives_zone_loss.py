"""PZ002 database-survives-zone-loss: databases keep a standby or reader in another AZ.

Scenarios: pass (RDS multiAz and Aurora writer + reader in two AZs) · fail (RDS single-AZ; Aurora
instances in one AZ) · not-applicable (no database) · unknown (multiAz unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import RDS_CLUSTER, RDS_CLUSTER_INSTANCE, RDS_INSTANCE
from ...facts import zone_name
from ...model import Graph
from ...values import Unknown, flag, text
from ..base import Finding, Rule


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for db in graph.of_type(RDS_INSTANCE):
        engine = text(db.get("engine")) or ""
        if engine.startswith("aurora") or db.get("replicateSourceDb"):
            continue  # cluster members and read replicas are judged through their source
        multi = flag(db.get("multiAz"))
        if multi is True:
            yield RULE.passed(db)
        elif isinstance(multi, Unknown):
            yield RULE.unknown(db, "multiAz", "multiAz is not known until deployment")
        else:
            yield RULE.failed(db, "multiAz", "RDS instance runs in a single AZ (multiAz is not true)", "set multiAz: true.")
    for cluster in graph.of_type(RDS_CLUSTER):
        engine = text(cluster.get("engine")) or "aurora"
        if cluster.get("engineMode") == "serverless":
            continue
        if not engine.startswith("aurora"):
            # Multi-AZ DB cluster (RDS for MySQL/PostgreSQL): one writer and two readers in 3 AZs.
            yield RULE.passed(cluster) if cluster.get("dbClusterInstanceClass") else RULE.failed(
                cluster, "dbClusterInstanceClass", "RDS cluster is not a Multi-AZ DB cluster"
            )
            continue
        members = graph.referrers(cluster, RDS_CLUSTER_INSTANCE, "clusterIdentifier")
        zones = {zone_name(m.get("availabilityZone")) for m in members}
        known = {z for z in zones if z}
        if len(known) >= 2:
            yield RULE.passed(cluster)
        elif None in zones and len(members) >= 2:
            yield RULE.unknown(cluster, "availabilityZone", "its instances do not name their AZs, so AWS places them")
        else:
            where = ", ".join(sorted(known)) or "one AZ"
            yield RULE.failed(
                cluster,
                "availabilityZone",
                f"Aurora cluster has {len(members)} instance(s), all in {where}: no reader to fail over to in another AZ",
                "add a reader ClusterInstance with availabilityZone in another AZ.",
            )


RULE = Rule(
    id="PZ002",
    name="database-survives-zone-loss",
    description="Every database fails over to another AZ: RDS Multi-AZ, an Aurora reader in a second AZ, or a Multi-AZ DB cluster.",
    severity="critical",
    remediation="Enable Multi-AZ (RDS) or add an Aurora reader in another AZ.",
    check=check,
    tags=("power-zones", "database", "rds-multi-az-support", "CKV_AWS_157"),
)
