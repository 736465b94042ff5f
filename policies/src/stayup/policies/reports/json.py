"""JSON reports: one stack, several stacks (`--all`), the blast radius."""

from __future__ import annotations

import json
from typing import Any

from ..availability import Estimate
from ..blast import BlastRadius
from . import StackReport, overall


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def check_json(reports: list[StackReport], *, several: bool) -> str:
    if several:
        return dump({"verdict": overall(reports), "stacks": [r.to_json() for r in reports]})
    return dump(reports[0].to_json())


def blast_json(result: BlastRadius, estimates: list[Estimate]) -> str:
    return dump({**result.to_json(), "availability": [e.to_json() for e in estimates]})
