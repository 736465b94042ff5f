"""The components as a component package, proven without a Pulumi CLI: the provider host starts as
the engine starts it (`components/__main__.py <engine address>`, the port on stdout), answers
GetSchema with the generated schema, and Construct builds, through a resource monitor served here
over gRPC, the same graph the Python-native program builds for the same arguments. The only URN
difference is documented: package consumers' components register as `stayup:index:<Name>`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pulumi.runtime.mocks
import pytest
from conftest import ROOT, capture
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)
from stayup.policies.host import job_for
from stayup.policies.preview.capture import Job, Recorder
from stayup.policies.project import load_stack

PLUGIN = ROOT / "components"
TOKENS = {"ResilientNetwork": "stayup:network:ResilientNetwork", "VideoRelay": "stayup:relay:VideoRelay",
          "CrmHosting": "stayup:crm:CrmHosting", "FailoverDns": "stayup:dns:FailoverDns"}


class Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.logs: list[str] = []

    def Log(self, request, context):
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, request, context):
        return engine_pb2.SetRootResourceResponse()


class Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The resource monitor the engine would serve, backed by stayup's capture recorder."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def SupportsFeature(self, request, context):
        # As the mock monitor: every feature but output values.
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    def GetDeploymentInfo(self, request, context):
        return self.recorder.GetDeploymentInfo(request)

    def RegisterResource(self, request, context):
        return self.recorder.RegisterResource(request)

    def RegisterResourceOutputs(self, request, context):
        self.recorder.RegisterResourceOutputs(request)
        return empty_pb2.Empty()

    def Invoke(self, request, context):
        return self.recorder.Invoke(request)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Iterator[Path]:
    # The monitor served here names URNs (and the ids derived from them) as the native run does.
    patch = pytest.MonkeyPatch()
    patch.setattr(pulumi.runtime.mocks, "get_stack", lambda: "dev")
    patch.setattr(pulumi.runtime.mocks, "get_project", lambda: "native")
    """A Python program using the components directly (the native side of every comparison)."""
    where = tmp_path_factory.mktemp("native")
    (where / "Pulumi.yaml").write_text("name: native\nruntime: python\n")
    (where / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-3\n")
    yield where
    patch.undo()


@pytest.fixture(scope="module")
def host():
    """The plugin as the engine starts it, with an engine service for its logs."""
    engine = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(Engine(), engine)
    engine_port = engine.add_insecure_port("127.0.0.1:0")
    engine.start()
    process = subprocess.Popen([sys.executable, "-u", str(PLUGIN / "__main__.py"), f"127.0.0.1:{engine_port}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = process.stdout.readline().strip()
    assert port.isdigit(), process.stderr.read()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield provider_pb2_grpc.ResourceProviderStub(channel)
    channel.close()
    process.kill()
    process.wait()
    engine.stop(None)


def construct(host, project: Path, component: str, inputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Construct over gRPC with a monitor served here; the records it registered, by URN."""
    job = Job.load(job_for(load_stack(project, "dev"), preview=False))
    recorder = Recorder(job, preview=False)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(Monitor(recorder), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        properties = struct_pb2.Struct()
        properties.update(inputs)
        host.Construct(provider_pb2.ConstructRequest(
            project="native", stack="dev", organization="organization", monitorEndpoint=f"127.0.0.1:{port}", type=f"stayup:index:{component}",
            name="site", parent="urn:pulumi:dev::native::pulumi:pulumi:Stack::native-dev", inputs=properties, config={"aws:region": "eu-west-3"},
        ))
    finally:
        server.stop(None)
    return recorder.records


def native(project: Path, program: str) -> dict[str, dict[str, Any]]:
    (project / "__main__.py").write_text(program)
    graph = capture(load_stack(project, "dev"))
    return {r["urn"]: r for r in graph["resources"]}


def comparable(records: dict[str, dict[str, Any]], component: str, native_records: dict[str, dict[str, Any]] | None = None) -> dict[str, tuple]:
    """URN -> what the graph says of the resource, with the package token made the Python one. The
    offline engine derives ids, ARNs and auto-names from URNs: given the native records, each
    such value is replaced by the native resource's, so only what the component decides compares."""
    def same(text: str) -> str:
        return text.replace(f"stayup:index:{component}", TOKENS[component])

    derived: dict[str, str] = {}
    for urn, record in records.items():
        twin = (native_records or {}).get(same(urn))
        for key, value in record["outputs"].items() if twin else ():
            if isinstance(value, str) and isinstance(twin["outputs"].get(key), str) and value != twin["outputs"][key]:
                derived[value] = twin["outputs"][key]

    def values(inputs: dict[str, Any]) -> Any:
        text = same(json.dumps(inputs, sort_keys=True))
        for ours, theirs in sorted(derived.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(json.dumps(ours), json.dumps(theirs))
        return json.loads(text)

    return {
        same(urn): (same(r["type"]), same(r["parent"] or ""), values(r["inputs"]), sorted(same(u) for u in r["dependencies"]))
        for urn, r in records.items() if not r["type"].startswith("pulumi:")
    }


SITE = {"vpcId": "vpc-0a1b2c3d", "zones": ["eu-west-3a", "eu-west-3b"], "publicSubnetIds": ["subnet-pa", "subnet-pb"]}
SITE_PY = "vpc_id='vpc-0a1b2c3d', zones=['eu-west-3a', 'eu-west-3b'], public_subnet_ids=['subnet-pa', 'subnet-pb']"
CASES = {
    "VideoRelay-default": ("VideoRelay", f"RelayArgs({SITE_PY}, cross_zone=True)", {**SITE, "crossZone": True}),
    "VideoRelay-sized": ("VideoRelay", f"RelayArgs({SITE_PY}, cross_zone=False, peak_nodes=4, nodes_per_zone=3, deletion_protection=False)",
                         {**SITE, "crossZone": False, "peakNodes": 4, "nodesPerZone": 3, "deletionProtection": False}),
    "CrmHosting-default": ("CrmHosting", f"CrmArgs({SITE_PY}, private_subnet_ids=['subnet-qa', 'subnet-qb'])", {**SITE, "privateSubnetIds": ["subnet-qa", "subnet-qb"]}),
    "CrmHosting-rds": ("CrmHosting", f"CrmArgs({SITE_PY}, private_subnet_ids=['subnet-qa', 'subnet-qb'], database=DatabaseKind.RDS, asg_health_check=AsgHealthCheck.EC2)",
                       {**SITE, "privateSubnetIds": ["subnet-qa", "subnet-qb"], "database": "rds", "asgHealthCheck": "EC2"}),
    "ResilientNetwork-default": ("ResilientNetwork", "NetworkArgs()", {}),
    "ResilientNetwork-regional": ("ResilientNetwork", "NetworkArgs(zones=2, egress=EgressMode.REGIONAL, flow_logs=False)",
                                  {"zones": 2, "egress": "regional", "flowLogs": False}),
    "FailoverDns-static-secondary": (
        "FailoverDns",
        "FailoverDnsArgs(zone_id='Z1', record_name='www.example.com', primary=AliasTarget(dns_name='lb.example.com', zone_id='Z2'), health_check=None, "
        "secondary_addresses=['192.0.2.1'])",
        {"zoneId": "Z1", "recordName": "www.example.com", "primary": {"dnsName": "lb.example.com", "zoneId": "Z2"}, "secondaryAddresses": ["192.0.2.1"]},
    ),
    "FailoverDns-health-checked": (
        "FailoverDns",
        "FailoverDnsArgs(zone_id='Z1', record_name='www.example.com', primary=AliasTarget(dns_name='lb.example.com', zone_id='Z2'), "
        "health_check=HealthCheckSpec(kind=HealthCheckKind.HTTPS, port=443, path='/healthz'))",
        {"zoneId": "Z1", "recordName": "www.example.com", "primary": {"dnsName": "lb.example.com", "zoneId": "Z2"},
         "healthCheck": {"kind": "HTTPS", "port": 443, "path": "/healthz"}},
    ),
}


def test_get_schema_answers_the_generated_schema(host):
    response = host.GetSchema(provider_pb2.GetSchemaRequest(version=0))
    assert json.loads(response.schema) == json.loads((PLUGIN / "schema.json").read_text())
    resources = json.loads(response.schema)["resources"]
    assert sorted(resources) == [f"stayup:index:{name}" for name in sorted(TOKENS)]
    egress = resources["stayup:index:ResilientNetwork"]["inputProperties"]["egress"]
    assert egress["$ref"] == "#/types/stayup:index:EgressMode" and egress["description"].startswith("Egress mode")
    assert resources["stayup:index:ResilientNetwork"].get("requiredInputs", []) == []  # every argument has a default


@pytest.mark.parametrize("case", sorted(CASES))
def test_construct_builds_the_graph_the_python_program_builds(host, project, case):
    component, python_args, inputs = CASES[case]
    program = ("import pulumi\nfrom stayup.components import *\n"
               f"{component}('site', {python_args})\n")
    native_records = native(project, program)
    expected = comparable(native_records, component)
    found = comparable(construct(host, project, component, inputs), component, native_records)
    assert {u: found[u] for u in sorted(found)} == {u: expected[u] for u in sorted(expected)}, json.dumps({u: [found.get(u), expected.get(u)] for u in found if found.get(u) != expected.get(u)}, default=str)[:3000]
    assert len(found) >= 3


def test_bad_arguments_through_construct_give_the_python_message(host, project):
    with pytest.raises(grpc.RpcError) as raised:
        construct(host, project, "ResilientNetwork", {"zones": 9})
    (project / "__main__.py").write_text("from stayup.components import *\nResilientNetwork('site', NetworkArgs(zones=9))\n")
    from stayup.policies.errors import StayupError

    with pytest.raises(StayupError) as python:
        capture(load_stack(project, "dev"))
    reason = python.value.message
    assert reason.split(": ", 1)[-1] in raised.value.details() or reason in str(raised.value)
