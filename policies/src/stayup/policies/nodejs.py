"""Runs Node.js programs (TypeScript and JavaScript) as the Pulumi CLI does, owning only the engine's side.

pulumi-language-nodejs starts `node [nodeargs] <node_modules>/@pulumi/pulumi/cmd/run --monitor A
--engine A --organization O --project P --root-directory DIR --stack S --pwd PROGRAM_DIR [--dry-run]
<entry point>` with PULUMI_CONFIG (JSON), PULUMI_CONFIG_SECRET_KEYS (JSON list), and
PULUMI_NODEJS_TYPESCRIPT / PULUMI_NODEJS_TSCONFIG_PATH from Pulumi.yaml `runtime.options`
(sdk/nodejs/cmd/pulumi-language-nodejs/main.go; `cmd/run` turns the flags into PULUMI_NODEJS_*
variables and loads TypeScript through the SDK's ts-node support). stayup does the same, and serves
the `ResourceMonitor` and `Engine` gRPC services on 127.0.0.1 itself, backed by the capture's
Recorder: the mocks, answers, unknown/secret model and component expansions Python programs run
against, so the graph has the same shape. Source positions come from the SDK, already mapped to
`.ts` lines by its source-map support.

Differences from the CLI, on purpose: TypeScript is transpiled without type checking
(PULUMI_NODEJS_TRANSPILE_ONLY=true unless the environment sets it: the gate judges resilience, `tsc`
judges types); and `--install` builds node_modules outside the project, keyed by the lock file, and
the program finds them through NODE_PATH (CommonJS resolution; the project directory is never written).

Like Python programs, the program runs in its own process group, its output goes to stayup's stderr
prefixed with the stack name, and at the deadline the whole group gets SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from . import inputs, regions
from .errors import InputError, ProgramError, SetupError
from .host import Deadline, Forward, _early_exit, _say, job_for
from .install import COMPLETE, INSTALL_TIMEOUT, build_once, cache_dir, say
from .install import run as run_tool
from .processes import stop_group
from .project import NodeOptions, StackConfig

ORGANIZATION = "organization"  # what the CLI's local backend passes
PRELOAD = Path(__file__).resolve().parent / "nodejs_preload.js"
RUN_MODULE = Path("@pulumi", "pulumi", "cmd", "run", "index.js")
# Node runs in a PID namespace of its own where Linux allows it, set up as for Python programs (the
# capture host's `_in_own_pid_namespace`, loaded by path from the standard library alone): a
# daemon it leaves behind, detached or not, ends with it.
SERVE = Path(__file__).resolve().parent / "preview" / "serve.py"
_IN_OWN_NAMESPACE = (
    "import importlib.util, os, sys; spec = importlib.util.spec_from_file_location('stayup_serve', sys.argv[1]); "
    "serve = importlib.util.module_from_spec(spec); spec.loader.exec_module(serve); serve._in_own_pid_namespace(); "
    "import signal; signal.signal(signal.SIGPIPE, signal.SIG_DFL); os.execv(sys.argv[2], sys.argv[2:])"
)
# Lock files, in the order pulumi-language-nodejs prefers them (packagemanager: auto).
LOCKS = {"npm": "package-lock.json", "yarn": "yarn.lock", "pnpm": "pnpm-lock.yaml"}
_INSTALL = {
    "npm": ["ci", "--ignore-scripts", "--no-audit", "--no-fund"],
    "yarn": ["install", "--frozen-lockfile", "--ignore-scripts", "--non-interactive"],
    "pnpm": ["install", "--frozen-lockfile", "--ignore-scripts"],
}
# Features the SDK asks about. Callbacks into the program (transforms, hooks) are not served:
# the SDK then refuses them with its own message instead of stayup silently skipping them.
_FEATURES = {"secrets", "resourceReferences", "deletedWith", "replaceWith", "aliasSpecs", "parameterization"}
_SKIPPED = 2  # Result.SKIP in the Node SDK's protocol: outputs left out are unknown, not undefined
_CALLS = threading.Lock()  # the recorder's module state (and its event loop) serve one call at a time


@dataclass(frozen=True)
class Node:
    """A node binary and the node_modules a program runs with."""

    node: str
    modules: Path  # the node_modules directory holding @pulumi/pulumi
    origin: str  # where the node_modules come from, in words for the report header
    installed: bool = False  # built by --install (found through NODE_PATH)

    @property
    def run_path(self) -> Path:
        return self.modules / RUN_MODULE.parent


def find_node(project_file: Path | None) -> str:
    found = shutil.which("node")
    if found is None:
        raise InputError("nodejs, but node is not on PATH; install Node.js 18 or newer", file=str(project_file) if project_file else None, key="runtime")
    return found


def resolve(config: StackConfig, *, install: bool = False) -> Node:
    """The program's own node_modules (as Node resolves @pulumi/pulumi from the program's directory),
    or with `--install` one built from its lock file."""
    node = find_node(config.runtime.project_file)
    program_dir, _ = pwd_main(config.main)
    if install:
        modules, how = installed(config.project_dir, _options(config))
        return Node(node, modules, f"installed node_modules {modules.parent} ({how})", installed=True)
    for directory in (program_dir, *program_dir.parents):
        if (directory / "node_modules" / RUN_MODULE).is_file():
            where = "the program's node_modules" if directory in (program_dir, config.project_dir) else f"the node_modules of {directory}"
            return Node(node, directory / "node_modules", where)
        if (directory / ".git").exists():
            break  # a workspace's node_modules are at its root at the highest
    manager = _manager(config.project_dir, _options(config))
    raise InputError(
        f"no node_modules with @pulumi/pulumi; run `{manager} install` in {config.project_dir} or pass --install",
        file=str(config.project_dir / "package.json"),
    )


def _options(config: StackConfig) -> NodeOptions:
    return config.runtime.node or NodeOptions()


def pwd_main(main: Path) -> tuple[Path, str]:
    """(working directory, entry point) as the CLI derives them from Pulumi.yaml `main` (getPwdMain)."""
    return (main, ".") if main.is_dir() else (main.parent, main.name)


# --- --install ----------------------------------------------------------------------------


def _manager(project_dir: Path, options: NodeOptions) -> str:
    if options.packagemanager != "auto":
        return options.packagemanager
    return next((manager for manager, lock in LOCKS.items() if (project_dir / lock).is_file()), "npm")


def installed(project_dir: Path, options: NodeOptions) -> tuple[Path, str]:
    """(node_modules, what they were built from): `npm ci` (or yarn/pnpm by lock file) in a cache
    directory named by the hash of package.json and the lock; without a lock, `npm install`."""
    manager = _manager(project_dir, options)
    lock = LOCKS[manager]
    names = ["package.json", *([lock] if (project_dir / lock).is_file() else []), *([".npmrc"] if (project_dir / ".npmrc").is_file() else [])]
    texts = {name: inputs.read_text(project_dir / name, "--install") for name in names}
    digest = hashlib.sha256(manager.encode())
    for name in names:
        digest.update(b"\0" + name.encode() + b"\0" + texts[name].encode())
    target = cache_dir().absolute() / f"node-{manager}-{digest.hexdigest()[:16]}"
    how = f"from {', '.join(n for n in names if n != '.npmrc')}"
    if (target / COMPLETE).exists():
        return target / "node_modules", how
    tool = shutil.which(manager)
    if tool is None:
        raise InputError(f"{manager} is not on PATH; install it, or run `{manager} install` yourself and drop --install", file=str(project_dir / lock), key="--install")

    def build(building: Path) -> None:
        for name, text in texts.items():
            (building / name).write_text(text, encoding="utf-8")
        argv = [tool, *(_INSTALL[manager] if lock in texts else ["install", "--ignore-scripts", "--no-audit", "--no-fund"])]
        env = {**os.environ, "NO_COLOR": "1", "npm_config_update_notifier": "false"}
        say(f"--install: installing node_modules {how} ({manager} {argv[1]})")
        done = run_tool(argv, cwd=building, timeout=INSTALL_TIMEOUT, env=env)
        if done.returncode != 0:
            lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            reason = next((line for line in lines if "ERR" in line and not line.endswith("ERR!")), lines[-1] if lines else "no output")
            raise SetupError(f"cannot install the program's node_modules (`{manager} {argv[1]}`): {reason[:600]}", file=str(project_dir / (lock if lock in texts else "package.json")))
        if not (building / "node_modules" / RUN_MODULE).is_file():
            raise SetupError("the installed node_modules have no @pulumi/pulumi; add it to the dependencies", file=str(project_dir / "package.json"))

    build_once(target, build)
    return target / "node_modules", how


# --- the engine's side --------------------------------------------------------------------


class _Run:
    """One program run: the recorder behind the monitor, and what the engine service heard."""

    def __init__(self, config: StackConfig, preview: bool, answers: dict[str, Any] | None, label: str, notes: Path) -> None:
        from .preview import capture

        self.capture = capture
        self.notes = notes  # what the preload noted (nodejs_preload.js), read as the requests arrive
        self.read = 0
        self.declared: dict[tuple[str, str], list[str]] = {}
        self.sites: dict[str, list[Any]] = {}
        self.node_version: str | None = None
        self.pending: list[dict[str, Any]] | None = None  # the program's apply callbacks that never ran; None: not noted
        self.job = capture.Job.load(job_for(config, preview, answers))
        self.recorder = capture.Recorder(self.job, preview)  # URNs name the job's stack and project
        self.preview = preview
        self.label = label
        self.errors: list[str] = []  # messages the SDK logged as errors (an unhandled exception)
        self.failures: list[str] = []  # calls stayup could not serve
        self.bad_regions: list[tuple[str, str, Any]] = []
        self.root = ""
        self.finished = False  # the SDK finished the stack (signalled shutdown or registered the stack's outputs)

    def take_notes(self) -> None:
        try:
            with open(self.notes, "rb") as handle:
                handle.seek(self.read)
                data = handle.read()
        except OSError:
            return
        end = data.rfind(b"\n") + 1  # a line still being written is read next time
        self.read += end
        for line in data[:end].splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if "declared" in item:
                t, name, outputs = item["declared"]
                self.declared[(t, name)] = outputs
            elif "invoke" in item:
                token, site = item["invoke"]
                self.sites.setdefault(token, []).append(site)
            elif "node" in item:
                self.node_version = str(item["node"])
            elif "pending" in item and isinstance(item["pending"], list):
                self.pending = [p for p in item["pending"] if isinstance(p, dict)]

    def call(self, method: Callable[[Any], Any], request: Any) -> Any:
        """One request, served by the recorder with this run's notes in the capture's module state."""
        with _CALLS:
            asyncio.set_event_loop(_loop())  # the recorder's awaits run on one loop, whatever the gRPC thread
            capture = self.capture
            self.take_notes()
            regions, declared, sites = capture._BAD_REGIONS, capture._PROPERTIES, capture._INVOKE_SITES
            regions.clear()
            key = (getattr(request, "type", ""), getattr(request, "name", ""))
            if key in self.declared:
                declared[key] = self.declared[key]
            token = getattr(request, "tok", None)
            if token and self.sites.get(token):
                sites[token] = [self.sites[token].pop(0)]
            try:
                return method(request)
            except Exception as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}".splitlines()[0])
                raise
            finally:
                self.bad_regions.extend(regions)
                regions.clear()
                declared.pop(key, None)
                if token:
                    sites.pop(token, None)


_LOOP: asyncio.AbstractEventLoop | None = None


def _loop() -> asyncio.AbstractEventLoop:
    global _LOOP
    if _LOOP is None:
        _LOOP = asyncio.new_event_loop()
        atexit.register(_LOOP.close)
    return _LOOP


def _servicers(state: _Run) -> tuple[Any, Any]:
    from google.protobuf import empty_pb2, json_format, struct_pb2
    from pulumi.runtime import rpc
    from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, resource_pb2, resource_pb2_grpc

    recorder = state.recorder

    class Monitor(resource_pb2_grpc.ResourceMonitorServicer):
        def SupportsFeature(self, request: Any, context: Any) -> Any:
            return resource_pb2.SupportsFeatureResponse(hasSupport=request.id in _FEATURES)

        def RegisterResource(self, request: Any, context: Any) -> Any:
            response = state.call(recorder.RegisterResource, request)
            if getattr(response, "unknown", False):
                # What Python SDKs read from `unknown`, the Node SDK reads from a skipped result.
                response.result = _SKIPPED
            return response

        def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:
            state.call(recorder.RegisterResourceOutputs, request)
            if request.urn and request.urn == state.root:
                state.finished = True
            return empty_pb2.Empty()

        def ReadResource(self, request: Any, context: Any) -> Any:
            response = state.call(recorder.ReadResource, request)
            if request.type == "pulumi:pulumi:StackReference" and getattr(response, "unknown", False):
                # The Node SDK reads no `unknown` on a read: an output value without a value is
                # unknown to the program in an update too (as the Python SDK's `unknown` makes it).
                properties = json_format.MessageToDict(response.properties)
                properties["outputs"] = {rpc._special_sig_key: rpc._special_output_value_sig}
                struct = struct_pb2.Struct()
                struct.update(properties)
                return resource_pb2.ReadResourceResponse(urn=response.urn, properties=struct)
            return response

        def Invoke(self, request: Any, context: Any) -> Any:
            return state.call(recorder.Invoke, request)

        def RegisterPackage(self, request: Any, context: Any) -> Any:
            return state.call(recorder.RegisterPackage, request)

        def SignalAndWaitForShutdown(self, request: Any, context: Any) -> Any:
            state.finished = True
            return empty_pb2.Empty()

    class Engine(engine_pb2_grpc.EngineServicer):
        def Log(self, request: Any, context: Any) -> Any:
            if request.severity == engine_pb2.ERROR:
                state.errors.append(request.message)
            elif request.severity in (engine_pb2.INFO, engine_pb2.WARNING):
                word = "warning: " if request.severity == engine_pb2.WARNING else ""
                for line in request.message.rstrip().splitlines():
                    _say(f"{state.label} | {word}{line}")
            return empty_pb2.Empty()  # debug chatter of the SDK is dropped

        def GetRootResource(self, request: Any, context: Any) -> Any:
            return engine_pb2.GetRootResourceResponse(urn=state.root)

        def SetRootResource(self, request: Any, context: Any) -> Any:
            state.root = request.urn
            return engine_pb2.SetRootResourceResponse()

        def RequirePulumiVersion(self, request: Any, context: Any) -> Any:
            return empty_pb2.Empty()

    return Monitor(), Engine()


def _reserve_port() -> socket.socket:
    """A port on 127.0.0.1, held (bound, not listening) until the gRPC server binds it too
    (gRPC sets SO_REUSEPORT): the program starts before stayup has loaded the protocol."""
    placeholder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    placeholder.bind(("127.0.0.1", 0))
    return placeholder


@contextlib.contextmanager
def _serving(state: _Run, port: int, ready: Path) -> Iterator[None]:
    """The ResourceMonitor and Engine services on the reserved port; `ready` exists once they answer."""
    import grpc
    from pulumi.runtime.proto import engine_pb2_grpc, resource_pb2_grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
    monitor, engine = _servicers(state)
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(monitor, server)
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    if server.add_insecure_port(f"127.0.0.1:{port}") != port:
        raise ProgramError(f"cannot serve the engine protocol on 127.0.0.1:{port}")
    server.start()
    ready.touch()
    try:
        yield
    finally:
        server.stop(None)


# --- running ------------------------------------------------------------------------------


def _argv(config: StackConfig, node: Node, address: str, preview: bool) -> list[str]:
    program_dir, entry = pwd_main(config.main)
    try:
        nodeargs = shlex.split(_options(config).nodeargs)
    except ValueError as exc:
        raise InputError(f"cannot split: {exc}", file=str(config.runtime.project_file), key="runtime.options.nodeargs") from None
    # `-r`, not `--require`: the SDK keeps its automatic ESM mode only without a `--require` loader.
    return [
        node.node, *nodeargs, "-r", str(PRELOAD), str(node.run_path),
        f"--monitor={address}", f"--engine={address}", f"--organization={ORGANIZATION}", f"--project={config.project}",
        f"--root-directory={config.project_dir}", f"--stack={config.stack}", f"--pwd={program_dir}",
        *(["--dry-run"] if preview else []), entry,
    ]  # fmt: skip


def _env(config: StackConfig, node: Node, notes: Path, port: int, preview: bool) -> dict[str, str]:
    options = _options(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_NODEJS_", "PULUMI_CONFIG", "STAYUP_NODE_"))}
    env.update({
        "STAYUP_NODE_NOTES": str(notes), "STAYUP_NODE_READY": str(notes.with_name("ready")),
        "STAYUP_NODE_SDK": str(node.run_path.parent.parent.resolve()), "STAYUP_NODE_PROJECT": str(config.project_dir),
    })  # fmt: skip
    # What `cmd/run` sets from its flags, set before it runs: the preload loads SDK modules first.
    env.update({
        "PULUMI_NODEJS_MONITOR": f"127.0.0.1:{port}", "PULUMI_NODEJS_ENGINE": f"127.0.0.1:{port}", "PULUMI_NODEJS_ORGANIZATION": ORGANIZATION,
        "PULUMI_NODEJS_PROJECT": config.project, "PULUMI_NODEJS_STACK": config.stack, "PULUMI_NODEJS_ROOT_DIRECTORY": str(config.project_dir),
    })  # fmt: skip
    if preview:
        env["PULUMI_NODEJS_DRY_RUN"] = "true"
    env["PULUMI_CONFIG"] = json.dumps(config.as_pulumi_config())
    env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(sorted(config.secret_keys))
    if options.typescript:
        env["PULUMI_NODEJS_TYPESCRIPT"] = "true"
    if options.tsconfig:
        env["PULUMI_NODEJS_TSCONFIG_PATH"] = options.tsconfig
    env["PULUMI_NODEJS_TRANSPILE_ONLY"] = os.environ.get("PULUMI_NODEJS_TRANSPILE_ONLY", "true")
    if node.installed:
        env["NODE_PATH"] = os.pathsep.join([str(node.modules), *filter(None, [os.environ.get("NODE_PATH")])])
    return env


def run(
    config: StackConfig, node: Node, *, preview: bool, deadline: Deadline, answers: dict[str, Any] | None = None, label: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """The stack's graph and the program's apply callbacks that never ran (None: not noted), or a
    StayupError saying why there is none."""
    with tempfile.TemporaryDirectory(prefix="stayup-node-") as work:
        notes = Path(work) / "notes.jsonl"
        notes.touch()
        return _run(config, node, preview=preview, deadline=deadline, answers=answers, label=label, notes=notes)


def _run(
    config: StackConfig, node: Node, *, preview: bool, deadline: Deadline, answers: dict[str, Any] | None, label: str | None, notes: Path
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    placeholder = _reserve_port()
    port = placeholder.getsockname()[1]
    ready = notes.with_name("ready")
    program_dir, _ = pwd_main(config.main)
    try:
        # Node loads its SDK (most of a run) while stayup loads the protocol and starts serving;
        # the preload holds the SDK's first call until `ready` exists.
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _IN_OWN_NAMESPACE, str(SERVE), *_argv(config, node, f"127.0.0.1:{port}", preview)],
            cwd=program_dir, env=_env(config, node, notes, port, preview),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    except OSError as exc:
        placeholder.close()
        raise InputError(f"cannot start node: {exc.strerror}", file=node.node, key="runtime") from None
    assert process.stdout is not None
    output = Forward(process.stdout, label or config.stack)
    output.start()
    timed_out = False
    try:
        state = _Run(config, preview, answers, label or config.stack, notes)
        with _serving(state, port, ready):
            placeholder.close()
            try:
                process.wait(timeout=deadline.remaining())
            except subprocess.TimeoutExpired:
                timed_out = True
                stop_group(process)
    finally:
        placeholder.close()
        # Whatever the program left behind (a server, a child) goes with its group; so does the
        # program itself when stayup is interrupted.
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        output.join(timeout=1.0)
    entry = _entry_file(config)
    if timed_out:
        raise deadline.expired_error(str(entry))
    if state.bad_regions:
        what, region, source = state.bad_regions[0]
        raise InputError(f"{what}: region: {regions.unknown_region(region)}", file=_at(source))
    if process.returncode != 0 or state.errors:
        raise _failure(state, config, entry, process.returncode)
    if not state.finished:
        raise ProgramError(_early_exit(process.returncode), file=str(entry))
    result = state.capture.recorded_graph(state.job, state.recorder)
    if "error" in result:
        error = result["error"]
        raise ProgramError(error["message"], file=error.get("where") or str(entry))
    graph: dict[str, Any] = result["graph"]
    if answers and answers.get("existing"):
        graph["existing"] = answers["existing"]
    state.take_notes()  # the callbacks that never ran are noted at exit
    graph["runtime"] = {"interpreter": f"node {state.node_version or '(version not noted)'} with {node.origin}", **_package_versions(node.modules)}
    return graph, state.pending


def _package_versions(modules: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for package in ("@pulumi/pulumi", "@pulumi/aws"):
        try:
            found[package] = str(json.loads((modules / package / "package.json").read_text(encoding="utf-8"))["version"])
        except (OSError, ValueError, KeyError):
            found[package] = None
    return found


def _entry_file(config: StackConfig) -> Path:
    """The program's file as errors name it: `main`, else package.json `main`, else index.ts/.js."""
    if config.main.is_file():
        return config.main
    with contextlib.suppress(OSError, ValueError, AttributeError):
        declared = json.loads((config.main / "package.json").read_text(encoding="utf-8")).get("main")
        if isinstance(declared, str) and (config.main / declared).is_file():
            return config.main / declared
    return next((config.main / n for n in ("index.ts", "index.js") if (config.main / n).is_file()), config.main)


def _at(source: Any) -> str | None:
    return f"{source['file']}:{source['line']}" if isinstance(source, dict) else None


_FRAME = re.compile(r"\(?((?:file://)?/[^():]+):(\d+)(?::\d+)?\)?$")
_TS_DIAGNOSTIC = re.compile(r"^(?P<file>[^\s()]+\.[cm]?[tj]sx?)\((?P<line>\d+),\d+\): (?P<message>.+)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the SDK colours stack traces
_PREAMBLE = re.compile(r"^Running program '.*' failed with an unhandled exception:$")


def _failure(state: _Run, config: StackConfig, entry: Path, code: int | None) -> ProgramError:
    """One line from what the SDK logged: the error's first line, at the innermost program frame."""
    if not state.errors:
        if state.failures:
            return ProgramError(f"stayup could not serve the program: {state.failures[0]}", file=str(entry))
        return ProgramError(_early_exit(code), file=str(entry))
    lines = [line.rstrip() for line in _ANSI.sub("", state.errors[0]).splitlines() if line.strip()]
    lines = [line for line in lines if not _PREAMBLE.match(line.strip())]
    where: str | None = None
    message = ""
    for line in lines:
        diagnostic = _TS_DIAGNOSTIC.match(line.strip())
        if diagnostic:  # a TypeScript compile error (type checking on)
            return ProgramError(diagnostic["message"], file=f"{diagnostic['file']}:{diagnostic['line']}")
        if line.lstrip().startswith("at "):
            frame = _FRAME.search(line.strip())
            if frame and where is None:
                where = _own(frame[1], config.project_dir, frame[2])
        elif not message:
            message = line.strip()
    if where is None and state.failures:
        message = f"stayup could not serve the program: {state.failures[0]}"
    return ProgramError(message or _early_exit(code), file=where or str(entry))


def _own(path: str, project_dir: Path, line: str) -> str | None:
    """`file:line` of a frame in the program's own files, project-relative; None elsewhere."""
    try:
        resolved = Path(unquote(urlparse(path).path) if path.startswith("file://") else path).resolve()
        rel = resolved.relative_to(project_dir)
    except (ValueError, OSError):
        return None
    if "node_modules" in rel.parts:
        return None
    return f"{rel.as_posix()}:{line}"


# --- what check_all and capture_stack use -------------------------------------------------


class Programs:
    """The Node counterpart of host.Pool: runs one project's stacks (one node process each)."""

    def __init__(self, node: Node, answers: dict[str, Any] | None = None) -> None:
        self.node = node
        self.answers = answers

    def run(self, config: StackConfig, *, preview: bool, deadline: Deadline, label: str | None = None) -> dict[str, Any]:
        graph, pending = run(config, self.node, preview=preview, deadline=deadline, answers=self.answers, label=label)
        if preview and pending != []:
            # A first preview runs no `apply` callback whose input is unknown (or they were not
            # noted): the same program in update mode shows what they would declare.
            full, pending = run(config, self.node, preview=False, deadline=deadline, answers=self.answers, label=label)
            present = {r["urn"] for r in graph["resources"]}
            graph["skipped"] = [{"urn": r["urn"], "source": r.get("source")} for r in full["resources"] if r["urn"] not in present]
        elif preview:
            graph["skipped"] = []  # every apply callback ran: nothing can be missing
        if pending:
            # Even after a deploy these callbacks wait on a value nobody answered: what they
            # declare or compute was never seen (as host.Pool reports for Python programs).
            graph["unrun"] = pending
        return graph

    def close(self) -> None:
        """Nothing stays running between stacks."""


@contextlib.contextmanager
def programs(config: StackConfig, answers: dict[str, Any] | None = None, *, install: bool = False) -> Iterator[Programs]:
    pool = Programs(resolve(config, install=install), answers)
    try:
        yield pool
    finally:
        pool.close()
