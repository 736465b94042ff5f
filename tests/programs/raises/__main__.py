import pulumi_aws as aws

aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
sizes = {"small": 1}
count = sizes["large"]
