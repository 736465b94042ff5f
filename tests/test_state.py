"""`--state`: what is deployed, from a `pulumi stack export` (deployment version 3). The fixture
tests/data/state/shop-prod.json was written for these tests after the published format: a stack,
a default AWS provider, a component, a random provider and password (not AWS: ignored), a launch
template whose user data is a secret (ciphertext, and in additionalSecretOutputs), an old copy
marked `delete`, and a pending `creating` operation. Each fault below is one family's single fault,
with its verdict written before the first run."""

from __future__ import annotations

import copy
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, graph_of, outcomes, run

sys.path.insert(0, str(ROOT / "tests" / "bench"))
from synthetic import deployment_of

SOUND = ROOT / "tests" / "data" / "state" / "shop-prod.json"
ENGINES = ["inprocess", "crossguard"]
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def load() -> dict:
    return json.loads(SOUND.read_text())


def resource(doc: dict, type_: str, name: str) -> dict:
    return next(r for r in doc["deployment"]["resources"] if r["type"] == type_ and r["urn"].endswith("::" + name))


def both(item: dict, **values) -> None:
    """A change as the engine records it: in inputs and outputs alike."""
    for part in ("inputs", "outputs"):
        item.setdefault(part, {}).update(copy.deepcopy(values))


def one_zone_alb(doc: dict) -> None:
    alb = resource(doc, "aws:lb/loadBalancer:LoadBalancer", "web")
    both(alb, subnets=["subnet-0pubaaaaaaaaaaaaa"])
    alb["propertyDependencies"]["subnets"] = [u for u in alb["propertyDependencies"]["subnets"] if u.endswith("net-public-a")]


def private_b_through_nat_a(doc: dict) -> None:
    nat_a = resource(doc, "aws:ec2/natGateway:NatGateway", "net-nat-a")["urn"]
    route = resource(doc, "aws:ec2/route:Route", "net-private-b-default")
    both(route, natGatewayId="nat-0aaaaaaaaaaaaaaaa")
    route["propertyDependencies"]["natGatewayId"] = [nat_a]
    resource(doc, "aws:ec2/routeTable:RouteTable", "net-private-b")["outputs"]["routes"] = [{"cidrBlock": "0.0.0.0/0", "natGatewayId": "nat-0aaaaaaaaaaaaaaaa"}]


def secret_zone(doc: dict) -> None:
    subnet = resource(doc, "aws:ec2/subnet:Subnet", "net-private-b")
    both(subnet, availabilityZone={**SECRET_SIG, "ciphertext": "v1:c2VjcmV0em9uZQ==:ZXUtd2VzdC0zYg=="})


ASG, ALB, TG, SUBNET, VPC, RECORD = ("aws:autoscaling/group:Group", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup",
                                     "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc", "aws:route53/record:Record")
# fault -> (change, exit code, {(rule, resource name, outcome)})
FAULTS: dict[str, tuple[Callable[[dict], None], int, set[tuple[str, str, str]]]] = {
    "sound": (lambda doc: None, 0, set()),
    "power-zones: load balancer in one AZ": (one_zone_alb, 1, {("PZ001", "web", "fail")}),
    "egress: private subnet b through NAT a": (private_b_through_nat_a, 1, {("NE001", "net-private-b", "fail"), ("NE002", "net-vpc", "fail")}),
    "health checks: target group check disabled": (
        lambda doc: both(resource(doc, TG, "web"), healthCheck={"enabled": False, "path": "/healthz", "interval": 10}), 1, {("HC001", "web", "fail")}),
    "static stability: group scaled in to one": (lambda doc: both(resource(doc, ASG, "web"), minSize=1), 1, {("SS001", "web", "fail")}),
    "disaster recovery: one region for 99.99 %": (
        lambda doc: resource(doc, "pulumi:pulumi:Stack", "shop-prod")["outputs"].update(slo=99.99), 1, {("DR001", "www-primary", "fail")}),
    # A secret (ciphertext) decides nothing: what depends on the subnet's AZ is unknown.
    "a secret AZ": (secret_zone, 4, {("PZ001", "web", "unknown"), ("SS001", "web", "unknown"), ("NE001", "net-private-b", "unknown")}),
}


def export(tmp_path: Path, change: Callable[[dict], object], name: str = "export.json") -> Path:
    doc = load()
    change(doc)
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_one_fault_per_family(capsys, tmp_path, fault, engine):
    change, code, expected = FAULTS[fault]
    found, out, err = run(capsys, ["check", "--state", str(export(tmp_path, change)), "--format", "json", "--engine", engine])
    report = json.loads(out)
    assert (found, err, outcomes(report)) == (code, "", expected)
    assert report["state"] == {"file": str(tmp_path / "export.json"), "ignored": 1, "absent": 1, "pending": 1}
    assert "ciphertext" not in out and "c2VjcmV0" not in out and "UEFTU1dPUkQ" not in out  # no secret in any form


def test_every_format_and_door_reads_a_state(capsys, tmp_path):
    path = export(tmp_path, private_b_through_nat_a)
    for fmt in ("text", "sarif", "junit", "markdown"):
        code, out, err = run(capsys, ["check", "--state", str(path), "--format", fmt])
        assert (code, err) == (1, "") and "net-private-b" in out
    code, out, _ = run(capsys, ["check", "--state", str(path), "--format", "sarif"])
    (result,) = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "NE001"]
    # No program line: the location is the resource's URN.
    assert "physicalLocation" not in result["locations"][0] and result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("::net-private-b")
    code, out, _ = run(capsys, ["blast-radius", "--state", str(SOUND), "--format", "json"])
    assert code == 0 and json.loads(out)["verdict"] == "pass"
    code, out, _ = run(capsys, ["export", "--state", str(SOUND), "--format", "tfplan"])
    plan = json.loads(out)
    assert code == 0 and "aws_autoscaling_group.web" in {r["address"] for r in plan["planned_values"]["root_module"]["resources"]}
    assert "random_password" not in out and "ciphertext" not in out


def test_stdin_a_directory_and_the_worst_exit_code(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SOUND.read_bytes())))
    code, out, err = run(capsys, ["check", "--state", "-"])
    assert (code, err) == (0, "") and "PASS" in out
    many = tmp_path / "exports"
    many.mkdir()
    (many / "a-prod.json").write_text(SOUND.read_text())
    export(tmp_path, one_zone_alb).rename(many / "b-prod.json")
    code, out, err = run(capsys, ["check", "--state", str(many), "--format", "json"])
    reports = json.loads(out)
    assert (code, err, reports["verdict"]) == (1, "", "fail") and [r["verdict"] for r in reports["stacks"]] == ["pass", "fail"]


BAD = {
    "version 2": (lambda doc: doc.update(version=2), "version: deployment version 2 is not supported"),
    "resources not a list": (lambda doc: doc["deployment"].update(resources={"a": 1}), "deployment.resources: expected a list"),
    "urn a number": (lambda doc: doc["deployment"]["resources"][3].update(urn=7), "deployment.resources[3].urn: expected a URN string"),
    "outputs a list": (lambda doc: doc["deployment"]["resources"][5].update(outputs=[1]), "deployment.resources[5].outputs: expected an object"),
    "not a URN": (lambda doc: doc["deployment"]["resources"][5].update(urn="vpc-1"), "deployment.resources[5].urn: not a Pulumi URN"),
    "no stack": (lambda doc: doc["deployment"].update(resources=doc["deployment"]["resources"][1:]), "deployment.resources: no pulumi:pulumi:Stack resource"),
    "no region": (lambda doc: doc["deployment"].update(resources=[r for r in doc["deployment"]["resources"] if "providers:aws" not in r["type"] and "region" not in r.get("outputs", {})]),
                  "deployment.resources: no AWS provider or resource says which region"),
    "delete not a boolean": (lambda doc: doc["deployment"]["resources"][5].update(delete="yes"), "deployment.resources[5].delete: expected true or false"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_exports_are_one_line_naming_the_json_path(capsys, tmp_path, case):
    change, said = BAD[case]
    path = export(tmp_path, change)
    code, out, err = run(capsys, ["check", "--state", str(path)])
    assert (code, out) == (2, "") and err == f"stayup: error: {path}: {said}" + err.split(said, 1)[1] and len(err.splitlines()) == 1


@pytest.mark.parametrize(("stack", "overrides"), [("crm-paris", []), ("video-frankfurt", []), ("crm-paris", ["natZones=1"]), ("video-frankfurt", ["relayZones=1"])])
def test_the_state_of_an_example_stack_agrees_with_checking_its_program(capsys, tmp_path, monkeypatch, stack, overrides):
    monkeypatch.chdir(ROOT)
    path = tmp_path / f"{stack}.json"
    path.write_text(json.dumps(deployment_of(graph_of(ROOT, stack, overrides=overrides))))
    from_state = run(capsys, ["check", "--state", str(path), "--format", "json"])
    from_program = run(capsys, ["check", "--stack", stack, "--format", "json", *[a for o in overrides for a in ("--config", o)]])
    assert from_state[0] == from_program[0]
    assert outcomes(json.loads(from_state[1])) == outcomes(json.loads(from_program[1]))
