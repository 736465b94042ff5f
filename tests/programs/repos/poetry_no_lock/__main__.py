"""A database tier: a subnet group over three AZs and a Multi-AZ PostgreSQL instance."""
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
zones = aws.get_availability_zones_output(state="available").names
vpc = aws.ec2.Vpc("data", cidr_block="10.30.0.0/16")
subnets = [
    aws.ec2.Subnet(f"db-{i}", vpc_id=vpc.id, cidr_block=f"10.30.{i}.0/24", availability_zone=zones[i])
    for i in range(3)
]
group = aws.rds.SubnetGroup("db", subnet_ids=[s.id for s in subnets])
db = aws.rds.Instance("orders", engine="postgres", instance_class="db.t4g.medium", allocated_storage=20,
                      username="app", manage_master_user_password=True, db_subnet_group_name=group.name,
                      multi_az=config.get_bool("multiAz") if config.get_bool("multiAz") is not None else True,
                      skip_final_snapshot=True)
pulumi.export("endpoint", db.endpoint)
