"""A function in the VPC; its role's policy is built with iam.get_policy_document."""

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.Vpc("fn", cidr_block="10.70.0.0/16")
subnets = [aws.ec2.Subnet(f"fn-{zone}", vpc_id=vpc.id, cidr_block=f"10.70.{i}.0/24", availability_zone=zone)
           for i, zone in enumerate(["eu-west-3a", "eu-west-3b"])]
group = aws.ec2.SecurityGroup("fn", vpc_id=vpc.id, egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}])
assume = aws.iam.get_policy_document(statements=[aws.iam.GetPolicyDocumentStatementArgs(
    actions=["sts:AssumeRole"],
    principals=[aws.iam.GetPolicyDocumentStatementPrincipalArgs(type="Service", identifiers=["lambda.amazonaws.com"])],
)])
role = aws.iam.Role("fn", assume_role_policy=assume.json)
aws.iam.RolePolicyAttachment("fn-vpc", role=role.name, policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.12", handler="index.handler",
                          code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return 'ok'\n")}),
                          vpc_config={"subnet_ids": [s.id for s in subnets], "security_group_ids": [group.id]})
pulumi.export("policy", assume.json)
