"""Another team consumes released wheels: build them, install into a fresh virtual environment,
and check the consumer project there (no workspace, no editable installs)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # builds the wheels and another team's project: `make test` runs it, `make test-fast` does not


def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def sh(*command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600, check=False, **kwargs)


@pytest.fixture(scope="module")
def consumer_env(tmp_path_factory):
    work = tmp_path_factory.mktemp("consumer")
    wheels = work / "wheels"
    for package in ("stayup-components", "stayup-policies"):
        built = sh(*uv(), "build", "--wheel", "--package", package, "--out-dir", wheels, cwd=ROOT)
        assert built.returncode == 0, built.stderr
    venv = work / "venv"
    assert sh(*uv(), "venv", "--python", sys.executable, venv).returncode == 0
    python = venv / "bin" / "python"
    installed = sh(*uv(), "pip", "install", "--python", python, *sorted(wheels.glob("*.whl")))
    assert installed.returncode == 0, installed.stderr
    return venv, sorted(p.name for p in wheels.glob("*.whl"))


def test_wheels_are_built_with_one_version(consumer_env):
    _, wheels = consumer_env
    assert wheels == ["stayup_components-0.1.0-py3-none-any.whl", "stayup_policies-0.1.0-py3-none-any.whl"]


@pytest.mark.parametrize("engine", ["inprocess", "crossguard"])
def test_consumer_project_passes_with_installed_wheels(consumer_env, engine):
    venv, _ = consumer_env
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result = sh(venv / "bin" / "stayup", "check", "--project", ROOT / "examples" / "consumer", "--stack", "dev", "--format", "json", "--engine", engine, "--python", venv / "bin" / "python", env=env, cwd=venv)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["project"], report["verdict"], report["violations"], report["unknown"]) == ("acme-crm", "pass", [], [])
    # The installed package, not this checkout, did the work.
    where = sh(venv / "bin" / "python", "-c", "import stayup.policies, stayup.components; print(stayup.policies.__file__)", env=env, cwd=venv)
    assert "site-packages" in where.stdout


@pytest.fixture(scope="module")
def all_in_one_wheel(tmp_path_factory):
    """The root `stayup` wheel (what the pre-commit hook installs)."""
    out = tmp_path_factory.mktemp("all-in-one")
    built = sh(*uv(), "build", "--wheel", "--out-dir", out, cwd=ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("stayup-*.whl")
    return wheel


# Each wheel set on one end of the supported range: both ends and both sets, in two installs.
@pytest.mark.parametrize(("python", "wheels"), [("3.10", "members"), ("3.13", "all-in-one")])
def test_wheels_install_and_check_on_every_supported_python(consumer_env, all_in_one_wheel, tmp_path, python, wheels):
    """stayup installed next to the program, in the program's interpreter: the oldest and newest
    supported Pythons, from the two member wheels or from the all-in-one wheel."""
    from test_program_environments import python_for

    venv = tmp_path / "venv"
    assert sh(*uv(), "venv", "--python", python_for(python), venv).returncode == 0
    files = sorted((consumer_env[0].parent / "wheels").glob("*.whl")) if wheels == "members" else [all_in_one_wheel]
    installed = sh(*uv(), "pip", "install", "--python", venv / "bin" / "python", *files)
    assert installed.returncode == 0, installed.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result = sh(venv / "bin" / "stayup", "check", "--project", ROOT / "examples" / "consumer", "--stack", "dev", "--format", "json", "--python", venv / "bin" / "python", env=env, cwd=venv)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["verdict"], report["violations"], report["unknown"]) == ("pass", [], [])
    assert report["runtime"]["python"].startswith(f"{python}.")


def test_policies_wheel_needs_no_pulumi_aws(consumer_env):
    from importlib.metadata import PathDistribution

    venv, _ = consumer_env
    (dist_info,) = (venv / "lib").glob("python3.*/site-packages/stayup_policies-*.dist-info")
    requires = PathDistribution(dist_info).requires or []
    assert not [r for r in requires if r.startswith("pulumi-aws")]
