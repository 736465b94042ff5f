"""The terminal a team already has (issue 31), run under a pseudo-terminal: colour only on a
terminal and never with NO_COLOR or --no-color, progress on stderr only when it is a terminal
(--quiet / --progress force it), tables laid out to the terminal's width, advisory findings WARN."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest
from conftest import PROGRAMS
from stayup.policies.cli import main
from stayup.policies.rules import RULES

WEAK = PROGRAMS / "weak_egress"
HEADER = "stayup check · dev (project weak-egress, update, inprocess) · "
PROGRESS = ["stayup: preparing the program's environment", "stayup: running the program of stack dev", "stayup: dev: FAIL"]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in ("COLUMNS", "NO_COLOR")}
    env.update(extra)
    return env


def _terminal(columns: int) -> tuple[int, int]:
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    return primary, secondary


def run_in_terminal(*argv: str, columns: int = 120, stderr_terminal: bool = True, **env: str) -> tuple[int, str, str]:
    """stayup with stdout (and stderr) on pseudo-terminals; output as the user sees it, "\\r\\n" read as "\\n"."""
    out_primary, out_secondary = _terminal(columns)
    if stderr_terminal:
        err_primary, err_secondary = _terminal(columns)
    else:
        err_primary, err_secondary = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "stayup.policies", *argv], stdin=subprocess.DEVNULL, stdout=out_secondary, stderr=err_secondary, env=environment(**env), cwd=WEAK
    )
    os.close(out_secondary)
    os.close(err_secondary)
    chunks: dict[int, list[bytes]] = {out_primary: [], err_primary: []}
    open_fds = set(chunks)
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 120)
        assert ready, "stayup produced no output for 120 s"
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side closed
                data = b""
            if data:
                chunks[fd].append(data)
            else:
                open_fds.discard(fd)
                os.close(fd)
    code = process.wait(timeout=60)
    out, err = (b"".join(chunks[fd]).decode().replace("\r\n", "\n") for fd in (out_primary, err_primary))
    return code, out, err


def run_piped(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stayup.policies", *argv], capture_output=True, text=True, env=environment(**env), cwd=WEAK, timeout=300, check=False)


def test_on_a_terminal_the_verdicts_are_coloured_and_progress_is_on_stderr():
    code, out, err = run_in_terminal("check", "--stack", "dev")
    lines = out.splitlines()
    assert (code, err.splitlines()) == (1, PROGRESS)
    assert lines[0] == HEADER + "\x1b[31mFAIL\x1b[0m"
    assert "    \x1b[31mFAIL\x1b[0m       NE001 private-egress-in-own-zone  [mandatory, critical]" in lines


@pytest.mark.parametrize(("argv", "env"), [([], {"NO_COLOR": "1"}), (["--no-color"], {})], ids=["NO_COLOR", "--no-color"])
def test_no_colour_when_asked(argv, env):
    code, out, _ = run_in_terminal("check", "--stack", "dev", *argv, **env)
    assert (code, out.splitlines()[0], "\x1b[" in out) == (1, HEADER + "FAIL", False)


def test_quiet_silences_progress_on_a_terminal():
    code, out, err = run_in_terminal("check", "--stack", "dev", "--quiet")
    assert (code, err, out.splitlines()[0]) == (1, "", HEADER + "\x1b[31mFAIL\x1b[0m")


def test_piped_output_has_no_colour_and_stderr_no_progress():
    done = run_piped("check", "--stack", "dev")
    assert (done.returncode, done.stderr, done.stdout.splitlines()[0], "\x1b[" in done.stdout) == (1, "", HEADER + "FAIL", False)


def test_progress_forced_when_stderr_is_not_a_terminal():
    done = run_piped("check", "--stack", "dev", "--progress", "--format", "json")
    assert (done.returncode, done.stderr.splitlines(), json.loads(done.stdout)["verdict"]) == (1, PROGRESS, "fail")


def test_quiet_and_progress_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--stack", "dev", "--quiet", "--progress"])
    assert (exc.value.code, capsys.readouterr().err) == (2, "stayup: error: argument --progress: not allowed with argument --quiet (see `stayup check --help`)\n")


def test_a_colour_report_only_colours_when_stdout_is_the_terminal():
    """stderr a terminal, stdout a pipe (`stayup check | less`): no colour in what is piped."""
    code, out, err = run_in_terminal("check", "--stack", "dev", "--format", "json", stderr_terminal=False)
    assert (code, "\x1b[" in out, err) == (1, False, "")


@pytest.mark.parametrize(("columns", "per_rule"), [(60, 3), (90, 2), (200, 1)])
def test_rules_fit_the_terminal_width(columns, per_rule):
    """A doc link is never cut: it moves to a line of its own; every other line fits."""
    code, out, _ = run_in_terminal("rules", columns=columns)
    lines = out.splitlines()
    assert (code, len(lines)) == (0, per_rule * len(RULES))
    assert [line for line in lines if len(line) > columns and not line.strip().startswith("docs/rules.md#")] == []
    assert lines[0] == {60: "DR001  availability-meets-slo", 90: "DR001  availability-meets-slo              disaster recovery       mandatory"}.get(
        columns, "DR001  availability-meets-slo              disaster recovery       mandatory  docs/rules.md#dr001-availability-meets-slo"
    )


def test_demo_table_fits_the_terminal_width():
    code, out, _ = run_in_terminal("demo", "--project", str(WEAK), columns=70)
    table = [line for line in out.splitlines() if line[:1] in "┏┃┡│└"]
    assert code == 1
    assert table and max(len(line) for line in table) <= 70


def test_advisory_findings_read_warn_under_a_pass(capsys, tmp_path):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"private-egress-in-own-zone": "advisory", "independent-egress-paths": "advisory"}))
    code = main(["check", "--project", str(WEAK), "--stack", "dev", "--policy-config", str(config)])
    lines = capsys.readouterr().out.splitlines()
    assert (code, lines[0]) == (0, HEADER + "PASS")
    assert [line.strip()[:5] for line in lines if line.strip().startswith(("FAIL", "WARN"))] == ["WARN ", "WARN "]
    assert "    WARN       NE001 private-egress-in-own-zone  [advisory, critical]" in lines
