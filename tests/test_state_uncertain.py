"""Issue 27, item 13: pending operations are uncertain. A resource under a pending operation
(the engine stopped before it knew the outcome) may or may not exist, with its old properties or
its new ones: it is kept in the graph, marked `pending`, with everything but its id, ARN and region
unknown, so what depends on it is unknown, never counted as present and never a certain failure.
A state whose whole `outputs` (or `inputs`) is one secret, or whose URN holds a lone surrogate, is
read without a traceback.

The fixture is tests/data/state/shop-prod.json (described in test_state.py): it already holds one
pending `creating` operation (an S3 bucket no rule reads), so the sound export still passes.
Verdicts were written before the first run; each row is one operation on one resource.
"""

from __future__ import annotations

import copy
import json
import xml.dom.minidom
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import outcomes, run
from stayup.policies.state import graph_of_state
from stayup.policies.values import UNKNOWN
from test_state import export

SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
NAT, SUBNET, ROUTE_ASSOCIATION = "aws:ec2/natGateway:NatGateway", "aws:ec2/subnet:Subnet", "aws:ec2/routeTableAssociation:RouteTableAssociation"
ASG, TG, ALB, STACK = "aws:autoscaling/group:Group", "aws:lb/targetGroup:TargetGroup", "aws:lb/loadBalancer:LoadBalancer", "pulumi:pulumi:Stack"


def resource(doc: dict, type_: str, name: str) -> dict:
    return next(r for r in doc["deployment"]["resources"] if r["type"] == type_ and r["urn"].endswith("::" + name))


def pending(kind: str, type_: str, name: str, **changes) -> Callable[[dict], None]:
    """A pending operation on a resource of the export, as the engine records it (the resource's
    record, with the operation's new values)."""

    def change(doc: dict) -> None:
        record = copy.deepcopy(resource(doc, type_, name))
        record.update(changes)
        doc["deployment"]["pending_operations"].append({"type": kind, "resource": record})

    return change


def new_nat_c(doc: dict) -> None:
    """A third NAT gateway whose create never finished: no id, no outputs, not in `resources`."""
    record = copy.deepcopy(resource(doc, NAT, "net-nat-b"))
    record["urn"] = record["urn"].replace("::net-nat-b", "::net-nat-c")
    for key in ("id", "outputs"):
        record.pop(key)
    doc["deployment"]["pending_operations"].append({"type": "creating", "resource": record})


NAT_B_UNCERTAIN = {("NE001", "net-private-b", "unknown"), ("NE002", "net-vpc", "unknown")}
# operation -> (change, exit code, {(rule, resource name, outcome)})
PENDING: dict[str, tuple[Callable[[dict], None], int, set[tuple[str, str, str]]]] = {
    # The case: a NAT gateway being deleted passed. Egress through it is unknown now.
    "NAT b: deleting": (pending("deleting", NAT, "net-nat-b"), 4, NAT_B_UNCERTAIN),
    "NAT b: updating": (pending("updating", NAT, "net-nat-b"), 4, NAT_B_UNCERTAIN),
    "NAT b: creating its replacement": (pending("creating", NAT, "net-nat-b"), 4, NAT_B_UNCERTAIN),
    # Being created, never routed to: nothing depends on it.
    "NAT c: creating": (new_nat_c, 0, set()),
    # The old copy of a replaced resource is left out already: its deletion changes nothing.
    "old launch template copy: deleting": (pending("deleting", "aws:ec2/launchTemplate:LaunchTemplate", "web-old"), 0, set()),
    # NAT b lives in public subnet b: its AZ goes with the subnet's, as does the load balancer's spread.
    "public subnet b: deleting": (pending("deleting", SUBNET, "net-public-b"), 4, {*NAT_B_UNCERTAIN, ("PZ001", "web", "unknown")}),
    "private subnet b: deleting": (
        pending("deleting", SUBNET, "net-private-b"), 4, {("NE001", "net-private-b", "unknown"), ("PZ001", "web", "unknown"), ("SS001", "web", "unknown")}),
    # Which route table private subnet b uses is not known (the association's table link is dropped):
    # b may leave through a's NAT, so whether egress has independent paths is not known either.
    "private b's route table association: deleting": (
        pending("deleting", ROUTE_ASSOCIATION, "net-private-b"), 4, {("NE001", "net-private-b", "unknown"), ("NE002", "net-vpc", "unknown")}),
    "auto scaling group: updating": (
        pending("updating", ASG, "web", inputs={"minSize": 1}), 4, {("HC003", "web", "unknown"), ("PZ001", "web", "unknown"), ("SS001", "web", "unknown")}),
    "target group: updating": (pending("updating", TG, "web"), 4, {("HC001", "web", "unknown"), ("HC002", "web", "unknown")}),
    "load balancer: updating": (pending("updating", ALB, "web"), 4, {("PZ001", "web", "unknown")}),
    # The stack's outputs may change: whether it declares an SLO is not known.
    "stack: updating": (pending("updating", STACK, "shop-prod"), 4, {("DR001", "shop-prod", "unknown")}),
}


@pytest.mark.parametrize("engine", ["inprocess", "crossguard"])
@pytest.mark.parametrize("case", sorted(PENDING))
def test_a_pending_operation_makes_what_depends_on_it_unknown(capsys, tmp_path, case, engine):
    change, code, expected = PENDING[case]
    path = export(tmp_path, change)
    found, out, err = run(capsys, ["check", "--state", str(path), "--format", "json", "--engine", engine])
    report = json.loads(out)
    assert (found, err, outcomes(report)) == (code, "", expected)
    assert report["state"]["pending"] == 2


def graph_of(capsys, path: Path) -> dict:
    """The graph a state export is read as, as every door gets it."""
    return graph_of_state(json.loads(path.read_text()), str(path))


def record(graph: dict, type_: str, name: str) -> dict:
    return next(r for r in graph["resources"] if r["type"] == type_ and r["name"] == name)


def test_an_uncertain_resource_keeps_its_identity_and_nothing_else(capsys, tmp_path):
    graph = graph_of(capsys, export(tmp_path, pending("deleting", NAT, "net-nat-b")))
    nat = record(graph, NAT, "net-nat-b")
    assert nat["pending"] == "deleting"
    assert nat["outputs"] == {"id": "nat-0bbbbbbbbbbbbbbbb", "subnetId": UNKNOWN, "allocationId": UNKNOWN, "connectivityType": UNKNOWN, "availabilityMode": UNKNOWN}
    assert nat["inputs"] == {"subnetId": UNKNOWN, "allocationId": UNKNOWN, "availabilityMode": UNKNOWN}
    # Others still find it through its links (a route targets it), and it still names its subnet.
    assert sorted(nat["propertyDependencies"]) == ["allocationId", "subnetId"]
    assert "pending" not in record(graph, NAT, "net-nat-a")


def test_a_create_the_engine_never_finished_is_in_the_graph_uncertain(capsys, tmp_path):
    graph = graph_of(capsys, export(tmp_path, new_nat_c))
    nat = record(graph, NAT, "net-nat-c")
    assert (nat["pending"], nat["outputs"]) == ("creating", {"subnetId": UNKNOWN, "allocationId": UNKNOWN, "availabilityMode": UNKNOWN})
    # The fixture's own pending create: an S3 bucket.
    bucket = record(graph, "aws:s3/bucket:Bucket", "assets")
    assert (bucket["pending"], bucket["outputs"]) == ("creating", {"bucket": UNKNOWN})


def test_a_pending_association_no_longer_names_its_route_table(capsys, tmp_path):
    graph = graph_of(capsys, export(tmp_path, pending("deleting", ROUTE_ASSOCIATION, "net-private-b")))
    association = record(graph, ROUTE_ASSOCIATION, "net-private-b")
    assert sorted(association["propertyDependencies"]) == ["subnetId"]
    assert sorted(record(graph, ROUTE_ASSOCIATION, "net-private-a")["propertyDependencies"]) == ["routeTableId", "subnetId"]


def test_the_blast_radius_of_a_nat_being_deleted_is_unknown(capsys, tmp_path):
    code, out, err = run(capsys, ["blast-radius", "--state", str(export(tmp_path, pending("deleting", NAT, "net-nat-b"))), "--format", "json"])
    report = json.loads(out)
    assert (code, err, report["verdict"]) == (4, "", "unknown")
    assert [(z["zone"], z["status"]) for z in report["zones"]] == [("eu-west-3a", "unknown"), ("eu-west-3b", "survives")]


BAD_OPERATIONS: dict[str, tuple[Callable[[dict], None], str]] = {
    "unknown operation": (
        lambda doc: doc["deployment"]["pending_operations"].append({"type": "exploding", "resource": copy.deepcopy(resource(doc, NAT, "net-nat-b"))}),
        "deployment.pending_operations[1].type: 'exploding' is not an operation the engine records (creating, updating, deleting, reading, importing)",
    ),
    "operation not an object": (lambda doc: doc["deployment"]["pending_operations"].append("creating"), "deployment.pending_operations[1]: expected an operation object"),
    "no resource": (lambda doc: doc["deployment"]["pending_operations"].append({"type": "creating"}), "deployment.pending_operations[1].resource: expected a resource object"),
    "resource urn a number": (
        lambda doc: doc["deployment"]["pending_operations"].append({"type": "creating", "resource": {"urn": 7, "type": NAT}}),
        "deployment.pending_operations[1].resource.urn: expected a URN string",
    ),
    "resource stack name": (
        lambda doc: doc["deployment"]["pending_operations"].append({"type": "creating", "resource": {"urn": "urn:pulumi:prod\n::shop::aws:s3/bucket:Bucket::b", "type": "aws:s3/bucket:Bucket"}}),
        "deployment.pending_operations[1].resource.urn: 'prod\\n' is not a valid stack name (letters, digits, '-', '_' and '.', at most 100)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_OPERATIONS))
def test_a_malformed_pending_operation_is_one_line_naming_the_json_path(capsys, tmp_path, case):
    change, said = BAD_OPERATIONS[case]
    path = export(tmp_path, change)
    assert run(capsys, ["check", "--state", str(path)]) == (2, "", f"stayup: error: {path}: {said}\n")


CIPHERTEXT = "v1:c2VjcmV0b3V0cHV0cw==:bmF0LTBiYmJi"


def whole_secret(type_: str, name: str, part: str) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        resource(doc, type_, name)[part] = {**SECRET_SIG, "ciphertext": CIPHERTEXT}

    return change


@pytest.mark.parametrize(
    ("type_", "name", "part", "code", "expected"),
    [
        (NAT, "net-nat-b", "outputs", 4, NAT_B_UNCERTAIN),  # what the rules read is a secret: it decides nothing
        (NAT, "net-nat-b", "inputs", 0, set()),  # the outputs, which rules read, are in the clear
        (STACK, "shop-prod", "outputs", 4, {("DR001", "shop-prod", "unknown")}),  # a declared SLO may hide in it
    ],
    ids=["nat-outputs", "nat-inputs", "stack-outputs"],
)
def test_a_whole_secret_inputs_or_outputs_is_read_without_a_traceback(capsys, tmp_path, type_, name, part, code, expected):
    path = export(tmp_path, whole_secret(type_, name, part))
    found, out, err = run(capsys, ["check", "--state", str(path), "--format", "json"])
    assert (found, err, outcomes(json.loads(out))) == (code, "", expected)
    graph = graph_of(capsys, path)
    secret = record(graph, type_, name)
    assert set(secret[part].values()) <= {"[secret]", "nat-0bbbbbbbbbbbbbbbb"} and secret["secrets"] == sorted(k for k, v in secret[part].items() if v == "[secret]")
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        code_, out, err = run(capsys, ["check", "--state", str(path), "--format", fmt])
        assert (code_, err) == (code, "") and "c2VjcmV0b3V0cHV0cw" not in out


SURROGATE_NAME = "net-nat-b\ud800"


def surrogate_urn(doc: dict) -> None:
    """NAT b's name, in its URN and every link to it, ends in a lone surrogate (JSON `\\ud800`)."""
    old = resource(doc, NAT, "net-nat-b")["urn"]
    text = json.dumps(doc).replace(json.dumps(old)[1:-1], json.dumps(old + "\ud800")[1:-1])
    doc.clear()
    doc.update(json.loads(text))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown"])
def test_a_lone_surrogate_in_a_urn_is_read_without_a_traceback(capsys, tmp_path, fmt):
    path = export(tmp_path, surrogate_urn)
    assert "\\ud800" in path.read_text()
    code, out, err = run(capsys, ["check", "--state", str(path), "--format", fmt])
    assert (code, err) == (0, "")
    if fmt in ("json", "sarif"):
        json.loads(out)
    elif fmt == "junit":
        xml.dom.minidom.parseString(out)


def test_a_pending_operation_on_a_urn_with_a_lone_surrogate_is_uncertain(capsys, tmp_path):
    def change(doc: dict) -> None:
        surrogate_urn(doc)
        pending("deleting", NAT, SURROGATE_NAME)(doc)

    code, out, err = run(capsys, ["check", "--state", str(export(tmp_path, change)), "--format", "json"])
    assert (code, err, outcomes(json.loads(out))) == (4, "", NAT_B_UNCERTAIN)


def test_a_lone_surrogate_in_a_urns_stack_name_is_one_line(capsys, tmp_path):
    def change(doc: dict) -> None:
        text = json.dumps(doc).replace("urn:pulumi:prod::", "urn:pulumi:prod\\ud800::")
        doc.clear()
        doc.update(json.loads(text))

    path = export(tmp_path, change)
    assert run(capsys, ["check", "--state", str(path)]) == (
        2, "", f"stayup: error: {path}: deployment.resources[0].urn: 'prod\\ud800' is not a valid stack name (letters, digits, '-', '_' and '.', at most 100)\n")
