"""A VPC found by a name another stack exports (wrapped in a secret here), subnets found by a
secret tag value."""
import pulumi
import pulumi_aws as aws

network = pulumi.StackReference("organization/network/dev")
vpc_name = pulumi.Output.secret(network.get_output("vpc_name"))
vpc = aws.ec2.get_vpc_output(tags={"Name": vpc_name})
token = pulumi.Output.secret("tag-value-hunter2")
found = aws.ec2.get_subnets_output(filters=[aws.ec2.GetSubnetsFilterArgs(name="tag:token", values=[token])])
pulumi.export("subnets", found.ids)
aws.ec2.Subnet("extra", vpc_id=vpc.id, cidr_block="10.0.9.0/24", availability_zone="eu-west-3a", tags={"token": token})
