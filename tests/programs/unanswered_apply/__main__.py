"""The web group's size is an SSM parameter parsed in an apply; the api group takes the first of
another stack's private subnets."""
import pulumi
import pulumi_aws as aws

size = aws.ssm.get_parameter_output(name="/web/min-size").value.apply(int)
network = pulumi.StackReference("organization/network/dev")
first_subnet = network.get_output("private_subnet_ids").apply(lambda ids: ids[:1])
zones = aws.get_availability_zones().names
vpc = aws.ec2.Vpc("app", cidr_block="10.0.0.0/16")
subnets = [aws.ec2.Subnet(f"app-{zone}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=zone) for i, zone in enumerate(zones[:2])]
template = aws.ec2.LaunchTemplate("app", image_id="ami-0c55b159cbfafe1f0", instance_type="t3.micro")
aws.autoscaling.Group("web", min_size=size, max_size=6, desired_capacity=size, vpc_zone_identifiers=[s.id for s in subnets],
                      launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"))
aws.autoscaling.Group("api", min_size=2, max_size=6, vpc_zone_identifiers=first_subnet,
                      launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"))
