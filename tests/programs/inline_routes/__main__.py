import pulumi_aws as aws

vpc = aws.ec2.Vpc("vpc", cidr_block="10.1.0.0/16")
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
public = aws.ec2.Subnet("public-a", vpc_id=vpc.id, cidr_block="10.1.0.0/24", availability_zone_id="euc1-az2")
public_rt = aws.ec2.RouteTable(
    "public", vpc_id=vpc.id, routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)]
)
aws.ec2.RouteTableAssociation("public-a", subnet_id=public.id, route_table_id=public_rt.id)
eip = aws.ec2.Eip("nat", domain="vpc")
nat = aws.ec2.NatGateway("nat", subnet_id=public.id, allocation_id=eip.id)
private = aws.ec2.Subnet("private-b", vpc_id=vpc.id, cidr_block="10.1.10.0/24", availability_zone="eu-central-1b")
private_rt = aws.ec2.RouteTable(
    "private", vpc_id=vpc.id, routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)]
)
aws.ec2.RouteTableAssociation("private-b", subnet_id=private.id, route_table_id=private_rt.id)
# A subnet with no zone: AWS picks one, so the graph must say "unknown".
aws.ec2.Subnet("anywhere", vpc_id=vpc.id, cidr_block="10.1.20.0/24")
