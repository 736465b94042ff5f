"""A single-AZ PostgreSQL database (the default when multi_az is not set)."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
vpc = aws.ec2.Vpc("db", cidr_block="10.100.0.0/16")
subnets = [aws.ec2.Subnet(f"db-{zone}", vpc_id=vpc.id, cidr_block=f"10.100.{i}.0/24", availability_zone=zone)
           for i, zone in enumerate(["eu-west-3a", "eu-west-3b"])]
group = aws.rds.SubnetGroup("db", subnet_ids=[s.id for s in subnets])
aws.rds.Instance("db", engine="postgres", engine_version="16.4", instance_class="db.t4g.medium", allocated_storage=20,
                 db_subnet_group_name=group.name, username="app", password=config.get_secret("dbPassword") or "change-me-1234",
                 skip_final_snapshot=True)
