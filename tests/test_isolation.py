"""A program runs in its own process: it can print, replace sys.stdout, end itself, patch stayup,
ignore signals or sit in a C call, and the gate still reports exactly what it declared (or exit 3).

Each case is the weak_egress program (expected findings: NE001 on subnet private-b, NE002 on vpc
main) with hostile lines added, checked by the real `stayup` process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROGRAMS, ROOT

pytestmark = pytest.mark.slow  # runs hostile programs to their deadlines: `make test` runs it, `make test-fast` does not

WEAK = PROGRAMS / "weak_egress"
EXPECTED = [("NE001", "aws:ec2/subnet:Subnet", "private-b"), ("NE002", "aws:ec2/vpc:Vpc", "main")]


def stayup(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-m", "stayup.policies", *args], check=False, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout
    )


def hostile(tmp_path: Path, before: str = "", after: str = "", stacks: tuple[str, ...] = ("dev",)) -> Path:
    project = tmp_path / "project"
    shutil.copytree(WEAK, project)
    body = (WEAK / "__main__.py").read_text()
    (project / "__main__.py").write_text(f"{before}\n{body}\n{after}\n")
    for stack in stacks:
        (project / f"Pulumi.{stack}.yaml").write_text("config:\n  aws:region: eu-west-3\n")
    return project


def findings(report: dict) -> list[tuple[str, str, str]]:
    return sorted((v["rule"], v["urn"].split("::")[-2].split("$")[-1], v["urn"].split("::")[-1]) for v in report["violations"])


def check_json(project: Path, *extra: str) -> tuple[int, dict, str]:
    result = stayup("check", "--project", str(project), "--stack", "dev", "--format", "json", *extra)
    return result.returncode, json.loads(result.stdout), result.stderr


def test_unmodified_program_has_the_expected_findings(tmp_path):
    code, report, err = check_json(hostile(tmp_path))
    assert (code, findings(report), err) == (1, EXPECTED, "")


def test_prints_and_fd_writes_go_to_stderr_prefixed_and_the_report_stays_intact(tmp_path):
    before = "import os, sys\nprint('hello from the program')\nos.write(1, b'raw fd 1\\n')\nos.write(2, b'raw fd 2\\n')"
    after = "sys.stdout = open(os.devnull, 'w')\nprint('lost')"
    code, report, err = check_json(hostile(tmp_path, before, after))
    assert (code, findings(report)) == (1, EXPECTED)
    assert err.splitlines() == ["dev | hello from the program", "dev | raw fd 1", "dev | raw fd 2"]


def test_program_output_is_capped(tmp_path):
    code, report, err = check_json(hostile(tmp_path, "for i in range(20000):\n    print('x' * 99)"))
    assert (code, findings(report)) == (1, EXPECTED)
    lines = err.splitlines()
    assert len(lines) == 1 + 64 * 1024 // 100
    assert lines[-1] == f"dev | … {(20000 - len(lines) + 1) * 100} more bytes of program output not shown"


@pytest.mark.parametrize("how", ["os._exit(0)", "os._exit(7)", "sys.exit(0)", "os.kill(os.getpid(), 9)"])
def test_a_program_that_ends_itself_is_exit_3(tmp_path, how):
    project = hostile(tmp_path, "import os, sys", f"{how}\nimport pulumi_aws as aws\naws.ec2.Vpc('late', cidr_block='10.9.0.0/16')")
    result = stayup("check", "--project", str(project), "--stack", "dev", "--format", "json")
    code = {"os._exit(0)": "exited (code 0)", "os._exit(7)": "exited (code 7)", "sys.exit(0)": "exited (code 0)", "os.kill(os.getpid(), 9)": "was killed by SIGKILL"}[how]
    where = "__main__.py:19" if how == "sys.exit(0)" else str(project / "__main__.py")
    line = f"{where}: the program {code} before its resources were registered"
    # The error is in the report (a stack that cannot be checked is a finding too) and on stderr.
    assert (result.returncode, json.loads(result.stdout), result.stderr) == (3, {"stack": "dev", "verdict": "error", "error": line, "exit": 3}, f"stayup: error: {line}\n")


def test_all_reports_every_stack_when_one_worker_dies(tmp_path):
    before = "import os, ctypes, pulumi\nif pulumi.get_stack() == 'dies':\n    os._exit(0)\nif pulumi.get_stack() == 'crashes':\n    ctypes.string_at(0)"
    project = hostile(tmp_path, before, stacks=("dev", "dies", "crashes", "zz"))
    for jobs in ("1", "2"):
        result = stayup("check", "--project", str(project), "--all", "--jobs", jobs, "--format", "json")
        report = json.loads(result.stdout)
        assert result.returncode == 3
        assert result.stderr == (
            f"stayup: error: crashes: {project / '__main__.py'}: the program was killed by SIGSEGV before its resources were registered\n"
            f"stayup: error: dies: {project / '__main__.py'}: the program exited (code 0) before its resources were registered\n"
        )
        by_stack = {s["stack"]: s for s in report["stacks"]}
        assert list(by_stack) == ["crashes", "dev", "dies", "zz"]
        assert by_stack["dies"] == {"stack": "dies", "verdict": "error", "exit": 3, "error": f"{project / '__main__.py'}: the program exited (code 0) before its resources were registered"}
        assert by_stack["crashes"] == {"stack": "crashes", "verdict": "error", "exit": 3, "error": f"{project / '__main__.py'}: the program was killed by SIGSEGV before its resources were registered"}
        assert findings(by_stack["dev"]) == findings(by_stack["zz"]) == EXPECTED


def test_monkeypatching_stayup_changes_nothing(tmp_path):
    before = (
        "import stayup.policies.engine as engine, stayup.policies.cli as cli\n"
        "engine.verdict = lambda *a, **k: 'pass'\n"
        "engine.evaluate = lambda *a, **k: []\n"
        "cli.main = lambda *a, **k: 0"
    )
    code, report, err = check_json(hostile(tmp_path, before))
    assert (code, report["verdict"], findings(report), err) == (1, "fail", EXPECTED, "")


def running_in(project: Path) -> list[int]:
    """Processes whose working directory is the project (the program and what it started): PIDs
    a program sees inside its own PID namespace mean nothing out here, directories do."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "cwd") == str(project):
                    found.append(int(entry.name))
            except OSError:
                pass  # gone meanwhile, or not ours to read
    return found


def all_gone(project: Path, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while running_in(project) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running_in(project) == []


@pytest.mark.parametrize(
    "stubborn",
    [
        # SIGALRM and SIGTERM ignored, every exception swallowed, a child process left running
        "import signal, subprocess, time\n"
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen(['sleep', '300'])\nopen('STARTED', 'w').write('yes')\n"
        "while True:\n    try:\n        time.sleep(0.05)\n    except BaseException:\n        pass",
        # one long C call that never returns to the interpreter
        "import re\nopen('STARTED', 'w').write('yes')\nre.match(r'(a|aa)+$', 'a' * 64 + 'b')",
    ],
    ids=["signals-ignored", "long-c-call"],
)
def test_deadline_stops_the_whole_process_group(tmp_path, stubborn):
    project = hostile(tmp_path, "import os\n" + stubborn)
    started = time.monotonic()
    result = stayup("check", "--project", str(project), "--stack", "dev", "--timeout", "2")
    elapsed = time.monotonic() - started
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == f"stayup: error: {project / '__main__.py'}: the program did not finish within 2 s (stopped; a hang, or a wait on something unreachable offline)\n"
    assert elapsed < 2 + 3 + 5  # deadline, grace before SIGKILL, start-up
    assert (project / "STARTED").read_text() == "yes"
    assert all_gone(project)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_timeout_must_be_positive_and_finite(value):
    result = stayup("check", "--stack", "crm-paris", f"--timeout={value}")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"stayup: error: argument --timeout: must be a positive number of seconds, got {value!r} (see `stayup check --help`)\n"


def test_sigterm_to_stayup_stops_the_program_too(tmp_path):
    project = hostile(tmp_path, "import os, time\nopen('PIDS', 'w').write('started')\ntime.sleep(300)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    process = subprocess.Popen([sys.executable, "-m", "stayup.policies", "check", "--project", str(project), "--stack", "dev"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (project / "PIDS").exists() or not (project / "PIDS").read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert running_in(project) != []
    process.terminate()
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "stayup: interrupted\n")
    assert all_gone(project)


@pytest.mark.skipif(os.geteuid() != 0, reason="a PID namespace of its own needs CAP_SYS_ADMIN here (README: what a program's daemons can reach)")
def test_a_double_forked_daemon_dies_with_the_run(tmp_path):
    """A daemon that leaves the program's process group and session would rewrite the report
    after stayup exits; in the program's own PID namespace it ends with the program."""
    daemon = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(3)\n"
        "        open('REPORT', 'w').write('forged')\n"
        "        os._exit(0)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\n"
    )
    project = hostile(tmp_path, daemon)
    code, report, _ = check_json(project)
    assert (code, findings(report)) == (1, EXPECTED)
    assert all_gone(project, within=2.0)
    time.sleep(3.5)
    assert not (project / "REPORT").exists()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"__main__.py": "import pulumi\nx = (\n"}, "__main__.py:2: SyntaxError: '(' was never closed"),
        (
            {"__main__.py": "import pulumi_aws as aws\nvpc = aws.ec2.Vpc('v', cidr_block='10.0.0.0/16')\nvpc.id.apply(lambda _: 1 / 0)\n"},
            "__main__.py:3: ZeroDivisionError: division by zero",
        ),
        (
            {"__main__.py": "import helper\n\nhelper.go()\n", "helper.py": "def go():\n    try:\n        {}['k']\n    except KeyError as e:\n        raise RuntimeError('wrapped') from e\n"},
            "helper.py:5: RuntimeError: wrapped",
        ),
        (
            # raised inside an installed library: the program's own call is the location
            {"__main__.py": "import pulumi_aws as aws\n\naws.ec2.Vpc('v', cidr_block='10.0.0.0/16', opts=3)\n"},
            "__main__.py:3: TypeError: Expected opts2 to be a ResourceOptions instance",
        ),
    ],
    ids=["syntax-error", "inside-apply", "chained-in-a-module", "inside-site-packages"],
)
def test_errors_point_at_the_programs_own_line(tmp_path, files, expected):
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-3\n")
    for name, text in files.items():
        (project / name).write_text(text)
    result = stayup("check", "--project", str(project), "--stack", "dev")
    assert (result.returncode, result.stdout, result.stderr) == (3, "", f"stayup: error: {expected}\n")


def test_a_fifo_as_stack_file_is_refused_at_once(tmp_path):
    project = hostile(tmp_path, stacks=())
    os.mkfifo(project / "Pulumi.dev.yaml.fifo")
    (project / "Pulumi.dev.yaml").unlink()
    os.rename(project / "Pulumi.dev.yaml.fifo", project / "Pulumi.dev.yaml")
    result = stayup("check", "--project", str(project), "--stack", "dev", timeout=20)
    assert (result.returncode, result.stderr) == (2, f"stayup: error: {project / 'Pulumi.dev.yaml'}: not a regular file (a device, FIFO or socket is never read)\n")
