"""A web tier whose target group probes "/" every 10 s (how most quick starts write it); config
`interval` makes it slow."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
zones = aws.get_availability_zones(state="available").names
vpc = aws.ec2.Vpc("site", cidr_block="10.70.0.0/16")
igw = aws.ec2.InternetGateway("site", vpc_id=vpc.id)
table = aws.ec2.RouteTable("site", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = [aws.ec2.Subnet(f"site-{i}", vpc_id=vpc.id, cidr_block=f"10.70.{i}.0/24", availability_zone=z) for i, z in enumerate(zones)]
for subnet in subnets:
    aws.ec2.RouteTableAssociation(subnet._name, subnet_id=subnet.id, route_table_id=table.id)
alb = aws.lb.LoadBalancer("site", load_balancer_type="application", subnets=[s.id for s in subnets])
target = aws.lb.TargetGroup("site", port=80, protocol="HTTP", vpc_id=vpc.id,
                            health_check={"path": "/", "interval": config.get_int("interval") or 10, "unhealthy_threshold": 3})
aws.lb.Listener("site", load_balancer_arn=alb.arn, port=80, default_actions=[{"type": "forward", "target_group_arn": target.arn}])
template = aws.ec2.LaunchTemplate("site", image_id="ami-0abcdef1234567890", instance_type="t3.micro")
aws.autoscaling.Group("site", vpc_zone_identifiers=[s.id for s in subnets], min_size=3, max_size=6, target_group_arns=[target.arn],
                      health_check_type="ELB", health_check_grace_period=120, launch_template={"id": template.id, "version": "$Latest"})
