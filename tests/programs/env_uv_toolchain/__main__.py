"""A NAT gateway per AZ, each private subnet leaving through its own AZ's NAT."""

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.Vpc("zonal", cidr_block="10.30.0.0/16")
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc)  # a resource where its id is expected
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc)
aws.ec2.Route("public-default", route_table_id=public_rt, destination_cidr_block="0.0.0.0/0", gateway_id=igw)

for index, zone in enumerate(["eu-central-1a", "eu-central-1b", "eu-central-1c"]):
    public = aws.ec2.Subnet(f"public-{zone}", vpc_id=vpc, cidr_block=f"10.30.{index}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"public-{zone}", subnet_id=public, route_table_id=public_rt)
    eip = aws.ec2.Eip(f"nat-{zone}", domain="vpc")
    nat = aws.ec2.NatGateway(f"nat-{zone}", subnet_id=public, allocation_id=eip)
    private = aws.ec2.Subnet(f"private-{zone}", vpc_id=vpc, cidr_block=f"10.30.{10 + index}.0/24", availability_zone=zone)
    private_rt = aws.ec2.RouteTable(f"private-{zone}", vpc_id=vpc)
    aws.ec2.Route(f"private-{zone}-default", route_table_id=private_rt, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat)
    aws.ec2.RouteTableAssociation(f"private-{zone}", subnet_id=private, route_table_id=private_rt)

pulumi.export("vpc", vpc.id)
