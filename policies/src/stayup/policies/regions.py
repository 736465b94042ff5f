"""Every AWS Region's zones, used to answer invokes offline and to refuse zones that cannot exist.

Sources (read 2026-12-06):
- AZ IDs per Region: AWS Regions and Availability Zones guide, "AWS Availability Zones"
  (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html): 34
  commercial Regions. That page leaves out AWS GovCloud (US) and China: their AZ IDs are from the
  EMR Serverless User Guide, "Endpoints and quotas" (usgw1-az1..3, usge1-az1..3), the AWS China
  "Regions and Availability Zones" page (three AZs each in Beijing and Ningxia) and
  `aws ec2 describe-availability-zones` output of real accounts (cn-north-1d = cnn1-az4,
  cnnw1-az1..3).
- Zone names: the letter each AZ ID has in a real account's `aws ec2 describe-availability-zones`
  output (stayup's earlier table for the 13 Regions it had, a 2025 account's output for the
  others). In the oldest Regions names map to AZ IDs per account ("AZ IDs" page of the same
  guide), so these are one real mapping, not everyone's. ap-east-2, for which no output was at
  hand, has its letters in AZ ID order: a guess that decides no verdict (its AZs are a, b and c).
- eu-west-2d (euw2-az4): the fourth London AZ, opened in 2026 (listed on the page above).
- Constrained AZs ("Constrained Availability Zones" on the page above; AWS removes them from new
  accounts): the offline account is a new one. us-west-1: "newer accounts can access two
  Availability Zones" (the page's footnote) — usw1-az1 and usw1-az3; ap-northeast-1: new accounts
  get three of the four (apne1-az3 is not offered). They are marked `~`: get_availability_zones
  does not return them, but a program, state or answers file may name them (older accounts have
  them). us-east-1's six AZs are all returned (the page lists no restriction; use1-az3 has fewer
  instance types, which stayup does not model).
- Local Zones and Wavelength Zones: a few real ones (`describe-availability-zones
  --all-availability-zones` output), to answer zone-type filters exactly. The offline account has
  opted in to none ("not-opted-in"), so they are returned only with `all_availability_zones`.
- Zone groups: `GroupName` of an AZ is "<region>-zg-1" (the page's `describe-availability-zones`
  example: us-east-2a in "us-east-2-zg-1").
- Partitions: AWS GovCloud (US) Regions are in `aws-us-gov`, China in `aws-cn` (DNS suffix
  amazonaws.com.cn), every other Region in `aws` (AWS General Reference, "Amazon Resource Names").

Not here: the European Sovereign Cloud (partition `aws-eusc`) and the isolated partitions
(`aws-iso*`); a Region they would need is refused rather than guessed.
"""

from __future__ import annotations

import difflib
from typing import NamedTuple

MOCK_ACCOUNT_ID = "123456789012"


class Zone(NamedTuple):
    name: str
    id: str
    type: str = "availability-zone"  # | "local-zone" | "wavelength-zone"
    group: str = ""
    # "opt-in-not-required" (an AZ), "not-opted-in" (an edge zone), "constrained" (an AZ new
    # accounts do not get: valid in a program, never returned by a lookup).
    status: str = "opt-in-not-required"


# One line per Region: its AZs in name order as <letter>=<AZ ID>; "~" before an ID marks a
# constrained AZ. A Region AWS opens later is one more line.
_AZS = """
af-south-1      a=afs1-az1 b=afs1-az2 c=afs1-az3
ap-east-1       a=ape1-az1 b=ape1-az2 c=ape1-az3
ap-east-2       a=ape2-az1 b=ape2-az2 c=ape2-az3
ap-northeast-1  a=apne1-az4 b=~apne1-az3 c=apne1-az1 d=apne1-az2
ap-northeast-2  a=apne2-az1 b=apne2-az2 c=apne2-az3 d=apne2-az4
ap-northeast-3  a=apne3-az3 b=apne3-az1 c=apne3-az2
ap-south-1      a=aps1-az1 b=aps1-az3 c=aps1-az2
ap-south-2      a=aps2-az1 b=aps2-az2 c=aps2-az3
ap-southeast-1  a=apse1-az2 b=apse1-az1 c=apse1-az3
ap-southeast-2  a=apse2-az1 b=apse2-az3 c=apse2-az2
ap-southeast-3  a=apse3-az1 b=apse3-az2 c=apse3-az3
ap-southeast-4  a=apse4-az1 b=apse4-az2 c=apse4-az3
ap-southeast-5  a=apse5-az1 b=apse5-az2 c=apse5-az3
ap-southeast-6  a=apse6-az1 b=apse6-az2 c=apse6-az3
ap-southeast-7  a=apse7-az1 b=apse7-az2 c=apse7-az3
ca-central-1    a=cac1-az1 b=cac1-az2 d=cac1-az4
ca-west-1       a=caw1-az1 b=caw1-az2 c=caw1-az3
cn-north-1      a=cnn1-az1 b=cnn1-az2 d=cnn1-az4
cn-northwest-1  a=cnnw1-az1 b=cnnw1-az2 c=cnnw1-az3
eu-central-1    a=euc1-az2 b=euc1-az3 c=euc1-az1
eu-central-2    a=euc2-az1 b=euc2-az2 c=euc2-az3
eu-north-1      a=eun1-az1 b=eun1-az2 c=eun1-az3
eu-south-1      a=eus1-az1 b=eus1-az2 c=eus1-az3
eu-south-2      a=eus2-az1 b=eus2-az2 c=eus2-az3
eu-west-1       a=euw1-az1 b=euw1-az2 c=euw1-az3
eu-west-2       a=euw2-az2 b=euw2-az3 c=euw2-az1 d=euw2-az4
eu-west-3       a=euw3-az1 b=euw3-az2 c=euw3-az3
il-central-1    a=ilc1-az1 b=ilc1-az2 c=ilc1-az3
me-central-1    a=mec1-az1 b=mec1-az2 c=mec1-az3
me-south-1      a=mes1-az1 b=mes1-az2 c=mes1-az3
mx-central-1    a=mxc1-az1 b=mxc1-az2 c=mxc1-az3
sa-east-1       a=sae1-az1 b=sae1-az2 c=sae1-az3
us-east-1       a=use1-az1 b=use1-az2 c=use1-az4 d=use1-az6 e=use1-az3 f=use1-az5
us-east-2       a=use2-az1 b=use2-az2 c=use2-az3
us-gov-east-1   a=usge1-az1 b=usge1-az2 c=usge1-az3
us-gov-west-1   a=usgw1-az1 b=usgw1-az2 c=usgw1-az3
us-west-1       a=usw1-az1 b=~usw1-az2 c=usw1-az3
us-west-2       a=usw2-az1 b=usw2-az2 c=usw2-az3 d=usw2-az4
"""

# Local Zones and Wavelength Zones: Region, zone name, zone ID, type, group.
_EDGE_ZONES = """
us-east-1  us-east-1-bos-1a         use1-bos1-az1      local-zone       us-east-1-bos-1
us-east-1  us-east-1-wl1-bos-wlz-1  use1-wl1-bos-wlz1  wavelength-zone  us-east-1-wl1
us-west-2  us-west-2-lax-1a         usw2-lax1-az1      local-zone       us-west-2-lax-1
us-west-2  us-west-2-lax-1b         usw2-lax1-az2      local-zone       us-west-2-lax-1
"""


def _table() -> dict[str, tuple[Zone, ...]]:
    regions: dict[str, list[Zone]] = {}
    for line in _AZS.strip().splitlines():
        region, *zones = line.split()
        for zone in zones:
            letter, zid = zone.split("=")
            status = "constrained" if zid.startswith("~") else "opt-in-not-required"
            regions.setdefault(region, []).append(Zone(region + letter, zid.lstrip("~"), group=f"{region}-zg-1", status=status))
    for line in _EDGE_ZONES.strip().splitlines():
        region, name, zid, kind, group = line.split()
        regions[region].append(Zone(name, zid, kind, group, "not-opted-in"))
    return {region: tuple(zones) for region, zones in regions.items()}


# region -> every zone of it: AZs in name order, then its Local and Wavelength Zones.
REGIONS: dict[str, tuple[Zone, ...]] = _table()
ZONES: dict[str, Zone] = {z.name: z for zones in REGIONS.values() for z in zones}
ZONE_IDS: dict[str, str] = {name: z.id for name, z in ZONES.items()}
ZONE_NAMES_BY_ID: dict[str, str] = {zid: name for name, zid in ZONE_IDS.items()}
_REGION_OF: dict[str, str] = {z.name: region for region, zones in REGIONS.items() for z in zones}
# The AZ ID prefix of each Region ("euw3" for eu-west-3), from the data itself.
_ID_PREFIX: dict[str, str] = {z.id.split("-")[0]: region for region, zones in REGIONS.items() for z in zones}


def unknown_region(region: object) -> str:
    """The one message for a region stayup has no data for, with the closest known names."""
    close = difflib.get_close_matches(str(region), sorted(REGIONS), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"unknown AWS region {region!r} (stayup knows the {len(REGIONS)} regions of the aws, aws-us-gov and aws-cn partitions{hint})"


def partition(region: str) -> str:
    """The ARN partition of a Region (AWS General Reference, "Amazon Resource Names")."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def availability_zones(region: str) -> list[Zone]:
    """The AZs a new account gets in the Region (no constrained AZs, no edge zones)."""
    return [z for z in REGIONS.get(region, ()) if z.type == "availability-zone" and z.status != "constrained"]


def region_of_zone(zone: str) -> str | None:
    """The Region of a zone name or zone ID, if known."""
    return _REGION_OF.get(ZONE_NAMES_BY_ID.get(zone, zone))


def claimed_region(value: str) -> str | None:
    """The Region a zone name or ID says it is in, known zone or not: by its name's Region prefix
    (eu-west-3d, us-east-1-atl-1a) or its ID's prefix (euw3-az9, use1-atl1-az1)."""
    known = region_of_zone(value)
    if known is not None:
        return known
    for region in REGIONS:
        rest = value[len(region) :]
        if value.startswith(region) and ((rest.isalpha() and len(rest) == 1) or rest.startswith("-")):
            return region
    prefix, _, rest = value.partition("-")
    return _ID_PREFIX.get(prefix) if "az" in rest or "wlz" in rest else None


def zone_problem(value: str, region: str | None = None) -> str | None:
    """Why `value` cannot be a zone (of `region`, when given); None when it can or stayup cannot
    tell (a Region it has no data for, or a Local Zone it does not list)."""
    if value in REGIONS:
        return f"{value!r} is a region, not a zone"
    claimed = claimed_region(value)
    if claimed is None:
        return None
    if region is not None and region in REGIONS and claimed != region:
        return f"{value!r} is a zone of {claimed}, not of {region}"
    if value in ZONES or value in ZONE_NAMES_BY_ID:
        return None
    azs = [z for z in REGIONS[claimed] if z.type == "availability-zone"]
    if value.startswith(claimed) and value[len(claimed) :].isalpha():
        return f"no AZ {value!r} in {claimed} ({', '.join(z.name for z in azs)})"
    if value.split("-")[1].startswith("az"):
        return f"no AZ id {value!r} in {claimed} ({', '.join(z.id for z in azs)})"
    return None  # a Local or Wavelength Zone stayup does not list: its Region is all it can check
