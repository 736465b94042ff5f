"""Programs that bring their own environment, none of which stayup's environment could run:
pulumi-aws 6 with pulumi-random in a `virtualenv` (on Python 3.10 and 3.13), a uv project on the
newest SDKs, and a Poetry project on the oldest supported SDKs (pulumi 3.120, pulumi-aws 5).
Environments are built by uv or Poetry from the package index; `--install` caches them by hash
under .cache/ in the repository (STAYUP_CACHE_DIR), so reruns reuse them.

Expected verdicts, written before the programs were first run:
- env_pip_aws6: one NAT in the first AZ for both private subnets → NE001 on private-1, NE002 on the VPC.
- env_uv_toolchain: a NAT per AZ, each private subnet on its own AZ's NAT → pass, nothing unknown.
- env_poetry_oldest: a NAT per AZ but both private route tables on the first → NE001 on private-1,
  NE002 on the VPC.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from conftest import PROGRAMS, ROOT
from stayup.policies.cli import main

pytestmark = pytest.mark.slow  # builds program environments and runs stayup per program: `make test` runs it, `make test-fast` does not

CACHE = ROOT / ".cache" / "stayup-test"


def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def python_for(version: str) -> str:
    candidates = [shutil.which(f"python{version}"), *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))]
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return candidate
    pytest.fail(f"Python {version} is not installed (needed to prove the capture runs on it)")


def stayup(*args: str) -> subprocess.CompletedProcess[str]:
    """stayup's command line in this process, with the environment a CI job gives it (no active
    virtualenv); the warm capture host of each program environment serves every call."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["STAYUP_CACHE_DIR"] = str(CACHE)
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(["stayup", *args], code, out.getvalue(), err.getvalue())


def findings(report: dict) -> list[tuple[str, str, str, str | None, int | None]]:
    return sorted(
        (v["rule"], v["urn"].split("::")[-2].split("$")[-1], v["urn"].split("::")[-1], v.get("file"), v.get("line")) for v in report["violations"]
    )


def test_stayup_itself_cannot_run_these_programs():
    assert importlib.util.find_spec("pulumi_random") is None
    from importlib.metadata import version

    assert version("pulumi-aws").startswith("7.")


@pytest.mark.parametrize("python", ["3.10", "3.13"])
def test_virtualenv_option_with_pulumi_aws_6_and_random(tmp_path, python):
    project = tmp_path / "env_pip_aws6"
    shutil.copytree(PROGRAMS / "env_pip_aws6", project, ignore=shutil.ignore_patterns("venv"))
    venv = project / "venv"
    assert subprocess.run([*uv(), "venv", "--quiet", "--python", python_for(python), str(venv)], capture_output=True, check=False).returncode == 0
    installed = subprocess.run([*uv(), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "-r", str(project / "requirements.txt")], capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr

    result = stayup("check", "--project", str(project), "--stack", "dev", "--format", "json")
    report = json.loads(result.stdout)
    assert (result.returncode, result.stderr) == (1, "")
    assert findings(report) == [
        ("NE001", "aws:ec2/subnet:Subnet", "private-1", "__main__.py", 24),
        ("NE002", "aws:ec2/vpc:Vpc", "shared", "__main__.py", 10),
    ]
    assert report["unknown"] == []
    runtime = report["runtime"]
    assert runtime["interpreter"] == "virtualenv venv (Pulumi.yaml runtime.options)"
    assert runtime["python"].startswith(f"{python}.")
    assert runtime["pulumi-aws"].startswith("6.")


def test_uv_toolchain_installed_and_cached():
    project = PROGRAMS / "env_uv_toolchain"
    result = stayup("check", "--project", str(project), "--stack", "dev", "--install", "--format", "json")
    report = json.loads(result.stdout)
    assert (result.returncode, result.stderr, report["verdict"], report["violations"], report["unknown"]) == (0, "", "pass", [], [])
    assert report["resources"] == 29  # the stack, 4 shared resources, 8 per AZ
    runtime = report["runtime"]
    assert runtime["interpreter"].startswith(f"installed environment {CACHE / 'envs' / 'uv-py'}")
    assert (runtime["pulumi"], runtime["pulumi-aws"]) == ("3.272.0", "7.51.1")

    # The second run reuses the environment: same directory, not rebuilt.
    env_dir = Path(runtime["interpreter"].split()[2])
    built = (env_dir / ".stayup-complete").stat().st_mtime_ns
    graph = stayup("graph", "--project", str(project), "--stack", "dev", "--install")
    assert (env_dir / ".stayup-complete").stat().st_mtime_ns == built
    # A resource passed where its id is expected becomes that id, as under the engine.
    resources = {r["name"]: r for r in json.loads(graph.stdout)["resources"]}
    vpc_id = resources["zonal"]["outputs"]["id"]
    assert vpc_id.startswith("vpc-")
    assert resources["igw"]["inputs"]["vpcId"] == vpc_id
    assert resources["public-eu-central-1a"]["inputs"]["vpcId"] == vpc_id
    nat = resources["nat-eu-central-1a"]
    assert nat["inputs"]["subnetId"] == resources["public-eu-central-1a"]["outputs"]["id"]


def test_poetry_toolchain_on_the_oldest_supported_sdks():
    project = PROGRAMS / "env_poetry_oldest"
    result = stayup("check", "--project", str(project), "--stack", "dev", "--install", "--format", "json")
    report = json.loads(result.stdout)
    assert (result.returncode, result.stderr) == (1, "")
    assert findings(report) == [
        ("NE001", "aws:ec2/subnet:Subnet", "private-1", "__main__.py", 23),
        ("NE002", "aws:ec2/vpc:Vpc", "legacy", "__main__.py", 10),
    ]
    assert report["unknown"] == []
    assert (report["runtime"]["pulumi"], report["runtime"]["pulumi-aws"]) == ("3.120.0", "5.43.0")
    assert "Poetry" not in report["runtime"]["interpreter"]  # built by --install, not a Poetry env of the user's


def test_missing_virtualenv_names_the_project_key(tmp_path):
    project = tmp_path / "env_pip_aws6"
    shutil.copytree(PROGRAMS / "env_pip_aws6", project, ignore=shutil.ignore_patterns("venv"))
    result = stayup("check", "--project", str(project), "--stack", "dev")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"stayup: error: {project / 'Pulumi.yaml'}: runtime.options.virtualenv: virtualenv {project / 'venv'} does not exist;"
        " create it (`pulumi install`) or pass --install\n"
    )


def test_missing_module_in_stayups_own_interpreter_says_how_to_point_at_the_programs(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-3\n")
    (project / "__main__.py").write_text("import pulumi\nimport pulumi_aws\nimport pulumi_random\n")
    result = stayup("check", "--project", str(project), "--stack", "dev")
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == (
        "stayup: error: __main__.py:3: ModuleNotFoundError: No module named 'pulumi_random' in stayup's own interpreter"
        " (no --python, --install or runtime.options.virtualenv); point stayup at the program's environment:"
        " Pulumi.yaml runtime.options.virtualenv, --python PATH or --install\n"
    )


def test_an_environment_without_the_sdk_is_one_line(tmp_path):
    venv = tmp_path / "bare"
    assert subprocess.run([*uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], capture_output=True, check=False).returncode == 0
    result = stayup("check", "--project", str(PROGRAMS / "weak_egress"), "--stack", "dev", "--python", str(venv / "bin" / "python"))
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == (
        f"stayup: error: {venv / 'bin' / 'python'}: ModuleNotFoundError: No module named 'pulumi' in --python {venv / 'bin' / 'python'};"
        " install the program's dependencies into that environment, or pass --install\n"
    )


SUBNET, VPC, AWSX_VPC = "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"


def typed(entries: list[dict]) -> list[tuple[str, str, str]]:
    return sorted((e["rule"], e["urn"].split("::")[-2].split("$")[-1], e["urn"].rsplit("::", 1)[-1]) for e in entries)


SERVICE, LB, TG = "aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"
# At a first preview the Vpc's subnet ids are unknown (as under the engine): what runs on them is unknown.
ON_UNKNOWN_SUBNETS = [("PZ001", SERVICE, "api"), ("PZ001", LB, "internal"), ("SS001", SERVICE, "api")]


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(
    ("stack", "violations", "opaque"),
    [
        # One NAT for three AZs: the synthesized private subnets 2 and 3 leave through AZ 1.
        ("dev", [("NE001", SUBNET, "net-private-2"), ("NE001", SUBNET, "net-private-3"), ("NE002", VPC, "net"), ("NE004", AWSX_VPC, "net")], []),
        ("no-nat", [("NE004", AWSX_VPC, "net")], []),  # private subnets with no way out
        ("one-per-az", [], []),
        ("one-subnet", [("PZ001", SERVICE, "api"), ("SS001", SERVICE, "api")], []),  # the Fargate service given one subnet
        ("awsx-alb", [("HC001", "aws:lb/targetGroup:TargetGroup", "web")], []),  # its default target group's default health check
        ("ec2-service", [("PZ001", SERVICE, "batch"), ("SS001", SERVICE, "batch")], []),  # an awsx EC2 service on one private subnet
        ("default-vpc", [], []),  # awsx DefaultVpc; an awsx ALB with no subnets takes the default VPC's three
        ("opaque", [], [("awsx:ecr:Repository", "images")]),  # not modelled: opaque
        # Two servers on one private subnet, attached by awsx TargetGroupAttachment: a one-AZ tier.
        ("attachment", [("PZ004", TG, "pages"), ("SS002", TG, "pages")], []),
        ("provider-region", [], []),  # a second awsx Vpc through an explicit provider for eu-west-1
    ],
)
def test_awsx_components_are_expanded_or_reported_opaque(stack, violations, opaque, preview):
    """awsx 3.x from the program's own uv environment. The Vpc and the Fargate service are
    synthesized (the load balancer and the service on the Vpc's private subnets are placed by their
    ids in update mode); a component stayup does not model is opaque, so its stack never passes."""
    result = stayup("check", "--project", str(PROGRAMS / "env_awsx"), "--stack", stack, "--install", "--format", "json", *(["--preview"] if preview else []))
    report = json.loads(result.stdout)
    more = {"awsx-alb": [("PZ001", LB, "web")], "ec2-service": [("PZ001", SERVICE, "batch"), ("SS001", SERVICE, "batch")],
            "attachment": [("PZ004", TG, "pages"), ("SS002", TG, "pages")]}
    unknown = sorted(ON_UNKNOWN_SUBNETS + more.get(stack, [])) if preview else []
    if preview and stack in ("one-subnet", "ec2-service", "attachment"):
        violations = []  # the trimmed list is unknown at preview: PZ001 is unknown, not failed
    verdict = "fail" if violations else ("unknown" if unknown or opaque else "pass")
    assert result.stderr == ""
    assert (report["verdict"], result.returncode) == (verdict, {"fail": 1, "unknown": 4, "pass": 0}[verdict])
    assert typed(report["violations"]) == violations
    assert typed(report["unknown"]) == unknown
    assert [(o["type"], o["urn"].rsplit("::", 1)[-1]) for o in report.get("opaque", [])] == opaque


def graph_of(project: str, stack: str, preview: bool) -> dict:
    return json.loads(stayup("graph", "--project", str(PROGRAMS / project), "--stack", stack, "--install", *(["--preview"] if preview else [])).stdout)


def stack_outputs(graph: dict) -> dict:
    return next(r["outputs"] for r in graph["resources"] if r["type"] == "pulumi:pulumi:Stack")


def child(graph: dict, type_: str, name: str) -> dict:
    return next(r for r in graph["resources"] if (r["type"], r["name"]) == (type_, name))


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_component_outputs_reach_the_program_as_resources(preview):
    """The program reads resources out of components (`web.load_balancer.dns_name`, `api.service.name`,
    `len(vpc.nat_gateways)`): after a deploy they are the synthesized children, at a first preview
    unknown; a DefaultVpc only looks up, so its subnets are known even at preview."""
    graph, default = graph_of("env_awsx", "awsx-alb", preview), graph_of("env_awsx", "default-vpc", preview)
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    if preview:
        assert stack_outputs(graph) == dict.fromkeys(["api_service", "nat_count", "vpc_id", "web_url"], unknown)
    else:
        balancer = child(graph, LB, "web")
        assert balancer.get("synthesized") == "awsx 2.x-3.x"
        assert stack_outputs(graph) == {
            "api_service": child(graph, SERVICE, "api")["outputs"]["name"],
            "nat_count": 3,
            "vpc_id": child(graph, VPC, "net")["outputs"]["id"],
            "web_url": "http://" + balancer["outputs"]["dnsName"],
        }
    assert stack_outputs(default)["edge_zones"] == 3
    assert len(child(default, LB, "edge")["inputs"]["subnets"]) == 3


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(
    ("stack", "violations"),
    [
        ("dev", []),  # two AZs, at least two nodes
        ("one-az", [("PZ001", "aws:autoscaling/group:Group", "main-nodes"), ("SS001", "aws:autoscaling/group:Group", "main-nodes")]),  # the node group in one AZ
        ("defaults", [("SS001", "aws:autoscaling/group:Group", "main-nodes")]),  # pulumi-eks's default minimum of 1 node
        ("managed", [("SS001", "aws:eks/nodeGroup:NodeGroup", "workers")]),  # a ManagedNodeGroup on the cluster's subnets, min 1
        ("self-managed", [("PZ001", "aws:autoscaling/group:Group", "batch"), ("SS001", "aws:autoscaling/group:Group", "batch")]),  # a NodeGroupV2 on one subnet
        ("options", []),  # three nodes over three AZs, sized through nodeGroupOptions
    ],
)
def test_eks_cluster_and_managed_node_groups_are_expanded(stack, violations, preview):
    """pulumi-eks from the program's own uv environment: the default node group is judged like any
    auto scaling group; the program's read of `cluster.kubeconfig` gets an unknown, not None."""
    result = stayup("check", "--project", str(PROGRAMS / "env_eks"), "--stack", stack, "--install", "--format", "json", *(["--preview"] if preview else []))
    report = json.loads(result.stdout)
    assert (result.returncode, result.stderr) == ((1 if violations else 0), "")
    assert typed(report["violations"]) == violations
    assert (report["unknown"], report.get("opaque", [])) == ([], [])
    graph = graph_of("env_eks", stack, preview)
    outputs = stack_outputs(graph)
    assert outputs.pop("kubeconfig") == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # from the endpoint AWS assigns
    if preview:
        assert set(outputs.values()) == {"04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
    else:
        # Resources read out of the cluster and node group are the synthesized children.
        expected = {"cluster_name": child(graph, "aws:eks/cluster:Cluster", "main-eksCluster")["outputs"]["name"],
                    "nodes_asg": child(graph, "aws:autoscaling/group:Group", "main-nodes")["outputs"]["name"]}
        if stack == "managed":
            expected["workers_arn"] = child(graph, "aws:eks/nodeGroup:NodeGroup", "workers")["outputs"]["arn"]
        assert outputs == expected


def test_a_component_takes_its_region_from_an_explicit_provider():
    graph = graph_of("env_awsx", "provider-region", False)
    zones = sorted((r["name"], r["inputs"]["availabilityZone"]) for r in graph["resources"] if r["type"] == SUBNET and r["parent"].endswith("::west"))
    assert zones == [("west-private-1", "eu-west-1a"), ("west-private-2", "eu-west-1b"), ("west-public-1", "eu-west-1a"), ("west-public-2", "eu-west-1b")]


def test_graphs_are_byte_identical_across_runs():
    """Separate processes (so separate hash seeds): the same graph, to the byte."""
    runs = {stayup("graph", "--project", str(PROGRAMS / "env_awsx"), "--stack", "dev", "--install").stdout for _ in range(3)}
    assert len(runs) == 1 and json.loads(runs.pop())["resources"]
