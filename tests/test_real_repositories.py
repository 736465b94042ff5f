"""`stayup check --install` on the layouts public Pulumi repositories have, each copied into its own
directory and checked from an empty environment cache, as a user's first run is.

Expected outcomes, written before stayup first ran on them:
- aws5_requirements: requirements.txt on pulumi-aws 5 (its SDK imports pkg_resources); one NAT in
  the first AZ for both private subnets → NE001 on private-1, NE002 on the VPC; exit 1.
- no_dependency_file: nothing to install from; the imports say pulumi and pulumi-aws (naming.py
  is the project's own module); a NAT per AZ → pass, and the report says the environment was inferred.
- poetry_no_lock: Poetry dependencies, no poetry.lock (locked in a scratch copy; the project is
  not written); Multi-AZ RDS over three AZs → pass; `multiAz=false` → PZ002 on orders.
- pyproject_pep621: PEP 621 dependencies, no lock; one NAT for two AZs → NE001 private-b, NE002 main.
- conflicting_pins: pulumi 3.150 with pulumi-aws 7.0.0 (which needs pulumi ≥ 3.165) → exit 6,
  one line naming requirements.txt, the requirement and the resolver's reason.
- missing_requirement: a requirement the index does not have → exit 6, naming it.
- sdk2_pin: pulumi 2.x → exit 6 naming the supported range, before anything is built.
- awsx_defaults: a default awsx Vpc (one NAT per AZ: NE004 passes) with a Fargate service on its
  private subnets, and one without a network configuration (the default VPC's three subnets) →
  pass; nothing unknown or opaque.
- organization: names from get_organization()/get_project()/get_stack(), a file read from
  get_root_directory() → the CLI's local-backend answers ("organization"), pass.
- pinned_sdk: pulumi 3.228 exactly, pulumi-aws 6; one NAT for two AZs → NE001 private-b, NE002 main,
  with URNs of stack dev and project pinned-sdk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROGRAMS, ROOT

pytestmark = pytest.mark.slow  # builds each layout's environment from an empty cache: `make test` runs it, `make test-fast` does not

REPOS = PROGRAMS / "repos"


@pytest.fixture(scope="module")
def empty_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stayup-cache")


def checked(repo: str, where: Path, cache: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    project = where / repo
    shutil.copytree(REPOS / repo, project)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["STAYUP_CACHE_DIR"] = str(cache)
    result = subprocess.run(
        [sys.executable, "-m", "stayup.policies", "check", "--project", str(project), "--stack", "dev", "--install", *args],
        check=False, capture_output=True, text=True, env=env, timeout=900, cwd=ROOT,
    )
    return result, project


def findings(report: dict) -> list[tuple[str, str, str]]:
    return sorted((v["rule"], v["urn"].split("::")[-2].split("$")[-1], v["urn"].rsplit("::", 1)[-1]) for v in report["violations"])


SUBNET, VPC, RDS = "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc", "aws:rds/instance:Instance"


@pytest.mark.parametrize(
    ("repo", "code", "violations", "built_from", "versions"),
    [
        ("aws5_requirements", 1, [("NE001", SUBNET, "private-1"), ("NE002", VPC, "legacy")], "from requirements.txt", ("5.",)),
        ("no_dependency_file", 0, [], "no dependency file: inferred from the program's imports (pulumi, pulumi-aws)", ("7.",)),
        ("poetry_no_lock", 0, [], "from pyproject.toml", ("6.",)),
        ("pyproject_pep621", 1, [("NE001", SUBNET, "private-b"), ("NE002", VPC, "main")], "from pyproject.toml", ("7.",)),
        ("awsx_defaults", 0, [], "from requirements.txt", ("6.", "7.")),
        ("organization", 0, [], "from requirements.txt", ("6.", "7.")),
        ("pinned_sdk", 1, [("NE001", SUBNET, "private-b"), ("NE002", VPC, "main")], "from requirements.txt", ("6.",)),
    ],
)
def test_layouts_get_a_verdict_from_an_empty_cache(repo, code, violations, built_from, versions, tmp_path, empty_cache):
    result, project = checked(repo, tmp_path, empty_cache, "--format", "json")
    assert (result.returncode, result.stderr) == (code, ""), result.stderr
    report = json.loads(result.stdout)
    assert findings(report) == violations
    assert report["unknown"] == []
    interpreter = report["runtime"]["interpreter"]
    assert interpreter.startswith(f"installed environment {empty_cache / 'envs'}")
    assert interpreter.endswith(f"({built_from})")
    assert report["runtime"]["pulumi-aws"].startswith(versions)
    # URNs as the engine forms them, whatever the SDK version (3.228's mocks lost stack and project).
    project_name = next(line.split(": ", 1)[1] for line in (REPOS / repo / "Pulumi.yaml").read_text().splitlines() if line.startswith("name: "))
    assert {tuple(v["urn"].split("::")[:2]) for v in report["violations"]} <= {("urn:pulumi:dev", project_name)}
    # The user's project is never written: no lock, no virtualenv, nothing new.
    assert sorted(p.name for p in project.iterdir()) == sorted(p.name for p in (REPOS / repo).iterdir())


def test_an_inferred_environment_is_named_in_the_text_report(tmp_path, empty_cache):
    result, _ = checked("no_dependency_file", tmp_path, empty_cache)
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[2]
    assert "(no dependency file: inferred from the program's imports (pulumi, pulumi-aws))" in header


def test_an_install_build_says_each_step_and_a_cached_one_none(tmp_path):
    cache = tmp_path / "cache"
    first, _ = checked("no_dependency_file", tmp_path / "first", cache, "--progress", "--format", "json")
    assert (first.returncode, first.stderr.splitlines()) == (0, [
        "stayup: preparing the program's environment (--install: built once, then cached)",
        "stayup: --install: creating the program's environment",
        "stayup: --install: installing pip and setuptools into it",
        "stayup: --install: installing what the program imports (pulumi, pulumi-aws)",
        "stayup: running the program of stack dev",
        "stayup: dev: PASS",
    ])
    again, _ = checked("no_dependency_file", tmp_path / "again", cache, "--progress", "--format", "json")
    assert (again.returncode, again.stderr.splitlines()) == (0, [
        "stayup: preparing the program's environment (--install: built once, then cached)",
        "stayup: running the program of stack dev",
        "stayup: dev: PASS",
    ])


def test_a_poetry_project_without_a_lock_is_judged_on_its_config(tmp_path, empty_cache):
    result, _ = checked("poetry_no_lock", tmp_path, empty_cache, "--format", "json", "--config", "multiAz=false")
    assert (result.returncode, result.stderr) == (1, "")
    assert findings(json.loads(result.stdout)) == [("PZ002", RDS, "orders")]


def test_get_organization_and_the_root_directory_answer_what_the_cli_would(tmp_path, empty_cache):
    result, project = checked("organization", tmp_path, empty_cache, "--format", "json")
    assert result.returncode == 0, result.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")} | {"STAYUP_CACHE_DIR": str(empty_cache)}
    graph = subprocess.run([sys.executable, "-m", "stayup.policies", "graph", "--project", str(project), "--stack", "dev", "--install"],
                           check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    resources = {r["name"]: r for r in json.loads(graph.stdout)["resources"]}
    assert resources["logs"]["inputs"]["bucket"] == "organization-org-names-dev-logs"
    assert resources["logs"]["inputs"]["tags"] == {"org": "organization", "owner": "platform-team"}


@pytest.mark.parametrize(
    ("repo", "line"),
    [
        ("conflicting_pins", "requirements.txt: pulumi==3.150.0: cannot build the program's environment: Because pulumi-aws==7.0.0 depends on"
                             " pulumi>=3.165.0 and you require pulumi==3.150.0, we can conclude that your requirements and pulumi-aws==7.0.0 are"
                             " incompatible. And because you require pulumi-aws==7.0.0, we can conclude that your requirements are unsatisfiable."),
        ("missing_requirement", "requirements.txt: pulumi-awz-helpers==1.0.0: cannot build the program's environment: Because pulumi-awz-helpers"
                                " was not found in the package registry and you require pulumi-awz-helpers==1.0.0, we can conclude that your"
                                " requirements are unsatisfiable."),
        ("sdk2_pin", "requirements.txt: pulumi>=2.0.0,<3.0.0: below the supported range (pulumi 3.120 or newer with pulumi-aws 5 or newer);"
                     " upgrade the program's SDK"),
    ],
)
def test_an_environment_that_cannot_be_built_is_one_line_and_exit_6(repo, line, tmp_path, empty_cache):
    envs = empty_cache / "envs"
    before = sorted(envs.iterdir()) if envs.exists() else []
    result, project = checked(repo, tmp_path, empty_cache)
    assert (result.returncode, result.stdout) == (6, "")
    assert result.stderr == f"stayup: error: {project}/{line}\n"
    assert (sorted(envs.iterdir()) if envs.exists() else []) == before  # nothing half-built is left to be reused


def test_an_installed_sdk_below_the_range_is_exit_6(tmp_path):
    """An environment the user built (`--python`) with the 2.x SDK: refused before it is imported."""
    venv = tmp_path / "old"
    uv = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]
    assert subprocess.run([*uv, "venv", "--quiet", "--python", sys.executable, str(venv)], capture_output=True, check=False).returncode == 0
    done = subprocess.run([*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "pulumi==2.25.2", "protobuf<4"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result = subprocess.run([sys.executable, "-m", "stayup.policies", "check", "--project", str(REPOS / "sdk2_pin"), "--stack", "dev",
                             "--python", str(venv / "bin" / "python")], check=False, capture_output=True, text=True, env=env, cwd=ROOT)
    assert (result.returncode, result.stdout) == (6, "")
    python = venv / "bin" / "python"
    assert result.stderr == (
        f"stayup: error: {python}: pulumi 2.25.2 is installed; stayup runs programs on pulumi 3.120 or newer with pulumi-aws 5 or newer"
        f" in --python {python}; upgrade the program's pulumi SDK\n"
    )
