"""`stayup check`: capture a stack offline, evaluate the rules (in process or through the real
analyzer protocol) and report."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .engine import evaluate
from .errors import StayupError
from .model import from_capture
from .preview.capture import capture
from .project import load_stack
from .reports import StackReport, stack_report
from .settings import PolicySettings


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
    timeout: float | None = None,
) -> StackReport:
    captured = capture(load_stack(project, stack, tuple(overrides)), preview=preview, timeout=timeout)
    return check_graph(captured, settings=settings, engine=engine)


def check_graph(captured: dict[str, Any], *, settings: PolicySettings, engine: str = "inprocess") -> StackReport:
    """Evaluates a captured graph (fresh or loaded from a file)."""
    preview = bool(captured.get("preview"))
    graph = from_capture(captured)
    if engine == "crossguard":
        from .analyzer_client import Analyzer, results_from

        with Analyzer(pack_dir()) as analyzer:
            analyzer.configure(settings)
            results = results_from(analyzer.analyze_stack(captured["resources"]))
    else:
        results = evaluate(graph, settings)
    return stack_report(graph, results, preview=preview, engine=engine)


def _one(args: tuple[Path, str, tuple[str, ...], bool, PolicySettings, str, float | None]) -> StackReport:
    project, stack, overrides, preview, settings, engine, timeout = args
    try:
        return check_stack(project, stack, overrides=overrides, preview=preview, settings=settings, engine=engine, timeout=timeout)
    except StayupError as exc:
        return StackReport.failed_to_run(stack, exc.line(), exc.exit_code)


def check_all(
    project: Path,
    stacks: list[str],
    *,
    overrides: Sequence[str] = (),
    preview: bool = False,
    settings: PolicySettings,
    engine: str = "inprocess",
    jobs: int | None = None,
    timeout: float | None = None,
) -> list[StackReport]:
    """Checks stacks in parallel processes (the Pulumi runtime is process-global); stable order."""
    work = [(project, stack, tuple(overrides), preview, settings, engine, timeout) for stack in stacks]
    jobs = max(1, min(jobs or multiprocessing.cpu_count(), len(work)))
    if jobs == 1:
        return [_one(w) for w in work]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(_one, work))
