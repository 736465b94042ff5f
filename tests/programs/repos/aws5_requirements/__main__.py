"""Two public and two private subnets; one NAT gateway, shared by both private subnets."""
import pulumi
import pulumi_aws as aws

azs = aws.get_availability_zones(state="available").names[:2]
vpc = aws.ec2.Vpc("legacy", cidr_block="10.20.0.0/16", enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("legacy-igw", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id,
                               routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)])
public, private = [], []
for i, az in enumerate(azs):
    subnet = aws.ec2.Subnet(f"public-{i}", vpc_id=vpc.id, cidr_block=f"10.20.{i}.0/24", availability_zone=az,
                            map_public_ip_on_launch=True)
    aws.ec2.RouteTableAssociation(f"public-{i}", subnet_id=subnet.id, route_table_id=public_rt.id)
    public.append(subnet)
eip = aws.ec2.Eip("nat", vpc=True)
nat = aws.ec2.NatGateway("nat", subnet_id=public[0].id, allocation_id=eip.id)
private_rt = aws.ec2.RouteTable("private", vpc_id=vpc.id,
                                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)])
for i, az in enumerate(azs):
    subnet = aws.ec2.Subnet(f"private-{i}", vpc_id=vpc.id, cidr_block=f"10.20.{10 + i}.0/24", availability_zone=az)
    aws.ec2.RouteTableAssociation(f"private-{i}", subnet_id=subnet.id, route_table_id=private_rt.id)
    private.append(subnet)

pulumi.export("vpc_id", vpc.id)
pulumi.export("private_subnet_ids", [s.id for s in private])
