"""Pull-request reports of `stayup check`: SARIF 2.1.0 (code scanning), JUnit XML, and Markdown
with a Mermaid picture of each stack per AZ (job summary / PR comment)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from .facts import (
    ASG,
    INSTANCE,
    LOAD_BALANCER,
    NAT,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    RECORD,
    SUBNET,
    instance_zone,
    nat_coverage,
    number,
    subnet_egress,
    subnet_tier,
    subnet_zone,
    zone_name,
    zones_of,
)
from .graph_schema import UNKNOWN
from .regions import region_of_zone
from .rules import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {("fail", "mandatory"): "error", ("fail", "advisory"): "warning", ("unknown", "mandatory"): "warning", ("unknown", "advisory"): "note"}

Outcome = tuple[dict[str, Any], Any]  # (JSON report of one stack, its graph or None)


def repo_root(project: Path) -> Path:
    try:
        top = subprocess.run(
            ["git", "-C", str(project), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        return Path(top)
    except (OSError, subprocess.SubprocessError):
        return Path.cwd()


def docs_url(rule) -> str | None:
    """An absolute link to the rule's doc when the repository is known (as in GitHub Actions)."""
    server, repo = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repo:
        return f"{server}/{repo}/blob/{os.environ.get('GITHUB_SHA', 'HEAD')}/{rule.url}"
    return None


def fingerprint(stack: str, rule: str, urn: str) -> str:
    return hashlib.sha256(f"{stack}\x00{rule}\x00{urn}".encode()).hexdigest()[:32]


def sarif(outcomes: list[Outcome], project: Path, version: str) -> dict[str, Any]:
    project = project.resolve()
    root = repo_root(project)
    rules = []
    for rule in RULES:
        entry = {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.description},
            "fullDescription": {"text": rule.description},
            "help": {"text": f"{rule.remediation} See {rule.url}.", "markdown": f"{rule.remediation} See [{rule.id}]({rule.url})."},
            "defaultConfiguration": {"level": "error" if rule.core else "warning"},
            "properties": {"tags": [rule.family, *rule.tags], "severity": rule.severity},
        }
        if docs_url(rule):
            entry["helpUri"] = docs_url(rule)
        rules.append(entry)
    index = {rule.id: i for i, rule in enumerate(RULES)}
    results = []
    for report, _ in outcomes:
        if report.get("verdict") == "error":
            continue
        entries = [(e, "fail") for e in report["violations"]] + [(e, "unknown") for e in report["unknown"]]
        entries += [(e, "suppressed") for e in report["suppressed"]]
        for entry, kind in entries:
            outcome = "fail" if kind == "suppressed" else kind
            result: dict[str, Any] = {
                "ruleId": entry["rule"],
                "ruleIndex": index[entry["rule"]],
                "level": _LEVEL[(outcome, entry["enforcement"])],
                "message": {"text": f"[{report['stack']}] {entry['message']}"},
                "locations": [_location(entry, project, root)],
                "partialFingerprints": {"stayupFinding/v1": fingerprint(report["stack"], entry["rule"], entry["urn"])},
                "properties": {"stack": report["stack"], "urn": entry["urn"], "attribute": entry["attribute"]},
            }
            if kind == "suppressed":
                result["suppressions"] = [{"kind": "external", "justification": entry["reason"]}]
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "stayup", "version": version, "semanticVersion": version, "rules": rules}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _location(entry: dict[str, Any], project: Path, root: Path) -> dict[str, Any]:
    location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": entry["urn"], "kind": "resource"}]}
    file = entry.get("file")
    if file:
        path = (project / file).resolve()
        try:
            uri = path.relative_to(root).as_posix()
        except ValueError:
            uri = path.as_uri()
        location["physicalLocation"] = {
            "artifactLocation": {"uri": uri, **({"uriBaseId": "%SRCROOT%"} if not uri.startswith("file:") else {})},
            "region": {"startLine": int(entry.get("line") or 1)},
        }
    return location


def junit(outcomes: list[Outcome]) -> str:
    """One test case per (stack, rule); a rule with violations fails, with unknowns errors."""
    suites = ET.Element("testsuites", name="stayup")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for report, _ in outcomes:
        suite = ET.SubElement(suites, "testsuite", name=report["stack"])
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if report.get("verdict") == "error":
            case = ET.SubElement(suite, "testcase", classname=f"stayup.{report['stack']}", name="stack")
            ET.SubElement(case, "error", message=report["error"], type="input").text = report["error"]
            counts["tests"], counts["errors"] = 1, 1
        else:
            for rule in RULES:
                counts["tests"] += 1
                case = ET.SubElement(suite, "testcase", classname=f"stayup.{report['stack']}", name=f"{rule.id} {rule.name}")
                violations = [v for v in report["violations"] if v["rule"] == rule.id]
                unknown = [u for u in report["unknown"] if u["rule"] == rule.id]
                if violations:
                    counts["failures"] += 1
                    levels = sorted({v["enforcement"] for v in violations})
                    ET.SubElement(case, "failure", message=f"{len(violations)} violation(s)", type="/".join(levels)).text = "\n".join(
                        f"{v['urn']}: {v['message']}" for v in violations
                    )
                elif unknown:
                    counts["errors"] += 1
                    ET.SubElement(case, "error", message=f"{len(unknown)} unknown outcome(s)", type="unknown").text = "\n".join(
                        f"{u['urn']}: {u['message']}" for u in unknown
                    )
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(outcomes: list[Outcome]) -> str:
    lines = []
    for report, graph in outcomes:
        if report.get("verdict") == "error":
            lines += [f"## stayup · `{report['stack']}` · ERROR", "", f"`{_cell(report['error'])}`", ""]
            continue
        mark = {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN"}[report["verdict"]]
        mode = "preview" if report["preview"] else "update"
        lines += [
            f"## stayup · `{report['stack']}` · {mark}",
            "",
            (f"{report['resources']} resources ({mode}) · {len(report['violations'])} violations · "
            f"{len(report['unknown'])} unknown · {len(report['suppressed'])} suppressed"),
            "",
        ]
        entries = [("violation", e) for e in report["violations"]] + [("unknown", e) for e in report["unknown"]]
        if entries:
            lines += ["| Rule | Outcome | Enforcement | Resource | Where | Message |", "|---|---|---|---|---|---|"]
            for kind, e in entries:
                where = f"`{e['file']}:{e['line']}`" if e.get("file") else ""
                lines.append(
                    f"| {e['rule']} {e['name']} | {kind} | {e['enforcement']} | `{_cell(e['urn'].rsplit('::', 1)[-1])}` | {where} | {_cell(e['message'])} |"
                )
            lines.append("")
        else:
            lines += ["Every rule passed: power zones, egress, health checks and static stability hold.", ""]
        if graph is not None:
            weak = {e["urn"] for _, e in entries}
            lines += ["```mermaid", *mermaid(graph, weak), "```", ""]
            lines += power_loss_table(graph)
    return "\n".join(lines)


def power_loss_table(graph) -> list[str]:
    """What each AZ's power loss does to the stack (the blast-radius simulation, summarised)."""
    from .blast import simulate

    rows = ["| AZ dark | survives | not serving | egress lost |", "|---|---|---|---|"]
    for scenario in simulate(graph)["zones"]:
        down = ", ".join(s["name"] for s in scenario["services"] if s["serves"] is not True) or "-"
        egress = ", ".join(s["name"] for s in scenario["services"] if not s["egress"]) or "-"
        rows.append(f"| {scenario['zone']} | {'yes' if scenario['survives'] else 'NO'} | {down} | {egress} |")
    return [*rows, ""] if len(rows) > 2 else []


def mermaid(graph, weak: set[str]) -> list[str]:
    """Flowchart of the stack per region and AZ; resources with findings are marked weak."""
    ids: dict[str, str] = {}

    def node(key: str, label: str, urns: list[str]) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids)}"
        flagged = any(u in weak for u in urns)
        text = ("⚠ " if flagged else "") + label.replace('"', "'")
        return f'{ids[key]}["{text}"]' + (":::weak" if flagged else "")

    zones: dict[str, dict[str, list[str]]] = {}
    regional: dict[str, list[str]] = {}
    edges: list[str] = []

    def put(zone: str, line: str) -> None:
        region = region_of_zone(zone) or "other"
        zones.setdefault(region, {}).setdefault(zone, []).append(line)

    for subnet in graph.of_type(SUBNET):
        zone = subnet_zone(subnet)
        if zone != UNKNOWN:
            put(zone, node(subnet.urn, f"{subnet_tier(graph, subnet)} subnet {subnet.name}", [subnet.urn]))
    for nat in graph.of_type(NAT):
        cover = nat_coverage(graph, nat)
        if cover.regional:
            region = next((region_of_zone(z) for z in cover.zones or ()), None) or "other"
            regional.setdefault(region, []).append(node(nat.urn, f"regional NAT {nat.name}", [nat.urn]))
        for zone in sorted(cover.zones or ()) if not cover.regional else ():
            put(zone, node(nat.urn, f"NAT {nat.name}", [nat.urn]))
    for subnet in graph.of_type(SUBNET):
        egress = subnet_egress(graph, subnet)
        for target in egress if isinstance(egress, list) else []:
            if target.kind == "nat" and target.resource is not None and target.resource.urn in ids and subnet.urn in ids:
                edges.append(f"{ids[subnet.urn]} --> {ids[target.resource.urn]}")
    for group in graph.of_type(ASG):
        spread = zones_of(graph, group)
        size = number(group.get("minSize"))
        for zone in sorted(spread.zones if spread else ()):
            per = f" x{size / len(spread.zones):g}" if size else ""
            put(zone, node(f"{group.urn}#{zone}", f"group {group.name}{per}", [group.urn]))
    for instance in graph.of_type(INSTANCE):
        zone = instance_zone(graph, instance)
        if zone != UNKNOWN:
            put(zone, node(instance.urn, f"instance {instance.name}", [instance.urn]))
    for member in graph.of_type(RDS_CLUSTER_INSTANCE):
        zone = zone_name(member.get("availabilityZone"))
        if zone:
            put(zone, node(member.urn, f"db {member.name}", [member.urn, *member.property_dependencies.get("clusterIdentifier", ())]))
    for db in graph.of_type(RDS_INSTANCE):
        for group in graph.linked(db, "dbSubnetGroupName"):
            spread = zones_of(graph, group)
            for zone in sorted(spread.zones if spread else ()):
                put(zone, node(f"{db.urn}#{zone}", f"db {db.name} ({'Multi-AZ' if db.get('multiAz') is True else 'single-AZ'})", [db.urn]))
    lines = ["flowchart LR", "  classDef weak stroke:#d00,stroke-width:3px,color:#d00"]
    for region in sorted(set(zones) | set(regional)):
        lines.append(f'  subgraph {region.replace("-", "_")}["{region}"]')
        for line in regional.get(region, []):
            lines.append(f"    {line}")
        for zone in sorted(zones.get(region, {})):
            lines.append(f'    subgraph {zone.replace("-", "_")}["{zone}"]')
            lines += [f"      {line}" for line in zones[region][zone]]
            lines.append("    end")
        lines.append("  end")
    for lb in graph.of_type(LOAD_BALANCER):
        kind = lb.get("loadBalancerType", "application")
        lines.append(f"  {node(lb.urn, f'{kind} LB {lb.name}', [lb.urn])}")
        for subnet in graph.linked(lb, "subnets") + graph.linked(lb, "subnetMappings"):
            if subnet.urn in ids:
                edges.append(f"{ids[lb.urn]} --- {ids[subnet.urn]}")
    for record in graph.of_type(RECORD):
        policies = record.get("failoverRoutingPolicies")
        role = policies[0].get("type") if isinstance(policies, list) and policies and isinstance(policies[0], dict) else "record"
        label = f"DNS {role} {record.get('name')}"
        lines.append(f"  {node(record.urn, label, [record.urn])}")
        for target in graph.linked(record, "aliases", LOAD_BALANCER):
            if target.urn in ids:
                edges.append(f"{ids[record.urn]} --> {ids[target.urn]}")
    lines += [f"  {edge}" for edge in edges]
    return lines
