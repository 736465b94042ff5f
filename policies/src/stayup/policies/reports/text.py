"""Terminal reports: `stayup check` grouped by AZ then rule, and the blast radius."""

from __future__ import annotations

from collections import defaultdict

from ..availability import Estimate
from ..blast import BlastRadius, Serves
from ..facts import resource_zones
from ..recovery import Recovery
from . import Entry, StackReport
from .escape import visible

REGION_WIDE = "region-wide"


def _short(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def short_message(entry: Entry) -> str:
    """The message with the resource's URN replaced by its name: the URN is on the line above
    (as the name) and in its own field of every machine format."""
    return entry.message.replace(entry.urn, _short(entry.urn)) if entry.urn else entry.message


def stack_text(report: StackReport) -> str:
    if report.verdict == "error":
        return _lines([f"stayup check · {report.stack} · ERROR", f"  {report.error}"])
    mode = "preview" if report.preview else "update"
    lines = [
        f"stayup check · {report.stack} (project {report.project}, {mode}, {report.engine}) · {report.verdict.upper()}",
        f"  {report.resources} resources · {len(report.violations)} violations · {len(report.unknown)} unknown"
        f" · {len(report.suppressed)} suppressed" + (f" · {report.passed} passed" if report.passed is not None else ""),
    ]
    if report.state:
        s = report.state
        lines.append(
            f"  deployed state from {s['file']}: {s['ignored']} resources of other providers ignored, {s['absent']} marked for deletion or replacement left out, {s['pending']} pending operations"
        )
    if report.runtime:
        versions = ", ".join(f"{k} {v}" for k, v in report.runtime.items() if k != "interpreter" and v)
        lines.append(f"  program ran in {report.runtime.get('interpreter')}; {versions}")
    for component in report.opaque:
        where = component.get("source") or {}
        at = f" ({where.get('file')}:{where.get('line')})" if where.get("file") else ""
        lines.append(f"  UNKNOWN: opaque component {component['type']}{at}: its children (power zones, egress, health checks) are not seen offline")
    for item in report.not_modelled:
        where = item.get("source") or {}
        at = f" ({where.get('file')}:{where.get('line')})" if where.get("file") else ""
        lines.append(f"  NOT JUDGED: {item['type']} {item['name']}{at}: no rule models it yet ({item['decided_by']} decides whether it survives a zone loss)")
    if report.unanswered:
        calls = ", ".join(f"{u['token']} ({u['file']}:{u['line']})" if u.get("file") else str(u["token"]) for u in report.unanswered)
        lines.append(f"  unanswered lookups (what depends on them is unknown; see --answers): {calls}")
    if report.partial:
        lines.append(f"  UNKNOWN: the graph is partial: {len(report.partial)} resources are declared inside `apply` callbacks a first preview does not run")
        places = sorted({f"{(s.get('source') or {}).get('file', '?')}:{(s.get('source') or {}).get('line', '?')}" for s in report.partial})
        lines.append(f"    declared at {', '.join(places)}")
    graph = report.graph
    groups: dict[str, dict[tuple[str, str], list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for kind, entries in (("FAIL", report.violations), ("UNKNOWN", report.unknown), ("SUPPRESSED", report.suppressed)):
        for entry in entries:
            # An advisory violation never fails the stack: WARN, never FAIL under a PASS header.
            shown = "WARN" if kind == "FAIL" and entry.enforcement == "advisory" else kind
            resource = graph.resources.get(entry.urn) if graph is not None else None
            zones = resource_zones(graph, resource) if graph is not None and resource is not None else []
            groups[", ".join(zones) or REGION_WIDE][(entry.rule, shown)].append(entry)
    for zone in sorted(groups, key=lambda z: (z == REGION_WIDE, z)):
        lines.append("")
        lines.append(f"  {zone}")
        for (rule, kind), entries in sorted(groups[zone].items()):
            first = entries[0]
            lines.append(f"    {kind:<10} {rule} {first.name}  [{first.enforcement}, {first.severity}]")
            for entry in entries:
                where = f"  {entry.file}:{entry.line}" if entry.file else ""
                if entry.synthesized:
                    where += f"  (synthesized: {entry.synthesized} component, as documented)"
                lines.append(f"               {_short(entry.urn)}{where}")
                if kind == "SUPPRESSED":
                    lines.append(f"               suppressed: {entry.reason}" + (f" (until {entry.expires.isoformat()})" if entry.expires else ""))
                else:
                    lines.append(f"               {short_message(entry)}")
    if report.baselined or report.baselined_unknown:
        accepted = sorted({f"{e.rule} {_short(e.urn)}" for e in [*report.baselined, *report.baselined_unknown]})
        lines.append(f"  accepted by the baseline {report.baseline} (not counted): {', '.join(accepted)}")
    if report.disabled:
        lines.append(f"  DISABLED by the policy config (not checked): {', '.join(report.disabled)}")
    if report.all_clear:
        lines.append("  every rule passed: power zones, egress, health checks and static stability hold.")
    elif not (report.violations or report.unknown):
        seen = [word for word, present in (("NOT JUDGED", report.not_modelled), ("UNKNOWN", report.opaque or report.partial),
                                           ("DISABLED", report.disabled), ("SUPPRESSED", report.suppressed)) if present]
        lines.append(f"  no violations, but not every resource or rule was judged, or every finding counted (see {' / '.join(seen)} above).")
    return _lines(lines)


def _lines(lines: list[str]) -> str:
    """Each item is one line: a newline or control character inside one came from a name (data),
    so it is shown escaped and can never forge a line of stayup's own."""
    return "".join(visible(line) + "\n" for line in lines)


ZONE_STATUS = {"survives": "survives", "degraded": "DEGRADED: a service serves below its baseline or lost its egress", "down": "DOES NOT SURVIVE", "unknown": "UNKNOWN"}


def mark(value: Serves) -> str:
    if value is True:
        return "yes"
    return "NO" if value is False else "unknown"


def recovery_text(recovery: Recovery) -> str:
    """`75–120 s: database failover crm-db: 30–120 s (…); …`: the span, then every step."""
    steps = "; ".join(step.shown() for step in recovery.steps)
    why = f" ({recovery.why})" if recovery.outcome == "down" and recovery.why else ""
    return f"{recovery.shown()}{why}" + (f": {steps}" if steps else "")


def blast_text(result: BlastRadius, estimates: list[Estimate]) -> str:
    lines = [f"stayup blast-radius · {result.stack} · {result.verdict.upper()}"]
    for loss in result.zones:
        lines += ["", f"  {loss.zone} dark · {ZONE_STATUS[loss.status]}"]
        for s in loss.services:
            capacity = "" if s.capacity_before is None else f"{s.capacity_before} -> {s.capacity_after}" + (f" (baseline {s.baseline})" if s.baseline is not None else "")
            lines.append(f"    {s.name:<28} {s.kind:<8} {s.status:<8} egress {mark(s.egress):<4} {capacity:<24} {s.via}")
            lines.append(f"      recovery {recovery_text(s.recovery)}")
    if result.unplaced:
        lines += ["", f"  UNKNOWN: the AZ of {len(result.unplaced)} subnet(s) is not known, so their power zone's loss is not simulated:"]
        lines += [f"    {urn}" for urn in result.unplaced]
    lines += ["", "  availability estimate"]
    for e in estimates:
        lines.append(f"    {e.name}: {e.availability} % ({e.downtime_minutes_per_year} min/year) = {e.arithmetic}")
    budget = result.budget
    if budget is not None:
        lines += ["", f"  downtime budget: {budget.shown()}"]
    return _lines(lines)


def rules_text(rules: list[dict[str, str]], *, width: int) -> str:
    """`stayup rules`: one rule a line, columns aligned, when that fits the terminal; else the
    doc link on a line of its own, and on a narrower terminal the family and enforcement too (a
    link is never cut)."""
    name_width = max(len(r["name"]) for r in rules)
    family_width = max(len(r["family"]) for r in rules)
    heads = [f"{r['id']}  {r['name']:<{name_width}}  {r['family']:<{family_width}}  {r['enforcement']:<9}" for r in rules]
    lines = []
    if all(len(head) + 2 + len(r["doc"]) <= width for head, r in zip(heads, rules, strict=True)):
        lines = [f"{head}  {r['doc']}" for head, r in zip(heads, rules, strict=True)]
    elif all(len(head.rstrip()) <= width for head in heads):
        for head, r in zip(heads, rules, strict=True):
            lines += [head.rstrip(), f"       {r['doc']}"]
    else:
        for r in rules:
            lines += [f"{r['id']}  {r['name']}", f"       {r['family']}, {r['enforcement']}", f"       {r['doc']}"]
    return _lines(lines)
