"""Private subnets left on the VPC's main route table, which sends everything to one NAT."""

import pulumi_aws as aws

vpc = aws.ec2.Vpc("core", cidr_block="10.20.0.0/16")
igw = aws.ec2.InternetGateway("core", vpc_id=vpc.id)
edge_rt = aws.ec2.RouteTable("edge", vpc_id=vpc.id)
aws.ec2.Route("edge-default", route_table_id=edge_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
edge = aws.ec2.Subnet("edge-a", vpc_id=vpc.id, cidr_block="10.20.0.0/24", availability_zone="eu-west-3a")
aws.ec2.RouteTableAssociation("edge-a", subnet_id=edge.id, route_table_id=edge_rt.id)
nat = aws.ec2.NatGateway("egress", subnet_id=edge.id, allocation_id=aws.ec2.Eip("egress", domain="vpc").id)
# The main route table: every subnet without an association uses it.
aws.ec2.Route("main-default", route_table_id=vpc.main_route_table_id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
for zone in ("eu-west-3a", "eu-west-3b"):
    aws.ec2.Subnet(f"app-{zone}", vpc_id=vpc.id, cidr_block=f"10.20.{ord(zone[-1]) - 96}0.0/24", availability_zone=zone)
