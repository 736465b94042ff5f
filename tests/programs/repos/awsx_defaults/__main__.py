"""The awsx quick start: a default VPC component (one NAT per AZ), a service on its private
subnets, and a service with no network configuration (awsx puts it in the default VPC's subnets)."""
import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

vpc = awsx.ec2.Vpc("vpc")
cluster = aws.ecs.Cluster("cluster")
container = awsx.ecs.TaskDefinitionContainerDefinitionArgs(name="app", image="nginx:1.27", cpu=256, memory=512, essential=True)
awsx.ecs.FargateService(
    "api",
    cluster=cluster.arn,
    desired_count=3,
    network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(subnets=vpc.private_subnet_ids),
    task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(container=container),
)
awsx.ecs.FargateService(
    "worker",
    cluster=cluster.arn,
    desired_count=3,
    assign_public_ip=True,
    task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(container=container),
)
pulumi.export("vpc_id", vpc.vpc_id)
