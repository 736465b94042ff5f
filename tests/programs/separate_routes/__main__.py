import pulumi
import pulumi_aws as aws

zones = aws.get_availability_zones(state="available").names[:2]
vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id)
aws.ec2.Route("public-default", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
for i, zone in enumerate(zones):
    public = aws.ec2.Subnet(f"public-{i}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"public-{i}", subnet_id=public.id, route_table_id=public_rt.id)
    eip = aws.ec2.Eip(f"nat-{i}", domain="vpc")
    nat = aws.ec2.NatGateway(f"nat-{i}", subnet_id=public.id, allocation_id=eip.id)
    private = aws.ec2.Subnet(f"private-{i}", vpc_id=vpc.id, cidr_block=f"10.0.{10 + i}.0/24", availability_zone=zone)
    rt = aws.ec2.RouteTable(f"private-{i}", vpc_id=vpc.id)
    # Real programs often point at a NAT through gateway_id.
    aws.ec2.Route(f"private-{i}-default", route_table_id=rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=nat.id)
    aws.ec2.RouteTableAssociation(f"private-{i}", subnet_id=private.id, route_table_id=rt.id)
pulumi.export("vpc_id", vpc.id)
