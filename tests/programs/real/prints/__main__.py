"""Prints and logs while it builds: none of it may reach the report."""

import logging
import sys

import pulumi
import pulumi_aws as aws

print("building the web tier")
logging.basicConfig(level=logging.INFO)
logging.getLogger("deploy").info("using two AZs")
vpc = aws.ec2.Vpc("web", cidr_block="10.90.0.0/16")
igw = aws.ec2.InternetGateway("web", vpc_id=vpc.id)
rt = aws.ec2.RouteTable("web", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for i, zone in enumerate(["eu-west-3a", "eu-west-3b"]):
    subnet = aws.ec2.Subnet(f"web-{zone}", vpc_id=vpc.id, cidr_block=f"10.90.{i}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"web-{zone}", subnet_id=subnet.id, route_table_id=rt.id)
    subnets.append(subnet.id)
    print(f"subnet in {zone}", file=sys.stderr)
alb = aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=subnets)
alb.dns_name.apply(lambda name: print("load balancer:", name))
pulumi.log.info("done")
