"""The all-in-one root package (what the pre-commit hook installs) matches its members."""

from __future__ import annotations

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
    }


def test_one_version_everywhere():
    import yaml

    pack = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())["version"]
    versions = {tomllib.loads((ROOT / p / "pyproject.toml").read_text())["project"]["version"] for p in (".", "components", "policies")}
    assert versions == {pack}
    assert f"## {pack} " in (ROOT / "CHANGELOG.md").read_text()
