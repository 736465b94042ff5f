"""The reference for the isolation target: `stayup check --format json` as the first release ran
it, the program captured inside stayup's own process (no host process, no fork)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from stayup.policies.check import check_graph
from stayup.policies.host import job_for
from stayup.policies.preview.capture import Job, capture
from stayup.policies.project import load_stack
from stayup.policies.reports.json import check_json
from stayup.policies.settings import load_settings


def main(project: str, stack: str) -> None:
    config = load_stack(Path(project), stack)
    job = Job.load(job_for(config, preview=False))
    os.chdir(config.project_dir)
    sys.path.insert(0, str(config.project_dir))
    graph = capture(job)["graph"]
    report = check_graph(graph, settings=load_settings({}))
    sys.stdout.write(check_json([report], several=False))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
