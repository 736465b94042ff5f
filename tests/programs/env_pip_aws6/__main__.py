"""Two private subnets that both leave through one NAT in the first AZ: names from pulumi-random."""

import pulumi
import pulumi_aws as aws
import pulumi_random as random

suffix = random.RandomPet("suffix", length=2)
zones = aws.get_availability_zones(state="available").names[:2]

vpc = aws.ec2.Vpc("shared", cidr_block="10.20.0.0/16", tags={"Name": suffix.id})
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])

publics = []
for index, zone in enumerate(zones):
    subnet = aws.ec2.Subnet(f"public-{index}", vpc_id=vpc.id, cidr_block=f"10.20.{index}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"public-{index}", subnet_id=subnet.id, route_table_id=public_rt.id)
    publics.append(subnet)

eip = aws.ec2.Eip("nat", domain="vpc")
nat = aws.ec2.NatGateway("nat", subnet_id=publics[0].id, allocation_id=eip.id)
private_rt = aws.ec2.RouteTable("private", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}])
for index, zone in enumerate(zones):
    subnet = aws.ec2.Subnet(f"private-{index}", vpc_id=vpc.id, cidr_block=f"10.20.{10 + index}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"private-{index}", subnet_id=subnet.id, route_table_id=private_rt.id)

pulumi.export("vpc", vpc.id)
