"""pulumi-aws 5: a NAT gateway per AZ, but the second AZ's private route table points at the first
AZ's NAT (a copy-paste slip in the loop)."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
zones = aws.get_availability_zones().names[: config.get_int("zones") or 2]

vpc = aws.ec2.Vpc("legacy", cidr_block="10.40.0.0/16", enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id)
aws.ec2.Route("public-default", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)

nats = []
for index, zone in enumerate(zones):
    public = aws.ec2.Subnet(f"public-{index}", vpc_id=vpc.id, cidr_block=f"10.40.{index}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"public-{index}", subnet_id=public.id, route_table_id=public_rt.id)
    eip = aws.ec2.Eip(f"nat-{index}", vpc=True)  # the pulumi-aws 5 spelling of domain="vpc"
    nats.append(aws.ec2.NatGateway(f"nat-{index}", subnet_id=public.id, allocation_id=eip.id))

for index, zone in enumerate(zones):
    private = aws.ec2.Subnet(f"private-{index}", vpc_id=vpc.id, cidr_block=f"10.40.{10 + index}.0/24", availability_zone=zone)
    table = aws.ec2.RouteTable(f"private-{index}", vpc_id=vpc.id)
    aws.ec2.Route(f"private-{index}-default", route_table_id=table.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nats[0].id)
    aws.ec2.RouteTableAssociation(f"private-{index}", subnet_id=private.id, route_table_id=table.id)
