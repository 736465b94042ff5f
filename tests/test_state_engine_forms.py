"""Issue 27, items 5, 6 and 12: state exports and graph files as the engine sees them.

- Two live resources with one URN are exit 2 naming both indexes; an old copy marked `delete` (or
  the pendingReplacement rules of the engine) is the only legal twin.
- A value not known, in the engine's own form or another engine's (the engine's typed sentinels,
  the Terraform bridge's), is unknown: the same verdicts as the engine's sentinel, never a pass.
  Another tool's *display* of an unknown value (`(known after apply)`, `<computed>`...) and a
  signature the engine does not know are exit 2 naming the JSON path. A zone that is no AZ of any
  region is exit 2, never counted as a power zone.
- Stack names from a state's URNs go through the validator of every entry: the same refusal for
  `--stack`, a stack file of `--all`, a graph file and a state export. (Project and resource names
  are data, escaped where shown: tests/test_report_integrity.py.)
- `--state DIR` refuses an entry `*.json` that is not a regular file, naming it, never skips it.

Each case: its exit code, exactly one stderr line (the whole line written out), no traceback.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, outcomes, run
from stayup.policies.values import UNKNOWN
from test_state import SOUND, export, load

sys.path.insert(0, str(ROOT / "tests" / "policies"))
from builder import happy

SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
NAME_RULE = "(letters, digits, '-', '_' and '.', at most 100)"
# Other spellings of "not known yet" a file may hold (the engine's typed sentinels, the Terraform
# bridge's hcl2shim.UnknownVariableValue): each must judge exactly as the engine's own sentinel.
OTHER_UNKNOWNS = ["1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", "74D93920-ED26-11E3-AC10-0800200C9A66"]
PLACEHOLDERS = ["<computed>", "(known after apply)", "(sensitive value)", "output<string>", "[unknown]", "${Token[TOKEN.123]}"]


def check_json(capsys, argv: list[str]) -> tuple[int, str, set[tuple[str, str, str]]]:
    code, out, err = run(capsys, [*argv, "--format", "json"])
    return code, err, outcomes(json.loads(out))


# --- state exports -------------------------------------------------------------------------


def index_of(doc: dict, type_: str, name: str) -> int:
    return next(i for i, r in enumerate(doc["deployment"]["resources"]) if r["type"] == type_ and r["urn"].endswith("::" + name))


NAT, SUBNET, STACK = "aws:ec2/natGateway:NatGateway", "aws:ec2/subnet:Subnet", "pulumi:pulumi:Stack"


def twin(**flags) -> Callable[[dict], object]:
    """A second record of NAT b (another id), with the given flags."""

    def change(doc: dict) -> None:
        copy_ = copy.deepcopy(doc["deployment"]["resources"][index_of(doc, NAT, "net-nat-b")])
        copy_.update(id="nat-0bbbbbbbbbbbbbbb2", **flags)
        doc["deployment"]["resources"].append(copy_)

    return change


@pytest.mark.parametrize("flags", [{}, {"pendingReplacement": True}, {"delete": False}], ids=["plain", "pending-replacement", "delete-false"])
def test_two_live_resources_with_one_urn_are_exit_2_naming_both(capsys, tmp_path, flags):
    path = export(tmp_path, twin(**flags))
    code, out, err = run(capsys, ["check", "--state", str(path)])
    nat_b, last = index_of(load(), NAT, "net-nat-b"), len(load()["deployment"]["resources"])
    assert (code, out) == (2, "")
    assert err == (
        f"stayup: error: {path}: deployment.resources[{last}].urn: the URN of deployment.resources[{nat_b}] too: "
        "two live resources cannot share one URN (only an old copy marked `delete` may)\n"
    )


def test_an_old_copy_marked_delete_may_share_a_live_resources_urn(capsys, tmp_path):
    path = export(tmp_path, twin(delete=True))
    code, out, err = run(capsys, ["check", "--state", str(path), "--format", "json"])
    report = json.loads(out)
    assert (code, err, outcomes(report)) == (0, "", set())
    assert report["state"] == {"file": str(path), "ignored": 1, "absent": 2, "pending": 1}


def set_output(type_: str, name: str, key: str, value: object) -> Callable[[dict], object]:
    def change(doc: dict) -> None:
        item = doc["deployment"]["resources"][index_of(doc, type_, name)]
        for part in ("inputs", "outputs"):
            if key in item.get(part, {}) or part == "outputs":
                item.setdefault(part, {})[key] = copy.deepcopy(value)

    return change


# A NAT whose mode is not known: its AZ is not known, so neither is the egress through it.
NAT_B_MODE_UNKNOWN = {("NE001", "net-private-b", "unknown"), ("NE002", "net-vpc", "unknown")}
# A subnet whose AZ is not known (as with "a secret AZ" in test_state.py).
PRIVATE_B_ZONE_UNKNOWN = {("PZ001", "web", "unknown"), ("SS001", "web", "unknown"), ("NE001", "net-private-b", "unknown")}


@pytest.mark.parametrize("form", [UNKNOWN, *OTHER_UNKNOWNS])
def test_a_state_value_in_any_engines_unknown_form_is_unknown(capsys, tmp_path, form):
    mode = export(tmp_path, set_output(NAT, "net-nat-b", "availabilityMode", form), "mode.json")
    assert check_json(capsys, ["check", "--state", str(mode)]) == (4, "", NAT_B_MODE_UNKNOWN)
    zone = export(tmp_path, set_output(SUBNET, "net-private-b", "availabilityZone", form), "zone.json")
    assert check_json(capsys, ["check", "--state", str(zone)]) == (4, "", PRIVATE_B_ZONE_UNKNOWN)


OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"


@pytest.mark.parametrize(
    ("value", "code", "expected"),
    [
        ({"4dabf18193072939515e22adb298388d": OUTPUT_SIG}, 4, NAT_B_MODE_UNKNOWN),  # an output not known
        ({"4dabf18193072939515e22adb298388d": OUTPUT_SIG, "value": "zonal", "dependencies": []}, 0, set()),
        ({"4dabf18193072939515e22adb298388d": OUTPUT_SIG, "value": "zonal", "secret": True}, 4, NAT_B_MODE_UNKNOWN),  # a secret decides nothing
    ],
    ids=["unknown", "known", "secret"],
)
def test_the_engines_output_value_form_is_read_as_its_value(capsys, tmp_path, value, code, expected):
    path = export(tmp_path, set_output(NAT, "net-nat-b", "availabilityMode", value))
    assert check_json(capsys, ["check", "--state", str(path)]) == (code, "", expected)


@pytest.mark.parametrize("shown", PLACEHOLDERS)
def test_another_tools_placeholder_in_a_state_is_exit_2_naming_the_json_path(capsys, tmp_path, shown):
    path = export(tmp_path, set_output(SUBNET, "net-private-b", "availabilityZone", shown))
    code, out, err = run(capsys, ["check", "--state", str(path)])
    at = index_of(load(), SUBNET, "net-private-b")
    assert (code, out) == (2, "")
    assert err == (
        f"stayup: error: {path}: deployment.resources[{at}].inputs.availabilityZone: {shown!a} is another tool's placeholder for a value "
        f"it did not know or show, not a value (the Pulumi engine and `stayup graph` write an unknown value as '{UNKNOWN}')\n"
    )


def test_a_signature_the_engine_does_not_know_is_exit_2(capsys, tmp_path):
    path = export(tmp_path, set_output(NAT, "net-nat-b", "availabilityMode", {"4dabf18193072939515e22adb298388d": "feedface", "value": "zonal"}))
    code, out, err = run(capsys, ["check", "--state", str(path)])
    at = index_of(load(), NAT, "net-nat-b")
    assert (code, out) == (2, "")
    assert err == (
        f"stayup: error: {path}: deployment.resources[{at}].outputs.availabilityMode.4dabf18193072939515e22adb298388d: "
        "unrecognized signature 'feedface' (the engine knows secrets, resource references, assets, archives and outputs)\n"
    )


@pytest.mark.parametrize("zone", ["banana", "zone-b"])
def test_a_state_zone_of_no_aws_region_is_exit_2(capsys, tmp_path, zone):
    path = export(tmp_path, set_output(SUBNET, "net-private-b", "availabilityZone", zone))
    code, out, err = run(capsys, ["check", "--state", str(path)])
    at = index_of(load(), SUBNET, "net-private-b")
    assert (code, out) == (2, "")
    assert err == f"stayup: error: {path}: deployment.resources[{at}].inputs.availabilityZone: {zone!a} is not the name or id of an AZ of any AWS region\n"


def rename(old: str, new: str) -> Callable[[dict], object]:
    """Every URN's `urn:pulumi:<stack>::<project>::` prefix rewritten."""

    def change(doc: dict) -> None:
        text = json.dumps(doc).replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
        doc.clear()
        doc.update(json.loads(text))

    return change


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("urn:pulumi:prod::", "urn:pulumi:prod \u00b7 PASS::", f"'prod \\xb7 PASS' is not a valid stack name {NAME_RULE}"),
        ("urn:pulumi:prod::", "urn:pulumi:prod\nstayup check \u00b7 prod \u00b7 PASS::", f"'prod\\nstayup check \\xb7 prod \\xb7 PASS' is not a valid stack name {NAME_RULE}"),
        ("urn:pulumi:prod::", "urn:pulumi:::", f"'' is not a valid stack name {NAME_RULE}"),
    ],
    ids=["stack-middle-dot", "stack-newline", "stack-empty"],
)
def test_names_in_a_states_urns_are_validated(capsys, tmp_path, old, new, said):
    path = export(tmp_path, rename(old, new))
    code, out, err = run(capsys, ["check", "--state", str(path)])
    assert (code, out) == (2, "")
    assert err == f"stayup: error: {path}: deployment.resources[0].urn: {said}\n"


def test_one_validator_for_the_stack_names_of_every_entry(capsys, tmp_path, monkeypatch):
    """`--stack`, a stack file under `--all`, a graph file and a state export: one refusal."""
    bad = "prod \u00b7 PASS"
    said = f"'prod \\xb7 PASS' is not a valid stack name {NAME_RULE}\n"
    where = tmp_path / "project"
    where.mkdir()
    (where / "Pulumi.yaml").write_text("name: names\nruntime: python\n")
    (where / "__main__.py").write_text("raise SystemExit('the program must never run for a bad name')\n")
    (where / f"Pulumi.{bad}.yaml").write_text("config:\n  aws:region: eu-west-3\n")
    graph = happy().graph()
    graph["stack"] = bad
    graph_file = tmp_path / "graph.json"
    graph_file.write_text(json.dumps(graph))
    state = export(tmp_path, rename("urn:pulumi:prod::", f"urn:pulumi:{bad}::"))
    lines = {
        "--stack": run(capsys, ["check", "--project", str(where), "--stack", bad]),
        "--all": run(capsys, ["check", "--project", str(where), "--all"]),
        "--graph": run(capsys, ["check", "--graph", str(graph_file)]),
        "--state": run(capsys, ["check", "--state", str(state)]),
    }
    assert lines == {
        "--stack": (2, "", f"stayup: error: --stack: {said}"),
        "--all": (2, "", f"stayup: error: {where / f'Pulumi.{bad}.yaml'}: {said}"),
        "--graph": (2, "", f"stayup: error: {graph_file}: stack: {said}"),
        "--state": (2, "", f"stayup: error: {state}: deployment.resources[0].urn: {said}"),
    }


# --- --state DIR -----------------------------------------------------------------------------


def fifo(path: Path) -> None:
    os.mkfifo(path)


def hung(signum: int, frame: object) -> None:
    raise TimeoutError("the reader hung on a non-regular entry")


ENTRIES: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (fifo, "not a regular file (a device, FIFO or socket is never read)"),
    "dangling-symlink": (lambda path: os.symlink("gone.json", path), "a symbolic link to nothing, not a stack export"),
    "directory": (lambda path: path.mkdir(), "is a directory, not a stack export"),
    "symlink-loop": (lambda path: os.symlink(path.name, path), "cannot read: Too many levels of symbolic links"),
    "dev-zero": (lambda path: os.symlink("/dev/zero", path), "not a regular file (a device, FIFO or socket is never read)"),
}


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_a_state_dir_entry_that_is_not_a_regular_file_is_refused_naming_it(capsys, tmp_path, entry):
    make, said = ENTRIES[entry]
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "a-prod.json").write_text(SOUND.read_text())  # judged alone, this directory would pass
    make(exports / "b-prod.json")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)  # a FIFO opened for reading with no writer would block forever
    try:
        result = run(capsys, ["check", "--state", str(exports)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result == (2, "", f"stayup: error: {exports / 'b-prod.json'}: --state: {said}\n")


def test_a_regular_export_behind_a_symlink_is_read(capsys, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    os.symlink(SOUND, exports / "prod.json")
    code, out, err = run(capsys, ["check", "--state", str(exports), "--format", "json"])
    assert (code, err, [r["verdict"] for r in json.loads(out)["stacks"]]) == (0, "", ["pass"])


# --- graph files -----------------------------------------------------------------------------


def graph_with(tmp_path: Path, name: str, key: str, value: object, *, part: str = "outputs") -> tuple[Path, int]:
    """The happy graph with one resource's property set, and that resource's index."""
    graph = happy().graph()
    at = next(i for i, r in enumerate(graph["resources"]) if r["name"] == name)
    graph["resources"][at][part][key] = value
    path = tmp_path / f"graph-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(graph))
    return path, at


# The happy graph with private-b's AZ not known.
GRAPH_PRIVATE_B_UNKNOWN = {
    ("NE001", "private-b", "unknown"),
    ("PZ001", "api", "unknown"),
    ("PZ001", "db-subnets", "unknown"),
    ("PZ001", "nodes", "unknown"),
    ("PZ001", "web", "unknown"),
    ("SS001", "api", "unknown"),
    ("SS001", "nodes", "unknown"),
    ("SS001", "web", "unknown"),
}


def test_the_engines_own_sentinel_in_a_graph_is_unknown(capsys, tmp_path):
    path, _ = graph_with(tmp_path, "private-b", "availabilityZone", UNKNOWN)
    assert check_json(capsys, ["check", "--graph", str(path)]) == (4, "", GRAPH_PRIVATE_B_UNKNOWN)


@pytest.mark.parametrize("form", [*OTHER_UNKNOWNS, "[secret]"])
def test_a_graph_value_in_another_unknown_form_judges_as_the_engines_sentinel(capsys, tmp_path, form):
    """A masked secret the file does not list in `secrets` decides nothing either."""
    path, _ = graph_with(tmp_path, "private-b", "availabilityZone", form)
    assert check_json(capsys, ["check", "--graph", str(path)]) == (4, "", GRAPH_PRIVATE_B_UNKNOWN)


@pytest.mark.parametrize("shown", PLACEHOLDERS)
def test_another_tools_placeholder_in_a_graph_is_exit_2_naming_the_json_path(capsys, tmp_path, shown):
    path, at = graph_with(tmp_path, "private-b", "availabilityZone", shown)
    code, out, err = run(capsys, ["check", "--graph", str(path)])
    assert (code, out) == (2, "")
    assert err == (
        f"stayup: error: {path}: resources[{at}].outputs.availabilityZone: {shown!a} is another tool's placeholder for a value "
        f"it did not know or show, not a value (the Pulumi engine and `stayup graph` write an unknown value as '{UNKNOWN}')\n"
    )


def test_a_placeholder_anywhere_in_a_graph_is_refused(capsys, tmp_path):
    """Not only in a zone: a NAT's mode shown as Terraform shows it was never read as `zonal`."""
    path, at = graph_with(tmp_path, "nat-b", "availabilityMode", "(known after apply)")
    code, out, err = run(capsys, ["check", "--graph", str(path)])
    assert (code, out) == (2, "")
    assert err.startswith(f"stayup: error: {path}: resources[{at}].outputs.availabilityMode: '(known after apply)' is another tool's placeholder")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(("part", "value", "where"), [("outputs", "banana", ""), ("inputs", ["eu-west-3a", "zone-z"], "[1]")], ids=["outputs", "inputs-list"])
def test_a_graph_zone_of_no_aws_region_is_exit_2(capsys, tmp_path, part, value, where):
    path, at = graph_with(tmp_path, "private-b", "availabilityZone", value, part=part)
    code, out, err = run(capsys, ["check", "--graph", str(path)])
    bad = value if isinstance(value, str) else value[1]
    assert (code, out) == (2, "")
    assert err == f"stayup: error: {path}: resources[{at}].{part}.availabilityZone{where}: {bad!a} is not the name or id of an AZ of any AWS region\n"


def test_a_graph_stack_name_with_a_newline_is_refused(capsys, tmp_path):
    graph = happy().graph()
    graph["stack"] = "fx\nstayup check \u00b7 fx \u00b7 PASS"
    path = tmp_path / "g.json"
    path.write_text(json.dumps(graph))
    code, out, err = run(capsys, ["check", "--graph", str(path)])
    assert (code, out, err) == (2, "", f"stayup: error: {path}: stack: 'fx\\nstayup check \\xb7 fx \\xb7 PASS' is not a valid stack name {NAME_RULE}\n")
