"""The offline preview engine: runs a Pulumi Python program under the SDK's mock runtime and
records every registration as the engine would see it (camelCase inputs, parents, dependencies,
property dependencies, source positions).

This package runs inside the program's own interpreter: it imports only the standard library and
the pulumi SDK found there (3.120 and newer), never stayup. Everything it needs from stayup (config,
markers, the region table) arrives in the job.
"""

from __future__ import annotations

import inspect
import json
import logging
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pulumi
import pulumi.runtime
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, resource_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from . import aws_mocks, components
from .aws_mocks import AUTONAMED, answer_invoke, autoname, computed_outputs, unanswered
from .catalogue import EKS_CLUSTER, GET_SUBNETS, GET_VPC
from .sites import (  # nodejs.py fills _PROPERTIES and _INVOKE_SITES as capture's, per request
    _APPLIES_PENDING,
    _DECLARED,
    _INVOKE_SITES,
    _OUTPUT_FORM,
    _PROPERTIES,
    _SECRET_ARGS,
    _SENDS_STACK_TRACE,
    _next_site,
    _record_declarations,
    program_location,
)
from .wire import (
    _ARCHIVE_SIG,
    _ASSET_SIG,
    _OUTPUT_SIG,
    _RESOURCE_SIG,
    _SECRET_SIG,
    _SIG,
    _live,
    _provider_urn,
    _with_references,
)

# Markers stayup writes for values it cannot see (set from the job; values.py owns them).
UNKNOWN = "<unknown>"
SECRET = "<secret>"
UNANSWERED = "<unanswered>"  # what the program gets for a lookup stayup cannot answer exactly
ORGANIZATION = "organization"  # what the Pulumi CLI's local backend answers for get_organization()


@dataclass(frozen=True)
class Job:
    project: str
    stack: str
    project_dir: Path
    main: Path
    region: str
    config: dict[str, str]
    secret_keys: frozenset[str] = field(default_factory=frozenset)
    preview: bool = False
    schema: int = 1
    answers: dict[str, Any] = field(default_factory=dict)  # invokes and stackReferences (--answers)

    @classmethod
    def load(cls, data: dict[str, Any]) -> Job:
        global UNKNOWN, SECRET, UNANSWERED
        markers = data["markers"]
        UNKNOWN, SECRET, UNANSWERED = markers["unknown"], markers["secret"], markers["unanswered"]
        aws_mocks.load_world(data["world"])
        return cls(
            project=data["project"],
            stack=data["stack"],
            project_dir=Path(data["project_dir"]),
            main=Path(data["main"]),
            region=data["region"],
            config=dict(data["config"]),
            secret_keys=frozenset(data["secret_keys"]),
            preview=bool(data["preview"]),
            schema=int(data["schema"]),
            answers=dict(data.get("answers") or {}),
        )


# SDKs that can be told "these outputs are unknown" after a deploy (older ones read them as None).
_CAN_SAY_UNKNOWN = "unknown" in resource_pb2.RegisterResourceResponse.DESCRIPTOR.fields_by_name
_BAD_REGIONS: list[tuple[str, str, Any]] = []  # (provider name, region, source): regions stayup has no AZ data for
# SDKs before 3.1xx answer invokes with the provider protocol's message.
_INVOKE_RESPONSE = getattr(resource_pb2, "ResourceInvokeResponse", None) or provider_pb2.InvokeResponse
# SDKs whose invoke responses can say "unknown" (older ones get the unanswered marker instead).
_INVOKE_CAN_SAY_UNKNOWN = "unknown" in _INVOKE_RESPONSE.DESCRIPTOR.fields_by_name


def _plain(value: Any) -> Any:
    """Wire value -> JSON value: unknowns become stayup's marker, references their id (or URN);
    secrets keep the wire form {sig: secret, "value": v}, so rules can decide on the value while
    every output masks it."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return {_SIG: _SECRET_SIG, "value": _plain(value.get("value", UNKNOWN))}
        if sig == _RESOURCE_SIG:
            # As under the engine: a custom resource passed as a value is its id (unknown until
            # created), a component its URN.
            if "id" in value:
                return _plain(value["id"]) or UNKNOWN
            return value.get("urn", UNKNOWN)
        if sig == _OUTPUT_SIG:
            inner = _plain(value["value"]) if "value" in value else UNKNOWN
            return {_SIG: _SECRET_SIG, "value": inner} if value.get("secret") else inner
        if sig == _ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or "text"}
        if sig == _ARCHIVE_SIG:
            return {"archive": value.get("path") or value.get("uri") or "assets"}
        return {k: _plain(v) for k, v in sorted(value.items())}  # wire maps have no stable order
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value == rpc.UNKNOWN or value == UNANSWERED:
        return UNKNOWN
    return value


def _holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get(_SIG) == _SECRET_SIG or any(_holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return value == SECRET  # a `secure:` config value the program received as a placeholder


def secret_keys(record: dict[str, Any]) -> list[str]:
    """Top-level properties that hold a secret, in the inputs or the outputs."""
    return sorted({k for part in ("inputs", "outputs") for k, v in record[part].items() if _holds_secret(v)})


def _struct(message) -> dict[str, Any]:
    return _plain(json_format.MessageToDict(message)) if message is not None else {}


class _AwsMocks(pulumi_mocks.Mocks):
    def __init__(self, engine: Recorder):
        self.engine = engine

    def new_resource(self, args: pulumi_mocks.MockResourceArgs):
        # The recorder answers RegisterResource itself; this serves ReadResource (`.get`), and
        # StackReference: its outputs come from --answers, else they are unknown (and unanswered).
        if args.typ == "pulumi:pulumi:StackReference":
            name = str(args.inputs.get("name") or args.resource_id or args.name)
            outputs = self.engine.config.answers.get("stackReferences", {}).get(name)
            self.engine.invokes.append(
                {"token": "pulumi:pulumi:StackReference", "args": {"name": name}, "mocked": outputs is not None, "result": outputs, "source": None}
            )
            return name, {"name": name, "outputs": outputs, "secretOutputNames": []}
        state = dict(args.inputs)
        return args.resource_id or args.name, state

    def call(self, args: pulumi_mocks.MockCallArgs):
        return {}, None


class Recorder(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps the full registration requests and answers like AWS would."""

    def __init__(self, config: Job, preview: bool):
        self.config = config
        self.preview = preview
        self.records: dict[str, dict[str, Any]] = {}
        self.invokes: list[dict[str, Any]] = []
        self.provider_regions: dict[str, str] = {}
        self.duplicates: list[tuple[str, Any, Any]] = []
        self.unknown_answers = 0  # unanswered lookups and stack references the program got as unknown
        super().__init__(_AwsMocks(self))

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The SDK's own reads the ambient stack and project, which some SDKs (3.228) do not carry
        # into the thread that calls the monitor ("stack::project" URNs): use the job's.
        if parent:
            type_ = parent.split("::")[2].split("$").pop() + "$" + type_
        return "urn:pulumi:" + "::".join([self.config.stack, self.config.project, type_, name])

    def _source(self, request) -> dict[str, Any] | None:
        """Where the user's code declared it: the innermost frame inside the project (installed
        libraries, e.g. shared components from a wheel, are skipped), else the SDK's position."""
        if not _SENDS_STACK_TRACE:
            registration = isinstance(request, resource_pb2.RegisterResourceRequest)
            return _DECLARED.get((request.type, request.name)) if registration else None
        positions = [frame.pc for frame in request.stackTrace.frames if frame.HasField("pc")]
        if request.HasField("sourcePosition"):
            positions.insert(0, request.sourcePosition)
        fallback = None
        for position in positions:
            if not position.uri:
                continue
            path = Path(unquote(urlparse(position.uri).path)).resolve()
            try:
                rel = path.relative_to(self.config.project_dir)
            except ValueError:
                continue  # outside the project (the SDK itself): never a machine path in the graph
            if not {".venv", "site-packages", "node_modules"} & set(rel.parts):
                return {"file": rel.as_posix(), "line": position.line}
            fallback = fallback or {"file": rel.as_posix(), "line": position.line}
        return fallback

    def _region_of(self, inputs: dict[str, Any], provider: str | None) -> str:
        region = inputs.get("region")
        if isinstance(region, str) and region not in (UNKNOWN, SECRET):
            return region
        if provider and provider in self.provider_regions:
            return self.provider_regions[provider]
        return self.config.region

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        inputs = _struct(request.object)
        provider = _provider_urn(request.provider)
        record: dict[str, Any] = {
            "urn": urn,
            "type": request.type,
            "name": request.name,
            "parent": request.parent or None,
            "custom": bool(request.custom),
            "remote": bool(request.remote),
            "provider": provider,
            "inputs": inputs,
            "outputs": {},
            "dependencies": sorted(set(request.dependencies)),
            "propertyDependencies": _with_references(request),
            "source": self._source(request),
        }
        if urn in self.records:
            # The engine refuses a second registration of one URN; keep the first, report both.
            self.duplicates.append((urn, self.records[urn].get("source"), record["source"]))
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self.records[urn] = record
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        if request.type.startswith("pulumi:providers:"):
            region = inputs.get("region")
            if isinstance(region, str):
                self.provider_regions[urn] = region
                if request.type == "pulumi:providers:aws":
                    _note_region(f"provider {request.name}", region, record["source"])
        if not request.custom or request.remote:
            # Components: no id; their outputs arrive through RegisterResourceOutputs.
            self.resources[urn] = self.ResourceRegistration(urn, "", {})
            if request.remote:
                # A multi-language component's children and outputs come from its plugin, absent
                # offline: the ones stayup models are synthesized; otherwise every output is
                # unknown to the program (which runs on), never None.
                declared = _PROPERTIES.get((request.type, request.name), ())
                outputs = {key: rpc.UNKNOWN for key in declared if key not in inputs}
                expanded = self._expand(request, urn, inputs, record)
                if expanded is not None:
                    record["outputs"], wire = expanded
                    decided = not self.preview or request.type in components.LOOKUPS
                    outputs.update({k: (v if decided else rpc.UNKNOWN) for k, v in wire.items()})
                obj = _sync_await(rpc.serialize_properties(outputs, {}))
                return resource_pb2.RegisterResourceResponse(urn=urn, object=obj)
            return resource_pb2.RegisterResourceResponse(urn=urn)

        region = self._region_of(inputs, provider)
        if request.type.startswith("aws:"):
            _note_region(request.name, inputs.get("region"), record["source"])
        named = autoname(request.type, request.name, urn, inputs)
        if named is not inputs:
            inputs = record["inputs"] = named
        record["outputs"], computed, undecided = self._outputs(
            request.type, urn, request.name, inputs, region, _PROPERTIES.get((request.type, request.name), ())
        )
        for key in getattr(request, "additionalSecretOutputs", ()):
            # The program asked the engine to keep this output secret: so does every output here.
            for part in ("inputs", "outputs"):
                if key in record[part] and not _holds_secret(record[part][key]):
                    record[part][key] = {_SIG: _SECRET_SIG, "value": record[part][key]}
        if self.preview:
            known = {k: v for k, v in inputs.items() if v not in (UNKNOWN,)}
            answer_id, answer_state = "", {**_live(request.object, known), **_autonamed(inputs, request.type)}
        else:
            answer_id = computed["id"]
            answer_state = {**_live(request.object, inputs), **_autonamed(inputs, request.type), **computed}
            for key in undecided:
                answer_state.pop(key, None)
        self.resources[urn] = self.ResourceRegistration(urn, answer_id, answer_state)
        obj = _sync_await(rpc.serialize_properties(answer_state, {}))
        if undecided and not self.preview and _CAN_SAY_UNKNOWN:
            # Outputs left out are unknown to the program (not None), so it runs on as under a
            # real deploy whose values stayup cannot know.
            return resource_pb2.RegisterResourceResponse(urn=urn, id=answer_id, object=obj, unknown=True)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=answer_id, object=obj)

    def ReadResource(self, request):
        response = super().ReadResource(request)
        if request.type == "pulumi:pulumi:StackReference" and not self.preview and _CAN_SAY_UNKNOWN:
            state = rpc.deserialize_properties(response.properties)
            if state.get("outputs") is None:
                # An unanswered stack reference: its outputs are unknown, not empty.
                self.unknown_answers += 1
                rest = {k: v for k, v in state.items() if k != "outputs"}
                obj = _sync_await(rpc.serialize_properties(rest, {}))
                return resource_pb2.ReadResourceResponse(urn=response.urn, properties=obj, unknown=True)
        return response

    def _outputs(
        self, type_: str, urn: str, name: str, inputs: dict[str, Any], region: str, declared: Any = ()
    ) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
        """(outputs as recorded, what the provider computes, what only AWS decides). After a
        deploy every declared output is computed or unknown, never absent; at a first preview only
        what the program gave is known (and the provider's region, known before anything exists)."""
        computed, undecided = computed_outputs(type_, urn, name, inputs, region)
        full = {**inputs, **computed}
        undecided = set(undecided) | {k for k in declared if k not in full}
        full.update(dict.fromkeys(undecided, UNKNOWN))
        if self.preview:
            return {k: (v if k in inputs or k == "region" else UNKNOWN) for k, v in sorted(full.items())}, computed, undecided
        return dict(sorted(full.items())), computed, undecided

    def _expand(self, request, urn: str, inputs: dict[str, Any], record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Synthesizes a modelled component's children; returns its outputs as recorded (ids) and as
        the program receives them (`…Id(s)` as ids, other children as resource references)."""
        if request.type not in components.EXPANDED:
            return None
        # A component takes its AWS provider in `providers` (ResourceOptions providers/provider).
        providers = getattr(request, "providers", None) or {}
        region = self._region_of(inputs, _provider_urn(request.provider) or _provider_urn(providers.get("aws", "")))
        ids: dict[str, Any] = {}
        versions, expander = components.EXPANDERS[request.type]

        def add(type_: str, name: str, given: dict[str, Any], links: dict[str, list[str]], outside: dict[str, list[str]] | None = None) -> str:
            child = self.make_urn(urn, type_, name)
            child_inputs = dict(given)
            for key, targets in links.items():
                child_inputs[key] = ids[targets[0]] if len(targets) == 1 else [ids[t] for t in targets]
            child_inputs = autoname(type_, name, child, child_inputs)
            outputs, _, _ = self._outputs(type_, child, name, child_inputs, region)  # links are unknown ids at preview
            ids[child] = outputs["id"]
            # Registered with the mock monitor so the program can rehydrate a reference to it.
            known = {k: (rpc.UNKNOWN if v == UNKNOWN else v) for k, v in outputs.items()}
            self.resources[child] = self.ResourceRegistration(child, "" if self.preview else outputs["id"], known)
            self.records[child] = {
                "urn": child, "type": type_, "name": name, "parent": urn, "custom": True, "remote": False,
                "provider": record["provider"], "inputs": child_inputs, "outputs": outputs,
                "dependencies": sorted({t for ts in (*links.values(), *(outside or {}).values()) for t in ts}),
                "propertyDependencies": {k: sorted(v) for k, v in sorted({**(outside or {}), **links}.items())},
                "source": record["source"], "synthesized": versions,
            }
            return child

        depends = {key: list(urns) for key, urns in record["propertyDependencies"].items()}
        # A resource passed to a component arrives as a reference with no dependency: link it by its id or ARN.
        handles: dict[str, str] | None = None
        for key, given in inputs.items():
            if not depends.get(key) and isinstance(given, str) and given not in (UNKNOWN, SECRET):
                if handles is None:
                    handles = {h: u for u, r in self.records.items() for h in (r["outputs"].get("id"), r["outputs"].get("arn")) if isinstance(h, str) and h}
                if given in handles:
                    depends[key] = [handles[given]]

        def default_subnets() -> list[str]:
            # The default VPC's subnets, recorded as a lookup so rules can place them.
            subnets = aws_mocks.default_subnets(region) if region in aws_mocks.REGIONS else []
            self.invokes.append({"token": GET_SUBNETS, "args": {"component": urn}, "mocked": True,
                                 "result": {"ids": [s["id"] for s in subnets], "subnets": subnets}, "source": record["source"]})
            return [s["id"] for s in subnets]

        def default_vpc() -> tuple[str, list[str]]:
            vpc = aws_mocks.default_vpc(region)
            self.invokes.append({"token": GET_VPC, "args": {"component": urn, "default": True}, "mocked": True,
                                 "result": vpc, "source": record["source"]})
            return vpc["id"], default_subnets()

        outputs = expander(components.Component(
            request.name, inputs, region, add, depends, default_subnets, default_vpc, self._cluster_subnets, UNKNOWN, region in aws_mocks.REGIONS
        ))
        if outputs is None:
            return None
        record["synthesized"] = versions

        def value(item: Any, key: str, wire: bool) -> Any:
            if isinstance(item, list):
                return [value(i, key, wire) for i in item]
            if not isinstance(item, str) or item not in ids:
                return item
            if key.endswith("Name"):
                return self.records[item]["outputs"].get("name", UNKNOWN if not wire else rpc.UNKNOWN)
            if wire and not key.endswith(("Id", "Ids")):
                return {_SIG: _RESOURCE_SIG, "urn": item, "id": "" if self.preview else ids[item], "packageVersion": ""}
            return ids[item]

        recorded = {key: value(item, key, False) for key, item in outputs.items()}
        return recorded, {key: value(item, key, True) for key, item in outputs.items()}

    def _cluster_subnets(self, cluster: Any) -> tuple[Any, list[str]]:
        """The subnets of the synthesized control plane of the eks cluster a node group joins."""
        plane = next((r for r in self.records.values() if r["parent"] == cluster and r["type"] == EKS_CLUSTER), None)
        if plane is None:
            return None, []
        return plane["inputs"]["vpcConfig"]["subnetIds"], plane["propertyDependencies"].get("vpcConfig", [])

    def RegisterResourceOutputs(self, request):
        record = self.records.get(request.urn)
        if record is not None:
            record["outputs"] = _struct(request.outputs)
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request):
        if request.tok == "pulumi:pulumi:getResource":
            return super().Invoke(request)
        args = _struct(request.args)
        if _SECRET_ARGS.get():
            # The SDK sent these args unwrapped; the program held some as secrets (which, is not
            # said): the whole call is secret, as the SDK makes its result.
            args = {k: {_SIG: _SECRET_SIG, "value": v} for k, v in args.items()}
        provider = _provider_urn(request.provider)
        if request.tok.startswith("aws:"):
            _note_region(f"lookup {request.tok.rsplit(':', 1)[-1]}", args.get("region"), self._source(request) or (_INVOKE_SITES.get(request.tok) or [None])[0])
        given_answer = next((a["result"] for a in self.config.answers.get("invokes", []) if a["token"] == request.tok and _subset(a.get("args") or {}, args)), None)
        result = given_answer if given_answer is not None else answer_invoke(request.tok, args, self._region_of(args, provider))
        self.invokes.append(
            {
                "token": request.tok,
                "args": args,
                "mocked": result is not None,
                "result": {k: {_SIG: _SECRET_SIG, "value": v} for k, v in result.items()} if _SECRET_ARGS.get() and isinstance(result, dict) else result,
                "source": self._source(request) or _next_site(request.tok),
            }
        )
        if result is None and _OUTPUT_FORM.get() and _INVOKE_CAN_SAY_UNKNOWN:
            self.unknown_answers += 1
            # As the engine answers a lookup it cannot serve yet: wholly unknown, so the SDK runs
            # no apply on it and everything derived from it is unknown (a plain call still needs
            # a value to return: it gets the marker).
            return _INVOKE_RESPONSE(unknown=True)  # type: ignore[call-arg]  # ResourceInvokeResponse has it (checked above)
        given = result if result is not None else unanswered(request.tok, UNANSWERED)
        ret = _sync_await(rpc.serialize_properties(given, {}))
        return _INVOKE_RESPONSE(failures=None, **{"return": ret})


def _subset(wanted: Any, actual: Any) -> bool:
    """An answers-file entry matches a call when its args are a subset of the call's."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(k in actual and _subset(v, actual[k]) for k, v in wanted.items())
    if isinstance(wanted, list):
        return isinstance(actual, list) and len(wanted) == len(actual) and all(_subset(w, a) for w, a in zip(wanted, actual, strict=True))
    return bool(wanted == actual)


def _autonamed(inputs: dict[str, Any], type_: str) -> dict[str, Any]:
    prop = AUTONAMED.get(type_)
    return {prop: inputs[prop]} if prop in inputs else {}


class _ErrorLog(logging.Handler):
    """Errors the SDK logs instead of raising (e.g. a failed apply), with their exceptions."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []
        self.exceptions: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            self.exceptions.append(record.exc_info[1])


def _run_program(main: Path) -> None:
    runpy.run_path(str(main), run_name="__main__")
    # The mock runtime closed the root stack before the program ran; register its exports now.
    root = pulumi.runtime.settings.get_root_resource()
    if root is not None and getattr(root, "outputs", None):
        from pulumi.runtime.stack import massage

        root.register_outputs(massage(root.outputs, []))


def run_under_mocks(job: Job, program: Callable[[], Any]) -> tuple[Recorder, _ErrorLog]:
    """Runs `program` in a fresh mock runtime; returns the recorder and what the SDK logged.

    Exceptions from the program propagate unchanged.
    """
    recorder = Recorder(job, job.preview)
    errors = _ErrorLog()
    logger = logging.getLogger("stayup.program")
    logger.propagate = False
    logger.handlers[:] = [errors]

    # Each run starts from a fresh runtime: a new root Stack, no pending RPCs or outputs.
    settings = pulumi.runtime.settings
    if hasattr(settings, "ROOT"):
        settings.ROOT.set(None)
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_all_config(dict(job.config), sorted(job.secret_keys))
    # What the CLI's local backend tells a program: organization "organization", the project's
    # directory as its root (SDKs before these settings existed take neither).
    extra = {"organization": ORGANIZATION} if "organization" in inspect.signature(pulumi.runtime.set_mocks).parameters else {}
    pulumi.runtime.set_mocks(
        recorder.mocks,
        project=job.project,
        stack=job.stack,
        preview=job.preview,
        logger=logger,
        monitor=recorder,
        **extra,
    )
    if hasattr(settings.SETTINGS, "root_directory"):
        settings.SETTINGS.root_directory = str(job.project_dir)
    if hasattr(settings.SETTINGS, "organization") and not settings.SETTINGS.organization:
        settings.SETTINGS.organization = ORGANIZATION
    try:
        _sync_await(run_pulumi_func(program))
    finally:
        settings.SETTINGS.rpc_manager.clear()
    return recorder, errors


def _first_line(exc: BaseException) -> str:
    text = str(exc.msg if isinstance(exc, SyntaxError) else exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _failure(kind: str, message: str, where: str | None, **extra: Any) -> dict[str, Any]:
    return {"error": {"kind": kind, "message": message, "where": where, **extra}}


def capture(job: Job) -> dict[str, Any]:
    """Runs the job's program; returns {"graph": schema-1 graph} or {"error": {...}}.

    `kind` tells stayup how to report: "input" (a component rejected its arguments), "module" (an
    import the environment cannot satisfy), "exit" (the program ended itself), "program".
    """
    input_errors = tuple(
        cls for cls in (getattr(pulumi, "InputPropertyError", None), getattr(pulumi, "InputPropertiesError", None)) if cls
    )
    _record_declarations(job.project_dir)
    _BAD_REGIONS.clear()
    try:
        try:
            recorder, log = run_under_mocks(job, lambda: _run_program(job.main))
        except BaseException:
            if _BAD_REGIONS:
                return _bad_region()  # the cause of whatever the program then failed on
            raise
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return _failure("exit", f"the program exited (code {code}) before its resources were registered", program_location(exc, job.project_dir), code=code)
    except input_errors as exc:
        # A component rejected its arguments: a user input mistake, pointed at the program line.
        reason = f"{exc.property_path}: {exc.reason}" if hasattr(exc, "property_path") else str(getattr(exc, "message", exc))
        return _failure("input", reason, program_location(exc, job.project_dir, within=job.main))
    except ModuleNotFoundError as exc:
        return _failure("module", _first_line(exc), program_location(exc, job.project_dir), module=exc.name)
    except Exception as exc:
        return _failure("program", _first_line(exc), program_location(exc, job.project_dir))
    if _BAD_REGIONS:
        return _bad_region()
    if log.messages:
        where = next((w for w in (program_location(e, job.project_dir) for e in log.exceptions) if w), None)
        return _failure("program", log.messages[0].strip().splitlines()[0], where)
    result = recorded_graph(job, recorder)
    if "graph" in result:
        result["deferred"] = [{"source": _APPLIES_PENDING[t]} for t in sorted(_APPLIES_PENDING)]
        result["unknown_answers"] = recorder.unknown_answers
    return result


def _secret_texts(value: Any, found: set[str], inside: bool = False) -> None:
    """Every string held inside a secret, however deep."""
    if isinstance(value, str):
        if inside and value not in (UNKNOWN, SECRET, ""):
            found.add(value)
    elif isinstance(value, dict):
        secret = inside or value.get(_SIG) == _SECRET_SIG
        for key, item in value.items():
            if key != _SIG:
                _secret_texts(item, found, secret)
    elif isinstance(value, list):
        for item in value:
            _secret_texts(item, found, inside)


def _wrap_texts(value: Any, texts: set[str]) -> Any:
    if isinstance(value, str):
        return {_SIG: _SECRET_SIG, "value": value} if value in texts else value
    if isinstance(value, dict):
        return value if value.get(_SIG) == _SECRET_SIG else {k: _wrap_texts(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_wrap_texts(v, texts) for v in value]
    return value


def _secret_in_invokes(recorder: Recorder) -> None:
    """A lookup's record holds a secret wherever the program holds it as one: a value it wrapped
    in a secret after reading it (a stack reference output, an answer), or passed in secret args."""
    texts: set[str] = set()
    for record in recorder.records.values():
        _secret_texts(record["inputs"], texts)
        _secret_texts(record["outputs"], texts)
    for invoke in recorder.invokes:
        _secret_texts(invoke["args"], texts)
    if texts:
        for invoke in recorder.invokes:
            invoke["args"], invoke["result"] = _wrap_texts(invoke["args"], texts), _wrap_texts(invoke["result"], texts)


def recorded_graph(job: Job, recorder: Recorder) -> dict[str, Any]:
    """{"graph": schema-1 graph} of a finished run, or {"error": ...} for a URN registered twice.
    Every language's capture ends here (Python programs under the mock runtime, Node.js programs
    through the engine protocol; see stayup.policies.nodejs)."""
    if recorder.duplicates:
        urn, *sources = recorder.duplicates[0]
        # Registrations arrive in no fixed order: name both lines in program order, the later as the error.
        places = sorted((s for s in sources if isinstance(s, dict)), key=lambda s: (s["file"], s["line"]))
        lines = " and ".join(f"{s['file']}:{s['line']}" for s in places) or "the program"
        return _failure("program", f"Duplicate resource URN '{urn}'; try giving it a unique name (registered at {lines})", _at(places[-1] if places else None))
    for record in recorder.records.values():
        keys = secret_keys(record)
        if keys:
            record["secrets"] = keys
    _secret_in_invokes(recorder)

    return {
        "graph": {
            "schema": job.schema,
            "project": job.project,
            "stack": job.stack,
            "region": job.region,
            "preview": job.preview,
            "resources": [recorder.records[urn] for urn in sorted(recorder.records)],
            "invokes": sorted(recorder.invokes, key=lambda i: (i["token"], _canonical(i["args"]))),
        },
    }


def _note_region(what: str, region: Any, source: Any) -> None:
    """A region stayup has no AZ data for: the program's input mistake (or a region too new)."""
    if isinstance(region, str) and region not in aws_mocks.REGIONS and region not in (UNKNOWN, SECRET):
        _BAD_REGIONS.append((what, region, source))


def _bad_region() -> dict[str, Any]:
    what, region, source = _BAD_REGIONS[0]
    return _failure("region", f"{what}: region", _at(source), region=region)  # stayup words the region's message


def _at(source: Any) -> str | None:
    return f"{source['file']}:{source['line']}" if isinstance(source, dict) else None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
