"""Node.js programs (TypeScript and JavaScript) through the offline gate, over the engine protocol
(issue 29): the program runs with its SDK's own entry point against a ResourceMonitor and Engine
that stayup serves, backed by the same recorder Python programs run against.

Expected verdicts, written before the programs first ran:
- ts_web (TypeScript: a loop over `getAvailabilityZonesOutput`, inline routes, ALB → ASG over three
  AZs, a NAT gateway per AZ, RDS) and py_web, its Python twin, stack dev: pass, nothing unknown, in
  update and preview mode.
- stack degraded (one NAT gateway for every AZ, a single-AZ database): NE001 on private-1 and
  private-2 (their default route leaves their AZ), NE002 on the VPC main (egress in one AZ), PZ002 on
  the database orders; exit 1 in update and preview mode, at the same lines of index.ts and
  __main__.py. The two languages give the same (rule, resource) sets.
- js_workers (JavaScript, an async program that awaits `getAvailabilityZones`, separate Route
  resources), stack dev: pass. Stack one-zone (everything in the first AZ): PZ001 and SS001 on the
  group worker, NE002 on the VPC workers.
  As run: PZ001 and SS001 only. NE002 asks for NAT gateways in min(2, AZs with routed private
  subnets) AZs, so a one-AZ VPC egresses independently of AZs it does not use; its one AZ is
  PZ001's finding (the prediction misread the rule, not the capture).
- ts_platform (TypeScript: an awsx Vpc, an app group on its private subnets, a worker group on the
  subnets a StackReference names), stack dev (NAT OnePerAz): the app group passes; the worker
  group's subnets come from a stack nobody answered, so PZ001 and SS001 are unknown on worker and
  the lookup is reported unanswered (exit 4). At preview the Vpc's subnet ids are unknown too, so
  PZ001 and SS001 are also unknown on app. With answers.yaml (the network stack's outputs and its
  subnets' zones): pass in update mode; at preview app stays unknown.
  Stack single-nat: NE001 on net-private-2 and net-private-3, NE002 on the synthesized VPC net,
  NE004 on the awsx Vpc net, plus the unknowns above (exit 1), in both modes.

node_modules are built once by `--install` (`npm ci` from each program's package-lock.json) into
.cache/ in the repository (STAYUP_CACHE_DIR), so reruns reuse them.
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
from conftest import PROGRAMS, ROOT, outcomes
from stayup.policies.cli import main
from stayup.policies.values import UNKNOWN
from test_isolation import all_gone

pytestmark = pytest.mark.slow  # installs npm packages and runs Node.js programs: `make test` runs it, `make test-fast` does not

CACHE = ROOT / ".cache" / "stayup-test"
NE_DEGRADED = {("NE001", "private-1", "fail"), ("NE001", "private-2", "fail"), ("NE002", "main", "fail"), ("PZ002", "orders", "fail")}
EXPECTED = {
    ("ts_web", "dev"): (0, set()),
    ("ts_web", "degraded"): (1, NE_DEGRADED),
    ("py_web", "dev"): (0, set()),
    ("py_web", "degraded"): (1, NE_DEGRADED),
    ("js_workers", "dev"): (0, set()),
    ("js_workers", "one-zone"): (1, {("PZ001", "worker", "fail"), ("SS001", "worker", "fail")}),
}
# Where each violation points: the program line that declared the resource.
LOCATIONS = {
    ("ts_web", "degraded"): {("NE001", "private-1", "index.ts", 40), ("NE001", "private-2", "index.ts", 40), ("NE002", "main", "index.ts", 11), ("PZ002", "orders", "index.ts", 85)},
    ("py_web", "degraded"): {("NE001", "private-1", "__main__.py", 30), ("NE001", "private-2", "__main__.py", 30), ("NE002", "main", "__main__.py", 13), ("PZ002", "orders", "__main__.py", 46)},
    ("js_workers", "one-zone"): {("PZ001", "worker", "index.js", 32), ("SS001", "worker", "index.js", 32)},
}
CASES = [(program, stack, mode) for (program, stack) in EXPECTED for mode in ("update", "preview")]


@pytest.fixture(autouse=True)
def cache(monkeypatch):
    monkeypatch.setenv("STAYUP_CACHE_DIR", str(CACHE))


def stayup(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def check(capsys, program: str, stack: str, mode: str = "update", engine: str = "inprocess") -> tuple[int, dict, str]:
    argv = ["check", "--project", str(PROGRAMS / program), "--stack", stack, "--format", "json", "--engine", engine]
    argv += ["--install"] if program != "py_web" else []
    argv += ["--preview"] if mode == "preview" else []
    code, out, err = stayup(capsys, *argv)
    return code, json.loads(out), err


def installed_modules(program: str) -> Path:
    from stayup.policies.nodejs import installed
    from stayup.policies.project import NodeOptions

    modules, _ = installed(PROGRAMS / program, NodeOptions())
    return modules


@pytest.mark.parametrize(("program", "stack", "mode"), CASES, ids=[f"{p}-{s}-{m}" for p, s, m in CASES])
def test_program(capsys, program, stack, mode):
    code, report, err = check(capsys, program, stack, mode)
    assert (code, outcomes(report)) == EXPECTED[program, stack], err
    located = {(v["rule"], v["urn"].rsplit("::", 1)[-1], v["file"], v["line"]) for v in report["violations"]}
    assert located == LOCATIONS.get((program, stack), set())
    assert (report["unanswered"], report.get("partial")) == ([], None)


WORKER_UNKNOWN = {("PZ001", "worker", "unknown"), ("SS001", "worker", "unknown")}
APP_UNKNOWN = {("PZ001", "app", "unknown"), ("SS001", "app", "unknown")}
SINGLE_NAT = {("NE001", "net-private-2", "fail"), ("NE001", "net-private-3", "fail"), ("NE002", "net", "fail"), ("NE004", "net", "fail")}
STACK_REFERENCE = ["pulumi:pulumi:StackReference"]
PLATFORM = {
    ("dev", "update", False): (4, WORKER_UNKNOWN, STACK_REFERENCE),
    ("dev", "preview", False): (4, WORKER_UNKNOWN | APP_UNKNOWN, STACK_REFERENCE),
    ("dev", "update", True): (0, set(), []),
    ("dev", "preview", True): (4, APP_UNKNOWN, []),
    ("single-nat", "update", False): (1, SINGLE_NAT | WORKER_UNKNOWN, STACK_REFERENCE),
    ("single-nat", "preview", False): (1, SINGLE_NAT | WORKER_UNKNOWN | APP_UNKNOWN, STACK_REFERENCE),
}


@pytest.mark.parametrize(("stack", "mode", "answers"), list(PLATFORM), ids=[f"{s}-{m}{'-answers' if a else ''}" for s, m, a in PLATFORM])
def test_awsx_vpc_and_stack_reference(capsys, stack, mode, answers):
    """The awsx Vpc is a remote component in TypeScript too: expanded as for Python. An unanswered
    StackReference leaves its outputs unknown to the program in update mode as well."""
    argv = ["check", "--project", str(PROGRAMS / "ts_platform"), "--stack", stack, "--format", "json", "--install"]
    argv += ["--preview"] if mode == "preview" else []
    argv += ["--answers", str(PROGRAMS / "ts_platform" / "answers.yaml")] if answers else []
    code, out, err = stayup(capsys, *argv)
    report = json.loads(out)
    assert (code, outcomes(report), [u["token"] for u in report["unanswered"]]) == PLATFORM[stack, mode, answers], err
    assert (report.get("opaque"), report.get("partial")) == (None, None)


@pytest.mark.parametrize("stack", ["dev", "degraded"])
@pytest.mark.parametrize("mode", ["update", "preview"])
def test_typescript_and_python_twins_give_the_same_findings(capsys, stack, mode):
    ts_code, ts, _ = check(capsys, "ts_web", stack, mode)
    py_code, py, _ = check(capsys, "py_web", stack, mode)
    assert (ts_code, outcomes(ts), ts["resources"], ts["passed"]) == (py_code, outcomes(py), py["resources"], py["passed"])


@pytest.mark.parametrize("mode", ["update", "preview"])
def test_the_crossguard_engine_gives_the_same_findings(capsys, mode):
    code, report, err = check(capsys, "ts_web", "degraded", mode, engine="crossguard")
    assert (code, outcomes(report), report["engine"]) == (1, NE_DEGRADED, "crossguard"), err


def test_the_graph_points_at_typescript_lines(capsys):
    code, out, err = stayup(capsys, "graph", "--project", str(PROGRAMS / "ts_web"), "--stack", "dev", "--install")
    graph = json.loads(out)
    assert code == 0, err
    sources = {(r["type"], r["name"]): r["source"] for r in graph["resources"]}
    assert sources[("aws:ec2/vpc:Vpc", "main")] == {"file": "index.ts", "line": 11}
    assert sources[("aws:ec2/subnet:Subnet", "private-2")] == {"file": "index.ts", "line": 40}
    assert sources[("aws:autoscaling/group:Group", "web")] == {"file": "index.ts", "line": 73}
    assert {s["file"] for (t, _), s in sources.items() if t.startswith("aws:")} == {"index.ts"}
    (zones,) = graph["invokes"]
    assert (zones["token"], zones["args"], zones["mocked"], zones["source"]) == ("aws:index/getAvailabilityZones:getAvailabilityZones", {"state": "available"}, True, {"file": "index.ts", "line": 9})
    subnet = next(r for r in graph["resources"] if r["name"] == "private-2" and r["type"] == "aws:ec2/subnet:Subnet")
    assert subnet["outputs"]["availabilityZone"] == "eu-west-3c"
    # Declared outputs AWS decides are unknown after a deploy, never absent (as for Python programs).
    assert subnet["outputs"]["ownerId"] == UNKNOWN


def test_preview_knows_what_only_a_deploy_decides(capsys):
    code, out, err = stayup(capsys, "graph", "--project", str(PROGRAMS / "ts_web"), "--stack", "dev", "--install", "--preview")
    graph = json.loads(out)
    assert code == 0, err
    subnet = next(r for r in graph["resources"] if r["name"] == "private-2" and r["type"] == "aws:ec2/subnet:Subnet")
    assert (subnet["inputs"]["vpcId"], subnet["inputs"]["availabilityZone"], subnet["outputs"]["id"]) == (UNKNOWN, "eu-west-3c", UNKNOWN)
    assert graph["skipped"] == []


def test_program_output_goes_to_stderr_prefixed_with_the_stack(capsys):
    code, _, err = check(capsys, "js_workers", "dev")
    assert code == 0
    assert "dev | workers in eu-central-1a, eu-central-1b, eu-central-1c" in err.splitlines()


def test_the_report_names_node_and_the_sdk(capsys):
    _, report, _ = check(capsys, "ts_web", "dev")
    runtime = report["runtime"]
    assert runtime["interpreter"].startswith("node 20.") and "installed node_modules" in runtime["interpreter"]
    assert (runtime["@pulumi/pulumi"], runtime["@pulumi/aws"].split(".")[0]) == ("3.248.0", "7")


def test_install_builds_node_modules_once_per_lock(capsys):
    lock = (PROGRAMS / "js_workers" / "package-lock.json").read_text()
    modules = installed_modules("js_workers")
    assert modules.parent.name.startswith("node-npm-") and (modules.parent / ".stayup-complete").is_file()
    assert (modules / "@pulumi" / "pulumi" / "cmd" / "run" / "index.js").is_file()
    before = modules.parent.stat().st_mtime_ns
    started = time.monotonic()
    assert installed_modules("js_workers") == modules  # cached: no second install
    assert time.monotonic() - started < 1.0 and modules.parent.stat().st_mtime_ns == before
    assert lock == (PROGRAMS / "js_workers" / "package-lock.json").read_text()
    assert not (PROGRAMS / "js_workers" / "node_modules").exists()  # the project is never written


def copy(program: str, tmp_path: Path, *, modules: bool) -> Path:
    target = tmp_path / program
    shutil.copytree(PROGRAMS / program, target)
    if modules:
        (target / "node_modules").symlink_to(installed_modules(program), target_is_directory=True)
    return target


def test_the_programs_own_node_modules_are_used(capsys, tmp_path):
    project = copy("ts_web", tmp_path, modules=True)
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "degraded", "--format", "json")
    report = json.loads(out)
    assert (code, outcomes(report)) == (1, NE_DEGRADED), err
    assert report["runtime"]["interpreter"].endswith("with the program's node_modules")


def test_missing_node_modules_is_one_line(capsys, tmp_path):
    project = copy("js_workers", tmp_path, modules=False)
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "dev")
    assert (code, out, err) == (2, "", f"stayup: error: {project / 'package.json'}: no node_modules with @pulumi/pulumi; run `npm install` in {project} or pass --install\n")


def test_missing_node_is_one_line(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = stayup(capsys, "check", "--project", str(PROGRAMS / "js_workers"), "--stack", "dev", "--install")
    assert (code, out, err) == (2, "", f"stayup: error: {PROGRAMS / 'js_workers' / 'Pulumi.yaml'}: runtime: nodejs, but node is not on PATH; install Node.js 18 or newer\n")


def test_python_flag_on_a_nodejs_project_is_one_line(capsys):
    code, out, err = stayup(capsys, "check", "--project", str(PROGRAMS / "js_workers"), "--stack", "dev", "--python", "python3")
    assert (code, out, err) == (2, "", "stayup: error: --python: the project's runtime is nodejs; --python applies to Python programs\n")


def program(tmp_path: Path, source: str) -> Path:
    """A TypeScript program of ts_web's project (and node_modules) with `source` as index.ts."""
    project = copy("ts_web", tmp_path, modules=True)
    (project / "index.ts").write_text(source)
    return project


def test_a_program_that_throws_is_one_line_at_its_typescript_line(capsys, tmp_path):
    project = program(tmp_path, 'import * as aws from "@pulumi/aws";\n\nconst vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });\nif (vpc) {\n    throw new Error("no zones configured");\n}\n')
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "dev")
    assert (code, out, err) == (3, "", "stayup: error: index.ts:5: Error: no zones configured\n")


def test_a_program_that_exits_early_is_one_line(capsys, tmp_path):
    project = program(tmp_path, 'import * as aws from "@pulumi/aws";\n\nnew aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });\nprocess.exit(0);\n')
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "dev")
    # Before it, the SDK's own words on the exit (prefixed program output): promises were still
    # active, so it turns the program's exit code 0 into 1, as under the Pulumi CLI.
    assert (code, out, err.splitlines()[-1]) == (3, "", f"stayup: error: {project / 'index.ts'}: the program exited (code 1) before its resources were registered")
    assert "dev | The Pulumi runtime detected that" in err


def test_a_program_that_hangs_is_stopped_with_everything_it_started(capsys, tmp_path):
    started_file = tmp_path / "child.started"
    project = program(tmp_path, (
        'import * as aws from "@pulumi/aws";\nimport { spawn } from "child_process";\nimport { writeFileSync } from "fs";\n\n'
        'new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });\n'
        f'writeFileSync({json.dumps(str(started_file))}, String(spawn("sleep", ["600"]).pid));\n'
        "setInterval(() => undefined, 1000);\n"
    ))
    started = time.monotonic()
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "dev", "--timeout", "8")
    assert (code, out, err) == (3, "", f"stayup: error: {project / 'index.ts'}: the program did not finish within 8 s (stopped; a hang, or a wait on something unreachable offline)\n")
    assert time.monotonic() - started < 20
    assert started_file.read_text()  # the child was started
    assert all_gone(project)


@pytest.mark.skipif(os.geteuid() != 0, reason="a PID namespace of its own needs CAP_SYS_ADMIN here (README: what a program's daemons can reach)")
def test_a_detached_daemon_dies_with_the_run(capsys, tmp_path):
    """A child the program detaches (its own session) would rewrite the report after stayup
    exits; in the program's own PID namespace it ends with the program."""
    forged = tmp_path / "REPORT"
    project = program(tmp_path, (
        'import * as aws from "@pulumi/aws";\nimport { spawn } from "child_process";\n\n'
        'new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });\n'
        f'spawn("sh", ["-c", "sleep 3; echo forged > {forged}"], {{ detached: true, stdio: "ignore" }}).unref();\n'
    ))
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "dev", "--format", "json")
    assert (code, json.loads(out)["verdict"], err) == (0, "pass", "")
    assert all_gone(project, within=2.0)
    time.sleep(3.5)
    assert not forged.exists()


def test_a_region_stayup_has_no_zones_for_is_one_line(capsys, tmp_path):
    project = program(tmp_path, 'import * as aws from "@pulumi/aws";\n\nnew aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16", region: "eu-mars-1" });\n')
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "dev")
    assert (code, out) == (2, "")
    assert err.startswith("stayup: error: index.ts:3: main: region: unknown AWS region 'eu-mars-1'"), err


def test_an_error_in_an_apply_callback_points_at_its_line(capsys, tmp_path):
    project = program(tmp_path, 'import * as aws from "@pulumi/aws";\n\nconst vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });\nvpc.id.apply(id => {\n    throw new RangeError(`no room in ${id}`);\n});\n')
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "dev")
    assert (code, out) == (3, "")
    assert err.splitlines()[-1].startswith("stayup: error: index.ts:5: RangeError: no room in vpc-"), err


def test_sigterm_to_stayup_stops_the_program_too(tmp_path):
    started = tmp_path / "started"
    project = program(tmp_path, f'import {{ writeFileSync }} from "fs";\n\nwriteFileSync({json.dumps(str(started))}, String(process.pid));\nsetInterval(() => undefined, 1000);\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    process = subprocess.Popen([sys.executable, "-m", "stayup.policies", "check", "--project", str(project), "--stack", "dev"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not started.exists() or not started.read_text():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.terminate()
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "stayup: interrupted\n")
    assert all_gone(project)


def test_the_pre_commit_hook_runs_on_typescript_and_javascript_changes():
    import re

    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    files = re.compile(hook["files"])
    changed = ["infra/index.ts", "index.js", "src/vpc.mts", "package.json", "infra/package-lock.json", "yarn.lock", "Pulumi.prod.yaml", "__main__.py"]
    assert [name for name in changed if not files.search(name)] == []
    assert [name for name in ["README.md", "infra/tsconfig.json", "index.d.ts.map"] if files.search(name)] == []


def test_all_stacks_of_a_nodejs_project_run_in_parallel(capsys):
    answers = str(PROGRAMS / "ts_platform" / "answers.yaml")
    code, out, err = stayup(capsys, "check", "--all", "--jobs", "2", "--project", str(PROGRAMS / "ts_platform"), "--install", "--answers", answers, "--format", "json")
    reports = {r["stack"]: (r["verdict"], outcomes(r)) for r in json.loads(out)["stacks"]}
    assert (code, reports) == (1, {"dev": ("pass", set()), "single-nat": ("fail", SINGLE_NAT)}), err


def test_a_serialized_function_still_finds_its_packages(capsys, tmp_path):
    """The preload loads npm's arborist on the SDK's first use of it (function serialization)."""
    project = program(tmp_path, 'import * as aws from "@pulumi/aws";\n\nnew aws.lambda.CallbackFunction("hello", {\n    callback: async () => ({ statusCode: 200, body: "ok" }),\n});\n')
    code, out, err = stayup(capsys, "graph", "--project", str(project), "--stack", "dev")
    (function,) = [r for r in json.loads(out)["resources"] if r["type"] == "aws:lambda/function:Function"]
    assert (code, function["name"], function["inputs"]["code"], function["inputs"]["handler"], function["source"]) == (
        0, "hello", {"archive": "assets"}, "__index.handler", {"file": "index.ts", "line": 3}), err


def test_a_workspace_roots_node_modules_serve_its_projects(capsys, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "node_modules").symlink_to(installed_modules("js_workers"), target_is_directory=True)
    project = tmp_path / "infra"
    shutil.copytree(PROGRAMS / "js_workers", project)
    code, out, err = stayup(capsys, "check", "--project", str(project), "--stack", "one-zone", "--format", "json")
    report = json.loads(out)
    assert (code, outcomes(report)) == EXPECTED["js_workers", "one-zone"], err
    assert report["runtime"]["interpreter"].endswith(f"with the node_modules of {tmp_path}")


def test_resources_of_an_installed_component_point_at_the_programs_line(capsys, tmp_path):
    """As site-packages for Python programs: a component from a package (here one vendored under a
    node_modules directory of the project) is located where the program uses it."""
    project = program(tmp_path, 'import { Network } from "./vendor/node_modules/acme-network";\n\nnew Network("core");\n')
    library = project / "vendor" / "node_modules" / "acme-network"
    library.mkdir(parents=True)
    (library / "index.js").write_text(
        'const aws = require("@pulumi/aws");\n'
        "class Network {\n    constructor(name) {\n        this.vpc = new aws.ec2.Vpc(name, { cidrBlock: \"10.9.0.0/16\" });\n    }\n}\n"
        "module.exports = { Network };\n"
    )
    code, out, err = stayup(capsys, "graph", "--project", str(project), "--stack", "dev")
    (vpc,) = [r for r in json.loads(out)["resources"] if r["type"] == "aws:ec2/vpc:Vpc"]
    assert (code, vpc["source"]) == (0, {"file": "index.ts", "line": 3}), err


SECRET_PROGRAM = """import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const owner = config.require("owner");
const password = config.requireSecret("dbPassword");
new aws.ssm.Parameter("db-password", { type: "SecureString", value: password, tags: { owner } });
for (let i = 0; i < 2; i++) {
    new aws.ec2.Instance(`app-${i}`, { ami: "ami-12345678", instanceType: "t3.micro", tags: { owner } });
}
// A secret written in the program itself: it must never reach any stayup output.
new aws.ssm.Parameter("api-key", { type: "SecureString", value: pulumi.secret("s3cr3t-literal-value") });
export const dbPassword = password;
export const apiKey = pulumi.secret("s3cr3t-literal-value");
"""
NEVER = ("s3cr3t-literal-value", "AAABAHx2lXrXyYJxb1VHlvGmN4tUAJmtzDkMeWHHJ3ovYa3QmQ==")


@pytest.mark.parametrize("command", [["graph"], ["graph", "--preview"], ["check", "--format", "json"], ["check", "--format", "sarif"], ["export", "--format", "tfplan"]], ids="-".join)
def test_no_secret_in_any_output(capsys, tmp_path, command):
    """The Python secrets program (tests/programs/secrets) in TypeScript: the same six markers."""
    project = program(tmp_path, SECRET_PROGRAM)
    (project / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: eu-west-1\n  ts-web:owner: platform-team\n  ts-web:dbPassword:\n    secure: {NEVER[1]}\n")
    code, out, err = stayup(capsys, command[0], "--project", str(project), "--stack", "dev", *command[1:])
    assert code == 0, err
    assert [secret for secret in NEVER if secret in out or secret in err] == []
    if command == ["graph"]:
        assert out.count('"[secret]"') == 6  # two parameters (inputs and outputs) and two stack outputs
