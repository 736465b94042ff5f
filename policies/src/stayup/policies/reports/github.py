"""GitHub Actions workflow commands (`::error file=…,line=…::…`): annotations on the pull request
for repositories without code scanning. One line per finding, per stack that could not be checked
and per unanswered lookup; every value escaped so a name can never start a command of its own."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import Entry, StackReport
from .sarif import location, repo_root
from .text import short_message

_LEVEL = {("fail", "mandatory"): "error", ("fail", "advisory"): "warning", ("unknown", "mandatory"): "warning", ("unknown", "advisory"): "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    fields = ",".join(f"{key}={_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{level}{' ' + fields if fields else ''}::{_data(message)}"


def _where(entry: Entry, project: Path, root: Path) -> dict[str, object]:
    physical = location(entry.urn, entry.file, entry.line, project, root).get("physicalLocation")
    if physical is None:
        return {}
    return {"file": physical["artifactLocation"]["uri"], "line": physical["region"]["startLine"]}


def check_github(reports: Iterable[StackReport], project: Path) -> str:
    project = project.resolve()
    root = repo_root(project)
    lines = []
    for report in reports:
        if report.verdict == "error":
            lines.append(command("error", report.error or "", title=f"stayup: stack {report.stack} cannot be checked"))
            continue
        for outcome, entries in (("fail", report.violations), ("unknown", report.unknown)):
            for entry in entries:
                title = f"{entry.rule} {entry.name} [{report.stack}]"
                lines.append(command(_LEVEL[(outcome, entry.enforcement)], short_message(entry), **_where(entry, project, root), title=title))
        for u in report.unanswered:
            lines.append(command("warning", f"unanswered lookup {u['token']}: what depends on it is unknown (pin it with --answers)", title=f"stayup [{report.stack}]"))
    return "".join(line + "\n" for line in lines)
