"""Every AWS Region stayup answers for (regions.py), lookups answered as AWS and the provider would
(aws_mocks.py), and zones that cannot belong where they are written refused in one line (exit 2):
in a program, an --answers file, a state export and a saved graph."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import PROGRAMS, ROOT, by_type, graph_of, named, run
from stayup.policies import regions
from stayup.policies.graph_schema import masked
from stayup.policies.host import job_for
from stayup.policies.model import from_capture
from stayup.policies.preview import aws_mocks
from stayup.policies.project import load_stack
from stayup.policies.validate import check_names

AZS_LOOP = PROGRAMS / "real" / "azs_loop"
BROWNFIELD = PROGRAMS / "real" / "brownfield_lookup"
STATE = ROOT / "tests" / "data" / "state" / "shop-prod.json"
ZONES = "aws:index/getAvailabilityZones:getAvailabilityZones"


@pytest.fixture(scope="module")
def mocks():
    """aws_mocks loaded with the world a capture job carries (host.job_for, through JSON)."""
    job = json.loads(json.dumps(job_for(load_stack(AZS_LOOP, "dev"), False)))
    aws_mocks.load_world(job["world"])
    return aws_mocks


# --- the data -------------------------------------------------------------------------------


def test_every_commercial_govcloud_and_china_region_is_known():
    assert len(regions.REGIONS) == 38
    assert Counter(regions.partition(r) for r in regions.REGIONS) == {"aws": 34, "aws-us-gov": 2, "aws-cn": 2}
    assert {r for r in regions.REGIONS if regions.partition(r) != "aws"} == {"us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1"}
    # The capture's copy of the rule (it cannot import stayup) agrees with stayup's.
    assert all(aws_mocks.partition(r)[0] == regions.partition(r) for r in regions.REGIONS)


def test_zone_names_and_ids_are_unique_and_belong_to_their_region():
    zones = [z for zs in regions.REGIONS.values() for z in zs]
    assert len({z.name for z in zones}) == len({z.id for z in zones}) == len(zones) == 125
    for region, zs in regions.REGIONS.items():
        for zone in zs:
            assert zone.name.startswith(region) and regions.region_of_zone(zone.name) == regions.region_of_zone(zone.id) == region


def test_new_accounts_get_two_azs_in_us_west_1_and_three_of_four_in_tokyo():
    def names(region):
        return [z.name for z in regions.availability_zones(region)]

    assert names("us-west-1") == ["us-west-1a", "us-west-1c"]
    assert names("ap-northeast-1") == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    assert names("us-east-1") == [f"us-east-1{letter}" for letter in "abcdef"]
    assert names("eu-west-2") == ["eu-west-2a", "eu-west-2b", "eu-west-2c", "eu-west-2d"]
    assert names("cn-north-1") == ["cn-north-1a", "cn-north-1b", "cn-north-1d"]
    # A constrained AZ is not offered, yet a program of an older account may name it.
    assert (regions.zone_problem("us-west-1b", "us-west-1"), regions.zone_problem("apne1-az3", "ap-northeast-1")) == (None, None)


@pytest.mark.parametrize(
    ("value", "region", "problem"),
    [
        ("eu-west-3a", "eu-west-3", None),
        ("eu-west-3d", None, "no AZ 'eu-west-3d' in eu-west-3 (eu-west-3a, eu-west-3b, eu-west-3c)"),
        ("euw3-az9", "eu-west-3", "no AZ id 'euw3-az9' in eu-west-3 (euw3-az1, euw3-az2, euw3-az3)"),
        ("us-east-1a", "eu-west-3", "'us-east-1a' is a zone of us-east-1, not of eu-west-3"),
        ("use1-az1", "eu-west-3", "'use1-az1' is a zone of us-east-1, not of eu-west-3"),
        ("us-east-1-atl-1a", "us-east-1", None),  # a Local Zone stayup does not list: only its region is checked
        ("us-east-1-atl-1a", "eu-west-3", "'us-east-1-atl-1a' is a zone of us-east-1, not of eu-west-3"),
        ("eu-west-3", "eu-west-3", "'eu-west-3' is a region, not a zone"),
        ("mars-1a", "eu-west-3", None),  # no region stayup knows claims it
    ],
)
def test_zone_problems(value, region, problem):
    assert regions.zone_problem(value, region) == problem


# --- every region, end to end (one warm interpreter) ----------------------------------------


@pytest.mark.parametrize("region", sorted(regions.REGIONS))
def test_a_program_looping_over_the_zones_runs_in_every_region(region):
    graph = graph_of(AZS_LOOP, overrides=(f"aws:region={region}",))
    zones = regions.availability_zones(region)
    subnets = by_type(graph, "aws:ec2/subnet:Subnet")
    assert graph["region"] == region
    assert sorted((s["outputs"]["availabilityZone"], s["outputs"]["availabilityZoneId"], s["outputs"]["region"]) for s in subnets) == sorted(
        (z.name, z.id, region) for z in zones for _ in ("public", "private")
    )
    vpc = named(graph, "aws:ec2/vpc:Vpc", "main")
    assert vpc["outputs"]["arn"] == f"arn:{regions.partition(region)}:ec2:{region}:123456789012:vpc/{vpc['outputs']['id']}"
    check_names(from_capture(graph))  # nothing refused


# --- lookups, answered directly --------------------------------------------------------------


def names(mocks, region: str, **args) -> list[str] | None:
    answer = mocks.answer_invoke(ZONES, args, region)
    return None if answer is None else answer["names"]


def test_get_availability_zones_answers_like_the_provider(mocks):
    assert mocks.answer_invoke(ZONES, {}, "us-west-2") == {
        "id": "us-west-2", "names": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
        "zoneIds": ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"], "groupNames": ["us-west-2-zg-1"], "region": "us-west-2",
    }
    assert mocks.answer_invoke(ZONES, {"region": "eu-west-3", "state": "available"}, "us-west-2") == {
        "id": "eu-west-3", "names": ["eu-west-3a", "eu-west-3b", "eu-west-3c"], "zoneIds": ["euw3-az1", "euw3-az2", "euw3-az3"],
        "groupNames": ["eu-west-3-zg-1"], "region": "eu-west-3", "state": "available",
    }


@pytest.mark.parametrize(
    ("region", "args", "expected"),
    [
        ("us-west-1", {}, ["us-west-1a", "us-west-1c"]),
        ("ap-northeast-1", {"allAvailabilityZones": True}, ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]),
        ("us-west-2", {"allAvailabilityZones": True}, ["us-west-2-lax-1a", "us-west-2-lax-1b", "us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]),
        ("us-west-2", {"allAvailabilityZones": "true"}, ["us-west-2-lax-1a", "us-west-2-lax-1b", "us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]),
        ("us-west-2", {"filters": [{"name": "zone-type", "values": ["local-zone"]}]}, []),  # not opted in
        ("us-west-2", {"allAvailabilityZones": True, "filters": [{"name": "zone-type", "values": ["local-zone"]}]}, ["us-west-2-lax-1a", "us-west-2-lax-1b"]),
        ("us-east-1", {"allAvailabilityZones": True, "filters": [{"name": "zone-type", "values": ["wavelength-zone"]}]}, ["us-east-1-wl1-bos-wlz-1"]),
        ("us-east-1", {"allAvailabilityZones": True, "filters": [{"name": "opt-in-status", "values": ["not-opted-in"]}]}, ["us-east-1-bos-1a", "us-east-1-wl1-bos-wlz-1"]),
        ("us-east-1", {"allAvailabilityZones": True, "filters": [{"name": "group-name", "values": ["us-east-1-wl1"]}]}, ["us-east-1-wl1-bos-wlz-1"]),
        ("us-west-2", {"filters": [{"name": "zone-name", "values": ["us-west-2?", "nowhere"]}, {"name": "zone-id", "values": ["usw2-az1", "usw2-az4"]}]}, ["us-west-2a", "us-west-2d"]),
        ("us-west-2", {"filters": [{"name": "zone-name", "values": ["us-west-2[ab]"]}]}, []),  # EC2 wildcards are * and ? only
        ("us-west-2", {"allAvailabilityZones": True, "filters": [{"name": "zone-name", "values": ["*-lax-*"]}]}, ["us-west-2-lax-1a", "us-west-2-lax-1b"]),
        ("us-west-2", {"filters": [{"name": "region-name", "values": ["eu-west-3"]}]}, []),
        ("us-west-2", {"state": "impaired"}, []),
        ("us-west-2", {"excludeNames": ["us-west-2a"], "excludeZoneIds": ["usw2-az4", "euw3-az1"]}, ["us-west-2b", "us-west-2c"]),
        ("us-west-2", {"filters": [{"name": "parent-zone-name", "values": ["us-west-2a"]}]}, None),  # not modelled: unanswered
        ("us-west-2", {"filters": [{"name": "zone-kind", "values": ["local-zone"]}]}, None),  # not an EC2 filter
        ("us-west-2", {"excludeNames": "us-west-2a"}, None),  # wrongly typed
        ("mars-north-1", {}, None),
    ],
    ids=["us-west-1-new-account", "tokyo-all", "all", "all-as-string", "local-not-opted-in", "local-all", "wavelength", "opt-in-status",
         "group-name", "wildcard-and-two-filters", "no-brackets", "star", "other-region", "impaired", "excluded", "parent-zone-unanswered",
         "unknown-filter", "exclude-not-a-list", "unknown-region"],
)
def test_get_availability_zones_arguments(mocks, region, args, expected):
    assert names(mocks, region, **args) == expected


def test_wavelength_and_local_groups(mocks):
    answer = mocks.answer_invoke(ZONES, {"allAvailabilityZones": True}, "us-east-1")
    assert answer["groupNames"] == ["us-east-1-bos-1", "us-east-1-wl1", "us-east-1-zg-1"]
    assert answer["zoneIds"][:2] == ["use1-bos1-az1", "use1-wl1-bos-wlz1"]


@pytest.mark.parametrize(
    ("region", "partition", "suffix", "reverse"),
    [("eu-west-3", "aws", "amazonaws.com", "com.amazonaws"), ("us-gov-west-1", "aws-us-gov", "amazonaws.com", "com.amazonaws"),
     ("cn-northwest-1", "aws-cn", "amazonaws.com.cn", "cn.com.amazonaws")],
)
def test_partition_arns_and_endpoints_follow_the_region(mocks, region, partition, suffix, reverse):
    assert mocks.answer_invoke("aws:index/getPartition:getPartition", {}, region) == {"id": partition, "partition": partition, "dnsSuffix": suffix, "reverseDnsPrefix": reverse}
    assert mocks.answer_invoke("aws:index/getCallerIdentity:getCallerIdentity", {}, region)["arn"] == f"arn:{partition}:iam::123456789012:user/stayup-offline"
    assert mocks.answer_invoke("aws:index/getRegion:getRegion", {}, region)["endpoint"] == f"ec2.{region}.{suffix}"
    assert mocks.default_vpc(region)["arn"].startswith(f"arn:{partition}:ec2:{region}:123456789012:vpc/vpc-")
    outputs, _ = mocks.computed_outputs("aws:lb/loadBalancer:LoadBalancer", "urn:x", "web", {"name": "web"}, region)
    assert outputs["arn"].startswith(f"arn:{partition}:elasticloadbalancing:{region}:") and outputs["dnsName"].endswith(f".{region}.elb.{suffix}")


@pytest.mark.parametrize(
    ("args", "answered"),
    [({"default": True}, True), ({"default": "true"}, True), ({"default": False}, False), ({"default": "false"}, False),
     ({"default": True, "state": "pending"}, False), ({"default": True, "tags": {"Name": "x"}}, False), ({}, False)],
    ids=["true", "string-true", "false", "string-false", "pending", "tags", "no-args"],
)
def test_get_vpc_answers_the_default_vpc_only(mocks, args, answered):
    expected = mocks.default_vpc("eu-west-3") if answered else None
    assert mocks.answer_invoke("aws:ec2/getVpc:getVpc", args, "eu-west-3") == expected


def test_pulumi_aws_5_tokens_are_answered_like_their_successors(mocks):
    vpc = mocks.default_vpc("eu-west-3")["id"]
    subnets = mocks.default_subnets("eu-west-3")
    old = mocks.answer_invoke("aws:ec2/getSubnetIds:getSubnetIds", {"vpcId": vpc}, "eu-west-3")
    assert old == {"id": vpc, "vpcId": vpc, "ids": [s["id"] for s in subnets], "filters": None, "subnets": subnets}
    assert mocks.answer_invoke("aws:ec2/getSubnetIds:getSubnetIds", {"vpcId": vpc, "tags": {"tier": "private"}}, "eu-west-3") is None
    assert mocks.answer_invoke("aws:ec2/getSubnetIds:getSubnetIds", {"vpcId": "vpc-other"}, "eu-west-3") is None
    args = {"mostRecent": True, "owners": ["amazon"]}
    assert mocks.answer_invoke("aws:index/getAmi:getAmi", args, "eu-west-3") == mocks.answer_invoke("aws:ec2/getAmi:getAmi", args, "eu-west-3")
    # Tokens every version shares.
    assert mocks.answer_invoke(ZONES, {}, "eu-west-3")["names"] == ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
    assert mocks.answer_invoke("aws:ec2/getSubnet:getSubnet", {"defaultForAz": "true", "availabilityZone": "eu-west-3b"}, "eu-west-3") == subnets[1]


def test_default_subnets_are_in_the_offered_azs_only(mocks):
    assert [s["availabilityZone"] for s in mocks.default_subnets("us-west-1")] == ["us-west-1a", "us-west-1c"]
    assert [s["availabilityZone"] for s in mocks.default_subnets("us-west-2")] == ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]


# --- lookups, from a program -----------------------------------------------------------------


def test_a_program_gets_every_zone_lookup_answered_as_in_aws():
    graph = graph_of("zone_lookups")
    assert by_type(graph, "pulumi:pulumi:Stack")[0]["outputs"] == {
        "default": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
        "all": ["us-west-2-lax-1a", "us-west-2-lax-1b", "us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
        "local": ["us-west-2-lax-1a", "us-west-2-lax-1b"],
        "local_not_opted_in": [],
        "excluded": ["us-west-2b", "us-west-2c"],
        "impaired": [],
        "groups": ["us-west-2-lax-1", "us-west-2-zg-1"],
    }
    subnets = by_type(graph, "aws:ec2/subnet:Subnet")
    assert sorted((s["name"], s["outputs"]["availabilityZoneId"], s["inputs"]["vpcId"]) for s in subnets) == [
        ("app-us-west-2a", "usw2-az1", aws_mocks.default_vpc("us-west-2")["id"]),
        ("app-us-west-2c", "usw2-az3", aws_mocks.default_vpc("us-west-2")["id"]),
    ]
    assert {(i["token"], i["mocked"]) for i in graph["invokes"]} == {(ZONES, True), ("aws:ec2/getVpc:getVpc", True)}


# --- zones of another region are bad input (exit 2, one line) ----------------------------------


def test_a_zone_of_another_region_in_the_program_names_its_line(capsys, tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: elsewhere\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-3\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n\n"
        "vpc = aws.ec2.Vpc('main', cidr_block='10.0.0.0/16')\n"
        "aws.ec2.Subnet('a', vpc_id=vpc.id, cidr_block='10.0.1.0/24', availability_zone='eu-west-3a')\n"
        "aws.ec2.Subnet('b', vpc_id=vpc.id, cidr_block='10.0.2.0/24', availability_zone='us-east-1b')\n"
    )
    code, out, err = run(capsys, ["check", "--project", str(tmp_path), "--stack", "dev"])
    assert (code, out, err) == (2, "", "stayup: error: __main__.py:5: b.availabilityZone: 'us-east-1b' is a zone of us-east-1, not of eu-west-3\n")


def test_zones_of_a_second_region_through_its_provider_are_fine():
    graph = graph_of(PROGRAMS / "real" / "two_regions")
    assert {s["outputs"]["availabilityZone"] for s in by_type(graph, "aws:ec2/subnet:Subnet")} == {"eu-west-3a", "eu-west-3b", "eu-west-1a", "eu-west-1b"}
    check_names(from_capture(graph))


def test_a_saved_graph_with_a_zone_of_another_region_is_refused(capsys, tmp_path):
    graph = copy.deepcopy(masked(graph_of(AZS_LOOP)))
    named(graph, "aws:ec2/subnet:Subnet", "private-eu-west-3b")["outputs"]["availabilityZone"] = "eu-central-1b"
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(graph))
    code, out, err = run(capsys, ["check", "--graph", str(path)])
    assert (code, out, err) == (2, "", "stayup: error: __main__.py:21: private-eu-west-3b.availabilityZone: 'eu-central-1b' is a zone of eu-central-1, not of eu-west-3\n")


ANSWERS = (BROWNFIELD / "answers.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("availabilityZone: eu-west-3a,", "availabilityZone: [eu-west-3a],",
         "existing[0].properties.availabilityZone: expected one zone name or id, such as eu-west-3a, got ['eu-west-3a']"),
        ("availabilityZone: eu-west-3a,", "availabilityZone: eu-west-3d,",
         "existing[0].properties.availabilityZone: no AZ 'eu-west-3d' in eu-west-3 (eu-west-3a, eu-west-3b, eu-west-3c)"),
        ("availabilityZone: eu-west-3a,", "availabilityZone: eu-west-3a, availabilityZoneId: euw1-az1,",
         "existing[0].properties.availabilityZoneId: 'euw1-az1' is a zone of eu-west-1, not of eu-west-3"),
        ("availabilityZone: eu-west-3b,", "region: eu-west-1, availabilityZone: eu-west-3b,",
         "existing[1].properties.availabilityZone: 'eu-west-3b' is a zone of eu-west-3, not of eu-west-1"),
        ("availabilityZone: eu-west-3b,", "region: mars-1, availabilityZone: eu-west-3b,",
         "existing[1].properties.region: expected an AWS region such as eu-west-3, got 'mars-1'"),
        ("result: {id: vpc-0platform,", "result: {availabilityZone: 3, id: vpc-0platform,",
         "invokes[0].result.availabilityZone: expected one zone name or id, such as eu-west-3a, got 3"),
    ],
    ids=["zone-a-list", "no-such-az", "name-and-id-of-two-regions", "zone-not-in-its-region", "unknown-region", "invoke-result-zone-a-number"],
)
def test_an_answers_file_with_impossible_zones_is_one_line(capsys, tmp_path, old, new, said):
    assert ANSWERS.count(old) == 1
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS.replace(old, new))
    code, out, err = run(capsys, ["check", "--project", str(BROWNFIELD), "--stack", "dev", "--answers", str(path)])
    assert (code, out, err) == (2, "", f"stayup: error: {path}: {said}\n")


def test_an_existing_subnet_of_another_region_than_the_stacks_is_refused(capsys, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS.replace("availabilityZone: eu-west-3b,", "availabilityZone: us-east-1b,"))
    code, out, err = run(capsys, ["check", "--project", str(BROWNFIELD), "--stack", "dev", "--answers", str(path)])
    assert (code, out, err) == (2, "", "stayup: error: --answers: subnet subnet-0priv-b.availabilityZone: 'us-east-1b' is a zone of us-east-1, "
                                       "not of eu-west-3 (an existing subnet of another region says so with `region`)\n")


def export(tmp_path: Path, change) -> Path:
    doc = json.loads(STATE.read_text())
    change(doc)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    return path


def subnet_b(doc: dict) -> dict:
    return next(r for r in doc["deployment"]["resources"] if r["urn"].endswith("aws:ec2/subnet:Subnet::net-private-b"))


def in_zone(zone: str):
    def change(doc: dict) -> None:
        for part in ("inputs", "outputs"):
            subnet_b(doc)[part]["availabilityZone"] = zone

    return change


def second_provider(doc: dict) -> None:
    """A standby subnet in eu-west-1 through a second provider: its zone is in its provider's region."""
    resources = doc["deployment"]["resources"]
    default = next(r for r in resources if r["type"] == "pulumi:providers:aws")
    standby = copy.deepcopy(default)
    standby["urn"] = default["urn"].rsplit("::", 1)[0] + "::standby"
    standby["id"] = "7c1d0b6a-4f2e-4e3b-9a55-2f1c8d7e6a90"
    for part in ("inputs", "outputs"):
        standby[part]["region"] = "eu-west-1"
    subnet = copy.deepcopy(subnet_b(doc))
    subnet["urn"] = subnet["urn"].replace("net-private-b", "standby-a")
    subnet["provider"] = f"{standby['urn']}::{standby['id']}"
    for part in ("inputs", "outputs"):
        subnet[part].update(availabilityZone="eu-west-1a", availabilityZoneId="euw1-az1")
        subnet[part].pop("region", None)
    resources[2:2] = [standby]
    resources.append(subnet)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (in_zone("us-east-1b"), "deployment.resources[23].inputs.availabilityZone: 'us-east-1b' is a zone of us-east-1, not of eu-west-3"),
        (in_zone("eu-west-3d"), "deployment.resources[23].inputs.availabilityZone: no AZ 'eu-west-3d' in eu-west-3 (eu-west-3a, eu-west-3b, eu-west-3c)"),
    ],
    ids=["another-region", "no-such-az"],
)
def test_a_state_with_an_impossible_zone_names_the_json_path(capsys, tmp_path, change, said):
    path = export(tmp_path, change)
    code, out, err = run(capsys, ["check", "--state", str(path)])
    assert (code, out, err) == (2, "", f"stayup: error: {path}: {said}\n")


def test_a_state_zone_is_judged_in_its_providers_region(capsys, tmp_path):
    code, out, err = run(capsys, ["check", "--state", str(export(tmp_path, second_provider)), "--format", "json"])
    assert (code, err, json.loads(out)["verdict"]) == (0, "", "pass")
