import pulumi
import pulumi_aws as aws

config = pulumi.Config()
owner = config.require("owner")
replicas = config.require_int("replicas")
password = config.require_secret("dbPassword")
aws.ssm.Parameter("db-password", type="SecureString", value=password, tags={"owner": owner})
for i in range(replicas):
    aws.ec2.Instance(f"app-{i}", ami="ami-12345678", instance_type="t3.micro", tags={"owner": owner})
pulumi.export("password", password)
