"""Hostile input, as a pull request could write it: every input file of every command (Pulumi.yaml,
a stack file, --policy-config, --sla, --answers, --graph) given every hostile content (a FIFO, a
device, a directory, a symlink loop, a sparse file past the size limit, non-UTF-8 bytes, duplicate
keys, NaN, integers beyond a float, 100 000 levels of nesting, a YAML alias bomb, wrong types...),
plus hostile names, flags, outputs and secrets. For each: the documented exit code, exactly one
line on stderr naming the file, no traceback, no secret in anything written, and an existing
output file untouched. `INPUTS` counts them (the closing note reports it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PROGRAMS, ROOT, run
from stayup.policies.rules import RULES

sys.path.insert(0, str(ROOT / "tests" / "policies"))
from builder import happy

SECRET = "sk-live-4f9b2c7e"
Content = Callable[[Path], None]  # writes the hostile thing at the given path


def text(value: str) -> Content:
    return lambda path: path.write_text(value, encoding="utf-8")


def raw(value: bytes) -> Content:
    return lambda path: path.write_bytes(value)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def directory(path: Path) -> None:
    path.mkdir()


def loop(path: Path) -> None:
    os.symlink(path.name, path)  # a link to itself


def device(target: str) -> Content:
    return lambda path: os.symlink(target, path)


def sparse(size: int) -> Content:
    def make(path: Path) -> None:
        with open(path, "wb") as handle:
            handle.truncate(size)

    return make


def nested(depth: int, json_style: bool) -> Content:
    return text(("[" * depth + "]" * depth) if json_style else ("[" * depth + "]" * depth + "\n"))


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8)
)

# Hostile contents any input file can be given (the reader refuses them before any parser runs).
ANY_FILE: dict[str, Content] = {
    "missing": lambda path: None,
    "directory": directory,
    "fifo": fifo,
    "symlink-loop": loop,
    "dev-zero": device("/dev/zero"),
    "dev-urandom": device("/dev/urandom"),
    "dev-null": device("/dev/null"),
    "too-large": sparse(2 * 1024 * 1024 * 1024),
    "not-utf8": raw(b"\xff\xfe\x00garbage\x80"),
    "binary": raw(bytes(range(256))),
}
YAML_FILE: dict[str, Content] = {
    "malformed": text("a: [1, 2\nb: }\n"),
    "duplicate-keys": text("name: a\nname: b\nruntime: python\n"),
    "alias-bomb": text(ALIAS_BOMB),
    "deep-nesting": nested(100_000, False),
    "nan": text("value: .nan\n"),
    "huge-int": text("value: 1" + "0" * 400 + "\n"),
    "two-documents": text("a: 1\n---\nb: 2\n"),
    "tab-indent": text("a:\n\tb: 1\n"),
}
JSON_FILE: dict[str, Content] = {
    "malformed": text('{"a": '),
    "duplicate-keys": text('{"all": "advisory", "all": "disabled"}'),
    "deep-nesting": nested(100_000, True),
    "nan": text('{"x": NaN}'),
    "infinity": text('{"x": -Infinity}'),
    "huge-int": text('{"x": 1' + "0" * 400 + "}"),
    "huge-float": text('{"x": 1e999}'),
    "trailing-garbage": text("{} {}"),
}

PROJECT = "name: hostile\nruntime: python\n"
STACK = "config:\n  aws:region: eu-west-3\n"


def project(tmp_path: Path, *, pulumi: Content | None = None, stack: Content | None = None) -> Path:
    where = tmp_path / "project"
    where.mkdir()
    (pulumi or text(PROJECT))(where / "Pulumi.yaml")
    (stack or text(STACK))(where / "Pulumi.dev.yaml")
    (where / "__main__.py").write_text("raise SystemExit('the program must never run for a bad input')\n")
    return where


def graph_file(tmp_path: Path) -> Path:
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(happy().graph()))
    return path


# role -> (argv for a file at PATH, the file's path in the error line)
Role = Callable[[Path, Content], tuple[list[str], Path]]


def as_pulumi_yaml(tmp_path: Path, content: Content) -> tuple[list[str], Path]:
    where = project(tmp_path, pulumi=content)
    return ["check", "--project", str(where), "--stack", "dev"], where / "Pulumi.yaml"


def as_stack_file(tmp_path: Path, content: Content) -> tuple[list[str], Path]:
    where = project(tmp_path, stack=content)
    return ["check", "--project", str(where), "--stack", "dev"], where / "Pulumi.dev.yaml"


def as_policy_config(tmp_path: Path, content: Content) -> tuple[list[str], Path]:
    path = tmp_path / "policy.json"
    content(path)
    return ["check", "--graph", str(graph_file(tmp_path)), "--policy-config", str(path)], path


def as_sla(tmp_path: Path, content: Content) -> tuple[list[str], Path]:
    path = tmp_path / "sla.yaml"
    content(path)
    return ["blast-radius", "--project", str(project(tmp_path)), "--stack", "dev", "--sla", str(path)], path


def as_answers(tmp_path: Path, content: Content) -> tuple[list[str], Path]:
    path = tmp_path / "answers.yaml"
    content(path)
    return ["check", "--project", str(project(tmp_path)), "--stack", "dev", "--answers", str(path)], path


def as_graph(tmp_path: Path, content: Content) -> tuple[list[str], Path]:
    path = tmp_path / "saved.json"
    content(path)
    return ["check", "--graph", str(path)], path


def as_state(tmp_path: Path, content: Content) -> tuple[list[str], Path]:
    path = tmp_path / "export.json"
    content(path)
    return ["check", "--state", str(path)], path


YAML_ROLES = {"pulumi-yaml": as_pulumi_yaml, "stack-file": as_stack_file, "sla": as_sla, "answers": as_answers}
JSON_ROLES = {"policy-config": as_policy_config, "graph": as_graph, "state": as_state}
FILE_CASES = (
    [(role, name) for role in (*YAML_ROLES, *JSON_ROLES) for name in ANY_FILE]
    + [(role, name) for role in YAML_ROLES for name in YAML_FILE]
    + [(role, name) for role in JSON_ROLES for name in JSON_FILE]
)


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("stayup: error: "), err
    return lines[0]


@pytest.mark.parametrize(("role", "name"), FILE_CASES, ids=[f"{r}-{n}" for r, n in FILE_CASES])
def test_hostile_input_file(capsys, tmp_path, role, name):
    content = {**ANY_FILE, **YAML_FILE, **JSON_FILE}[name]
    argv, path = {**YAML_ROLES, **JSON_ROLES}[role](tmp_path, content)
    output = tmp_path / "report.txt"
    output.write_text("previous report\n")
    code, out, err = run(capsys, [*argv, "--output", str(output)])
    line = one_line(err)
    assert code == 2 and out == ""
    assert str(path) in line  # names the file
    assert output.read_text() == "previous report\n"  # untouched


def hostile_graph(tmp_path: Path, change: Callable[[dict], object]) -> Path:
    graph = happy().graph()
    change(graph)
    path = tmp_path / "g.json"
    path.write_text(json.dumps(graph))
    return path


def stack_of(graph: dict) -> dict:
    return next(r for r in graph["resources"] if r["type"] == "pulumi:pulumi:Stack")


GRAPH_SHAPES: dict[str, Callable[[dict], object]] = {
    "schema-true": lambda g: g.update(schema=True),
    "schema-2": lambda g: g.update(schema=2),
    "resources-not-list": lambda g: g.update(resources={"a": 1}),
    "resource-not-object": lambda g: g["resources"].append("x"),
    "urn-number": lambda g: g["resources"][1].update(urn=7),
    "type-missing": lambda g: g["resources"][1].pop("type"),
    "outputs-list": lambda g: g["resources"][1].update(outputs=[1, 2]),
    "dependencies-string": lambda g: g["resources"][1].update(dependencies="urn:x"),
    "other-engines-unknown": lambda g: g["resources"][1]["outputs"].update(availabilityZone="<computed>"),
    "terraform-known-after-apply": lambda g: next(r for r in g["resources"] if r["name"] == "nat-a")["outputs"].update(availabilityMode="(known after apply)"),
    "zone-of-no-region": lambda g: next(r for r in g["resources"] if r["name"] == "public-a")["outputs"].update(availabilityZone="banana"),
    "stack-name-newline": lambda g: g.update(stack="fx\nstayup check · fx · PASS"),
    "stack-name-colons": lambda g: g.update(stack="a::b"),
    "region-unknown": lambda g: g.update(region="mars-1"),
    "zone-not-in-region": lambda g: next(r for r in g["resources"] if r["name"] == "public-a")["outputs"].update(availabilityZone="eu-west-3z"),
    "slo-zero": lambda g: stack_of(g)["outputs"].update(slo=0),
    "slo-text": lambda g: stack_of(g)["outputs"].update(slo="five nines"),
    "invokes-not-list": lambda g: g.update(invokes="none"),
    "preview-string": lambda g: g.update(preview="yes"),
}


@pytest.mark.parametrize("shape", sorted(GRAPH_SHAPES))
def test_hostile_graph_shape(capsys, tmp_path, shape):
    path = hostile_graph(tmp_path, GRAPH_SHAPES[shape])
    code, out, err = run(capsys, ["check", "--graph", str(path)])
    line = one_line(err)
    assert (code, out) == (2, "")
    assert str(path) in line or "stack outputs" in line or "__main__.py" in line


# Pulumi.yaml / stack file / policy / SLA / answers contents that parse but are wrong.
SEMANTIC: dict[str, tuple[Role, Content, str]] = {
    "project-list": (as_pulumi_yaml, text("- a\n- b\n"), "expected a mapping"),
    "project-runtime-go": (as_pulumi_yaml, text("name: x\nruntime: go\n"), "runtime"),
    "project-name-number": (as_pulumi_yaml, text("name: 7\nruntime: python\n"), "name"),
    "project-main-escapes": (as_pulumi_yaml, text("name: x\nruntime: python\nmain: ../../etc\n"), "main"),
    "project-bad-config-type": (as_pulumi_yaml, text("name: x\nruntime: python\nconfig:\n  n:\n    type: float\n"), "type"),
    "project-secret-default": (as_pulumi_yaml, text(f"name: x\nruntime: python\nconfig:\n  token:\n    secret: true\n    default: {SECRET}\n"), "secret"),
    "project-toolchain-unknown": (as_pulumi_yaml, text("name: x\nruntime:\n  name: python\n  options:\n    toolchain: conda\n"), "toolchain"),
    "stack-list": (as_stack_file, text("- a\n"), "mapping"),
    "stack-config-list": (as_stack_file, text("config: [1]\n"), "config"),
    "stack-key-no-namespace": (as_stack_file, text("config:\n  aws:region: eu-west-3\n  zones: 3\n"), "namespaced"),
    "stack-no-region": (as_stack_file, text("config: {}\n"), "aws:region"),
    "stack-region-mars": (as_stack_file, text("config:\n  aws:region: mars-1\n"), "region"),
    "stack-region-number": (as_stack_file, text("config:\n  aws:region: 3\n"), "region"),
    "policy-not-object": (as_policy_config, text("[1]"), "expected a JSON object"),
    "policy-unknown-name": (as_policy_config, text('{"tier-spans-power-zone": {}}'), "no policy with this name"),
    "policy-all-extra": (as_policy_config, text('{"all": {"enforcementLevel": "advisory", "suppress": []}}'), "all.suppress"),
    "policy-level-typo": (as_policy_config, text('{"all": "mandatroy"}'), "all"),
    "policy-min-zones-0": (as_policy_config, text('{"tier-spans-power-zones": {"minZones": 0}}'), "minZones"),
    "policy-min-zones-text": (as_policy_config, text('{"tier-spans-power-zones": {"minZones": "2"}}'), "minZones"),
    "policy-extra-key": (as_policy_config, text('{"tier-spans-power-zones": {"minZone": 3}}'), "minZone"),
    "policy-suppress-no-reason": (as_policy_config, text('{"dns-failover-pair": {"suppress": [{"urn": "*", "expires": "2027-01-01"}]}}'), "reason"),
    "policy-suppress-blank-reason": (as_policy_config, text('{"dns-failover-pair": {"suppress": [{"urn": "*", "reason": "   ", "expires": "2027-01-01"}]}}'), "reason"),
    "policy-suppress-no-expiry": (as_policy_config, text('{"dns-failover-pair": {"suppress": [{"urn": "*", "reason": "legacy"}]}}'), "expires"),
    "policy-suppress-9999": (as_policy_config, text('{"dns-failover-pair": {"suppress": [{"urn": "*", "reason": "legacy", "expires": "9999-12-31"}]}}'), "366 days"),
    "policy-suppress-expired": (as_policy_config, text('{"dns-failover-pair": {"suppress": [{"urn": "*", "reason": "legacy", "expires": "2020-01-01"}]}}'), "expired"),
    "policy-suppress-bad-date": (as_policy_config, text('{"dns-failover-pair": {"suppress": [{"urn": "*", "reason": "legacy", "expires": "2027-13-45"}]}}'), "not a date"),
    "policy-suppress-extra": (as_policy_config, text('{"dns-failover-pair": {"suppress": [{"urn": "*", "reason": "legacy", "expires": "2027-01-01", "by": "me"}]}}'), "by"),
    "sla-list": (as_sla, text("- 99\n"), "sla"),
    "sla-over-100": (as_sla, text("elb: 120\n"), "elb"),
    "sla-unknown-key": (as_sla, text("elbx: 99\n"), "elbx"),
    "sla-text": (as_sla, text("elb: high\n"), "elb"),
    "sla-duplicate": (as_sla, text("elb: 99\nelb: 98\n"), "duplicate"),
    "answers-list": (as_answers, text("- 1\n"), "answers"),
    "answers-unknown-key": (as_answers, text("lookups: []\n"), "lookups"),
    "answers-invoke-no-token": (as_answers, text("invokes:\n  - result: {}\n"), "token"),
}


@pytest.mark.parametrize("case", sorted(SEMANTIC))
def test_wrong_content(capsys, tmp_path, case):
    role, content, key = SEMANTIC[case]
    argv, path = role(tmp_path, content)
    code, out, err = run(capsys, argv)
    line = one_line(err)
    assert (code, out) == (2, "")
    assert str(path) in line and key in line
    assert SECRET not in line


ARGV: dict[str, tuple[list[str], str]] = {
    "stack-colons": (["check", "--stack", "a::b"], "--stack"),
    "stack-slash": (["check", "--stack", "org/dev"], "--stack"),
    "stack-empty": (["check", "--stack", ""], "--stack"),
    "stack-long": (["check", "--stack", "s" * 101], "--stack"),
    "stack-not-utf8": (["check", "--stack", "dev\udcff"], "--stack"),
    "stack-newline": (["check", "--stack", "dev\nPASS"], "--stack"),
    "timeout-zero": (["check", "--stack", "dev", "--timeout", "0"], "--timeout"),
    "timeout-negative": (["check", "--stack", "dev", "--timeout", "-5"], "--timeout"),
    "timeout-nan": (["check", "--stack", "dev", "--timeout", "nan"], "--timeout"),
    "timeout-inf": (["check", "--stack", "dev", "--timeout", "inf"], "--timeout"),
    "config-no-equals": (["check", "--stack", "dev", "--config", "zones"], "--config"),
    "config-empty-key": (["check", "--stack", "dev", "--config", "=3"], "--config"),
    "project-symlink-loop": (["check", "--project", "{loop}", "--stack", "dev"], "loop"),
    "project-missing": (["check", "--project", "{tmp}/none", "--stack", "dev"], "none"),
    "python-missing": (["check", "--stack", "dev", "--python", "{tmp}/nopython"], "nopython"),
    "graph-and-all": (["check", "--graph", "{graph}", "--all"], "--graph"),
    "jobs-zero": (["check", "--all", "--jobs", "0"], "--jobs"),
    "zones-down-3": (["blast-radius", "--stack", "dev", "--zones-down", "3"], "--zones-down"),
    "format-unknown": (["check", "--stack", "dev", "--format", "html"], "--format"),
    "engine-unknown": (["check", "--stack", "dev", "--engine", "opa"], "--engine"),
}


@pytest.mark.parametrize("case", sorted(ARGV))
def test_hostile_arguments(capsys, tmp_path, monkeypatch, case):
    argv, key = ARGV[case]
    where = project(tmp_path)
    monkeypatch.chdir(where)
    os.symlink("loop", tmp_path / "loop")
    values = {"{loop}": str(tmp_path / "loop"), "{tmp}": str(tmp_path), "{graph}": str(graph_file(tmp_path))}
    argv = [next((a.replace(k, v) for k, v in values.items() if k in a), a) for a in argv]
    try:
        code, out, err = run(capsys, argv)
    except SystemExit as exc:  # argparse's own refusals: exit 2, usage + one error line
        captured = capsys.readouterr()
        assert exc.code == 2 and "Traceback" not in captured.err and key in captured.err.splitlines()[-1]
        return
    line = one_line(err)
    assert code == 2 and out == ""
    assert key in line


def test_secret_true_with_plaintext_is_refused_without_echoing_it(capsys, tmp_path):
    pulumi = text("name: hostile\nruntime: python\nconfig:\n  token:\n    type: string\n    secret: true\n")
    where = project(tmp_path, pulumi=pulumi, stack=text(f"config:\n  aws:region: eu-west-3\n  hostile:token: {SECRET}\n"))
    code, out, err = run(capsys, ["check", "--project", str(where), "--stack", "dev"])
    line = one_line(err)
    assert code == 2 and out == "" and "hostile:token" in line and "--secret" in line and SECRET not in line


def test_a_secret_keys_wrong_type_never_shows_the_value(capsys, tmp_path):
    pulumi = text("name: hostile\nruntime: python\nconfig:\n  port:\n    type: integer\n    secret: true\n")
    where = project(tmp_path, pulumi=pulumi)
    code, out, err = run(capsys, ["check", "--project", str(where), "--stack", "dev", "--config", f"port={SECRET}"])
    line = one_line(err)
    assert code == 2 and out == "" and "expected integer, got a secret value" in line and SECRET not in line


def test_additional_secret_outputs_stay_secret_in_the_graph_and_the_plan(capsys, tmp_path):
    where = tmp_path / "app"
    where.mkdir()
    (where / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (where / "Pulumi.dev.yaml").write_text(STACK)
    (where / "__main__.py").write_text(
        "import pulumi\nimport pulumi_aws as aws\n"
        f"aws.ec2.Instance('web', ami='ami-1', instance_type='t3.micro', availability_zone='eu-west-3a', user_data='PASSWORD={SECRET}',\n"
        "                 opts=pulumi.ResourceOptions(additional_secret_outputs=['user_data']))\n"
    )
    for argv in (["graph"], ["export", "--format", "tfplan"], ["check", "--format", "json"], ["check", "--format", "markdown"], ["check", "--format", "sarif"]):
        output = tmp_path / "out"
        code, out, err = run(capsys, [*argv, "--project", str(where), "--stack", "dev", "--output", str(output)])
        assert code in (0, 1) and (out, err) == ("", ""), err
        assert SECRET not in output.read_text()


def test_nested_secure_value_makes_the_whole_key_secret(capsys, tmp_path):
    where = tmp_path / "app"
    where.mkdir()
    (where / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (where / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-3\n  app:db:\n    user: admin\n    password:\n      secure: AAABAKs0bWVjaXBoZXJ0ZXh0\n")
    (where / "__main__.py").write_text("import pulumi\npulumi.export('db', pulumi.Config().require_secret_object('db'))\n")
    code, out, err = run(capsys, ["graph", "--project", str(where), "--stack", "dev"])
    assert (code, err) == (0, "")
    assert "AAABAKs0bWVjaXBoZXJ0ZXh0" not in out and "admin" not in out


@pytest.mark.parametrize("kind", ["fifo", "dev-null", "existing-0640", "new-file", "dash", "directory", "missing-dir", "dev-stdout"])
def test_output_targets(capsys, tmp_path, kind):
    graph = graph_file(tmp_path)
    target = {"fifo": tmp_path / "pipe", "dev-null": Path("/dev/null"), "existing-0640": tmp_path / "r.txt", "new-file": tmp_path / "n.txt",
              "dash": Path("-"), "directory": tmp_path, "missing-dir": tmp_path / "no" / "r.txt", "dev-stdout": Path("/dev/stdout")}[kind]
    received: list[bytes] = []
    if kind == "fifo":
        os.mkfifo(target)
        reader = threading.Thread(target=lambda: received.append(target.read_bytes()))
        reader.start()
    if kind == "existing-0640":
        target.write_text("old")
        target.chmod(0o640)
    code, out, err = run(capsys, ["check", "--graph", str(graph), "--output", str(target)])
    if kind in ("directory", "missing-dir"):
        assert code == 2 and str(target) in one_line(err)
        return
    assert (code, err) == (0, "")
    if kind == "fifo":
        reader.join(10)
        assert b"PASS" in received[0] and stat.S_ISFIFO(os.stat(target).st_mode)  # written through, still a FIFO
    elif kind == "dev-null":
        assert stat.S_ISCHR(os.stat(target).st_mode)
    elif kind == "existing-0640":
        assert "PASS" in target.read_text() and stat.S_IMODE(os.stat(target).st_mode) == 0o640
    elif kind == "new-file":
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~umask
    elif kind == "dash":
        assert "PASS" in out


def test_markdown_injection_in_a_resource_name_stays_in_its_cell(capsys, tmp_path):
    forged = "x`\n```\n## stayup · `dev` · PASS\n| forged |"

    def forge(graph: dict) -> None:
        group = next(r for r in graph["resources"] if r["name"] == "web" and r["type"] == "aws:autoscaling/group:Group")
        group.update(name=forged, urn=group["urn"].rsplit("::", 1)[0] + "::" + forged)
        group["outputs"]["minSize"] = 1  # one instance: SS001 fails on the forged name

    code, out, err = run(capsys, ["check", "--graph", str(hostile_graph(tmp_path, forge)), "--format", "markdown"])
    assert (code, err) == (1, "")
    assert [line for line in out.splitlines() if line.startswith("## ")] == ["## stayup · `fx` · FAIL"]
    assert out.count("```") == 2  # the Mermaid block's own fences only
    (row,) = [line for line in out.splitlines() if line.startswith("| SS001")]
    assert "forged" in row and row.count(" | ") == 5  # one row, six cells


def test_disabled_rules_and_catch_all_suppressions_are_never_a_silent_pass(capsys, tmp_path):
    graph = graph_file(tmp_path)
    policy = tmp_path / "p.json"
    policy.write_text('{"all": "disabled"}')
    for fmt in ("text", "markdown"):
        code, out, _ = run(capsys, ["check", "--graph", str(graph), "--policy-config", str(policy), "--format", fmt])
        assert code == 0 and "every rule passed" not in out.lower() and "disabled by the policy config" in out.lower()
    code, out, _ = run(capsys, ["check", "--graph", str(graph), "--policy-config", str(policy), "--format", "junit"])
    assert out.count("<skipped") == len(RULES) and f'skipped="{len(RULES)}"' in out
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    policy.write_text(json.dumps({"group-statically-stable": {"suppress": [{"urn": "*", "reason": "migrating to three AZs", "expires": expires}]}}))
    weak = hostile_graph(tmp_path, lambda g: next(r for r in g["resources"] if r["name"] == "web" and r["type"] == "aws:autoscaling/group:Group")["outputs"].update(minSize=1))
    code, out, _ = run(capsys, ["check", "--graph", str(weak), "--policy-config", str(policy), "--format", "markdown"])
    assert code == 0 and "| suppressed |" in out and "migrating to three AZs" in out and "every rule passed" not in out.lower()
    code, out, _ = run(capsys, ["check", "--graph", str(weak), "--policy-config", str(policy), "--format", "junit"])
    assert code == 0 and 'skipped message="1 finding(s) suppressed: migrating to three AZs"' in out


def test_inputs_counted():
    """The closing note reports this number: parametrized inputs plus the inputs of the tests below
    and above that try several each (secrets 2 + 5 formats + 1 nested, outputs 8, injection 1,
    disabled/suppressed 4 reports, broken packs, checkov timeout 1, demo without stacks 1, paths 3)."""
    total = len(FILE_CASES) + len(GRAPH_SHAPES) + len(SEMANTIC) + len(ARGV) + 2 + 5 + 1 + 8 + 1 + 4 + len(PACKS) + 1 + 1 + 3
    assert total >= 150
    print(f"hostile inputs: {total}")


def broken_pack(tmp_path: Path, body: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(body)
    return pack


PACKS = {
    # The pack's own import fails: its last stderr line is the reason.
    "cannot-start": ("raise ImportError('pulumi_policy is missing from this environment')\n", "did not start: ImportError: pulumi_policy is missing"),
    # The pack process dies in the middle of AnalyzeStack.
    "dies-in-analyze": (
        "import os\nfrom pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy\n"
        "PolicyPack('broken', enforcement_level=EnforcementLevel.MANDATORY, policies=[StackValidationPolicy(\n"
        "    name='dies', description='dies', validate=lambda args, report: os._exit(7))])\n",
        "failed during AnalyzeStack",
    ),
}


@pytest.mark.parametrize("case", sorted(PACKS))
def test_a_broken_policy_pack_is_exit_5_in_one_line(capsys, tmp_path, monkeypatch, case):
    from stayup.policies import check

    body, said = PACKS[case]
    monkeypatch.setattr(check, "pack_dir", lambda: broken_pack(tmp_path, body))
    code, out, err = run(capsys, ["check", "--graph", str(graph_file(tmp_path)), "--engine", "crossguard"])
    line = one_line(err)
    assert (code, out) == (5, "") and said in line  # an engine failure, never read as a violation (1)


def test_checkov_past_its_timeout_is_exit_5_in_one_line():
    from stayup.policies import checkov_door
    from stayup.policies.errors import StayupError

    with pytest.raises(StayupError) as raised:
        checkov_door.run({"fx": happy().graph()}, timeout=0.05)
    assert raised.value.exit_code == 5 and "did not finish within" in raised.value.line()


def test_demo_of_a_project_without_stacks_is_exit_2(capsys, tmp_path):
    where = project(tmp_path)
    (where / "Pulumi.dev.yaml").unlink()
    code, out, err = run(capsys, ["demo", "--project", str(where)])
    assert (code, out) == (2, "") and "no Pulumi.<stack>.yaml files" in one_line(err)


def test_paths_in_outputs_never_depend_on_the_machine_or_the_working_directory(capsys, tmp_path, monkeypatch):
    """Outside a git checkout SARIF URIs are relative to the project; no output holds an absolute path."""
    where = tmp_path / "outside-git"
    where.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        (where / name).write_text((PROGRAMS / "weak_egress" / name).read_text())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = run(capsys, ["check", "--project", str(where), "--stack", "dev", "--format", "sarif"])
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"] for loc in r["locations"] if "physicalLocation" in loc}
    assert code == 1 and uris == {"__main__.py"}
    for argv in (["graph"], ["check", "--format", "json"]):
        code, out, _ = run(capsys, [*argv, "--project", str(where), "--stack", "dev"])
        assert str(tmp_path) not in out and '"file": "/' not in out
