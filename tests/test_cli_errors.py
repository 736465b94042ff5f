"""Every user mistake: one line naming the file and key, a documented exit code, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROGRAMS, ROOT
from stayup.policies.cli import main

# The program line that builds the network: errors point there, not into the component.
MAIN_NETWORK_LINE = next(i for i, line in enumerate((ROOT / "__main__.py").read_text().splitlines(), 1) if "network = ResilientNetwork(" in line)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-m", "stayup.policies", *args], check=False, cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def one_line_error(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return code, err.strip()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["graph", "--project", str(PROGRAMS / "missing"), "--stack", "dev"],
            f"stayup: error: {PROGRAMS / 'missing' / 'Pulumi.yaml'}: file not found",
        ),
        (
            ["graph", "--project", str(PROGRAMS / "bad_types"), "--stack", "nope"],
            f"stayup: error: {PROGRAMS / 'bad_types' / 'Pulumi.nope.yaml'}: file not found",
        ),
        (
            ["graph", "--project", str(PROGRAMS / "bad_types"), "--stack", "broken"],
            (f"stayup: error: {PROGRAMS / 'bad_types' / 'Pulumi.broken.yaml'}: malformed YAML at line 4: "
            "expected ',' or ']', but got '<stream end>'"),
        ),
        (
            ["graph", "--project", str(PROGRAMS / "bad_types"), "--stack", "dev"],
            (f"stayup: error: {PROGRAMS / 'bad_types' / 'Pulumi.dev.yaml'}: config.bad-types:zones: "
            "expected integer, got 'three'"),
        ),
        (
            ["graph", "--project", str(PROGRAMS / "separate_routes"), "--stack", "dev", "--config", "aws:region=eu-east-9"],
            ("stayup: error: --config: aws:region: unknown AWS region 'eu-east-9' (stayup knows the 38 regions of the aws,"
             " aws-us-gov and aws-cn partitions; did you mean us-east-2 or us-east-1 or eu-west-3?)"),
        ),
        (
            ["graph", "--stack", "crm-paris", "--config", "zones=five"],
            "stayup: error: --config: stayup:zones: expected integer, got 'five'",
        ),
        (
            ["graph", "--stack", "crm-paris", "--config", "zones=4"],
            (f"stayup: error: __main__.py:{MAIN_NETWORK_LINE}: NetworkArgs.zones: 4 zones requested but the region has 3 "
            "(eu-west-3a, eu-west-3b, eu-west-3c)"),
        ),
    ],
    ids=["missing-project", "missing-stack", "malformed-yaml", "wrong-type", "unknown-region", "override-type", "too-many-zones"],
)
def test_bad_input_exits_2(capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(ROOT)
    code, line = one_line_error(capsys, *argv)
    assert (code, line) == (2, expected)


def test_program_that_raises_exits_3_with_message_and_line(capsys):
    code, line = one_line_error(capsys, "graph", "--project", str(PROGRAMS / "raises"), "--stack", "dev")
    assert (code, line) == (3, "stayup: error: __main__.py:5: KeyError: 'large'")


def test_real_process_prints_one_line_and_no_traceback():
    result = run_cli("graph", "--project", str(PROGRAMS / "raises"), "--stack", "dev")
    assert (result.returncode, result.stdout, result.stderr) == (
        3,
        "",
        "stayup: error: __main__.py:5: KeyError: 'large'\n",
    )


def test_graph_of_another_project_to_file(tmp_path):
    out = tmp_path / "graph.json"
    result = run_cli("graph", "--project", str(PROGRAMS / "inline_routes"), "--stack", "dev", "--output", str(out))
    assert (result.returncode, result.stderr) == (0, "")
    assert out.read_text().startswith('{\n  "schema": 1,\n  "project": "inline-routes"')


def test_failed_run_leaves_existing_output_untouched(tmp_path, capsys):
    out = tmp_path / "graph.json"
    out.write_text("previous")
    code = main(["graph", "--project", str(PROGRAMS / "raises"), "--stack", "dev", "--output", str(out)])
    capsys.readouterr()
    assert (code, out.read_text(), sorted(p.name for p in tmp_path.iterdir())) == (3, "previous", ["graph.json"])


def test_a_python_that_hangs_is_bounded_by_the_timeout(tmp_path, capsys):
    """--python names an interpreter stayup asks its version: one that never answers is stopped at
    --timeout, one line, exit 2 (before, a fixed 60 s)."""
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\nexec sleep 120\n")
    python.chmod(0o755)
    started = time.monotonic()
    code, line = one_line_error(capsys, "check", "--project", str(PROGRAMS / "weak_egress"), "--stack", "dev", "--python", str(python), "--timeout", "1")
    assert (code, line) == (2, f"stayup: error: {python}: --python: the interpreter did not answer within 1 s")
    assert time.monotonic() - started < 10
