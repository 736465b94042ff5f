"""The type catalogue (preview/catalogue.py) is the one place AWS type tokens are written: every
other module and table (aws_types, the mocks, the component expansions, the Terraform export) is
derived from it, and every entry is well-formed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import stayup.policies
from stayup.policies import aws_types, tfplan
from stayup.policies.preview import aws_mocks, catalogue, components

PACKAGE = Path(stayup.policies.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent
# A Pulumi token of AWS, awsx or eks: package:module[/name]:Type (resource, component or invoke).
TOKEN = re.compile(r"(?<![\w:])(?:aws|awsx|eks):[A-Za-z0-9]+(?:/[A-Za-z0-9]+)?:[A-Za-z][A-Za-z0-9]*")
RESOURCE = re.compile(r"^aws:([a-z0-9]+)/([a-z][A-Za-z0-9]*):([A-Z][A-Za-z0-9]*)$")
CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
ENTRIES = list(catalogue.TYPES.values())
EVERY_TOKEN = [token for entry in ENTRIES for token in (entry.token, *entry.aliases)]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def tokens_written(path: Path) -> list[str]:
    """The tokens in a module's string literals (f-string parts included, docstrings not)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        token
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        for token in TOKEN.findall(node.value)
    ]


def test_every_token_is_written_in_the_catalogue_and_nowhere_else_in_the_pack():
    written = {path.relative_to(PACKAGE).as_posix(): tokens_written(path) for path in PACKAGE.rglob("*.py")}
    elsewhere = {module: tokens for module, tokens in written.items() if tokens and module != "preview/catalogue.py"}
    assert elsewhere == {}
    in_catalogue = written["preview/catalogue.py"]
    assert len(in_catalogue) == len(set(in_catalogue)), sorted(t for t in in_catalogue if in_catalogue.count(t) > 1)
    assert set(EVERY_TOKEN) <= set(in_catalogue)


@pytest.mark.parametrize("table", ["rules/scenarios.py", "test_checkov_door.py"])
def test_test_tables_name_types_through_the_catalogue(table):
    assert not set(tokens_written(TESTS / table)) & set(EVERY_TOKEN)


# --- every entry is well-formed ---------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.token)
def test_entry_is_well_formed(entry):
    module, name, kind = RESOURCE.fullmatch(entry.token).groups()
    assert name[0].upper() + name[1:] == kind
    for alias in entry.aliases:
        alias_module, alias_name, alias_kind = RESOURCE.fullmatch(alias).groups()
        assert (alias_name, alias_kind) == (name, kind) and alias_module != module
        assert alias not in catalogue.TYPES
    assert entry.id_prefix is None or entry.id_prefix == "Z" or re.fullmatch(r"[a-z]+-", entry.id_prefix)
    assert entry.autoname is None or CAMEL.fullmatch(entry.autoname)
    assert entry.autoname_limit in (32, 63) and (entry.autoname is not None or (entry.autoname_limit, entry.autoname_lower) == (63, False))
    assert all(CAMEL.fullmatch(key) for key in entry.computed) and len(set(entry.computed)) == len(entry.computed)
    assert not set(entry.computed) & {"id", "arn", "region", "tagsAll"}
    assert entry.terraform is None or re.fullmatch(r"aws_[a-z0-9_]+", entry.terraform)
    assert entry.terraform is not None or not entry.renames
    assert all(CAMEL.fullmatch(k) and SNAKE.fullmatch(v) for k, v in entry.renames)
    assert len(dict(entry.renames)) == len(entry.renames)


def test_aliases_are_unique_and_resolve():
    assert len(EVERY_TOKEN) == len(set(EVERY_TOKEN))
    for entry in ENTRIES:
        assert catalogue.canonical(entry.token) == entry.token and catalogue.entry(entry.token) is entry
        for alias in entry.aliases:
            assert catalogue.canonical(alias) == entry.token and catalogue.entry(alias) is entry
    assert catalogue.entry("aws:sqs/queue:Queue") is None


def test_component_and_invoke_tokens_are_well_formed():
    assert all(re.fullmatch(r"(awsx:[a-z0-9]+|eks:index):[A-Z][A-Za-z0-9]*", c) for c in catalogue.COMPONENTS)
    invokes = {v for k, v in vars(catalogue).items() if k.startswith("GET_")}
    assert all(re.fullmatch(r"aws:[a-z0-9]+/get[A-Za-z0-9]*:get[A-Za-z0-9]*", i) for i in invokes)
    assert set(catalogue.OLDER_INVOKES) | set(catalogue.OLDER_INVOKES.values()) <= invokes


# --- every table is derived from it -----------------------------------------------------------


def test_aws_types_are_the_catalogues():
    names = [n for n in aws_types.__all__ if n not in ("STACK", "TYPE_ALIASES")]
    assert {n: getattr(aws_types, n) for n in names} == {n: getattr(catalogue, n) for n in names}
    assert aws_types.TYPE_ALIASES == catalogue.ALIASES == {a: e.token for e in ENTRIES for a in e.aliases}


def test_terraform_export_is_the_catalogues():
    expected = {t: (e.terraform, dict(e.renames)) for e in ENTRIES if e.terraform for t in (e.token, *e.aliases)}
    assert expected == tfplan.TYPES


def test_mock_tables_are_the_catalogues():
    assert {t: e.autoname for e in ENTRIES if e.autoname for t in (e.token, *e.aliases)} == aws_mocks.AUTONAMED
    for entry in ENTRIES:
        urn = f"urn:pulumi:dev::p::{entry.token}::Some-Name"
        pid = aws_mocks.physical_id(entry.token, "Some-Name", urn)
        if entry.id_prefix == "Z":
            assert re.fullmatch(r"Z[0-9A-F]{20}", pid)
        else:
            assert pid.startswith(entry.id_prefix or "Some-Name-")
        for token in (entry.token, *entry.aliases):
            named = aws_mocks.autoname(token, "A" * 80, urn, {})
            if entry.autoname is None:
                assert named == {}
                continue
            (value,) = named.values()
            assert list(named) == [entry.autoname] and len(value) == entry.autoname_limit
            assert value == (value.lower() if entry.autoname_lower else "A" * (entry.autoname_limit - 8) + value[-8:])


@pytest.mark.parametrize("token", EVERY_TOKEN)
def test_mocks_compute_exactly_the_catalogued_outputs(token):
    entry = catalogue.entry(token)
    inputs = {"associatePublicIpAddress": True, "assignGeneratedIpv6CidrBlock": True, "tags": {"team": "a"}}
    outputs, undecided = aws_mocks.computed_outputs(token, f"urn:pulumi:dev::p::{token}::r", "r", inputs, "eu-west-3")
    assert (set(outputs) | undecided) - {"id", "arn", "region", "tagsAll"} == set(entry.computed)


def test_expanders_are_the_catalogues_components_and_add_catalogued_types():
    assert set(components.EXPANDERS) == set(catalogue.COMPONENTS)
    assert set(components.LOOKUPS) <= set(catalogue.COMPONENTS)
    added: list[str] = []

    def add(type_, name, inputs, links, depends=None):
        added.append(type_)
        return f"urn:{type_}::{name}"

    components.awsx_vpc("v", {"availabilityZoneNames": ["eu-west-3a", "eu-west-3b"]}, "eu-west-3", add, "?")
    components.awsx_ecs_service("s", "FARGATE", {"networkConfiguration": {"subnets": ["s"]}}, add, {}, list)
    components.awsx_load_balancer("l", "application", {"subnetIds": ["s"]}, add, {}, list)
    components.awsx_target_group_attachment("t", {"targetGroup": "g", "instance": "i"}, add, {})
    components.eks_cluster("e", {"subnetIds": ["s"]}, add, {}, list)
    components.eks_managed_node_group("m", {"subnetIds": ["s"]}, add, {}, lambda _: (None, []))
    assert set(added) <= set(catalogue.TYPES)
    assert {catalogue.VPC, catalogue.NAT, catalogue.ECS_SERVICE, catalogue.LISTENER, catalogue.TARGET_ATTACHMENT, catalogue.ASG,
            catalogue.EKS_NODE_GROUP} <= set(added)
