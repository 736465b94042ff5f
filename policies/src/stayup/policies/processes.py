"""Child processes stayup starts (installers, the CrossGuard pack, checkov) run in their own process
group, and the whole group is stopped on a timeout or when stayup itself is interrupted: nothing is
left orphaned."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

GRACE = 3.0  # seconds between SIGTERM and SIGKILL


def stop_group(process: subprocess.Popen[str] | subprocess.Popen[bytes], grace: float = GRACE) -> None:
    """SIGTERM to the process's group, SIGKILL after `grace` seconds if it is still there."""
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signum)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_group(
    argv: Sequence[str], *, timeout: float, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(capture_output=True, text=True)` in a new process group; raises
    subprocess.TimeoutExpired after stopping the whole group."""
    with subprocess.Popen(
        list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except BaseException:
            stop_group(process)
            raise
        finally:
            # Grandchildren left behind (a daemon started by the tool) go with the group.
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(list(argv), process.returncode, out, err)
