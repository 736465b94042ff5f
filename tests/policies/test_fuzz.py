"""Property-based fuzzing: random graphs (unknowns anywhere, missing and wrongly typed
properties, dangling and cyclic references) never make normalisation or a rule raise, and
outcomes are deterministic. `make test` runs a small profile; `make fuzz` runs 10 000 examples."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stayup.policies import availability, blast
from stayup.policies.engine import evaluate, verdict
from stayup.policies.model import from_capture
from stayup.policies.rules import BY_ID, RULES
from stayup.policies.settings import load_settings
from stayup.policies.values import NOT_KNOWN, SECRET, UNKNOWN

TYPES = [
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/defaultRouteTable:DefaultRouteTable",
    "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", "aws:ec2/natGateway:NatGateway",
    "aws:ec2/internetGateway:InternetGateway", "aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup", "aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:lb/listener:Listener",
    "aws:autoscaling/group:Group", "aws:autoscaling/attachment:Attachment", "aws:ec2/instance:Instance", "aws:ecs/service:Service",
    "aws:eks/nodeGroup:NodeGroup", "aws:rds/subnetGroup:SubnetGroup", "aws:rds/instance:Instance", "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:route53/record:Record",
    "aws:route53/healthCheck:HealthCheck", "awsx:ec2:Vpc", "stayup:crm:CrmHosting", "pulumi:pulumi:Stack", "custom:thing:Widget",
]
KEYS = [
    "availabilityZone", "availabilityZoneId", "vpcId", "subnetId", "routeTableId", "destinationCidrBlock", "natGatewayId", "gatewayId",
    "transitGatewayId", "networkInterfaceId", "routes", "subnets", "subnetMappings", "vpcZoneIdentifiers", "availabilityZones",
    "networkConfiguration", "subnetIds", "scalingConfig", "minSize", "desiredCapacity", "desiredCount", "tags", "healthCheck",
    "healthCheckType", "healthCheckGracePeriod", "targetGroupArns", "trafficSources", "lbTargetGroupArn", "autoscalingGroupName",
    "targetGroupArn", "targetId", "protocol", "targetType", "loadBalancerType", "loadBalancerArn", "defaultActions", "multiAz",
    "engine", "engineMode", "dbClusterInstanceClass", "clusterIdentifier", "promotionTier", "replicateSourceDb", "dbSubnetGroupName",
    "automaticFailoverEnabled", "multiAzEnabled", "numCacheClusters", "replicasPerNodeGroup", "availabilityMode",
    "availabilityZoneAddresses", "connectivityType", "failoverRoutingPolicies", "healthCheckId", "aliases", "name", "type", "records",
    "zoneId", "requestInterval", "failureThreshold", "resourcePath", "fqdn", "natGateways", "subnetSpecs", "slo", "id",
    "defaultRouteTableId", "cidrBlock", "instance",
]
TEXT = st.sampled_from(
    ["eu-west-3a", "eu-west-3b", "euw3-az3", "us-east-1f", "0.0.0.0/0", "regional", "zonal", "private", "ELB", "EC2", "PRIMARY",
     "SECONDARY", "HTTPS", "HTTP", "TCP", "UDP", "TCP_UDP", "/", "/healthz", "aurora-postgresql", "postgres", "network",
     "application", "Single", "OnePerAz", "stayup:peak", "igw-1", "nat-1", "local", "lambda", "", UNKNOWN, SECRET,
     "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"]
) | st.text(max_size=6)
SCALAR = st.none() | st.booleans() | st.integers(-5, 400) | st.floats(allow_nan=True, allow_infinity=True) | TEXT
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3), inner, max_size=5), max_leaves=12)


@st.composite
def graphs(draw):
    count = draw(st.integers(1, 25))
    urns = [f"urn:pulumi:fz::p::t::r{i}" for i in range(count)]
    pool = st.sampled_from([*urns, "urn:pulumi:fz::p::t::dangling"])
    resources = []
    for urn in urns:
        keys = draw(st.lists(st.sampled_from(KEYS), max_size=8, unique=True))
        resources.append(
            {
                "urn": urn,
                "type": draw(st.sampled_from(TYPES)),
                "name": draw(st.text(max_size=5)),
                "parent": draw(st.none() | pool),
                "outputs": draw(st.fixed_dictionaries(dict.fromkeys(keys, VALUE))) if draw(st.booleans()) else draw(VALUE),
                "dependencies": draw(st.lists(pool, max_size=4) | VALUE),
                "propertyDependencies": draw(st.dictionaries(st.sampled_from(KEYS), st.lists(pool, max_size=3), max_size=6) | VALUE),
                "source": draw(st.none() | st.fixed_dictionaries({"file": st.text(max_size=4), "line": st.integers(0, 9)})),
            }
        )
    junk = draw(st.lists(VALUE, max_size=2))
    return {"schema": 1, "stack": "fz", "project": "p", "resources": resources + junk, "invokes": draw(st.lists(VALUE, max_size=2))}


DEFAULTS = {rule.id: load_settings({}).for_rule(rule).params for rule in RULES}


@given(graphs())
def test_rules_never_raise_and_are_deterministic(graph):
    normalised = from_capture(graph)
    outcomes = {}
    for rule in RULES:
        findings = list(rule.check(normalised, DEFAULTS[rule.id]))  # called directly: no safety net
        assert all(f.outcome in ("pass", "fail", "unknown") and f.rule == rule.id for f in findings)
        outcomes[rule.id] = [(f.urn, f.outcome, f.message) for f in findings]
    again = {rule.id: [(f.urn, f.outcome, f.message) for f in rule.check(from_capture(graph), DEFAULTS[rule.id])] for rule in RULES}
    assert again == outcomes


@given(graphs(), st.randoms(use_true_random=False))
def test_resource_order_does_not_change_results(graph, rnd: random.Random):
    def key(results):
        return sorted((r.rule.id, r.finding.urn, r.finding.outcome, r.finding.message) for r in results)

    shuffled = {**graph, "resources": rnd.sample(graph["resources"], len(graph["resources"]))}
    assert key(evaluate(from_capture(graph))) == key(evaluate(from_capture(shuffled)))


@given(graphs())
def test_blast_radius_and_budget_never_raise(graph):
    normalised = from_capture(graph)
    result = blast.simulate(normalised)
    assert all(z.survives in (True, False, NOT_KNOWN) for z in result.zones)
    assert result.verdict in ("pass", "fail", "unknown")
    availability.budget(normalised)


def _failing_graphs() -> list[dict]:
    """Every failing rule scenario (the happy graph with one mutation) whose verdict is fail (an
    advisory rule's violation alone does not fail a stack)."""
    from builder import happy
    from rules.scenarios import all_cases

    graphs = []
    for cases in all_cases().values():
        for mutation, _ in cases["fail"]:
            graph = mutation(happy()).graph()
            if verdict(evaluate(from_capture(graph))) == "fail":
                graphs.append(graph)
    return graphs


FAILING = _failing_graphs()


def _paths(value, prefix=()):
    """Every place in a property tree a value could be unknown instead."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


def _replaced(value, path, new):
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replaced(copy[head], rest, new)
    return copy


@given(st.sampled_from(range(len(FAILING))), st.randoms(use_true_random=False), st.sampled_from([UNKNOWN, SECRET]))
def test_a_value_made_unknown_or_secret_never_turns_a_failing_graph_into_a_pass(index, rnd: random.Random, marker):
    """Replacing any property value (at any depth) of any resource by an unknown or an unreadable
    secret may turn fail into unknown, never into pass."""
    graph = FAILING[index]
    assert verdict(evaluate(from_capture(graph))) == "fail"
    resource = rnd.choice([r for r in graph["resources"] if r["outputs"]])
    path = rnd.choice([p for p in _paths(resource["outputs"]) if p])
    changed = {**resource, "outputs": _replaced(resource["outputs"], path, marker), "secrets": [path[0]] if marker == SECRET else []}
    mutated = {**graph, "resources": [changed if r is resource else r for r in graph["resources"]]}
    assert verdict(evaluate(from_capture(mutated))) != "pass", (resource["urn"], path)


# --- input readers: whatever bytes a pull request writes, one InputError or a value ----------

YAML_PIECES = ["a", ":", " ", "\n", "- ", "&x ", "*x", "[", "]", "{", "}", ",", '"', "'", "!!python/object ", "\t", "1e999", ".nan", "? ", "|", ">", "#", "%YAML 1.2\n", "---\n", "\x00", "é"]
JSON_PIECES = ['{', '}', '[', ']', ',', ':', '"k"', '"k"', '1', '-0', '1e999', 'NaN', 'Infinity', 'true', 'null', ' ', '\\u0000', '"\\ud800"', '9' * 400]


@pytest.mark.parametrize(("reader", "pieces"), [("load_yaml", YAML_PIECES), ("load_json", JSON_PIECES)])
@given(data=st.data())
def test_the_readers_refuse_in_one_line_or_return_a_bounded_value(reader, pieces, data):
    from stayup.policies import inputs
    from stayup.policies.errors import InputError

    text = data.draw(st.lists(st.sampled_from(pieces), max_size=60).map("".join) | st.text(max_size=200))
    try:
        value = getattr(inputs, reader)(text, "f")
    except InputError as exc:
        assert exc.line().startswith("f: ") and "\n" not in exc.line()
        return
    inputs.check_depth(value, "f")  # what it returns is within the bounds


@given(st.binary(max_size=300))
def test_a_graph_file_of_any_bytes_is_refused_in_one_line_or_checked(tmp_path_factory, data):
    from stayup.policies.errors import InputError
    from stayup.policies.graph_schema import load_graph_file

    path = tmp_path_factory.mktemp("g") / "g.json"
    path.write_bytes(data)
    try:
        load_graph_file(path)
    except InputError as exc:
        assert "\n" not in exc.line()


# Shapes no AWS property of these has: a list or an object where a name belongs, a flag where a list does.
MALFORMED = [["A"], {"type": ["A"]}, True]


def _happy_with(name: str, type_: str, key: str, value) -> dict:
    from builder import happy, mutate

    return mutate(happy(), name, type_, **{key: value}).graph()


@pytest.mark.parametrize("value", MALFORMED, ids=["list", "object", "flag"])
def test_every_property_of_every_tier_in_a_wrong_shape_never_raises(value):
    """Each property of the complete example graph, in turn, given a shape it cannot have: rules,
    blast radius and budget decide or say unknown (called directly: no safety net)."""
    from builder import happy

    base = happy()
    for resource in list(base.resources.values()):
        for key in resource["outputs"]:
            graph = from_capture(_happy_with(resource["name"], resource["type"], key, value))
            for rule in RULES:
                list(rule.check(graph, DEFAULTS[rule.id]))
            blast.simulate(graph, 1)
            availability.budget(graph)


def test_a_security_group_whose_ingress_is_not_a_list_leaves_the_servers_reach_unknown():
    graph = from_capture(_happy_with("web-sg", "aws:ec2/securityGroup:SecurityGroup", "ingress", True))
    found = {(f.urn.rsplit("::", 1)[-1], f.outcome) for f in BY_ID["PZ005"].check(graph, DEFAULTS["PZ005"]) if f.outcome != "pass"}
    assert found == {("web-a", "unknown"), ("web-b", "unknown")}
