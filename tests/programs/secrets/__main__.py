import pulumi
import pulumi_aws as aws

config = pulumi.Config()
owner = config.require("owner")
replicas = config.require_int("replicas")
password = config.require_secret("dbPassword")
aws.ssm.Parameter("db-password", type="SecureString", value=password, tags={"owner": owner})
for i in range(replicas):
    aws.ec2.Instance(f"app-{i}", ami="ami-12345678", instance_type="t3.micro", tags={"owner": owner})
# A secret written in the program itself: it must never reach any stayup output.
aws.ssm.Parameter("api-key", type="SecureString", value=pulumi.Output.secret("s3cr3t-literal-value"))
pulumi.export("password", password)
pulumi.export("api_key", pulumi.Output.secret("s3cr3t-literal-value"))
