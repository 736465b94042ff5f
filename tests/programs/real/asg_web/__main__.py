"""The web tier most teams start with: an ALB, a launch template and an auto scaling group."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
zones = aws.get_availability_zones(state="available").names
vpc = aws.ec2.Vpc("web", cidr_block="10.110.0.0/16")
igw = aws.ec2.InternetGateway("web", vpc_id=vpc.id)
table = aws.ec2.RouteTable("web", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for index, zone in enumerate(zones):
    subnet = aws.ec2.Subnet(f"web-{index}", vpc_id=vpc.id, cidr_block=f"10.110.{index}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"web-{index}", subnet_id=subnet.id, route_table_id=table.id)
    subnets.append(subnet)
alb = aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=[s.id for s in subnets])
target = aws.lb.TargetGroup("web", port=8080, protocol="HTTP", vpc_id=vpc.id,
                            health_check=aws.lb.TargetGroupHealthCheckArgs(path="/healthz", interval=10, unhealthy_threshold=2))
aws.lb.Listener("web", load_balancer_arn=alb.arn, port=80, default_actions=[{"type": "forward", "target_group_arn": target.arn}])
template = aws.ec2.LaunchTemplate("web", image_id="ami-0abcdef1234567890", instance_type="t3.small")
aws.autoscaling.Group("web", vpc_zone_identifiers=[s.id for s in subnets], min_size=3, max_size=9, desired_capacity=3,
                      target_group_arns=[target.arn], health_check_type=config.get("healthCheckType") or "ELB",
                      health_check_grace_period=120,
                      launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"))
