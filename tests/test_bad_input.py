"""Every command, every kind of bad input: one line on stderr naming the file and key, the
documented exit code, no traceback, nothing written (an existing output file stays as it was)."""

from __future__ import annotations

import json

import pytest
from conftest import PROGRAMS, ROOT
from stayup.policies.cli import main

BAD = PROGRAMS / "bad_types"
SEP = PROGRAMS / "separate_routes"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def project_with(tmp_path, pulumi_yaml: str, stack: str = "config:\n  aws:region: eu-west-3\n"):
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(pulumi_yaml)
    (project / "Pulumi.dev.yaml").write_text(stack)
    (project / "__main__.py").write_text("import pulumi\n")
    return project


CASES = [
    # (id, argv builder, exit code, expected stderr line builder)
    ("graph-missing-project", lambda t: ["graph", "--project", str(t / "none"), "--stack", "dev"], 2,
     lambda t: f"{t / 'none' / 'Pulumi.yaml'}: file not found"),
    ("graph-project-not-mapping", lambda t: ["graph", "--project", str(project_with(t, "- just\n- a list\n")), "--stack", "dev"], 2,
     lambda t: f"{t / 'project' / 'Pulumi.yaml'}: expected a mapping with at least 'name' and 'runtime'"),
    ("graph-project-no-name", lambda t: ["graph", "--project", str(project_with(t, "runtime: python\n")), "--stack", "dev"], 2,
     lambda t: f"{t / 'project' / 'Pulumi.yaml'}: name: required string is missing"),
    ("graph-go-project", lambda t: ["graph", "--project", str(project_with(t, "name: x\nruntime: go\n")), "--stack", "dev"], 2,
     lambda t: f"{t / 'project' / 'Pulumi.yaml'}: runtime: runtime 'go' is not supported; stayup runs Python and Node.js (TypeScript, JavaScript) programs"),
    ("graph-nodejs-project-without-node-modules", lambda t: ["graph", "--project", str(project_with(t, "name: x\nruntime: nodejs\n")), "--stack", "dev"], 2,
     lambda t: f"{t / 'project' / 'package.json'}: no node_modules with @pulumi/pulumi; run `npm install` in {t / 'project'} or pass --install"),
    ("graph-bad-config-type", lambda t: ["graph", "--project", str(project_with(t, "name: x\nruntime: python\nconfig:\n  n:\n    type: number\n")), "--stack", "dev"], 2,
     lambda t: f"{t / 'project' / 'Pulumi.yaml'}: config.n.type: unknown type 'number' (expected one of array, boolean, integer, object, string)"),
    ("graph-unnamespaced-key", lambda t: ["graph", "--project", str(project_with(t, "name: x\nruntime: python\n", "config:\n  region: eu-west-3\n")), "--stack", "dev"], 2,
     lambda t: f"{t / 'project' / 'Pulumi.dev.yaml'}: config.region: stack config keys must be namespaced, e.g. 'x:region'"),
    ("graph-no-region", lambda t: ["graph", "--project", str(project_with(t, "name: x\nruntime: python\n", "config: {}\n")), "--stack", "dev"], 2,
     lambda t: f"{t / 'project' / 'Pulumi.dev.yaml'}: config.aws:region: required key is not set"),
    ("graph-unknown-stack", lambda t: ["graph", "--project", str(BAD), "--stack", "prod"], 2, lambda t: f"{BAD / 'Pulumi.prod.yaml'}: file not found"),
    ("graph-malformed-stack", lambda t: ["graph", "--project", str(BAD), "--stack", "broken"], 2,
     lambda t: f"{BAD / 'Pulumi.broken.yaml'}: malformed YAML at line 4: expected ',' or ']', but got '<stream end>'"),
    ("graph-bad-override", lambda t: ["graph", "--project", str(SEP), "--stack", "dev", "--config", "novalue"], 2,
     lambda t: "--config: expected KEY=VALUE, got 'novalue'"),
    ("graph-unknown-region", lambda t: ["graph", "--project", str(BAD), "--stack", "mars"], 2,
     lambda t: f"{BAD / 'Pulumi.mars.yaml'}: config.aws:region: unknown AWS region 'mars-north-1' (stayup knows the 38 regions of the aws, aws-us-gov and aws-cn partitions; did you mean eu-north-1 or cn-north-1 or ap-northeast-1?)"),
    ("graph-program-raises", lambda t: ["graph", "--project", str(PROGRAMS / "raises"), "--stack", "dev"], 3, lambda t: "__main__.py:5: KeyError: 'large'"),
    ("graph-program-hangs", lambda t: ["graph", "--project", str(PROGRAMS / "hangs"), "--stack", "dev", "--timeout", "2"], 3,
     lambda t: f"{PROGRAMS / 'hangs' / '__main__.py'}: the program did not finish within 2 s (stopped; a hang, or a wait on something unreachable offline)"),
    ("check-more-zones-than-region", lambda t: ["check", "--project", str(ROOT), "--stack", "crm-paris", "--config", "zones=6"], 2,
     lambda t: "__main__.py:{line}: NetworkArgs.zones: 6 zones requested but the region has 3 (eu-west-3a, eu-west-3b, eu-west-3c)"),
    ("check-unknown-egress", lambda t: ["check", "--project", str(ROOT), "--stack", "crm-paris", "--config", "egress=dual"], 2,
     lambda t: "__main__.py:{line}: NetworkArgs.egress: unknown value 'dual' (expected one of 'zonal', 'regional')"),
    ("check-policy-config-json", lambda t: ["check", "--project", str(SEP), "--stack", "dev", "--policy-config", str(write(t, "p.json", "{nope"))], 2,
     lambda t: f"{t / 'p.json'}: invalid JSON at line 1 column 2: Expecting property name enclosed in double quotes"),
    ("check-expired-suppression", lambda t: ["check", "--project", str(SEP), "--stack", "dev", "--policy-config",
                                             str(write(t, "p.json", json.dumps({"nat-in-public-subnet": {"suppress": [{"urn": "*", "reason": "old exception", "expires": "2020-01-01"}]}})))], 2,
     lambda t: f"{t / 'p.json'}: nat-in-public-subnet.suppress[0].expires: suppression expired on 2020-01-01 (reason: old exception); remove it or fix the finding"),
    ("check-corrupt-graph", lambda t: ["check", "--graph", str(write(t, "g.json", '{"schema": 1, "resources": [')) ], 2,
     lambda t: f"{t / 'g.json'}: invalid JSON at line 1 column 29: Expecting value"),
    ("check-graph-schema", lambda t: ["check", "--graph", str(write(t, "g.json", '{"schema": 7, "resources": []}'))], 2,
     lambda t: f"{t / 'g.json'}: schema: unsupported graph schema 7 (expected 1)"),
    ("check-graph-resource", lambda t: ["check", "--graph", str(write(t, "g.json", '{"schema": 1, "resources": [{"urn": 3}]}'))], 2,
     lambda t: f"{t / 'g.json'}: resources[0]: every resource needs a string urn and type"),
    ("export-program-raises", lambda t: ["export", "--project", str(PROGRAMS / "raises"), "--stack", "dev"], 3, lambda t: "__main__.py:5: KeyError: 'large'"),
    ("blast-radius-bad-sla", lambda t: ["blast-radius", "--project", str(SEP), "--stack", "dev", "--sla", str(write(t, "sla.yaml", "nat: 99.9\n"))], 2,
     lambda t: f"{t / 'sla.yaml'}: nat: unknown SLA (known: elb, ec2_multi_az, ec2_single, rds_multi_az, rds_single_az, aurora_multi_az, aurora_single_az, route53)"),
    ("checkov-policy-config-json", lambda t: ["checkov", "--project", str(SEP), "--stack", "dev", "--policy-config", str(write(t, "p.json", "[1,"))], 2,
     lambda t: f"{t / 'p.json'}: invalid JSON at line 1 column 4: Expecting value"),
    ("checkov-invalid-policy-config", lambda t: ["checkov", "--project", str(SEP), "--stack", "dev", "--policy-config", str(write(t, "p.json", '{"all": 3}'))], 2,
     lambda t: f"{t / 'p.json'}: all: expected one of advisory, mandatory, disabled, got 3"),
]


@pytest.mark.parametrize(("argv", "code", "line"), [pytest.param(a, c, line, id=i) for i, a, c, line in CASES])
def test_bad_input(tmp_path, capsys, monkeypatch, argv, code, line):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out.txt"
    out.write_text("previous")
    args = argv(tmp_path)
    if args[0] not in ("docs",):
        args += ["--output", str(out)]
    assert main(args) == code
    captured = capsys.readouterr()
    main_line = next(i for i, text in enumerate((ROOT / "__main__.py").read_text().splitlines(), 1) if "network = ResilientNetwork(" in text)
    assert captured.err == f"stayup: error: {line(tmp_path).format(line=main_line)}\n"
    assert (captured.out, out.read_text(), sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))) == ("", "previous", [])
