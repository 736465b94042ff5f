"""Which runner starts a stack's program, by the project's runtime: Python programs in a warm
capture host in their own interpreter (host.py), Node.js programs (TypeScript, JavaScript) with the
SDK's own entry point against the engine protocol stayup serves (nodejs.py). Both hand back the
same graph; `--all` checks one project, so one runtime."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import nodejs
from .environment import resolve
from .errors import InputError
from .host import DEFAULT_TIMEOUT, Deadline, Pool, capture, hosts
from .project import StackConfig, load_answers, load_stack

Runner = Pool | nodejs.Programs


def _python_only(config: StackConfig, python: Path | None) -> None:
    if python is not None and config.runtime.name != "python":
        raise InputError(f"the project's runtime is {config.runtime.name}; --python applies to Python programs", key="--python")


@contextlib.contextmanager
def runners(
    config: StackConfig, answers: dict[str, Any] | None = None, *, python: Path | None = None, install: bool = False, timeout: float = 60.0
) -> Iterator[Runner]:
    """Runs the stacks of `config`'s project (any of them), started on demand, stopped at the end.
    `timeout` bounds asking a `--python` interpreter its version."""
    _python_only(config, python)
    if config.runtime.name == "nodejs":
        with nodejs.programs(config, answers, install=install) as programs:
            yield programs
        return
    with hosts(resolve(config.project_dir, config.runtime, python=python, install=install, timeout=timeout), answers) as pool:
        yield pool


def capture_stack(
    project_dir: Path,
    stack: str,
    *,
    overrides: tuple[str, ...] | list[str] = (),
    preview: bool = False,
    python: Path | None = None,
    install: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: Deadline | None = None,
    answers: Path | None = None,
) -> dict[str, Any]:
    """Reads the stack's config (and answers file) and captures its graph with the project's runtime."""
    deadline = deadline or Deadline(timeout)
    config = load_stack(project_dir, stack, tuple(overrides))
    facts = load_answers(answers) if answers is not None else None
    if config.runtime.name == "python":
        _python_only(config, python)
        interpreter = resolve(config.project_dir, config.runtime, python=python, install=install, timeout=max(deadline.remaining(), 1.0))
        return capture(config, preview=preview, interpreter=interpreter, deadline=deadline, answers=facts)
    with runners(config, facts, python=python, install=install, timeout=max(deadline.remaining(), 1.0)) as pool:
        return pool.run(config, preview=preview, deadline=deadline)
