"""One table of report formats (stayup.policies.formats) behind `--format`, `--report`, the
GitHub Action's `format` input and the README: each lists exactly its names."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT
from stayup.policies.cli import main
from stayup.policies.formats import CHECK_FORMATS

NAMES = list(CHECK_FORMATS)


def test_the_table_holds_every_format_once():
    assert NAMES == ["text", "json", "sarif", "junit", "markdown", "github"]
    assert {f.name for f in CHECK_FORMATS.values()} == set(NAMES)


@pytest.mark.parametrize(("argv", "line"), [
    (["--format", "yaml"], "argument --format: invalid choice: 'yaml' (choose from {choices}) (see `stayup check --help`)"),
    (["--report", "yaml=out.yaml"], "argument --report: expected FORMAT=PATH with FORMAT one of {names}, got 'yaml=out.yaml' (see `stayup check --help`)"),
])
def test_format_and_report_offer_exactly_the_table(capsys, argv, line):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--stack", "crm-paris", *argv])
    assert exc.value.code == 2
    expected = line.format(choices=", ".join(f"'{n}'" for n in NAMES), names=", ".join(NAMES))
    assert capsys.readouterr() == ("", f"stayup: error: {expected}\n")


@pytest.mark.parametrize("fmt", NAMES)
def test_format_and_report_write_the_same_bytes(tmp_path, capsys, fmt):
    state = str(ROOT / "tests" / "data" / "state" / "shop-prod.json")
    code = main(["check", "--state", state, "--format", fmt, "--no-color"])
    printed = capsys.readouterr().out
    assert main(["check", "--state", state, "--format", "json", "--report", f"{fmt}={tmp_path / 'out'}"]) == code
    assert (tmp_path / "out").read_text() == printed
    assert printed != "" or fmt == "github"  # annotations only for findings; this stack passes


def test_the_action_knows_exactly_the_tables_formats_and_extensions():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    script = next(s["run"] for s in action["runs"]["steps"] if "run" in s and 'case "$FORMAT"' in s["run"])
    arms = dict(re.findall(r"(\w+)\) extension=(\w+) ;;", script))
    assert arms == {f.name: f.extension for f in CHECK_FORMATS.values()}
    assert f"format must be one of {', '.join(NAMES)}, got" in script
    described = action["inputs"]["format"]["description"]
    assert re.findall(r"\b(" + "|".join(NAMES) + r")\b", described) == NAMES


def test_the_readme_lists_exactly_the_tables_formats():
    readme = (ROOT / "README.md").read_text()
    (synopsis,) = re.findall(r"stayup check --stack crm-paris .*\[--format ([a-z|]+)\]", readme)
    assert synopsis.split("|") == NAMES
    (bullet,) = re.findall(r"- `--report FORMAT=PATH` \(repeatable\) writes more reports from the same run — (.*?)\(workflow-command", readme, re.S)
    assert re.findall(r"`(\w+)`", bullet) == NAMES
