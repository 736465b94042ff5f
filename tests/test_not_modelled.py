"""A resource type that decides resilience and that no rule models is listed, never silently ignored.

Expected, written before the first run: no violation (no rule applies), verdict pass, both resources
listed as not judged in JSON, text and Markdown; the text never says "every rule passed".
"""

from __future__ import annotations

import json

from conftest import PROGRAMS
from stayup.policies.cli import main

PROJECT = PROGRAMS / "not_modelled"


def run(capsys, fmt: str) -> tuple[int, str]:
    code = main(["check", "--project", str(PROJECT), "--stack", "dev", "--format", fmt])
    return code, capsys.readouterr().out


def test_not_modelled_resources_are_listed_in_every_report(capsys):
    code, out = run(capsys, "json")
    report = json.loads(out)
    assert (code, report["verdict"], report["violations"], report["unknown"]) == (0, "pass", [], [])
    assert [(i["type"], i["name"], i["source"]) for i in report["not_modelled"]] == [
        ("aws:elasticache/cluster:Cluster", "sessions", {"file": "__main__.py", "line": 4}),
        ("aws:mq/broker:Broker", "events", {"file": "__main__.py", "line": 5}),
    ]
    _, text = run(capsys, "text")
    judged = [line.strip() for line in text.splitlines() if line.strip().startswith("NOT JUDGED")]
    assert judged == [
        "NOT JUDGED: aws:elasticache/cluster:Cluster sessions (__main__.py:4): no rule models it yet (a cache cluster's nodes and AZ mode"
        " (a single node is one AZ) decides whether it survives a zone loss)",
        "NOT JUDGED: aws:mq/broker:Broker events (__main__.py:5): no rule models it yet (its deployment mode (single-instance is one AZ)"
        " decides whether it survives a zone loss)",
    ]
    assert "every rule passed" not in text
    assert text.splitlines()[-1].strip() == "no violations, but not every resource or rule was judged, or every finding counted (see NOT JUDGED above)."
    _, markdown = run(capsys, "markdown")
    assert sum(line.startswith("Not judged: `aws:") for line in markdown.splitlines()) == 2
