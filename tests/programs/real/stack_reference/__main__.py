"""Compute on the network another stack exports (StackReference)."""

import pulumi
import pulumi_aws as aws

network = pulumi.StackReference("acme/network/prod")
subnet_ids = network.get_output("privateSubnetIds")

template = aws.ec2.LaunchTemplate("worker", image_id="ami-0abcdef1234567890", instance_type="t3.small")
aws.autoscaling.Group("worker", vpc_zone_identifiers=subnet_ids, min_size=3, max_size=6, desired_capacity=3,
                      launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"))
