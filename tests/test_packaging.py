"""The all-in-one root package (what the pre-commit hook installs) matches its members."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import tomllib
from conftest import ROOT


def deps(path):
    return set(tomllib.loads(path.read_text())["project"]["dependencies"])


def test_root_dependencies_are_the_union_of_the_members():
    members = deps(ROOT / "components" / "pyproject.toml") | deps(ROOT / "policies" / "pyproject.toml")
    assert deps(ROOT / "pyproject.toml") == members


def test_root_wheel_maps_both_packages_and_the_pack():
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"] == {
        "components/src/stayup/components": "stayup/components",
        "policies/src/stayup/policies": "stayup/policies",
        "policies/PulumiPolicy.yaml": "stayup/policies/pack/PulumiPolicy.yaml",
        "policies/__main__.py": "stayup/policies/pack/__main__.py",
        "Pulumi.yaml": "stayup/policies/demo/Pulumi.yaml",
        "__main__.py": "stayup/policies/demo/__main__.py",
        "stacks": "stayup/policies/demo/stacks",
    }


def test_one_version_everywhere():
    import yaml

    pack = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())["version"]
    versions = {tomllib.loads((ROOT / p / "pyproject.toml").read_text())["project"]["version"] for p in (".", "components", "policies")}
    assert versions == {pack}
    assert f"## {pack} " in (ROOT / "CHANGELOG.md").read_text()


def _sh(*command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=900, check=False, **kwargs)


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """The all-in-one wheel installed into a clean virtual environment, run from an empty directory."""
    uv = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]
    work = tmp_path_factory.mktemp("wheel")
    built = _sh(*uv, "build", "--wheel", "--out-dir", work / "dist", cwd=ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("stayup-*.whl")
    assert _sh(*uv, "venv", "--python", sys.executable, work / "venv").returncode == 0
    installed = _sh(*uv, "pip", "install", "--python", work / "venv" / "bin" / "python", wheel)
    assert installed.returncode == 0, installed.stderr
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "COLUMNS") and not k.startswith("PYTEST")}

    def stayup(*args: str) -> subprocess.CompletedProcess:
        return _sh(work / "venv" / "bin" / "stayup", *args, cwd=elsewhere, env=env)

    return stayup, work


@pytest.mark.slow
def test_installed_wheel_runs_version_rules_demo_and_pack_path_outside_a_checkout(installed_wheel):
    stayup, work = installed_wheel
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (stayup("--version").returncode, stayup("--version").stdout) == (0, f"stayup {version}\n")
    rules = stayup("rules", "--format", "json")
    assert (rules.returncode, [r["id"] for r in json.loads(rules.stdout)][:2]) == (0, ["DR001", "HC001"])
    demo = stayup("demo")
    assert (demo.returncode, demo.stderr) == (0, "")
    headers = [line for line in demo.stdout.splitlines() if line.startswith("stayup check · ")]
    assert headers == [
        "stayup check · crm-paris (project stayup, update, inprocess) · PASS",
        "stayup check · video-frankfurt (project stayup, update, inprocess) · PASS",
    ]
    pack = stayup("pack-path")
    site = next((work / "venv" / "lib").glob("python3.*/site-packages"))
    assert (pack.returncode, pack.stdout) == (0, f"{site / 'stayup' / 'policies' / 'pack'}\n")
    assert (site / "stayup" / "policies" / "pack" / "PulumiPolicy.yaml").is_file()


@pytest.mark.slow
def test_installed_wheel_docs_need_an_output_directory(installed_wheel):
    stayup, work = installed_wheel
    missing = stayup("docs")
    assert (missing.returncode, missing.stdout, missing.stderr) == (2, "", "stayup: error: the following arguments are required: --root (see `stayup docs --help`)\n")
    out = work / "docs-out"
    out.mkdir()
    written = stayup("docs", "--root", str(out))
    assert (written.returncode, written.stderr) == (0, "")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == ["components/schema.json", "docs/components.md", "docs/rules.md"]
