"""`make bench`: medians measured in one run; writes bench-results.json and prints a Markdown table.

Speed targets live here, not in timed unit tests.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = 5


def median_seconds(fn, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    from stayup.policies.engine import evaluate
    from stayup.policies.model import from_capture
    from stayup.policies.preview.capture import capture
    from stayup.policies.project import load_stack
    from stayup.policies.settings import load_settings

    rows = []
    cases = [
        ("crm-paris", ()),
        ("video-frankfurt", ()),
        ("video-frankfurt", ("relayNodesPerZone=4",)),
    ]
    capture(load_stack(ROOT, "crm-paris"))  # warm imports once: the CLI pays them once too
    for stack, overrides in cases:
        config = load_stack(ROOT, stack, overrides)
        graph = capture(config)
        resources = len(graph["resources"])
        settings = load_settings({})
        capture_s = median_seconds(lambda c=config: capture(c))
        preview_s = median_seconds(lambda c=config: capture(c, preview=True))
        rules_s = median_seconds(lambda g=graph, s=settings: evaluate(from_capture(g), s))
        label = stack + (" " + " ".join(overrides) if overrides else "")
        rows.append({"case": label, "resources": resources, "capture_s": capture_s, "capture_preview_s": preview_s, "rules_s": rules_s})

    def end_to_end(stack: str) -> float:
        return median_seconds(
            lambda: subprocess.run(
                [sys.executable, "-m", "stayup.policies", "check", "--stack", stack, "--format", "json"],
                cwd=ROOT, capture_output=True, check=False,
            ),
            runs=3,
        )

    e2e = {stack: end_to_end(stack) for stack in ("crm-paris", "video-frankfurt")}
    checkov_s = median_seconds(
        lambda: subprocess.run(
            [sys.executable, "-m", "stayup.policies", "checkov", "--stack", "crm-paris", "--format", "json"],
            cwd=ROOT, capture_output=True, check=False,
        ),
        runs=2,
    )
    print("| case | resources | capture (median) | capture --preview | rules |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['case']} | {row['resources']} | {row['capture_s'] * 1000:.0f} ms | {row['capture_preview_s'] * 1000:.0f} ms | {row['rules_s'] * 1000:.1f} ms |")
    print()
    print("| `stayup check` end to end (fresh process, median of 3) | seconds |")
    print("|---|---:|")
    for stack, seconds in e2e.items():
        print(f"| {stack} | {seconds:.2f} |")
    print(f"| crm-paris through `stayup checkov` (median of 2) | {checkov_s:.2f} |")
    print(f"\n`stayup check` / `stayup checkov` on crm-paris: {e2e['crm-paris'] / checkov_s:.2f}x the time")
    results = {"capture": rows, "check_end_to_end_s": e2e, "checkov_end_to_end_s": {"crm-paris": checkov_s}}
    (ROOT / "bench-results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
