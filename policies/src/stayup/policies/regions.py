"""Real AWS Availability Zones per region, used to answer invokes offline.

Zone names map to zone IDs per account; the IDs below are one real mapping. Regions whose zones
are not listed here are rejected rather than guessed.
"""

from __future__ import annotations

MOCK_ACCOUNT_ID = "123456789012"

# region -> ((zone name, zone id), ...) in name order
REGIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "us-east-1": (
        ("us-east-1a", "use1-az1"),
        ("us-east-1b", "use1-az2"),
        ("us-east-1c", "use1-az4"),
        ("us-east-1d", "use1-az6"),
        ("us-east-1e", "use1-az3"),
        ("us-east-1f", "use1-az5"),
    ),
    "us-east-2": (
        ("us-east-2a", "use2-az1"),
        ("us-east-2b", "use2-az2"),
        ("us-east-2c", "use2-az3"),
    ),
    "us-west-2": (
        ("us-west-2a", "usw2-az1"),
        ("us-west-2b", "usw2-az2"),
        ("us-west-2c", "usw2-az3"),
        ("us-west-2d", "usw2-az4"),
    ),
    "ca-central-1": (
        ("ca-central-1a", "cac1-az1"),
        ("ca-central-1b", "cac1-az2"),
        ("ca-central-1d", "cac1-az4"),
    ),
    "eu-west-1": (
        ("eu-west-1a", "euw1-az1"),
        ("eu-west-1b", "euw1-az2"),
        ("eu-west-1c", "euw1-az3"),
    ),
    "eu-west-2": (
        ("eu-west-2a", "euw2-az2"),
        ("eu-west-2b", "euw2-az3"),
        ("eu-west-2c", "euw2-az1"),
    ),
    "eu-west-3": (
        ("eu-west-3a", "euw3-az1"),
        ("eu-west-3b", "euw3-az2"),
        ("eu-west-3c", "euw3-az3"),
    ),
    "eu-central-1": (
        ("eu-central-1a", "euc1-az2"),
        ("eu-central-1b", "euc1-az3"),
        ("eu-central-1c", "euc1-az1"),
    ),
    "eu-north-1": (
        ("eu-north-1a", "eun1-az1"),
        ("eu-north-1b", "eun1-az2"),
        ("eu-north-1c", "eun1-az3"),
    ),
    "ap-northeast-1": (
        ("ap-northeast-1a", "apne1-az4"),
        ("ap-northeast-1c", "apne1-az1"),
        ("ap-northeast-1d", "apne1-az2"),
    ),
    "ap-southeast-1": (
        ("ap-southeast-1a", "apse1-az2"),
        ("ap-southeast-1b", "apse1-az1"),
        ("ap-southeast-1c", "apse1-az3"),
    ),
    "ap-southeast-2": (
        ("ap-southeast-2a", "apse2-az1"),
        ("ap-southeast-2b", "apse2-az3"),
        ("ap-southeast-2c", "apse2-az2"),
    ),
    "sa-east-1": (
        ("sa-east-1a", "sae1-az1"),
        ("sa-east-1b", "sae1-az2"),
        ("sa-east-1c", "sae1-az3"),
    ),
}

ZONE_IDS: dict[str, str] = {name: zid for zones in REGIONS.values() for name, zid in zones}
ZONE_NAMES_BY_ID: dict[str, str] = {zid: name for name, zid in ZONE_IDS.items()}


def region_of_zone(zone: str) -> str | None:
    """The region of a zone name or zone ID, if known."""
    name = ZONE_NAMES_BY_ID.get(zone, zone)
    for region, zones in REGIONS.items():
        if any(n == name for n, _ in zones):
            return region
    return None
