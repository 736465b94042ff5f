"""Never pass what was not understood. Each program below is small, written for one hazard, and
checked through both engines in update and preview mode; the expected outcome of each was written
before the program was first run:

- health-check settings built in an `apply`: known in update (decided on their value), unknown at
  a first preview (exit 4), never a pass;
- secrets: a value the program wrote as secret is decided on that value and never printed; a
  `secure:` config value stayup cannot read is unknown; a secret SLO that is not a number is exit 2;
- names that do not exist (an AZ not in the region, an SLO outside (0, 100]) are exit 2;
- lookups of networks other than the default VPC are unanswered, so what depends on them is unknown;
- resources declared inside an `apply` are missing at a first preview: a partial graph, unknown,
  unless a mandatory violation is already certain;
- a standby "region" in the primary's own region is not a second region (DR001 fails);
- one URN registered twice is exit 3 naming both lines;
- blast radius over subnets of unknown AZ is unknown (exit 4), `serves` true/false/"unknown";
- what is certain despite unknowns is decided: one subnet is one AZ, a minimum of 1 is a violation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from stayup.policies.cli import main

pytestmark = pytest.mark.slow  # runs stayup on each program, in update and preview mode: `make test` runs it, `make test-fast` does not

ENGINES = ["inprocess", "crossguard"]

NETWORK = '''
import pulumi
import pulumi_aws as aws


config = pulumi.Config()
vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
public = aws.ec2.RouteTable("public", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])


def subnet(name, zone, cidr):
    made = aws.ec2.Subnet(name, vpc_id=vpc.id, cidr_block=cidr, availability_zone=zone)
    aws.ec2.RouteTableAssociation(name, subnet_id=made.id, route_table_id=public.id)
    return made
'''

WEB = '''
a = subnet("a", "eu-west-3a", "10.0.1.0/24")
b = subnet("b", "eu-west-3b", "10.0.2.0/24")
alb = aws.lb.LoadBalancer("alb", load_balancer_type="application", subnets=[a.id, b.id])
'''


def project(tmp_path: Path, body: str, *, config: str = "", secure: dict[str, str] | None = None) -> Path:
    where = tmp_path / "project"
    where.mkdir(parents=True)
    (where / "Pulumi.yaml").write_text("name: hazard\nruntime: python\n")
    lines = ["config:", "  aws:region: eu-west-3", *(f"  hazard:{k}: {v}" for k, v in (line.split("=", 1) for line in config.split() if line))]
    lines += [f"  hazard:{k}:\n    secure: {v}" for k, v in (secure or {}).items()]
    (where / "Pulumi.dev.yaml").write_text("\n".join(lines) + "\n")
    (where / "__main__.py").write_text(NETWORK + body)
    return where


def line_of(where: Path, text: str, nth: int = 0) -> int:
    """The program line holding `text` (its nth occurrence)."""
    lines = [i for i, line in enumerate((where / "__main__.py").read_text().splitlines(), 1) if text in line]
    return lines[nth]


def check(capsys, where: Path, *, engine: str = "inprocess", preview: bool = False) -> tuple[int, dict, str]:
    code = main(["check", "--project", str(where), "--stack", "dev", "--format", "json", "--engine", engine, *(["--preview"] if preview else [])])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out else {}), captured.err


def outcomes(report: dict) -> set[tuple[str, str, str]]:
    def short(urn: str) -> str:
        return urn.rsplit("::", 1)[-1]

    return {(e["rule"], short(e["urn"]), "fail") for e in report.get("violations", [])} | {(e["rule"], short(e["urn"]), "unknown") for e in report.get("unknown", [])}


HEALTH_FROM_APPLY = WEB + '''
interval = vpc.id.apply(lambda _: config.require_int("interval"))
group = aws.lb.TargetGroup("tg", port=443, protocol="HTTPS", vpc_id=vpc.id,
    health_check={"path": "/healthz", "interval": interval, "unhealthy_threshold": 2, "protocol": "HTTPS"})
aws.route53.HealthCheck("hc", fqdn=alb.dns_name, type="HTTPS", resource_path="/healthz", failure_threshold=3,
    request_interval=vpc.id.apply(lambda _: 10))
'''


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("interval", "update"), [("10", (0, set())), ("300", (1, {("HC001", "tg", "fail")}))])
def test_health_check_settings_from_an_apply(capsys, tmp_path, engine, interval, update):
    where = project(tmp_path, HEALTH_FROM_APPLY, config=f"interval={interval}")
    code, report, _ = check(capsys, where, engine=engine)
    assert (code, outcomes(report)) == update
    code, report, _ = check(capsys, where, engine=engine, preview=True)
    assert (code, outcomes(report)) == (4, {("HC001", "tg", "unknown"), ("HC006", "hc", "unknown")})


SECRET_ZONE = '''
zone = pulumi.Output.secret("eu-west-3a")
a = subnet("a", zone, "10.0.1.0/24")
b = subnet("b", zone, "10.0.2.0/24")
alb = aws.lb.LoadBalancer("alb", load_balancer_type="application", subnets=[a.id, b.id])
'''


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_a_secret_zone_the_program_wrote_is_decided_on_its_value_and_never_shown(capsys, tmp_path, engine, preview):
    code, report, _ = check(capsys, project(tmp_path, SECRET_ZONE), engine=engine, preview=preview)
    assert (code, outcomes(report)) == (1, {("PZ001", "alb", "fail")})
    (violation,) = report["violations"]
    assert "eu-west-3a" not in violation["message"]
    assert "[secret]" in violation["message"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_secure_config_zone_is_unknown_not_a_zone_named_secret(capsys, tmp_path, engine):
    body = '''
a = subnet("a", config.require_secret("zone"), "10.0.1.0/24")
b = subnet("b", "eu-west-3b", "10.0.2.0/24")
alb = aws.lb.LoadBalancer("alb", load_balancer_type="application", subnets=[a.id, b.id])
'''
    where = project(tmp_path, body, secure={"zone": "AAABAJk0cXVlc3Rpb24="})
    for preview in (False, True):
        code, report, _ = check(capsys, where, engine=engine, preview=preview)
        assert (code, outcomes(report)) == (4, {("PZ001", "alb", "unknown")})
    for preview in ([], ["--preview"]):
        code = main(["blast-radius", "--project", str(where), "--stack", "dev", "--format", "json", *preview])
        blast = json.loads(capsys.readouterr().out)
        assert (code, blast["verdict"]) == (4, "unknown")
    assert [u.rsplit("::", 1)[-1] for u in blast["unplaced"]] == ["a"]
    assert {s["serves"] for z in blast["zones"] for s in z["services"]} <= {True, False, "unknown"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(
    ("check_args", "code", "rule", "expected"),
    [
        # "/" is the advisory HC008's judgement: reported, exit 0
        ('"path": pulumi.Output.secret("/"), "interval": 10', 0, "HC008", "HTTP health check probes [secret], which may answer"),
        ('"path": "/healthz", "interval": pulumi.Output.secret(300)', 1, "HC001", "health check interval is [secret] s (more than 30 s)"),
    ],
    ids=["path-slash", "interval-300"],
)
def test_a_secret_health_setting_is_decided_without_printing_it(capsys, tmp_path, engine, preview, check_args, code, rule, expected):
    body = WEB + f'''
aws.lb.TargetGroup("tg", port=443, protocol="HTTPS", vpc_id=vpc.id,
    health_check={{{check_args}, "unhealthy_threshold": 2, "protocol": "HTTPS"}})
'''
    found, report, _ = check(capsys, project(tmp_path, body), engine=engine, preview=preview)
    assert (found, outcomes(report)) == (code, {(rule, "tg", "fail")})
    assert expected in report["violations"][0]["message"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the Subnet is declared inside the program's helper `subnet`: that line is where it is
        (WEB.replace('"eu-west-3b"', '"eu-west-3d"'), "__main__.py:{made}: b.availabilityZone: no AZ 'eu-west-3d' in eu-west-3 (eu-west-3a, eu-west-3b, eu-west-3c)"),
        (WEB.replace('subnet("b", "eu-west-3b"', 'subnet_id("b", "euw3-az7"'),
         "__main__.py:{made_by_id}: b.availabilityZoneId: no AZ id 'euw3-az7' in eu-west-3 (euw3-az1, euw3-az2, euw3-az3)"),
        (WEB + 'pulumi.export("slo", 0)\n', "stack outputs: slo: the declared SLO 0 is not a percentage in (0, 100]"),
        (WEB + 'pulumi.export("slo", 100.5)\n', "stack outputs: slo: the declared SLO 100.5 is not a percentage in (0, 100]"),
        (WEB + 'pulumi.export("slo", pulumi.Output.secret("99.99%"))\n', "stack outputs: slo: the declared SLO (a secret) is not a number (write the percentage, e.g. 99.95)"),
        (WEB + 'pulumi.export("rto", "2 minutes")\n', "stack outputs: rto: the declared RTO '2 minutes' is not a number of seconds"),
        (WEB + 'pulumi.export("rto", 0)\n', "stack outputs: rto: the declared RTO 0 is not a positive number of seconds"),
    ],
    ids=["zone-name", "zone-id", "slo-zero", "slo-over-100", "secret-slo-with-percent", "rto-words", "rto-zero"],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_names_and_numbers_that_cannot_be_meant_are_exit_2(capsys, tmp_path, body, expected, engine):
    by_id = '\n\ndef subnet_id(name, zone_id, cidr):\n    return aws.ec2.Subnet(name, vpc_id=vpc.id, cidr_block=cidr, availability_zone_id=zone_id)\n'
    where = project(tmp_path, by_id + body)
    expected = expected.format(made=line_of(where, "made = aws.ec2.Subnet"), made_by_id=line_of(where, "return aws.ec2.Subnet"))
    for preview in ([], ["--preview"]):
        code = main(["check", "--project", str(where), "--stack", "dev", "--engine", engine, *preview])
        err = capsys.readouterr().err
        assert (code, err) == (2, f"stayup: error: {expected}\n")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_lookups_of_other_networks_are_unanswered_and_unknown(capsys, tmp_path, engine, preview):
    body = '''
shared = aws.ec2.get_vpc(tags={"Name": "shared"})
private = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [shared.id]}, {"name": "tag:tier", "values": ["private"]}])
template = aws.ec2.LaunchTemplate("web", image_id="ami-12345678", instance_type="t3.micro")
aws.autoscaling.Group("web", vpc_zone_identifiers=private.ids, min_size=2, max_size=4,
    launch_template={"id": template.id, "version": "$Latest"})
'''
    where = project(tmp_path, body)
    code, report, _ = check(capsys, where, engine=engine, preview=preview)
    assert (code, outcomes(report)) == (4, {("PZ001", "web", "unknown"), ("SS001", "web", "unknown")})
    main(["graph", "--project", str(where), "--stack", "dev"])
    invokes = json.loads(capsys.readouterr().out)["invokes"]
    assert [(i["token"], i["mocked"]) for i in invokes] == [("aws:ec2/getSubnets:getSubnets", False), ("aws:ec2/getVpc:getVpc", False)]


@pytest.mark.parametrize("engine", ENGINES)
def test_resources_inside_an_apply_make_a_first_preview_partial(capsys, tmp_path, engine):
    body = WEB + '''
vpc.id.apply(lambda vpc_id: aws.ec2.Subnet("late", vpc_id=vpc_id, cidr_block="10.0.9.0/24", availability_zone="eu-west-3c"))
'''
    where = project(tmp_path, body)
    code, report, _ = check(capsys, where, engine=engine)
    assert (code, outcomes(report), report.get("partial")) == (0, set(), None)
    code, report, _ = check(capsys, where, engine=engine, preview=True)
    assert (code, report["verdict"], outcomes(report)) == (4, "unknown", set())
    late = {"file": "__main__.py", "line": line_of(where, 'Subnet("late"')}
    assert report["partial"] == [{"urn": "urn:pulumi:dev::hazard::pulumi:pulumi:Stack$aws:ec2/subnet:Subnet::late", "source": late}]
    # A violation that is already certain stays a violation.
    certain = project(tmp_path / "certain", body.replace('"eu-west-3b"', '"eu-west-3a"'))
    code, report, _ = check(capsys, certain, engine=engine, preview=True)
    assert (code, report["verdict"], outcomes(report)) == (1, "fail", {("PZ001", "alb", "fail")})


@pytest.mark.parametrize("engine", ENGINES)
def test_a_standby_in_the_primarys_own_region_is_not_a_second_region(capsys, engine):
    for preview in ([], ["--preview"]):
        code = main(["check", "--project", str(ROOT), "--stack", "crm-paris", "--format", "json", "--engine", engine, "--config", "secondaryRegion=eu-west-3", *preview])
        report = json.loads(capsys.readouterr().out)
        assert (code, outcomes(report)) == (1, {("DR001", "crm-dns-primary", "fail")})
    main(["blast-radius", "--project", str(ROOT), "--stack", "crm-paris", "--format", "json", "--config", "secondaryRegion=eu-west-3"])
    (estimate,) = [e for e in json.loads(capsys.readouterr().out)["availability"] if e["name"].startswith("crm")]
    assert (estimate["multi_region"], estimate["arithmetic"].endswith("(the second site is in the same region)")) == (False, True)


def test_one_urn_registered_twice_is_exit_3_naming_both_lines(capsys, tmp_path):
    where = project(tmp_path, 'aws.ec2.Vpc("vpc", cidr_block="10.1.0.0/16")\n')
    first, second = line_of(where, 'Vpc("vpc"'), line_of(where, 'Vpc("vpc"', 1)
    for preview in ([], ["--preview"]):
        code = main(["check", "--project", str(where), "--stack", "dev", *preview])
        err = capsys.readouterr().err
        assert code == 3
        assert err == (
            f"stayup: error: __main__.py:{second}: Duplicate resource URN 'urn:pulumi:dev::hazard::pulumi:pulumi:Stack$aws:ec2/vpc:Vpc::vpc';"
            f" try giving it a unique name (registered at __main__.py:{first} and __main__.py:{second})\n"
        )


@pytest.mark.parametrize("engine", ENGINES)
def test_what_is_certain_despite_unknowns_is_decided(capsys, tmp_path, engine):
    body = '''
only = subnet("only", config.require_secret("zone"), "10.0.1.0/24")
alb = aws.lb.LoadBalancer("alb", load_balancer_type="application", subnets=[only.id, only.id])
shared = aws.ec2.get_subnets(filters=[{"name": "tag:tier", "values": ["app"]}])
template = aws.ec2.LaunchTemplate("web", image_id="ami-12345678", instance_type="t3.micro")
aws.autoscaling.Group("web", vpc_zone_identifiers=shared.ids, min_size=1, max_size=1,
    launch_template={"id": template.id, "version": "$Latest"})
'''
    where = project(tmp_path, body, secure={"zone": "AAABAJk0cXVlc3Rpb24="})
    code, report, _ = check(capsys, where, engine=engine)
    assert (code, outcomes(report)) == (1, {("PZ001", "alb", "fail"), ("PZ001", "web", "unknown"), ("SS001", "web", "fail")})
    # At a first preview both subnet ids are unknown: the graph cannot tell they are the same one.
    code, report, _ = check(capsys, where, engine=engine, preview=True)
    assert (code, outcomes(report)) == (1, {("PZ001", "alb", "unknown"), ("PZ001", "web", "unknown"), ("SS001", "web", "fail")})
