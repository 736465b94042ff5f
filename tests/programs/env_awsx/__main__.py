"""The awsx way: a VPC component with a NAT strategy, a Fargate service on its private subnets and,
with config awsxAlb, an awsx load balancer (ec2Service: an awsx EC2 service, not modelled)."""

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

config = pulumi.Config()
vpc = awsx.ec2.Vpc("net", cidr_block="10.0.0.0/16", number_of_availability_zones=3,
                   nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=config.require("natStrategy")))
cluster = aws.ecs.Cluster("apps")
# serviceSubnets: how many of the private subnets the service gets (default: all)
count = config.get_int("serviceSubnets")
subnets = vpc.private_subnet_ids.apply(lambda ids: ids[:count]) if count else vpc.private_subnet_ids
awsx.ecs.FargateService("api", cluster=cluster.arn, desired_count=3,
                        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(subnets=subnets),
                        task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(
                            container=awsx.ecs.TaskDefinitionContainerDefinitionArgs(name="api", image="nginx:1.27", cpu=256, memory=512)))
internal = aws.lb.LoadBalancer("internal", internal=True, load_balancer_type="network", subnets=vpc.private_subnet_ids)
if config.get_bool("awsxAlb"):
    awsx.lb.ApplicationLoadBalancer("web", subnet_ids=vpc.public_subnet_ids)  # default health check
if config.get_bool("ec2Service"):
    awsx.ecs.EC2Service("batch", cluster=cluster.arn, desired_count=2,
                        task_definition_args=awsx.ecs.EC2ServiceTaskDefinitionArgs(
                            container=awsx.ecs.TaskDefinitionContainerDefinitionArgs(name="batch", image="busybox:1.36", cpu=128, memory=128)))
pulumi.export("vpc_id", vpc.vpc_id)
