"""The awsx way: a VPC component with a NAT strategy, and a Fargate service on its private subnets."""

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

config = pulumi.Config()
vpc = awsx.ec2.Vpc("net", cidr_block="10.0.0.0/16", number_of_availability_zones=3,
                   nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=config.require("natStrategy")))
cluster = aws.ecs.Cluster("apps")
awsx.ecs.FargateService("api", cluster=cluster.arn, desired_count=2,
                        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(subnets=vpc.private_subnet_ids),
                        task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(
                            container=awsx.ecs.TaskDefinitionContainerDefinitionArgs(name="api", image="nginx:1.27", cpu=256, memory=512)))
internal = aws.lb.LoadBalancer("internal", internal=True, load_balancer_type="network", subnets=vpc.private_subnet_ids)
pulumi.export("vpc_id", vpc.vpc_id)
