"""The classic VPC: a public and a private subnet per AZ, a NAT gateway in each (config
`singleNat`: one NAT gateway for every AZ, a cost cut that couples AZs)."""

import pulumi
import pulumi_aws as aws

single_nat = pulumi.Config().get_bool("singleNat") or False

azs = aws.get_availability_zones(state="available").names
vpc = aws.ec2.Vpc("main", cidr_block="10.10.0.0/16", enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("main", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id,
                               routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)])
private_ids = []
for i, az in enumerate(azs):
    public = aws.ec2.Subnet(f"public-{az}", vpc_id=vpc.id, cidr_block=f"10.10.{i}.0/24", availability_zone=az,
                            map_public_ip_on_launch=True)
    aws.ec2.RouteTableAssociation(f"public-{az}", subnet_id=public.id, route_table_id=public_rt.id)
    if i == 0 or not single_nat:
        nat = aws.ec2.NatGateway(f"nat-{az}", subnet_id=public.id, allocation_id=aws.ec2.Eip(f"nat-{az}", domain="vpc").id)
    private = aws.ec2.Subnet(f"private-{az}", vpc_id=vpc.id, cidr_block=f"10.10.{100 + i}.0/24", availability_zone=az)
    rt = aws.ec2.RouteTable(f"private-{az}", vpc_id=vpc.id,
                            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)])
    aws.ec2.RouteTableAssociation(f"private-{az}", subnet_id=private.id, route_table_id=rt.id)
    private_ids.append(private.id)
pulumi.export("private_subnet_ids", private_ids)
