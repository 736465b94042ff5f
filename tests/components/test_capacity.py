"""Static-stability sizing and placement (stayup.components.capacity), exact values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stayup.components.capacity import (
    DatabaseInstance,
    GroupSize,
    NodePlacement,
    database_instances,
    group_size,
    node_placements,
    per_zone_capacity,
    zone_capacity,
)


@pytest.mark.parametrize(
    ("peak", "zones", "expected"),
    [
        (2, 3, 1),  # ceil(2 / 2)
        (4, 3, 2),
        (5, 3, 3),  # ceil(5 / 2)
        (7, 4, 3),  # ceil(7 / 3)
        (5, 2, 5),  # two zones: either one holds the whole peak
        (1, 6, 1),
        (0, 3, 1),  # at least one per zone
        (3, 1, 3),  # one zone holds the peak (and cannot survive its own loss)
        (0, 1, 1),
    ],
)
def test_per_zone_capacity_is_ceil_peak_over_zones_minus_one(peak, zones, expected):
    assert per_zone_capacity(peak, zones) == expected


@given(peak=st.integers(1, 500), zones=st.integers(2, 6))
def test_per_zone_capacity_survives_any_one_zone_loss(peak, zones):
    each = per_zone_capacity(peak, zones)
    assert each * (zones - 1) >= peak
    assert (each - 1) * (zones - 1) < peak or each == 1  # and no more than that needs


def test_zone_capacity_takes_the_override():
    assert zone_capacity(4, 3) == 2
    assert zone_capacity(4, 3, None) == 2
    assert zone_capacity(4, 3, 1) == 1
    assert zone_capacity(1, 3, 5) == 5


@pytest.mark.parametrize(
    ("peak", "zones", "override", "expected"),
    [
        (2, 3, None, GroupSize(per_zone=1, desired=3, maximum=6)),  # the crm-paris example
        (4, 3, None, GroupSize(per_zone=2, desired=6, maximum=9)),
        (5, 2, None, GroupSize(per_zone=5, desired=10, maximum=12)),
        (4, 3, 1, GroupSize(per_zone=1, desired=3, maximum=6)),  # an override below static stability
        (2, 1, None, GroupSize(per_zone=2, desired=2, maximum=3)),
    ],
)
def test_group_size(peak, zones, override, expected):
    assert group_size(peak, zones, override) == expected


def test_node_placements_name_nodes_by_zone_letter_and_number():
    assert node_placements("video", ["eu-central-1a", "eu-central-1b"], 2) == [
        NodePlacement("video-a1", "eu-central-1a", 0),
        NodePlacement("video-a2", "eu-central-1a", 0),
        NodePlacement("video-b1", "eu-central-1b", 1),
        NodePlacement("video-b2", "eu-central-1b", 1),
    ]
    assert node_placements("video-dr", ["eu-west-1c"], 1) == [NodePlacement("video-dr-c1", "eu-west-1c", 0)]
    assert node_placements("video", [], 3) == []


def test_database_instances_writer_first_reader_in_the_second_zone():
    zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
    assert database_instances(zones, multi_az=True) == [
        DatabaseInstance("writer", "eu-west-3a", promotion_tier=0),
        DatabaseInstance("reader", "eu-west-3b", promotion_tier=1),
    ]
    assert database_instances(zones, multi_az=False) == [DatabaseInstance("writer", "eu-west-3a", promotion_tier=0)]
    assert database_instances(["eu-west-3a"], multi_az=False) == [DatabaseInstance("writer", "eu-west-3a", promotion_tier=0)]
