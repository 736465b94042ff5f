"""Subnets in three AZs, but the load balancer only gets the first (a list trimmed in an apply)."""

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.Vpc("web", cidr_block="10.40.0.0/16")
igw = aws.ec2.InternetGateway("web", vpc_id=vpc.id)
rt = aws.ec2.RouteTable("web", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for i, zone in enumerate(["eu-west-3a", "eu-west-3b", "eu-west-3c"]):
    subnet = aws.ec2.Subnet(f"web-{zone}", vpc_id=vpc.id, cidr_block=f"10.40.{i}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"web-{zone}", subnet_id=subnet.id, route_table_id=rt.id)
    subnets.append(subnet)
first_only = pulumi.Output.all(*[s.id for s in subnets]).apply(lambda ids: ids[:1])
aws.lb.LoadBalancer("web", load_balancer_type="network", subnets=first_only)
