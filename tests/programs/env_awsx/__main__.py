"""The awsx way: a VPC component with a NAT strategy, a Fargate service on its private subnets and,
by config, an awsx load balancer, an EC2 service, the default VPC, or an awsx component stayup
does not model."""

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
container = awsx.ecs.TaskDefinitionContainerDefinitionArgs(name="api", image="nginx:1.27", cpu=256, memory=512)
api = awsx.ecs.FargateService("api", cluster=cluster.arn, desired_count=3,
                              network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(subnets=subnets),
                              task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(container=container))
internal = aws.lb.LoadBalancer("internal", internal=True, load_balancer_type="network", subnets=vpc.private_subnet_ids)
if config.get_bool("awsxAlb"):
    web = awsx.lb.ApplicationLoadBalancer("web", subnet_ids=vpc.public_subnet_ids)  # default health check
    pulumi.export("web_url", web.load_balancer.dns_name.apply(lambda name: f"http://{name}"))
if config.get_bool("ec2Service"):
    # Batch workers in awsvpc mode on the first private subnet only.
    awsx.ecs.EC2Service("batch", cluster=cluster.arn, desired_count=2,
                        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(subnets=vpc.private_subnet_ids.apply(lambda ids: ids[:1])),
                        task_definition_args=awsx.ecs.EC2ServiceTaskDefinitionArgs(
                            network_mode="awsvpc",
                            container=awsx.ecs.TaskDefinitionContainerDefinitionArgs(name="batch", image="busybox:1.36", cpu=128, memory=128)))
if config.get_bool("defaultVpc"):
    # A public edge in the default VPC: the load balancer takes the default subnets.
    default = awsx.ec2.DefaultVpc("default")
    edge = awsx.lb.ApplicationLoadBalancer("edge", default_target_group=awsx.lb.TargetGroupArgs(
        port=8080, health_check=aws.lb.TargetGroupHealthCheckArgs(path="/healthz", interval=10, healthy_threshold=2, unhealthy_threshold=2)))
    awsx.ecs.FargateService("edge", cluster=cluster.arn, desired_count=3, assign_public_ip=True,
                            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(subnets=default.public_subnet_ids, assign_public_ip=True),
                            task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(container=container))
    pulumi.export("edge_zones", default.public_subnet_ids.apply(len))
if config.get_bool("instanceTargets"):
    # Two web servers registered with awsx TargetGroupAttachment, both on the first private subnet.
    first = vpc.private_subnet_ids.apply(lambda ids: ids[0])
    pages = aws.lb.TargetGroup("pages", port=80, protocol="HTTP", vpc_id=vpc.vpc_id,
                               health_check=aws.lb.TargetGroupHealthCheckArgs(path="/healthz", interval=10, healthy_threshold=2, unhealthy_threshold=2))
    for i in (1, 2):
        server = aws.ec2.Instance(f"page-{i}", ami="ami-0c55b159cbfafe1f0", instance_type="t3.micro", subnet_id=first)
        awsx.lb.TargetGroupAttachment(f"page-{i}", target_group=pages, instance=server)
if config.get("westRegion"):
    # A second network through an explicit provider: its subnets are in that region's AZs.
    west = aws.Provider("west", region=config.get("westRegion"))
    awsx.ec2.Vpc("west", cidr_block="10.1.0.0/16", number_of_availability_zones=2, opts=pulumi.ResourceOptions(provider=west))
if config.get_bool("opaque"):
    awsx.ecr.Repository("images")  # an awsx component stayup does not model
pulumi.export("vpc_id", vpc.vpc_id)
pulumi.export("nat_count", vpc.nat_gateways.apply(len))
pulumi.export("api_service", api.service.name)
