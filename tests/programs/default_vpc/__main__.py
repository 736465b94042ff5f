import pulumi
import pulumi_aws as aws

vpc = aws.ec2.get_vpc(default=True)
subnet_ids = aws.ec2.get_subnets(filters=[aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[vpc.id])]).ids
first = aws.ec2.get_subnet(id=subnet_ids[0])
ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"])
template = aws.ec2.LaunchTemplate("web", image_id=ami.id, instance_type="t3.micro")
aws.autoscaling.Group(
    "web",
    vpc_zone_identifiers=subnet_ids,
    min_size=2,
    max_size=4,
    launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"),
)
# stayup has no canned answer for this invoke: it must be recorded, not crash the run.
pulumi.export("caller", aws.get_caller_identity().account_id)
pulumi.export("first_zone", first.availability_zone)
pulumi.export("prefix_list", aws.ec2.get_managed_prefix_list(name="com.amazonaws.us-east-1.s3").id)
