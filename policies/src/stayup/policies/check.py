"""`stayup check`: capture a stack offline, evaluate the rules (in process or through the real
analyzer protocol) and report."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .engine import evaluate, masked_finding
from .errors import StayupError
from .graph_schema import masked, opaque_components
from .host import DEFAULT_TIMEOUT, Deadline
from .install import PROGRESS
from .languages import Runner, capture_stack, runners
from .model import from_capture
from .preview.catalogue import NOT_MODELLED
from .project import StackConfig, load_answers, load_stack
from .reports import StackReport, program_language, stack_report
from .rules import RULES, Enforcement
from .settings import PolicySettings
from .validate import check_names


def pack_dir() -> Path:
    """The CrossGuard pack: the repository's policies/ (editable install) or the packaged copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[2], here / "pack"):
        if (candidate / "PulumiPolicy.yaml").is_file():
            return candidate
    raise StayupError("the stayup policy pack (PulumiPolicy.yaml) is not installed")


def check_stack(
    project: Path,
    stack: str,
    *,
    overrides: Sequence[str] = (),
    preview: bool = False,
    settings: PolicySettings,
    engine: str = "inprocess",
    timeout: float = DEFAULT_TIMEOUT,
    python: Path | None = None,
    install: bool = False,
    answers: Path | None = None,
) -> StackReport:
    captured = capture_stack(project, stack, overrides=tuple(overrides), preview=preview, python=python, install=install, timeout=timeout, answers=answers)
    return check_graph(captured, settings=settings, engine=engine)


def check_graph(captured: dict[str, Any], *, settings: PolicySettings, engine: str = "inprocess") -> StackReport:
    """Evaluates a captured graph (fresh or loaded from a file)."""
    preview = bool(captured.get("preview"))
    graph = from_capture(captured)
    check_names(graph)
    if engine == "crossguard":
        from .analyzer_client import Analyzer, results_from

        with Analyzer(pack_dir()) as analyzer:
            analyzer.configure(settings)
            # The pack sees secrets as plain values (pulumi-policy unwraps them): mask its messages here.
            results = [dataclasses.replace(r, finding=masked_finding(graph, r.finding)) for r in results_from(analyzer.analyze_stack(captured["resources"]))]
    else:
        results = evaluate(graph, settings)
    disabled = [rule.id for rule in RULES if settings.for_rule(rule).enforcement == Enforcement.DISABLED]
    # Resources declared in apply callbacks a preview skipped, or that never ran (their input stayed
    # unknown): the graph is partial.
    skipped = [s for s in (captured.get("skipped") or []) + (captured.get("unrun") or []) if isinstance(s, dict)]
    report = stack_report(graph, results, preview=preview, engine=engine, disabled=disabled, opaque=opaque_components(captured), partial=skipped)
    report.runtime = captured.get("runtime")
    report.in_language(program_language(report.runtime))
    report.unanswered = unanswered(captured)
    report.not_modelled = not_modelled(captured)
    report.state = captured.get("state")
    return report


def check_all(
    project: Path,
    stacks: list[str],
    *,
    overrides: Sequence[str] = (),
    preview: bool = False,
    settings: PolicySettings,
    engine: str = "inprocess",
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    python: Path | None = None,
    install: bool = False,
    answers: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[StackReport]:
    """Checks stacks in stable order; programs run in warm hosts of the project's interpreter (one
    per parallel job), each stack with its own deadline. A stack that fails is that stack's error."""
    configs: dict[str, StackConfig | StayupError] = {}
    for stack in stacks:
        try:
            configs[stack] = load_stack(project, stack, tuple(overrides))
        except StayupError as exc:
            configs[stack] = exc
    first = next((c for c in configs.values() if isinstance(c, StackConfig)), None)
    if first is None:
        return [_failed(stack, configs[stack]) for stack in stacks]
    facts = load_answers(answers) if answers is not None else None

    say = progress or (lambda message: None)

    def one(stack: str, pool: Runner) -> StackReport:
        report = checked(stack, pool)
        say(f"{stack}: {report.verdict.upper()}" + (f": {report.error}" if report.error else ""))
        return report

    def checked(stack: str, pool: Runner) -> StackReport:
        config = configs[stack]
        if isinstance(config, StayupError):
            return _failed(stack, config)
        try:
            say(f"running the program of stack {stack}")
            graph = pool.run(config, preview=preview, deadline=Deadline(timeout))
            return check_graph(graph, settings=settings, engine=engine)
        except StayupError as exc:
            return _failed(stack, exc)

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(stacks)))
    say("preparing the program's environment" + (" (--install: built once, then cached)" if install else ""))
    heard = PROGRESS.set(say)  # an --install build says each of its steps
    try:
        with runners(first, facts, python=python, install=install, timeout=timeout) as pool:
            return _run_all(stacks, pool, jobs, one)
    finally:
        PROGRESS.reset(heard)


def _run_all(stacks: list[str], pool: Runner, jobs: int, one: Callable[[str, Runner], StackReport]) -> list[StackReport]:
    """The stacks' reports in order, `jobs` at a time."""
    if jobs == 1:
        return [one(stack, pool) for stack in stacks]
    workers = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        return list(workers.map(lambda stack: one(stack, pool), stacks))
    except BaseException:
        pool.close()  # interrupted: stop the programs first, so the workers return at once
        raise
    finally:
        workers.shutdown(wait=True, cancel_futures=True)


def not_modelled(captured: dict[str, Any]) -> list[dict[str, Any]]:
    """Resources of types that decide resilience but no rule judges yet: listed, never ignored."""
    return [
        {"urn": r["urn"], "type": r["type"], "name": r.get("name"), "decided_by": NOT_MODELLED[r["type"]], "source": r.get("source")}
        for r in captured.get("resources") or []
        if isinstance(r, dict) and r.get("type") in NOT_MODELLED
    ]


def unanswered(captured: dict[str, Any]) -> list[dict[str, Any]]:
    """Lookups the program made that nobody answered (built-in table or --answers), with where."""
    found = []
    for invoke in masked({"invokes": captured.get("invokes") or []})["invokes"]:
        if isinstance(invoke, dict) and invoke.get("mocked") is False:
            source = invoke.get("source")
            where = source if isinstance(source, dict) else {}
            found.append({"token": invoke.get("token"), "args": invoke.get("args"), "file": where.get("file"), "line": where.get("line")})
    return found


def _failed(stack: str, exc: StayupError | StackConfig) -> StackReport:
    assert isinstance(exc, StayupError)
    return StackReport.failed_to_run(stack, exc.line(), exc.exit_code)
