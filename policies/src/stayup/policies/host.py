"""Runs programs the way the Pulumi CLI does: in their own process and environment.

A capture host (preview/serve.py, copied to a cache directory as the `stayup_capture` package) is
started in the program's interpreter, warms the SDK once and forks one child per stack. Only the
child's result file crosses back; its stdout and stderr go to stayup's stderr, prefixed and capped.
At the deadline the child's whole process group gets SIGTERM, then SIGKILL after a grace period.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from . import graph_schema, regions, values
from .environment import Interpreter, cache_dir
from .errors import InputError, ProgramError, SetupError, StayupError
from .install import ensure_cache
from .processes import GRACE
from .project import StackConfig

SHIM = Path(__file__).resolve().parent / "preview"
SHIM_PACKAGE = "stayup_capture"
BOOT = f"import sys; sys.path.insert(0, sys.argv[1]); from {SHIM_PACKAGE}.serve import main; main(sys.argv[1], int(sys.argv[2]))"
DEFAULT_TIMEOUT = 300.0
OUTPUT_CAP = 64 * 1024  # bytes of a program's output shown per stack
_WRITE = threading.Lock()


class Deadline:
    """One clock for a whole command: reading inputs, starting the host and running the program."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def expired_error(self, file: str) -> ProgramError:
        return ProgramError(f"the program did not finish within {self.seconds:g} s (stopped; a hang, or a wait on something unreachable offline)", file=file)


def stage_shim() -> Path:
    """The directory holding a copy of the capture package, named by the hash of its sources."""
    sources = sorted(SHIM.glob("*.py"))
    digest = hashlib.sha256(b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in sources)).hexdigest()[:16]
    target = cache_dir().parent / f"shim-{digest}"
    if (target / SHIM_PACKAGE / "serve.py").exists():
        return target
    ensure_cache(target.parent)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=".shim."))
    try:
        (building / SHIM_PACKAGE).mkdir()
        for path in sources:
            shutil.copyfile(path, building / SHIM_PACKAGE / path.name)
        with contextlib.suppress(OSError):  # a concurrent run staged the same copy first
            os.rename(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


class Forward(threading.Thread):
    """Copies a program's output to stayup's stderr, each line prefixed, at most OUTPUT_CAP bytes."""

    def __init__(self, stream: IO[bytes], label: str) -> None:
        super().__init__(daemon=True)
        self.stream, self.label, self.shown, self.dropped = stream, label, 0, 0

    def run(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            for raw in iter(self.stream.readline, b""):
                if self.shown + len(raw) > OUTPUT_CAP:
                    self.dropped += len(raw)
                    continue
                self.shown += len(raw)
                _say(f"{self.label} | {raw.decode('utf-8', 'replace').rstrip()}")
        if self.dropped:
            _say(f"{self.label} | … {self.dropped} more bytes of program output not shown")
        with contextlib.suppress(OSError):
            self.stream.close()


def _say(line: str) -> None:
    with _WRITE, contextlib.suppress(OSError, ValueError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def job_for(config: StackConfig, preview: bool, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    answers = answers or {}
    return {
        "answers": {"invokes": answers.get("invokes", []), "stackReferences": answers.get("stackReferences", {})},
        "project": config.project,
        "stack": config.stack,
        "project_dir": str(config.project_dir),
        "main": str(config.main),
        "region": config.region,
        "config": config.as_pulumi_config(),
        "secret_keys": sorted(config.secret_keys),
        "preview": preview,
        "schema": graph_schema.SCHEMA_VERSION,
        "markers": {"unknown": values.UNKNOWN, "secret": values.SECRET, "unanswered": values.UNANSWERED},
        "world": {"account": regions.MOCK_ACCOUNT_ID, "regions": {r: [list(z) for z in zones] for r, zones in regions.REGIONS.items()}},
    }


class Host:
    """A warm capture host in one interpreter; runs one program at a time."""

    def __init__(self, interpreter: Interpreter, deadline: Deadline) -> None:
        self.interpreter = interpreter
        self.versions: dict[str, Any] = {}
        self.child: int | None = None
        self.deferred: list[dict[str, Any]] = []  # the last run's apply callbacks that never ran (skipped on unknowns)
        self.unknown_answers = False  # whether it gave the program unanswered values as unknown
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        shim = stage_shim()
        env = dict(os.environ)
        venv = interpreter.python.parent.parent
        if (venv / "pyvenv.cfg").exists():
            env["VIRTUAL_ENV"] = str(venv)
        # Bytecode goes to stayup's cache, never beside the program's files (its repository stays
        # as it was) and is written even under PYTHONDONTWRITEBYTECODE (common in CI), so a run
        # does not compile the provider SDK again (0.3-0.6 s a run).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache_dir().parent / "bytecode")
        try:
            self.process = subprocess.Popen(
                [str(interpreter.python), "-u", "-c", BOOT, str(shim), str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                cwd=shim,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            ours.close()
            raise InputError(f"cannot start the program's interpreter: {exc.strerror}", file=str(interpreter.python)) from None
        finally:
            theirs.close()
        assert self.process.stdout is not None
        Forward(self.process.stdout, "capture host").start()
        message = self._receive(deadline.remaining(), what="start")
        if message is None:
            self.close()
            raise deadline.expired_error(str(interpreter.python))
        if "error" in message:
            self.close()
            error = message["error"]
            if error.get("kind") in ("range", "sdk"):
                raise SetupError(f"{error['message']} in {interpreter.origin}; upgrade the program's pulumi SDK", file=str(interpreter.python))
            raise ProgramError(f"{error['message']} in {interpreter.origin}; {_hint(interpreter)}", file=str(interpreter.python))
        self.versions = message.get("ready", {})

    def _receive(self, timeout: float, *, what: str) -> dict[str, Any] | None:
        """The host's next message; None at the timeout. A host that died is a program failure."""
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(1 << 16)
        except TimeoutError:
            return None
        except OSError:
            data = b""
        if not data:
            code = self.process.poll()
            raise ProgramError(f"the capture host in {self.interpreter.origin} ended (code {code}) at {what}", file=str(self.interpreter.python))
        message: dict[str, Any] = json.loads(data)
        return message

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(
        self, config: StackConfig, *, preview: bool, deadline: Deadline, label: str | None = None, warm: set[str] | None = None, answers: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The stack's graph, or a StayupError saying why there is none. `warm`: provider modules
        to load before forking; the ones this program loaded are added to it."""
        with tempfile.TemporaryDirectory(prefix="stayup-job-") as work:
            job_file, result_file = Path(work) / "job.json", Path(work) / "result.json"
            job_file.write_text(json.dumps(job_for(config, preview, answers)), encoding="utf-8")
            read, write = os.pipe()
            try:
                request = {"job": str(job_file), "result": str(result_file), "warm": sorted(warm or ())}
                socket.send_fds(self.sock, [json.dumps(request).encode()], [write])
            except OSError:
                os.close(read)
                raise ProgramError(f"the capture host in {self.interpreter.origin} is gone", file=str(config.main)) from None
            finally:
                os.close(write)
            output = Forward(os.fdopen(read, "rb"), label or config.stack)
            output.start()
            code, timed_out = self._await_child(deadline)
            output.join(timeout=1.0)  # a daemon the program left behind may keep the pipe open
            if timed_out:
                raise deadline.expired_error(str(config.main))
            if not result_file.exists():
                raise ProgramError(_early_exit(code), file=str(config.main))
            result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
        if warm is not None and isinstance(result.get("warm"), list):
            warm.update(name for name in result["warm"] if isinstance(name, str))
        if "error" in result:
            raise _error(result["error"], config, self.interpreter)
        deferred = result.get("deferred")
        self.deferred = [d for d in deferred if isinstance(d, dict)] if isinstance(deferred, list) else []
        self.unknown_answers = bool(result.get("unknown_answers"))
        graph: dict[str, Any] = result["graph"]
        if answers and answers.get("existing"):
            graph["existing"] = answers["existing"]
        graph["runtime"] = {"interpreter": self.interpreter.origin, **{k: v for k, v in self.versions.items() if k != "executable"}}
        return graph

    def _await_child(self, deadline: Deadline) -> tuple[int | None, bool]:
        started = self._receive(max(deadline.remaining(), 5.0), what="fork")
        if started is None or "started" not in started:
            raise ProgramError(f"the capture host in {self.interpreter.origin} did not start the program", file=str(self.interpreter.python))
        pid = self.child = int(started["started"])
        exited = self._receive(deadline.remaining(), what="run")
        if exited is not None:
            self.child = None
            return int(exited["exited"]), False
        for signum, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, 10.0)):
            with contextlib.suppress(OSError):
                os.killpg(pid, signum)
            exited = self._receive(wait, what="stop")
            if exited is not None:
                self.child = None
                return int(exited["exited"]), True
        self.close()
        return None, True

    def close(self) -> None:
        """Ends the host and the program it runs, with everything they started."""
        for group in (self.child, self.process.pid):
            if group is not None:
                with contextlib.suppress(OSError):
                    os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)


def _early_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the program was killed by {name} before its resources were registered"
    return f"the program exited (code {code}) before its resources were registered"


def _hint(interpreter: Interpreter) -> str:
    if interpreter.own:
        return "point stayup at the program's environment: Pulumi.yaml runtime.options.virtualenv, --python PATH or --install"
    return "install the program's dependencies into that environment, or pass --install"


def _error(error: dict[str, Any], config: StackConfig, interpreter: Interpreter) -> StayupError:
    where = error.get("where")
    file = where or str(config.main)
    if error["kind"] == "input":
        return InputError(error["message"], file=file)
    if error["kind"] == "region":
        return InputError(f"{error['message']}: {regions.unknown_region(error.get('region'))}", file=file)
    if error["kind"] == "module":
        return ProgramError(f"{error['message']} in {interpreter.origin}; {_hint(interpreter)}", file=file)
    return ProgramError(error["message"], file=file)


# Hosts kept for the next command of the same process (see keep_hosts); None: each command's own.
_KEPT: dict[tuple[str, ...], Pool] | None = None
_KEPT_IGNORING: frozenset[str] = frozenset()


@contextlib.contextmanager
def keep_hosts(ignoring: tuple[str, ...] = ()) -> Iterator[None]:
    """Within the block, a command's warm hosts outlive it and serve the next command run in this
    process with the same interpreter and environment (variables named in `ignoring` aside), as
    `--all` shares them between stacks: for callers that run many checks in one process. Every
    kept host ends with the block."""
    global _KEPT, _KEPT_IGNORING
    _KEPT, _KEPT_IGNORING = {}, frozenset(ignoring)
    try:
        yield
    finally:
        kept, _KEPT = _KEPT, None
        for pool in kept.values():
            pool.close()


@contextlib.contextmanager
def hosts(interpreter: Interpreter, answers: dict[str, Any] | None = None) -> Iterator[Pool]:
    if _KEPT is not None:
        # A host inherits the environment it started in, so only an identical one is reused.
        environment = hashlib.sha256(json.dumps(sorted((k, v) for k, v in os.environ.items() if k not in _KEPT_IGNORING)).encode()).hexdigest()
        kept = _KEPT.setdefault((repr(interpreter), environment, str(stage_shim())), Pool(interpreter))
        yield kept.sharing(answers)
        return
    pool = Pool(interpreter, answers)
    try:
        yield pool
    finally:
        pool.close()


class Pool:
    """Warm hosts for one interpreter, started on demand, one per concurrent caller; a host that
    died is replaced."""

    def __init__(self, interpreter: Interpreter, answers: dict[str, Any] | None = None) -> None:
        self.interpreter = interpreter
        self.answers = answers
        self.idle: list[Host] = []
        self.warm: set[str] = set()
        self.all: list[Host] = []
        self.lock = threading.Lock()

    def sharing(self, answers: dict[str, Any] | None) -> Pool:
        """A pool over the same hosts with its own answers (one command's view of kept hosts)."""
        view = Pool(self.interpreter, answers)
        view.idle, view.warm, view.all, view.lock = self.idle, self.warm, self.all, self.lock
        return view

    def run(self, config: StackConfig, *, preview: bool, deadline: Deadline, label: str | None = None) -> dict[str, Any]:
        graph, deferred, unanswered = self._run(config, preview=preview, deadline=deadline, label=label)
        if preview and deferred:
            # A first preview does not run `apply` callbacks whose input is unknown: what they
            # would declare is missing. The same program in update mode shows what that is.
            full, deferred, unanswered = self._run(config, preview=False, deadline=deadline, label=label)
            present = {r["urn"] for r in graph["resources"]}
            graph["skipped"] = [{"urn": r["urn"], "source": r.get("source")} for r in full["resources"] if r["urn"] not in present]
        elif preview:
            graph["skipped"] = []  # every apply callback ran: nothing can be missing
        if deferred and unanswered:
            # Even after a deploy these callbacks may wait on a value nobody answered: what they
            # declare or compute was never seen. (Without unanswered values they wait on what only
            # AWS decides, e.g. a certificate's validation options, as any offline check would.)
            graph["unrun"] = deferred
        return graph

    def _run(self, config: StackConfig, *, preview: bool, deadline: Deadline, label: str | None) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
        with self.lock:
            host = None
            while self.idle and host is None:
                host = self.idle.pop()
                host = host if host.alive else None  # a kept host stopped since (an interrupted --all)
        if host is None:
            host = Host(self.interpreter, deadline)
            with self.lock:
                self.all.append(host)
        try:
            graph = host.run(config, preview=preview, deadline=deadline, label=label, warm=self.warm, answers=self.answers)
            return graph, host.deferred, host.unknown_answers
        finally:
            if host.alive:
                with self.lock:
                    self.idle.append(host)

    def close(self) -> None:
        for host in self.all:
            host.close()


def capture(config: StackConfig, *, preview: bool = False, interpreter: Interpreter, deadline: Deadline, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """One stack's graph, its program run in its own process and environment."""
    with hosts(interpreter, answers) as pool:
        return pool.run(config, preview=preview, deadline=deadline)
