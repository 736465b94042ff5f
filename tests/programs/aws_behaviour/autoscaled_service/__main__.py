"""An ECS Fargate API over three AZs, desired count 3, with the usual Application Auto Scaling
target (CPU target tracking) whose minimum comes from config, and optionally a night schedule."""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
zones = aws.get_availability_zones(state="available").names
vpc = aws.ec2.Vpc("api", cidr_block="10.40.0.0/16")
igw = aws.ec2.InternetGateway("api", vpc_id=vpc.id)
table = aws.ec2.RouteTable("api", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for index, zone in enumerate(zones):
    subnet = aws.ec2.Subnet(f"api-{zone}", vpc_id=vpc.id, cidr_block=f"10.40.{index}.0/24", availability_zone=zone, map_public_ip_on_launch=True)
    aws.ec2.RouteTableAssociation(f"api-{zone}", subnet_id=subnet.id, route_table_id=table.id)
    subnets.append(subnet)

alb = aws.lb.LoadBalancer("api", load_balancer_type="application", subnets=[s.id for s in subnets])
target = aws.lb.TargetGroup("api", port=8080, protocol="HTTP", target_type="ip", vpc_id=vpc.id,
                            health_check={"path": "/ready", "interval": 10, "healthy_threshold": 2, "unhealthy_threshold": 2})
aws.lb.Listener("api", load_balancer_arn=alb.arn, port=80, default_actions=[{"type": "forward", "target_group_arn": target.arn}])

cluster = aws.ecs.Cluster("apps")
role = aws.iam.Role("api-exec", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
task = aws.ecs.TaskDefinition("api", family="api", cpu="256", memory="512", network_mode="awsvpc", requires_compatibilities=["FARGATE"],
                              execution_role_arn=role.arn,
                              container_definitions=json.dumps([{"name": "api", "image": "nginx:1.27", "portMappings": [{"containerPort": 8080}]}]))
service = aws.ecs.Service("api", cluster=cluster.arn, task_definition=task.arn, desired_count=3, launch_type="FARGATE",
                          network_configuration={"subnets": [s.id for s in subnets], "assign_public_ip": True},
                          load_balancers=[{"target_group_arn": target.arn, "container_name": "api", "container_port": 8080}])

scaling = aws.appautoscaling.Target("api", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount",
                                    resource_id=pulumi.Output.concat("service/", cluster.name, "/", service.name),
                                    min_capacity=config.require_int("minTasks"), max_capacity=12)
aws.appautoscaling.Policy("api-cpu", policy_type="TargetTrackingScaling", service_namespace=scaling.service_namespace,
                          scalable_dimension=scaling.scalable_dimension, resource_id=scaling.resource_id,
                          target_tracking_scaling_policy_configuration={"target_value": 60,
                              "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"}})
if config.get_int("nightTasks") is not None:
    aws.appautoscaling.ScheduledAction("api-night", service_namespace=scaling.service_namespace, scalable_dimension=scaling.scalable_dimension,
                                       resource_id=scaling.resource_id, schedule="cron(0 22 * * ? *)",
                                       scalable_target_action={"min_capacity": config.get_int("nightTasks"), "max_capacity": 3})
pulumi.export("url", alb.dns_name)
