"""Markdown for pull requests and job summaries: the check report with a Mermaid picture per AZ and
the power-loss table, and the blast-radius report."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..availability import Estimate
from ..blast import BlastRadius, ServiceOutcome, simulate
from ..model import Graph
from . import StackReport
from .escape import visible
from .layout import capacity_map, flowchart
from .text import mark, recovery_text

_BLOCK_MARKER = re.compile(r"[-+=]|[0-9]+[.)]")
_MARKDOWN_SPECIAL = set("\\`*_[]<>#|!~&")


def _cell(text: Any) -> str:
    """User text in a table cell, a heading or a line: no markup, no new line, no `|` that ends
    the cell, no closing fence (control characters shown escaped, then Markdown escaped)."""
    return "".join(("\\" + c) if c in _MARKDOWN_SPECIAL else c for c in visible(text))


def _code(text: Any) -> str:
    """User text as a code span when that is safe (no backtick, `|` or backslash, which code spans
    and table cells read differently), else as escaped text."""
    value = visible(text)
    return f"`{value}`" if value and not set(value) & set("`|\\") else _cell(value)


def _line(text: Any) -> str:
    """Escaped text at the start of a line: never a list item or a thematic break."""
    value = _cell(text).lstrip()
    marker = _BLOCK_MARKER.match(value)
    return value[: marker.end() - 1] + "\\" + value[marker.end() - 1 :] if marker else value


def check_markdown(reports: Iterable[StackReport]) -> str:
    lines = []
    for report in reports:
        if report.verdict == "error":
            lines += [f"## stayup · {_code(report.stack)} · ERROR", "", _line(report.error), ""]
            continue
        verdict_mark = {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN"}[report.verdict]
        mode = "preview" if report.preview else "update"
        lines += [
            f"## stayup · {_code(report.stack)} · {verdict_mark}",
            "",
            (f"{report.resources} resources ({mode}) · {len(report.violations)} violations · "
            f"{len(report.unknown)} unknown · {len(report.suppressed)} suppressed"),
            "",
        ]
        if report.unanswered:
            calls = ", ".join(_code(u["token"]) + (" (" + _code(f"{u['file']}:{u['line']}") + ")" if u.get("file") else "") for u in report.unanswered)
            lines += [f"Unanswered lookups (what depends on them is unknown; pin them with `--answers`): {calls}", ""]
        for component in report.opaque:
            lines += [f"Opaque component {_code(component['type'])}: its children are not seen offline; power zones, egress and health checks inside it are unknown.", ""]
        for item in report.not_modelled:
            lines += [f"Not judged: {_code(item['type'])} {_code(str(item['name']))}: no rule models it yet ({_cell(item['decided_by'])} decides whether it survives a zone loss).", ""]
        if report.partial:
            lines += [f"Partial preview: {len(report.partial)} resources are declared inside `apply` callbacks a first preview does not run.", ""]
        if report.disabled:
            lines += [f"Disabled by the policy config (not checked): {_cell(', '.join(report.disabled))}.", ""]
        if report.baselined or report.baselined_unknown:
            accepted = sorted({f"{e.rule} {e.urn.rsplit('::', 1)[-1]}" for e in [*report.baselined, *report.baselined_unknown]})
            lines += [f"Accepted by the baseline {_code(report.baseline)} (not counted): {_cell(', '.join(accepted))}.", ""]
        entries = [("violation", e) for e in report.violations] + [("unknown", e) for e in report.unknown] + [("suppressed", e) for e in report.suppressed]
        if entries:
            lines += ["| Rule | Outcome | Enforcement | Resource | Where | Message |", "|---|---|---|---|---|---|"]
            for kind, e in entries:
                where = _code(f"{e.file}:{e.line}") if e.file else ""
                message = f"suppressed: {e.reason}" + (f" (until {e.expires.isoformat()})" if e.expires else "") if kind == "suppressed" else e.message
                lines.append(f"| {_cell(f'{e.rule} {e.name}')} | {kind} | {_cell(e.enforcement)} | {_cell(e.urn.rsplit('::', 1)[-1])} | {where} | {_cell(message)} |")
            lines.append("")
        if report.all_clear:
            lines += ["Every rule passed: power zones, egress, health checks and static stability hold.", ""]
        if report.graph is not None:
            weak = {e.urn for kind, e in entries if kind != "suppressed"}
            lines += ["```mermaid", *flowchart(report.graph, weak), "```", ""]
            lines += power_loss_table(report.graph, report.recovery)
    return "\n".join(lines)


def _row(*cells: Any) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def power_loss_table(graph: Graph, recovery: Mapping[str, float | None] | None = None) -> list[str]:
    """What each AZ's power loss does to the stack (the blast-radius simulation, summarised), how
    long users wait for each loss (RT001's figures) and the SLO's downtime budget."""
    rows = ["| AZ dark | outcome | not serving | below baseline | egress lost |", "|---|---|---|---|---|"]
    radius = simulate(graph, recovery=recovery)
    for loss in radius.zones:
        down = ", ".join(s.name for s in loss.services if s.status in ("down", "unknown")) or "-"
        degraded = ", ".join(s.name for s in loss.services if s.status == "degraded") or "-"
        egress = ", ".join(s.name for s in loss.services if not s.egress) or "-"
        rows.append(_row(loss.zone, loss.status, down, degraded, egress))
    if len(rows) == 2:
        return []
    return [*rows, "", *recovery_lines(radius)]


def _worst(services: list[ServiceOutcome]) -> ServiceOutcome | None:
    rank = {"down": 3, "never": 3, "unknown": 2, "recovers": 1}
    return max(services, key=lambda s: (rank[s.recovery.outcome], (s.recovery.seconds or (0.0, 0.0))[1]), default=None)


def recovery_lines(radius: BlastRadius) -> list[str]:
    """Per AZ loss, the longest wait of what users reach and the step that sets it; the budget."""
    lines = ["How long users wait after each loss (seconds until every service serves again at its baseline):", ""]
    for loss in radius.zones:
        worst = _worst(radius.served(loss))
        if worst is None:
            continue
        step = worst.recovery.dominant
        why = f" ({worst.recovery.why})" if worst.recovery.outcome == "down" else ""
        longest = f": {step.shown()}" if step is not None else ""
        lines.append("- " + _cell(f"{loss.zone}: {worst.name} {worst.recovery.shown()}{why}{longest}"))
    budget = radius.budget
    if budget is not None:
        lines += ["", "Downtime budget: " + _cell(budget.shown())]
    return [*lines, ""]


def blast_markdown(result: BlastRadius, estimates: list[Estimate], graph: Graph) -> str:
    lines = [
        f"## Power-zone loss · {_code(result.stack)} · {result.verdict.upper()}",
        "",
        "| AZ dark | outcome | service | status | egress | capacity | baseline | via |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for loss in result.zones:
        for i, s in enumerate(loss.services):
            capacity = "" if s.capacity_before is None else f"{s.capacity_before} → {s.capacity_after}"
            baseline = "" if s.baseline is None else str(s.baseline)
            lines.append(_row(loss.zone if i == 0 else "", loss.status if i == 0 else "", s.name, s.status, mark(s.egress), capacity, baseline, s.via))
    lines += ["", "Recovery: seconds until each service serves again at its baseline, and the steps that set it.", ""]
    for loss in result.zones:
        lines += ["- " + _cell(f"{loss.zone} · {s.name}: {recovery_text(s.recovery)}") for s in loss.services]
    lines += ["", "```mermaid", *capacity_map(graph), "```", "", "| served name | estimated availability | downtime / year | arithmetic |", "|---|---|---|---|"]
    lines += [_row(e.name, f"{e.availability} %", f"{e.downtime_minutes_per_year} min", e.arithmetic) for e in estimates]
    budget = result.budget
    if budget is not None:
        lines += ["", "Downtime budget: " + _cell(budget.shown())]
    return "\n".join(lines) + "\n"
