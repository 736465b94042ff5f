"""A Fargate service over two AZs behind an ALB; config `tasks` (stack single-task: one task)."""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()

vpc = aws.ec2.Vpc("svc", cidr_block="10.50.0.0/16")
igw = aws.ec2.InternetGateway("svc", vpc_id=vpc.id)
rt = aws.ec2.RouteTable("svc", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for i, zone in enumerate(["eu-west-3a", "eu-west-3b"]):
    subnet = aws.ec2.Subnet(f"svc-{zone}", vpc_id=vpc.id, cidr_block=f"10.50.{i}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"svc-{zone}", subnet_id=subnet.id, route_table_id=rt.id)
    subnets.append(subnet.id)
cluster = aws.ecs.Cluster("svc")
role = aws.iam.Role("task-exec", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))
task = aws.ecs.TaskDefinition("svc", family="svc", cpu="256", memory="512", network_mode="awsvpc",
                              requires_compatibilities=["FARGATE"], execution_role_arn=role.arn,
                              container_definitions=json.dumps([{"name": "app", "image": "nginx:1.27", "portMappings": [{"containerPort": 80}]}]))
alb = aws.lb.LoadBalancer("svc", load_balancer_type="application", subnets=subnets)
target = aws.lb.TargetGroup("svc", port=80, protocol="HTTP", target_type="ip", vpc_id=vpc.id,
                            health_check={"path": "/healthz", "interval": 10, "unhealthy_threshold": 2})
listener = aws.lb.Listener("svc", load_balancer_arn=alb.arn, port=80, default_actions=[{"type": "forward", "target_group_arn": target.arn}])
aws.ecs.Service("svc", cluster=cluster.arn, task_definition=task.arn, desired_count=config.get_int("tasks") or 2, launch_type="FARGATE",
                network_configuration={"subnets": subnets, "assign_public_ip": True},
                load_balancers=[{"target_group_arn": target.arn, "container_name": "app", "container_port": 80}],
                opts=pulumi.ResourceOptions(depends_on=[listener]))
