"""Aurora PostgreSQL: a writer and a reader in different AZs (config `instances`)."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
zones = ["eu-west-3a", "eu-west-3b"]
vpc = aws.ec2.Vpc("data", cidr_block="10.120.0.0/16")
subnets = [aws.ec2.Subnet(f"data-{zone}", vpc_id=vpc.id, cidr_block=f"10.120.{i}.0/24", availability_zone=zone)
           for i, zone in enumerate(zones)]
group = aws.rds.SubnetGroup("data", subnet_ids=[s.id for s in subnets])
cluster = aws.rds.Cluster("orders", engine="aurora-postgresql", engine_version="16.4", database_name="orders",
                          master_username="app", manage_master_user_password=True, db_subnet_group_name=group.name,
                          skip_final_snapshot=True)
for index in range(config.get_int("instances") or 2):
    aws.rds.ClusterInstance(f"orders-{index}", cluster_identifier=cluster.id, engine="aurora-postgresql",
                            instance_class="db.r6g.large", availability_zone=zones[index % len(zones)])
