"""The offline preview engine: runs a Pulumi Python program under the SDK's mock runtime and
records every registration as the engine would see it (camelCase inputs, parents, dependencies,
property dependencies, source positions).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import runpy
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pulumi
import pulumi.runtime
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.stack import massage, run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from ..errors import InputError, ProgramError
from ..graph_schema import SCHEMA_VERSION, SECRET, UNKNOWN
from ..project import StackConfig
from .aws_mocks import AUTONAMED, answer_invoke, autoname, computed_outputs

_SIG = rpc._special_sig_key
_SECRET_SIG = rpc._special_secret_sig
_RESOURCE_SIG = rpc._special_resource_sig
_OUTPUT_SIG = rpc._special_output_value_sig
_ASSET_SIG = rpc._special_asset_sig
_ARCHIVE_SIG = rpc._special_archive_sig


def _plain(value: Any) -> Any:
    """Wire value -> JSON value: unknowns and secrets become stayup's markers, references their URN."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return value.get("urn", UNKNOWN)
        if sig == _OUTPUT_SIG:
            if value.get("secret"):
                return SECRET
            return _plain(value["value"]) if "value" in value else UNKNOWN
        if sig == _ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or "text"}
        if sig == _ARCHIVE_SIG:
            return {"archive": value.get("path") or value.get("uri") or "assets"}
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value == rpc.UNKNOWN:
        return UNKNOWN
    return value


def _struct(message) -> dict[str, Any]:
    return _plain(json_format.MessageToDict(message)) if message is not None else {}


def _provider_urn(reference: str) -> str | None:
    # Provider references are "<urn>::<id>"; the URN itself contains "::".
    return reference.rsplit("::", 1)[0] if reference else None


class _AwsMocks(pulumi_mocks.Mocks):
    def __init__(self, engine: Recorder):
        self.engine = engine

    def new_resource(self, args: pulumi_mocks.MockResourceArgs):
        # The recorder answers RegisterResource itself; this serves ReadResource (`.get`).
        state = dict(args.inputs)
        return args.resource_id or args.name, state

    def call(self, args: pulumi_mocks.MockCallArgs):
        return {}, None


class Recorder(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps the full registration requests and answers like AWS would."""

    def __init__(self, config: StackConfig, preview: bool):
        self.config = config
        self.preview = preview
        self.records: dict[str, dict[str, Any]] = {}
        self.invokes: list[dict[str, Any]] = []
        self.provider_regions: dict[str, str] = {}
        super().__init__(_AwsMocks(self))

    def _source(self, request) -> dict[str, Any] | None:
        """Where the user's code declared it: the innermost frame inside the project (installed
        libraries, e.g. shared components from a wheel, are skipped), else the SDK's position."""
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
                fallback = fallback or {"file": path.as_posix(), "line": position.line}
                continue
            if not {".venv", "site-packages"} & set(rel.parts):
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
            "propertyDependencies": {
                key: sorted(set(deps.urns))
                for key, deps in sorted(request.propertyDependencies.items())
            },
            "source": self._source(request),
        }
        self.records[urn] = record
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        if request.type.startswith("pulumi:providers:"):
            region = inputs.get("region")
            if isinstance(region, str):
                self.provider_regions[urn] = region
        if not request.custom or request.remote:
            # Components: no id; their outputs arrive through RegisterResourceOutputs.
            self.resources[urn] = self.ResourceRegistration(urn, "", {})
            return rpc.resource_pb2.RegisterResourceResponse(urn=urn)

        region = self._region_of(inputs, provider)
        named = autoname(request.type, request.name, urn, inputs)
        if named is not inputs:
            inputs = record["inputs"] = named
        computed, undecided = computed_outputs(request.type, urn, request.name, inputs, region)
        full = {**inputs, **computed}
        for key in undecided:
            full[key] = UNKNOWN
        if self.preview:
            # A first preview: only what the program gave is known; everything computed is not.
            known = {k: v for k, v in inputs.items() if v not in (UNKNOWN,)}
            record["outputs"] = {k: (v if k in inputs else UNKNOWN) for k, v in sorted(full.items())}
            answer_id, answer_state = "", {**_live(request.object, known), **_autonamed(inputs, request.type)}
        else:
            record["outputs"] = dict(sorted(full.items()))
            answer_id = computed["id"]
            answer_state = {**_live(request.object, inputs), **_autonamed(inputs, request.type), **computed}
            for key in undecided:
                answer_state.pop(key, None)
        self.resources[urn] = self.ResourceRegistration(urn, answer_id, answer_state)
        obj = _sync_await(rpc.serialize_properties(answer_state, {}))
        return rpc.resource_pb2.RegisterResourceResponse(urn=urn, id=answer_id, object=obj)

    def RegisterResourceOutputs(self, request):
        record = self.records.get(request.urn)
        if record is not None:
            record["outputs"] = _struct(request.outputs)
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request):
        if request.tok == "pulumi:pulumi:getResource":
            return super().Invoke(request)
        args = _struct(request.args)
        provider = _provider_urn(request.provider)
        result = answer_invoke(request.tok, args, self._region_of(args, provider))
        self.invokes.append(
            {
                "token": request.tok,
                "args": args,
                "mocked": result is not None,
                "result": result,
                "source": self._source(request),
            }
        )
        ret = _sync_await(rpc.serialize_properties(result or {}, {}))
        return rpc.resource_pb2.ResourceInvokeResponse(failures=None, **{"return": ret})


def _autonamed(inputs: dict[str, Any], type_: str) -> dict[str, Any]:
    prop = AUTONAMED.get(type_)
    return {prop: inputs[prop]} if prop in inputs else {}


def _live(struct, keep: dict[str, Any]) -> dict[str, Any]:
    """The program's own input values (secrets and references intact) to echo back as outputs."""
    values = rpc.deserialize_properties(struct, keep_unknowns=False)
    return {k: v for k, v in values.items() if k in keep}


class _ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _program_location(exc: BaseException, project_dir: Path, within: Path | None = None) -> str:
    """file:line of the innermost frame in the user's project (or in `within`, when given)."""
    frames = traceback.extract_tb(exc.__traceback__)
    chosen = None
    for frame in frames:
        if within is not None and Path(frame.filename).resolve() != within:
            continue
        try:
            rel = Path(frame.filename).resolve().relative_to(project_dir)
        except ValueError:
            continue
        if ".venv" not in rel.parts and "site-packages" not in rel.parts:
            chosen = (rel.as_posix(), frame.lineno)
    if chosen is None and frames:
        chosen = (frames[-1].filename, frames[-1].lineno)
    return f"{chosen[0]}:{chosen[1]}" if chosen else "<program>"


@contextlib.contextmanager
def _program_environment(project_dir: Path):
    """cwd and sys.path as the Pulumi language host gives them; program modules unloaded after."""
    saved_cwd, saved_path = os.getcwd(), list(sys.path)
    saved_modules = set(sys.modules)
    os.chdir(project_dir)
    sys.path.insert(0, str(project_dir))
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file.startswith(str(project_dir)) and "site-packages" not in module_file:
                del sys.modules[name]


def _run_program(main: Path) -> None:
    runpy.run_path(str(main), run_name="__main__")
    # The mock runtime closed the root stack before the program ran; register its exports now.
    root = pulumi.runtime.settings.get_root_resource()
    if root is not None and getattr(root, "outputs", None):
        root.register_outputs(massage(root.outputs, []))


def run_under_mocks(config: StackConfig, preview: bool, program: Callable[[], Any]) -> tuple[Recorder, list[str]]:
    """Runs `program` in a fresh mock runtime; returns the recorder and any errors the SDK logged.

    Exceptions from the program propagate unchanged.
    """
    recorder = Recorder(config, preview)
    errors = _ErrorLog()
    logger = logging.getLogger("stayup.program")
    logger.propagate = False
    logger.handlers[:] = [errors]

    # Each run starts from a fresh runtime: a new root Stack, no pending RPCs or outputs.
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.settings.SETTINGS.rpc_manager.clear()
    pulumi.runtime.settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_all_config(config.as_pulumi_config(), sorted(config.secret_keys))
    pulumi.runtime.set_mocks(
        recorder.mocks,
        project=config.project,
        stack=config.stack,
        preview=preview,
        logger=logger,
        monitor=recorder,
    )
    try:
        _sync_await(run_pulumi_func(program))
    finally:
        pulumi.runtime.settings.SETTINGS.rpc_manager.clear()
    return recorder, errors.messages


class _Timeout(BaseException):
    """Raised into a program that ran too long (BaseException: programs catching Exception
    must not swallow it)."""


@contextlib.contextmanager
def _deadline(seconds: float | None):
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


DEFAULT_TIMEOUT = 300.0


def capture(config: StackConfig, preview: bool = False, timeout: float | None = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Runs the stack's program offline and returns its resource graph (schema 1)."""
    try:
        with _program_environment(config.project_dir), _deadline(timeout):
            recorder, errors = run_under_mocks(config, preview, lambda: _run_program(config.main))
    except _Timeout:
        raise ProgramError(f"program did not finish within {timeout:g} s (a hang, or a wait on something unreachable offline)", file=str(config.main)) from None
    except SystemExit as exc:
        raise ProgramError(f"program called sys.exit({exc.code!r}) before finishing", file=str(config.main)) from None
    except pulumi.InputPropertyError as exc:
        # A component rejected its arguments: a user input mistake, pointed at the program line.
        where = _program_location(exc, config.project_dir, within=config.main.resolve())
        raise InputError(f"{exc.property_path}: {exc.reason}", file=where) from None
    except pulumi.InputPropertiesError as exc:
        where = _program_location(exc, config.project_dir, within=config.main.resolve())
        raise InputError(exc.message, file=where) from None
    except Exception as exc:
        where = _program_location(exc, config.project_dir)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ProgramError(f"{type(exc).__name__}: {message}", file=where) from None
    if errors:
        raise ProgramError(errors[0].strip().splitlines()[0], file=str(config.main))

    return {
        "schema": SCHEMA_VERSION,
        "project": config.project,
        "stack": config.stack,
        "region": config.region,
        "preview": preview,
        "resources": [recorder.records[urn] for urn in sorted(recorder.records)],
        "invokes": sorted(
            recorder.invokes,
            key=lambda i: (i["token"], _canonical(i["args"])),
        ),
    }


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
