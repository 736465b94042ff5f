import os

import pulumi
import pulumi_aws as aws

org, project, stack = pulumi.get_organization(), pulumi.get_project(), pulumi.get_stack()
prefix = "-".join([org, project, stack]).lower()
with open(os.path.join(pulumi.get_root_directory(), "owners.txt")) as owners:
    owner = owners.read().strip()
logs = aws.s3.BucketV2("logs", bucket=f"{prefix}-logs", tags={"org": org, "owner": owner})
pulumi.export("org", org)
pulumi.export("bucket", logs.bucket)
