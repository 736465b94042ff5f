"""The capture host: a warm interpreter in the program's environment that forks one child per stack.

Started by stayup as `python -c BOOT <shim dir> <socket fd>`; speaks JSON over a SEQPACKET socket:
it sends {"ready": {...}} (or {"error": {...}} when the environment has no pulumi SDK), then for each
{"job": ..., "result": ...} request (with the write end of the child's output pipe attached) it forks,
sends {"started": pid}, and {"exited": code} when the child ends. The child runs the program in its
own process group with its output on that pipe and writes its result file; the program can end or
patch only itself. When stayup goes away (EOF), running children are killed and the host exits.

Only the standard library is imported at module level: the SDK is imported after the handshake.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import select
import signal
import socket
import sys
from typing import Any

_MAX_MESSAGE = 1 << 16
# Imported once in the host so each forked child starts warm; absent ones are skipped. Provider
# modules that earlier stacks loaded arrive with each job (their loading is most of a run's time).
_WARM = ("pulumi_aws",)
_PROVIDER_MODULE = re.compile(r"pulumi_[a-z0-9_]+(\.[a-z0-9_]+)*")
# The oldest SDKs programs run on here (older ones speak another protocol to the mock runtime).
OLDEST = {"pulumi": (3, 120, 0), "pulumi-aws": (5, 0, 0)}
OLDEST_TEXT = "pulumi 3.120 or newer with pulumi-aws 5 or newer"


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.send(json.dumps(message).encode())


def _versions() -> dict[str, Any]:
    from importlib import metadata

    found: dict[str, Any] = {"python": ".".join(map(str, sys.version_info[:3])), "executable": sys.executable}
    for dist in ("pulumi", "pulumi-aws"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = None
    return found


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def _below_range(versions: dict[str, Any]) -> str | None:
    for dist, oldest in OLDEST.items():
        found = versions.get(dist)
        if isinstance(found, str) and _release(found) < oldest:
            return f"{dist} {found} is installed; stayup runs programs on {OLDEST_TEXT}"
    return None


def main(shim_dir: str, fd: int) -> None:
    sock = socket.socket(fileno=fd)
    old = _below_range(_versions())
    if old:
        _send(sock, {"error": {"kind": "range", "message": old}})
        os._exit(0)
    try:
        from . import capture  # noqa: F401  (imports the SDK)
    except ImportError as exc:
        _send(sock, {"error": {"kind": "module", "module": exc.name, "message": f"{type(exc).__name__}: {exc}"}})
        os._exit(0)
    except Exception as exc:  # an SDK that cannot load here (e.g. its protobuf is incompatible)
        text = str(exc).strip().splitlines()
        _send(sock, {"error": {"kind": "sdk", "message": f"the pulumi SDK cannot be imported: {type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")}})
        os._exit(0)
    warm(_WARM)
    _send(sock, {"ready": _versions()})
    serve(sock, shim_dir)


def warm(names: Any) -> None:
    """Loads provider SDK modules (generated code without side effects), lazy ones included."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names if isinstance(names, list | tuple) else ():
            if not isinstance(name, str) or not _PROVIDER_MODULE.fullmatch(name):
                continue
            with contextlib.suppress(Exception):
                module = importlib.import_module(name)
                getattr(module, "__all__", None)  # a lazily imported module loads on attribute access


def loaded_provider_modules() -> list[str]:
    return sorted(
        name for name, module in list(sys.modules.items())
        if _PROVIDER_MODULE.fullmatch(name) and type(module).__name__ != "_LazyModule"
    )


def serve(sock: socket.socket, shim_dir: str) -> None:
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 1)
        except OSError:
            break
        if not data:
            break
        request = json.loads(data)
        if not fds:
            break
        warm(request.get("warm"))
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            sock.close()
            os.setpgid(0, 0)
            _in_own_pid_namespace()
            _child(request, fds[0], shim_dir)
        os.close(fds[0])
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child already did, or has exited
        _send(sock, {"started": pid})
        code = _wait(pid, sock)
        if code is None:
            break
        _send(sock, {"exited": code})
    os._exit(0)


def _wait(pid: int, sock: socket.socket) -> int | None:
    """The child's exit code (negative: killed by that signal); None when stayup went away (the
    child's process group is then killed)."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    while True:
        ready, _, _ = select.select([sock] + ([pidfd] if pidfd is not None else []), [], [], None if pidfd is not None else 0.05)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if pidfd is not None:
                os.close(pidfd)
            return os.waitstatus_to_exitcode(status)
        if sock in ready:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(pid, 0)
            return None


_CLONE_NEWPID = 0x20000000


def _in_own_pid_namespace() -> None:
    """Where Linux allows it, the program runs in a PID namespace of its own, so everything it
    starts (a double-forked daemon too) dies with it. This process stays outside (stayup signals
    it and its group), forks the namespace's init, which forks the program; the program's exit
    status travels back through a pipe. Elsewhere, returns and the program runs here."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWPID) != 0:
            return
    except (OSError, AttributeError):
        return
    status_read, status_write = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(status_read)
        program = os.fork()
        if program == 0:
            os.close(status_write)
            return  # the program runs here, as the namespace's second process
        # Init: reap everything; when the program ends, say how, and take the namespace down.
        try:
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, lambda *_: os.kill(program, signal.SIGKILL))
            while True:
                try:
                    done, status = os.waitpid(-1, 0)
                except ChildProcessError:
                    break
                except InterruptedError:
                    continue
                if done == program:
                    with contextlib.suppress(OSError):  # stayup already stopped the waiting side
                        os.write(status_write, str(status).encode())
                    break
        finally:
            os._exit(0)
    os.close(status_write)
    _, _ = os.waitpid(init, 0)
    raw = os.read(status_read, 64)
    status = int(raw) if raw.strip().isdigit() else 70 << 8
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    if os.WIFSIGNALED(status):
        os.kill(os.getpid(), os.WTERMSIG(status))  # end as the program did
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 70)


def _child(request: dict[str, Any], out_fd: int, shim_dir: str) -> None:
    code = 70
    try:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.close(out_fd)
        from .capture import Job, capture

        with open(request["job"], encoding="utf-8") as handle:
            job = Job.load(json.load(handle))
        # What the Pulumi language host gives a program: its directory as cwd and first on sys.path.
        os.chdir(job.project_dir)
        sys.path[:] = [str(job.project_dir)] + [p for p in sys.path if p not in ("", shim_dir)]
        sys.argv = [str(job.main)]
        result = capture(job)
        result["warm"] = loaded_provider_modules()
        tmp = request["result"] + ".partial"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        os.replace(tmp, request["result"])
        code = 0
    except BaseException as exc:  # the program is done either way; say why on its output
        try:
            os.write(2, f"stayup capture: {type(exc).__name__}: {exc}\n".encode())
        except OSError:
            pass
    finally:
        os._exit(code)
