import pulumi
import pulumi_aws as aws
from naming import name_for  # a module of the project, not a package to install
from pulumi_aws import ec2

zones = aws.get_availability_zones().names
vpc = ec2.Vpc(name_for("vpc"), cidr_block="10.1.0.0/16")
igw = ec2.InternetGateway(name_for("igw"), vpc_id=vpc.id)
public_rt = ec2.RouteTable(name_for("public"), vpc_id=vpc.id)
ec2.Route(name_for("public-default"), route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
for index, zone in enumerate(zones[:3]):
    public = ec2.Subnet(name_for(f"public-{zone}"), vpc_id=vpc.id, availability_zone=zone, cidr_block=f"10.1.{index}.0/24")
    ec2.RouteTableAssociation(name_for(f"public-{zone}"), subnet_id=public.id, route_table_id=public_rt.id)
    nat = ec2.NatGateway(name_for(f"nat-{zone}"), subnet_id=public.id, allocation_id=ec2.Eip(name_for(f"nat-{zone}"), domain="vpc").id)
    private_rt = ec2.RouteTable(name_for(f"private-{zone}"), vpc_id=vpc.id)
    ec2.Route(name_for(f"private-{zone}-default"), route_table_id=private_rt.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
    private = ec2.Subnet(name_for(f"private-{zone}"), vpc_id=vpc.id, availability_zone=zone, cidr_block=f"10.1.{10 + index}.0/24")
    ec2.RouteTableAssociation(name_for(f"private-{zone}"), subnet_id=private.id, route_table_id=private_rt.id)
pulumi.export("vpc_id", vpc.id)
