"""Every argument of get_availability_zones (AWS filters, opt-in, exclusions), subnets in the zones a
filter selects, and the default VPC found with `default="true"` as older programs pass it."""

import pulumi
import pulumi_aws as aws


def names(**args):
    return aws.get_availability_zones(**args).names


pulumi.export("default", names())
pulumi.export("all", names(all_availability_zones=True))
pulumi.export("local", names(all_availability_zones=True, filters=[aws.GetAvailabilityZonesFilterArgs(name="zone-type", values=["local-zone"])]))
pulumi.export("local_not_opted_in", names(filters=[{"name": "zone-type", "values": ["local-zone"]}]))
pulumi.export("excluded", names(exclude_names=["us-west-2a"], exclude_zone_ids=["usw2-az4"]))
pulumi.export("impaired", names(state="impaired"))
pulumi.export("groups", aws.get_availability_zones(all_availability_zones=True).group_names)

vpc = aws.ec2.get_vpc(default="true")
chosen = aws.get_availability_zones(filters=[{"name": "zone-id", "values": ["usw2-az1", "usw2-az3"]}])
for i, zone in enumerate(chosen.names):
    aws.ec2.Subnet(f"app-{zone}", vpc_id=vpc.id, cidr_block=f"172.31.{200 + i}.0/24", availability_zone=zone)
