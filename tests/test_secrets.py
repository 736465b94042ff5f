"""Secrets never appear in any output: `secure:` config and secret values written in the program."""

from __future__ import annotations

import pytest
from conftest import PROGRAMS
from stayup.policies.cli import main

SECRETS = PROGRAMS / "secrets"
NEVER = ("s3cr3t-literal-value", "AAABAHx2lXrXyYJxb1VHlvGmN4tUAJmtzDkMeWHHJ3ovYa3QmQ==")
COMMANDS = [
    ["graph"],
    ["graph", "--preview"],
    *[["check", "--format", f] for f in ("text", "json", "sarif", "junit", "markdown")],
    ["export", "--format", "tfplan"],
    *[["blast-radius", "--format", f] for f in ("text", "json", "markdown")],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_no_secret_in_any_output(capsys, command):
    code = main([command[0], "--project", str(SECRETS), "--stack", "dev", *command[1:]])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    for secret in NEVER:
        assert secret not in captured.out and secret not in captured.err


def test_secret_values_are_marked_not_dropped(capsys):
    main(["graph", "--project", str(SECRETS), "--stack", "dev"])
    out = capsys.readouterr().out
    assert out.count('"[secret]"') == 6  # two parameters (inputs and outputs) and two stack outputs
