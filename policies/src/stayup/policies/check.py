"""`stayup check`: capture a stack offline, evaluate the rules (in process or through the real
analyzer protocol) and report."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
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
    project: Path, stack: str, *, overrides=(), preview=False, settings: PolicySettings, engine="inprocess", timeout=None
) -> StackReport:
    captured = capture(load_stack(project, stack, overrides), preview=preview, timeout=timeout)
    return check_graph(captured, settings=settings, engine=engine)


def check_graph(captured: dict[str, Any], *, settings: PolicySettings, engine="inprocess") -> StackReport:
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


def _one(args: tuple) -> StackReport:
    project, stack, overrides, preview, settings, engine, timeout = args
    try:
        return check_stack(project, stack, overrides=overrides, preview=preview, settings=settings, engine=engine, timeout=timeout)
    except StayupError as exc:
        return StackReport.failed_to_run(stack, exc.line(), exc.exit_code)


def check_all(project: Path, stacks: list[str], *, overrides=(), preview=False, settings, engine="inprocess", jobs: int | None = None, timeout=None):
    """Checks stacks in parallel processes (the Pulumi runtime is process-global); stable order."""
    work = [(project, stack, tuple(overrides), preview, settings, engine, timeout) for stack in stacks]
    jobs = max(1, min(jobs or multiprocessing.cpu_count(), len(work)))
    if jobs == 1:
        return [_one(w) for w in work]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(_one, work))
