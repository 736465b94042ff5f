"""Failover the way the Route 53 guide shows it for load balancers: the PRIMARY is an alias to the
ALB with evaluate_target_health (no separate health check), the SECONDARY a static maintenance
page. Config `evaluateTargetHealth` (default true)."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
evaluate = config.get_bool("evaluateTargetHealth")
zones = aws.get_availability_zones(state="available").names[:2]
vpc = aws.ec2.Vpc("shop", cidr_block="10.60.0.0/16")
igw = aws.ec2.InternetGateway("shop", vpc_id=vpc.id)
table = aws.ec2.RouteTable("shop", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for index, zone in enumerate(zones):
    subnet = aws.ec2.Subnet(f"shop-{index}", vpc_id=vpc.id, cidr_block=f"10.60.{index}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"shop-{index}", subnet_id=subnet.id, route_table_id=table.id)
    subnets.append(subnet)
alb = aws.lb.LoadBalancer("shop", load_balancer_type="application", subnets=[s.id for s in subnets])
target = aws.lb.TargetGroup("shop", port=8080, protocol="HTTP", vpc_id=vpc.id,
                            health_check={"path": "/healthz", "interval": 10, "unhealthy_threshold": 2})
aws.lb.Listener("shop", load_balancer_arn=alb.arn, port=80, default_actions=[{"type": "forward", "target_group_arn": target.arn}])
template = aws.ec2.LaunchTemplate("shop", image_id="ami-0abcdef1234567890", instance_type="t3.small")
aws.autoscaling.Group("shop", vpc_zone_identifiers=[s.id for s in subnets], min_size=2, max_size=6, target_group_arns=[target.arn],
                      health_check_type="ELB", health_check_grace_period=120, launch_template={"id": template.id, "version": "$Latest"})

zone = aws.route53.Zone("shop", name="shop.example.net")
aws.route53.Record("primary", zone_id=zone.zone_id, name="www.shop.example.net", type="A", set_identifier="primary",
                   failover_routing_policies=[{"type": "PRIMARY"}],
                   aliases=[{"name": alb.dns_name, "zone_id": alb.zone_id, "evaluate_target_health": evaluate is not False}])
aws.route53.Record("secondary", zone_id=zone.zone_id, name="www.shop.example.net", type="A", set_identifier="secondary",
                   failover_routing_policies=[{"type": "SECONDARY"}], ttl=60, records=["192.0.2.80"])
