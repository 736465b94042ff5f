"""Shared test helpers: captured graphs are cached per (project, stack, preview, overrides)."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from stayup.policies.cli import main
from stayup.policies.environment import resolve
from stayup.policies.host import Deadline, Pool, keep_hosts
from stayup.policies.project import load_stack

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"


# One warm capture host per interpreter for the whole session, as `stayup check --all` keeps them.
_POOLS: dict[str, Pool] = {}


def capture(config, *, preview: bool = False, timeout: float = 300.0) -> dict[str, Any]:
    """A stack's graph, its program run in its own process (the way every stayup command does)."""
    interpreter = resolve(config.project_dir, config.runtime)
    pool = _POOLS.setdefault(interpreter.key, Pool(interpreter))
    return pool.run(config, preview=preview, deadline=Deadline(timeout))


@pytest.fixture(scope="session", autouse=True)
def _warm_hosts_across_commands():
    """Commands run in this process (`main([...])`) share warm capture hosts per interpreter and
    environment, as a long-lived caller would; pytest's per-test variable does not count."""
    with keep_hosts(ignoring=("PYTEST_CURRENT_TEST",)):
        yield


def pytest_sessionfinish(session, exitstatus):
    for pool in _POOLS.values():
        pool.close()


# With several workers, a directory they share (set by `_shared_graphs`): a graph captured by one
# worker serves the others (test files that judge the same variants run on different workers).
_SHARED: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _shared_graphs(tmp_path_factory, worker_id):
    global _SHARED
    if worker_id != "master":
        _SHARED = tmp_path_factory.getbasetemp().parent / "graphs"
        _SHARED.mkdir(exist_ok=True)


@functools.cache
def _graph(project: str, stack: str, preview: bool, overrides: tuple[str, ...]) -> dict[str, Any]:
    if _SHARED is None:
        return capture(load_stack(Path(project), stack, overrides), preview=preview)
    key = hashlib.sha256(json.dumps([project, stack, preview, overrides]).encode()).hexdigest()[:24]
    found = _SHARED / f"{key}.json"
    with open(_SHARED / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker captures, the others wait and read
        if not found.exists():
            graph = capture(load_stack(Path(project), stack, overrides), preview=preview)
            found.with_suffix(".part").write_text(json.dumps(graph))
            found.with_suffix(".part").rename(found)
    loaded: dict[str, Any] = json.loads(found.read_text())
    return loaded


def graph_of(project: Path | str, stack: str = "dev", *, preview: bool = False, overrides=()) -> dict[str, Any]:
    """The captured graph of a project's stack (a test program name or a path)."""
    path = Path(project)
    if not path.is_absolute():
        path = PROGRAMS / path
    return _graph(str(path), stack, preview, tuple(overrides))


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    """A stayup command in this process: (exit code, stdout, stderr)."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def outcomes(report: dict) -> set[tuple[str, str, str]]:
    """(rule, resource name, fail | unknown) of a JSON report's findings."""
    return {(e["rule"], e["urn"].rsplit("::", 1)[-1], kind) for kind, key in (("fail", "violations"), ("unknown", "unknown")) for e in report[key]}


def by_type(graph: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in graph["resources"] if r["type"] == type_]


def named(graph: dict[str, Any], type_: str, name: str) -> dict[str, Any]:
    (found,) = [r for r in graph["resources"] if r["type"] == type_ and r["name"] == name]
    return found


@pytest.fixture
def stack_graph():
    def get(stack: str, *, preview: bool = False, overrides=()):
        return graph_of(ROOT, stack, preview=preview, overrides=overrides)

    return get


# Hypothesis profiles: a quick one for `make test`, 10 000 examples for `make fuzz`.
from hypothesis import HealthCheck, settings

settings.register_profile("quick", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "quick"))
