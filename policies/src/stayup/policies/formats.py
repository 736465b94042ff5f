"""The report formats of `stayup check`, one table: `--format`, `--report FORMAT=PATH`, the GitHub
Action's `format` input and the README all list these names (a test ties them together)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the table is read when the command line is parsed: renderers load on use
    from .reports import StackReport


@dataclass(frozen=True)
class Run:
    """What a renderer may need besides the reports."""

    several: bool
    project: Path
    version: str
    docs: str | None = None


@dataclass(frozen=True)
class Format:
    name: str
    extension: str  # of the file the Action writes by default
    render: Callable[[list[StackReport], Run], str]


def _text(reports: list[StackReport], run: Run) -> str:
    from .reports.text import stack_text

    return "\n".join(stack_text(r) for r in reports)


def _json(reports: list[StackReport], run: Run) -> str:
    from .reports.json import check_json

    return check_json(reports, several=run.several)


def _sarif(reports: list[StackReport], run: Run) -> str:
    from .reports.json import dump
    from .reports.sarif import check_sarif

    return dump(check_sarif(reports, run.project, run.version, docs=run.docs))


def _junit(reports: list[StackReport], run: Run) -> str:
    from .reports.junit import check_junit

    return check_junit(reports)


def _markdown(reports: list[StackReport], run: Run) -> str:
    from .reports.markdown import check_markdown

    return check_markdown(reports)


def _github(reports: list[StackReport], run: Run) -> str:
    from .reports.github import check_github

    return check_github(reports, run.project)


CHECK_FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("text", "txt", _text),
        Format("json", "json", _json),
        Format("sarif", "sarif", _sarif),
        Format("junit", "xml", _junit),
        Format("markdown", "md", _markdown),
        Format("github", "txt", _github),  # workflow-command annotations
    )
}
