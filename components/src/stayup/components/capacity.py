"""Static-stability sizing and placement, apart from the components that provision them: how much
each AZ holds so that losing any one AZ still leaves the peak without scaling, and which AZ each
relay node and database instance goes to.

Plain values in, plain values out: nothing here creates a resource or calls AWS."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .layout import zone_suffix


def per_zone_capacity(peak: int, zones: int) -> int:
    """Capacity each AZ must hold so losing any one AZ still meets `peak` without scaling.

    Static stability: per-AZ >= peak / (n - 1), and at least one per AZ.
    """
    if zones <= 1:
        return max(peak, 1)
    return max(math.ceil(peak / (zones - 1)), 1)


def zone_capacity(peak: int, zones: int, override: int | None = None) -> int:
    """The per-AZ capacity to provision: the caller's override, else the statically stable one."""
    return override or per_zone_capacity(peak, zones)


@dataclass(frozen=True)
class GroupSize:
    """An auto scaling group spread evenly over its AZs."""

    per_zone: int
    desired: int
    """Also the minimum: the group never shrinks below what survives the loss of an AZ."""
    maximum: int
    """Room for one replacement per AZ while instances are being replaced."""


def group_size(peak: int, zones: int, override: int | None = None) -> GroupSize:
    """Sizes of a group holding `zone_capacity` instances in each of `zones` AZs."""
    per_zone = zone_capacity(peak, zones, override)
    total = per_zone * zones
    return GroupSize(per_zone=per_zone, desired=total, maximum=total + zones)


@dataclass(frozen=True)
class NodePlacement:
    """One fixed node: its name, its AZ and the AZ's position in the component's zones (and subnets)."""

    name: str
    zone: str
    zone_index: int


def node_placements(name: str, zones: list[str], per_zone: int) -> list[NodePlacement]:
    """`per_zone` nodes in each AZ, AZ by AZ, named by the AZ's letter and a number from 1:
    node_placements("video", ["eu-central-1a", "eu-central-1b"], 2) -> video-a1, video-a2, video-b1, video-b2."""
    return [
        NodePlacement(f"{name}-{zone_suffix(zone)}{n + 1}", zone, index)
        for index, zone in enumerate(zones)
        for n in range(per_zone)
    ]


@dataclass(frozen=True)
class DatabaseInstance:
    """One instance of a database cluster."""

    role: str
    zone: str
    promotion_tier: int


def database_instances(zones: list[str], multi_az: bool) -> list[DatabaseInstance]:
    """A writer in the first AZ and, Multi-AZ, a reader in the second that is promoted first."""
    roles = ["writer", "reader"] if multi_az else ["writer"]
    return [DatabaseInstance(role, zones[index], promotion_tier=index) for index, role in enumerate(roles)]
