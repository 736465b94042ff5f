"""The VPC's default route table adopted and pointed at a NAT in the first AZ."""

import pulumi_aws as aws

vpc = aws.ec2.Vpc("core", cidr_block="10.30.0.0/16")
igw = aws.ec2.InternetGateway("core", vpc_id=vpc.id)
edge_rt = aws.ec2.RouteTable("edge", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
edge = aws.ec2.Subnet("edge-a", vpc_id=vpc.id, cidr_block="10.30.0.0/24", availability_zone="eu-west-3a")
aws.ec2.RouteTableAssociation("edge-a", subnet_id=edge.id, route_table_id=edge_rt.id)
nat = aws.ec2.NatGateway("egress", subnet_id=edge.id, allocation_id=aws.ec2.Eip("egress", domain="vpc").id)
aws.ec2.DefaultRouteTable("default", default_route_table_id=vpc.default_route_table_id,
                          routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}])
for zone in ("eu-west-3a", "eu-west-3b"):
    aws.ec2.Subnet(f"app-{zone}", vpc_id=vpc.id, cidr_block=f"10.30.{ord(zone[-1]) - 96}0.0/24", availability_zone=zone)
