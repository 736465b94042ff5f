"""The Mermaid diagrams in Markdown reports render with the real renderer (mermaid-cli driving the
machine's Chromium), for the example stacks, their failover DNS, the blast-radius capacity map, and
resource names built to break out of a label."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from stayup.policies.cli import main

MMDC = ROOT / "tests" / "tools" / "node_modules" / ".bin" / "mmdc"
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or not MMDC.exists(),
    reason="needs Debian's chromium and tests/tools' mermaid-cli (`make test-tools` installs both as root with apt-get)",
)


def blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S)


def render(tmp_path: Path, diagram: str) -> str:
    """The SVG mermaid-cli draws, or the test fails with its error."""
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox", "--disable-gpu"]}))
    source, target = tmp_path / "d.mmd", tmp_path / "d.svg"
    source.write_text(diagram, encoding="utf-8")
    run = subprocess.run([str(MMDC), "-q", "-p", str(config), "-i", str(source), "-o", str(target)], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return target.read_text(encoding="utf-8")


def markdown(capsys, *argv: str) -> str:
    main([*argv, "--format", "markdown"])
    return capsys.readouterr().out


@pytest.mark.parametrize("stack", ["crm-paris", "video-frankfurt"])
def test_check_and_blast_radius_diagrams_render(capsys, monkeypatch, tmp_path, stack):
    monkeypatch.chdir(ROOT)
    (stack_view,) = blocks(markdown(capsys, "check", "--stack", stack, "--config", "natZones=1"))
    svg = render(tmp_path, stack_view)
    # Every AZ is drawn, and the SECONDARY record's target with it.
    assert all(zone in svg for zone in ("eu-west-1a", "eu-west-1b", "eu-west-1c"))
    assert "DNS SECONDARY" in svg and re.search(r"n\d+ --> n\d+", stack_view.split("DNS SECONDARY", 1)[1])
    (capacity,) = blocks(markdown(capsys, "blast-radius", "--stack", stack))
    assert "eu-west-1a" in render(tmp_path, capacity)


def test_a_hostile_resource_name_stays_inside_its_label(tmp_path):
    from stayup.policies.model import from_capture
    from stayup.policies.reports.layout import flowchart

    name = 'x"] --> evil["pwn`\n```\n## PASS <b>#1</b>'
    graph = from_capture({"stack": "s", "region": "eu-west-3", "resources": [
        {"urn": "urn:pulumi:s::p::aws:ec2/subnet:Subnet::a", "type": "aws:ec2/subnet:Subnet", "name": name, "custom": True,
         "outputs": {"id": "subnet-1", "availabilityZone": "eu-west-3a"}, "propertyDependencies": {}},
    ]})
    diagram = "\n".join(flowchart(graph, set())) + "\n"
    assert "```" not in diagram and "-->" not in diagram  # no fence to close, no edge smuggled in
    assert len(re.findall(r'^\s+(n\d+)\["[^"]*"\]$', diagram, flags=re.M)) == 1  # one node, its label one quoted string
    svg = render(tmp_path, diagram)
    assert "evil" in svg and "PASS" in svg  # drawn as the text of that node
