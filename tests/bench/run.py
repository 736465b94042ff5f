"""`make bench`: every figure measured in one run (medians), printed as a Markdown table with the
targets, and written to bench-results.json. Speed targets live here, not in timed unit tests.

`python tests/bench/run.py --smoke` runs a tiny version (the test suite keeps it working).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

from synthetic import deployment_of, synthetic


def median_seconds(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def peak_memory_mb(size: int) -> float:
    """Peak RSS of a fresh process that loads a graph file and evaluates the rules."""
    code = (
        "import json,resource,sys; sys.path.insert(0, sys.argv[2]);"
        "from synthetic import deployment_of, synthetic;"
        "from stayup.policies.engine import evaluate; from stayup.policies.model import from_capture;"
        "g = json.loads(json.dumps(synthetic(int(sys.argv[1])))); evaluate(from_capture(g));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(size), str(Path(__file__).resolve().parent)], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def cli_seconds(args: list[str], runs: int) -> float:
    return median_seconds(lambda: subprocess.run([sys.executable, "-m", "stayup.policies", *args], cwd=ROOT, capture_output=True, check=False), runs)


def checkov_seconds(plan: Path, runs: int) -> float:
    from stayup.policies.checkov_door import CHECKOV, CONSTRAINTS, uv_command

    command = [*uv_command(), "tool", "run", "--quiet", "--from", CHECKOV, "--constraints", str(CONSTRAINTS), "checkov",
               "-f", str(plan), "--framework", "terraform_plan", "--skip-download", "-o", "json", "--compact"]
    return median_seconds(lambda: subprocess.run(command, capture_output=True, check=False), runs)


def isolation(tmp: Path, runs: int) -> dict[str, float]:
    """Process isolation against the first release's in-process capture (same machine, same run),
    and `check --all` over 20 stacks of one project against one stack."""
    reference = [sys.executable, str(Path(__file__).resolve().parent / "inprocess_check.py"), str(ROOT), "crm-paris"]
    isolated = [sys.executable, "-m", "stayup.policies", "check", "--stack", "crm-paris", "--format", "json"]
    inprocess_s = median_seconds(lambda: subprocess.run(reference, cwd=ROOT, capture_output=True, check=True), runs)
    isolated_s = median_seconds(lambda: subprocess.run(isolated, cwd=ROOT, capture_output=True, check=True), runs)
    project = tmp / "twenty"
    (project / "stacks").mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        (project / name).write_text((ROOT / name).read_text())
    for index in range(10):
        for stack in ("crm-paris", "video-frankfurt"):
            (project / "stacks" / f"Pulumi.{stack}-{index}.yaml").write_text((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    python = ["--python", sys.executable]
    one = [sys.executable, "-m", "stayup.policies", "check", "--project", str(project), "--stack", "crm-paris-0", *python]
    every = [sys.executable, "-m", "stayup.policies", "check", "--project", str(project), "--all", *python]
    one_s = median_seconds(lambda: subprocess.run(one, cwd=ROOT, capture_output=True, check=True), runs)
    all_s = median_seconds(lambda: subprocess.run(every, cwd=ROOT, capture_output=True, check=True), 3)
    # A program with its own --install environment (built once, then cached) against the same
    # program captured in stayup's process: what a CI run pays once the cache is warm.
    program = ROOT / "tests" / "programs" / "repos" / "no_dependency_file"
    env = {**os.environ, "STAYUP_CACHE_DIR": str(tmp / "cache")}
    installed = [sys.executable, "-m", "stayup.policies", "check", "--project", str(program), "--stack", "dev", "--install", "--format", "json"]
    started = time.perf_counter()
    subprocess.run(installed, cwd=ROOT, capture_output=True, check=True, env=env)
    first_install_s = time.perf_counter() - started
    same_inprocess = [sys.executable, str(Path(__file__).resolve().parent / "inprocess_check.py"), str(program), "dev"]
    program_inprocess_s = median_seconds(lambda: subprocess.run(same_inprocess, cwd=ROOT, capture_output=True, check=True), runs)
    cached_s = median_seconds(lambda: subprocess.run(installed, cwd=ROOT, capture_output=True, check=True, env=env), runs)
    # The same stack written in TypeScript and in Python (tests/programs/ts_web, py_web), each with
    # its --install environment cached: what a TypeScript team's gate costs against a Python one's.
    twins = {lang: [sys.executable, "-m", "stayup.policies", "check", "--project", str(ROOT / "tests" / "programs" / f"{lang}_web"),
                    "--stack", "dev", "--install", "--format", "json"] for lang in ("ts", "py")}
    for argv in twins.values():
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=env)  # builds node_modules / the venv once
    ts_s, py_s = (median_seconds(lambda a=argv: subprocess.run(a, cwd=ROOT, capture_output=True, check=True, env=env), runs) for argv in twins.values())
    return {"inprocess_s": inprocess_s, "isolated_s": isolated_s, "one_stack_s": one_s, "twenty_stacks_s": all_s,
            "first_install_s": first_install_s, "program_inprocess_s": program_inprocess_s, "cached_install_s": cached_s,
            "typescript_s": ts_s, "python_twin_s": py_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run, no checkov: keeps the bench working")
    args = parser.parse_args(argv)
    from stayup.policies.analyzer_client import Analyzer
    from stayup.policies.check import pack_dir
    from stayup.policies.engine import evaluate, paused_gc
    from stayup.policies.languages import capture_stack
    from stayup.policies.model import from_capture
    from stayup.policies.settings import load_settings
    from stayup.policies.tfplan import export

    sizes = [100, 1000] if args.smoke else [1000, 10_000, 100_000]
    runs = 1 if args.smoke else 5
    settings = load_settings({})
    evaluate(from_capture(synthetic(500)), settings)  # warm imports once: a real run pays them once too
    results: dict = {"sizes": []}
    for size in sizes:
        text = json.dumps(synthetic(size))

        def floor(text=text):
            with paused_gc():
                json.loads(text)

        def rules(text=text):
            graph = json.loads(text)
            start = time.perf_counter()
            evaluate(from_capture(graph), settings)
            return time.perf_counter() - start

        n_runs = 3 if size >= 100_000 else runs
        floor_s = median_seconds(floor, n_runs)
        rules_s = statistics.median(rules() for _ in range(n_runs))
        results["sizes"].append({"nominal": size, "resources": len(json.loads(text)["resources"]), "json_floor_s": floor_s, "rules_s": rules_s,
                                 "ratio_to_floor": rules_s / floor_s, "peak_mb": peak_memory_mb(size)})

    with tempfile.TemporaryDirectory() as tmp:
        if not args.smoke:
            results["capture_s"] = {}
            for stack, overrides in (("crm-paris", ()), ("video-frankfurt", ()), ("video-frankfurt", ("relayNodesPerZone=4",))):
                graph = capture_stack(ROOT, stack, overrides=overrides)
                label = f"{stack} ({len(graph['resources'])} resources)"
                results["capture_s"][label] = median_seconds(lambda s=stack, o=overrides: capture_stack(ROOT, s, overrides=o), runs)
            results["isolation"] = isolation(Path(tmp), runs)
            results["check_s"] = {s: cli_seconds(["check", "--stack", s, "--format", "json"], 3) for s in ("crm-paris", "video-frankfurt")}
            results["checkov_s"] = {}
            for stack in ("crm-paris", "video-frankfurt"):
                plan = Path(tmp) / f"{stack}.json"
                plan.write_text(json.dumps(export(capture_stack(ROOT, stack))))
                results["checkov_s"][stack] = checkov_seconds(plan, 3)
            plan = Path(tmp) / "synthetic-1000.json"
            plan.write_text(json.dumps(export(synthetic(1000))))
            results["checkov_s"]["synthetic 1000"] = checkov_seconds(plan, 3)
            state = Path(tmp) / "state-1000.json"
            graph = synthetic(1000)
            state.write_text(json.dumps(deployment_of(graph)))
            results["state"] = {"resources": len(graph["resources"]), "check_s": cli_seconds(["check", "--state", str(state), "--format", "json"], 5)}
        results["analyze_stack_s"] = {}
        with Analyzer(pack_dir()) as analyzer:
            analyzer.configure(settings)
            for size in sizes[:2]:
                graph = synthetic(size)
                results["analyze_stack_s"][size] = median_seconds(lambda g=graph: analyzer.analyze_stack(g["resources"]), 1 if args.smoke else 3)

    report(results, args.smoke)
    if not args.smoke:
        (ROOT / "bench-results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


def report(results: dict, smoke: bool) -> None:
    sizes = results["sizes"]
    print("| resources | json.loads floor | rules (normalise + evaluate) | x floor | peak RSS |")
    print("|---:|---:|---:|---:|---:|")
    for row in sizes:
        print(f"| {row['resources']} | {row['json_floor_s'] * 1000:.1f} ms | {row['rules_s'] * 1000:.1f} ms | {row['ratio_to_floor']:.2f} | {row['peak_mb']:.0f} MB |")
    for small, big in itertools.pairwise(sizes):
        growth = big["rules_s"] / small["rules_s"]
        print(f"\n{small['resources']} -> {big['resources']} resources: time x{growth:.1f} (target <= 12x for 10x)")
    print("\n| AnalyzeStack over gRPC | seconds |\n|---|---:|")
    for size, seconds in results["analyze_stack_s"].items():
        print(f"| {size} resources | {seconds:.3f} |")
    if smoke:
        return
    print("\n| capture (median) | seconds |\n|---|---:|")
    for label, seconds in results["capture_s"].items():
        print(f"| {label} | {seconds:.2f} |")
    print("\n| end to end, fresh process | stayup check | checkov (built-in checks only) | ratio |\n|---|---:|---:|---:|")
    for stack in ("crm-paris", "video-frankfurt"):
        check, checkov = results["check_s"][stack], results["checkov_s"][stack]
        print(f"| {stack} | {check:.2f} s | {checkov:.2f} s | {check / checkov:.2f} |")
    print(f"| synthetic 1000 (checkov only) | | {results['checkov_s']['synthetic 1000']:.2f} s | |")
    print(f"| check --state, a {results['state']['resources']}-resource stack export | {results['state']['check_s']:.2f} s | | |")
    iso = results["isolation"]
    print("\n| process isolation | seconds | ratio |\n|---|---:|---:|")
    print(f"| check crm-paris, program captured in stayup's process (first release) | {iso['inprocess_s']:.2f} | 1.00 |")
    print(f"| check crm-paris, program in its own process | {iso['isolated_s']:.2f} | {iso['isolated_s'] / iso['inprocess_s']:.2f} |")
    print(f"| check one stack of a 20-stack project | {iso['one_stack_s']:.2f} | 1.00 |")
    print(f"| check --all, 20 stacks | {iso['twenty_stacks_s']:.2f} | {iso['twenty_stacks_s'] / iso['one_stack_s']:.2f} |")
    print(f"| a program without a dependency file, captured in stayup's process | {iso['program_inprocess_s']:.2f} | 1.00 |")
    print(f"| the same, --install with its environment cached | {iso['cached_install_s']:.2f} | {iso['cached_install_s'] / iso['program_inprocess_s']:.2f} |")
    print(f"| the same, --install's first run (empty stayup cache, warm uv cache) | {iso['first_install_s']:.2f} | {iso['first_install_s'] / iso['program_inprocess_s']:.2f} |")
    print(f"| check py_web (Python, --install cached) | {iso['python_twin_s']:.2f} | 1.00 |")
    print(f"| check ts_web (the same stack in TypeScript, --install cached) | {iso['typescript_s']:.2f} | {iso['typescript_s'] / iso['python_twin_s']:.2f} |")
    by_size = {row["nominal"]: row for row in sizes}
    targets = [
        ("rules on 10 000 <= 0.3 s", by_size.get(10000, {}).get("rules_s", 0) <= 0.3),
        ("rules on 10 000 <= 3x JSON floor", by_size.get(10000, {}).get("ratio_to_floor", 0) <= 3),
        ("rules on 100 000 <= 3 s", by_size.get(100000, {}).get("rules_s", 0) <= 3),
        ("100 000 resources < 1 GB", by_size.get(100000, {}).get("peak_mb", 0) < 1024),
        ("10x resources => <= 12x time", all(b["rules_s"] / a["rules_s"] <= 12 for a, b in itertools.pairwise(sizes))),
        ("stayup check <= 0.5x checkov", all(results["check_s"][s] <= 0.5 * results["checkov_s"][s] for s in results["check_s"])),
        ("own process <= 1.2x in-process", iso["isolated_s"] <= 1.2 * iso["inprocess_s"]),
        ("20 stacks <= 5x one stack", iso["twenty_stacks_s"] <= 5 * iso["one_stack_s"]),
        ("--install, environment cached <= 1.5x in-process", iso["cached_install_s"] <= 1.5 * iso["program_inprocess_s"]),
        ("TypeScript check <= 2x the same Python program's", iso["typescript_s"] <= 2 * iso["python_twin_s"]),
        ("AnalyzeStack on 10 000 resources <= 3 s", results["analyze_stack_s"].get(10_000, 0) <= 3),
        ("check --state on 1 000 resources <= 0.5 s end to end", results["state"]["check_s"] <= 0.5),
    ]
    print("\n| target | met |\n|---|---|")
    for name, met in targets:
        print(f"| {name} | {'yes' if met else 'NO'} |")
    results["targets"] = dict(targets)


if __name__ == "__main__":
    sys.exit(main())
