"""A tiny run of `make bench` keeps the benchmark working (its figures live in the bench only)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_bench_smoke_run_prints_its_tables():
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "bench" / "run.py"), "--smoke"], capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| resources | json.loads floor | rules (normalise + evaluate) | x floor | peak RSS |"
    assert [line.split("|")[1].strip() for line in lines[2:4]] == ["87", "990"]
    assert "| AnalyzeStack over gRPC | seconds |" in lines
