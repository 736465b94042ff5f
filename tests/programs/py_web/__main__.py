"""The Python twin of tests/programs/ts_web (same resources, names and stacks)."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
az_count = config.get_int("azCount") or 3
single_nat = config.require_bool("singleNat")
db_multi_az = config.require_bool("dbMultiAz")

azs = aws.get_availability_zones_output(state="available")

vpc = aws.ec2.Vpc("main", cidr_block="10.20.0.0/16", enable_dns_hostnames=True, tags={"Name": "main"})
igw = aws.ec2.InternetGateway("main", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])

public_subnets = []
private_subnets = []
nat = None
for i in range(az_count):
    az = azs.names[i]
    pub = aws.ec2.Subnet(f"public-{i}", vpc_id=vpc.id, cidr_block=f"10.20.{i}.0/24", availability_zone=az,
                         map_public_ip_on_launch=True)
    aws.ec2.RouteTableAssociation(f"public-{i}", subnet_id=pub.id, route_table_id=public_rt.id)
    public_subnets.append(pub)

    if not single_nat or i == 0:
        eip = aws.ec2.Eip(f"nat-{i}", domain="vpc")
        nat = aws.ec2.NatGateway(f"nat-{i}", subnet_id=pub.id, allocation_id=eip.id)
    priv = aws.ec2.Subnet(f"private-{i}", vpc_id=vpc.id, cidr_block=f"10.20.{100 + i}.0/24", availability_zone=az)
    rt = aws.ec2.RouteTable(f"private-{i}", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}])
    aws.ec2.RouteTableAssociation(f"private-{i}", subnet_id=priv.id, route_table_id=rt.id)
    private_subnets.append(priv)

alb = aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=[s.id for s in public_subnets])
targets = aws.lb.TargetGroup("web", port=8080, protocol="HTTP", vpc_id=vpc.id,
                             health_check={"path": "/healthz", "interval": 10, "unhealthy_threshold": 2})
aws.lb.Listener("web", load_balancer_arn=alb.arn, port=80, default_actions=[{"type": "forward", "target_group_arn": targets.arn}])

template = aws.ec2.LaunchTemplate("web", image_id="ami-0abcdef1234567890", instance_type="t3.small")
aws.autoscaling.Group("web", vpc_zone_identifiers=[s.id for s in private_subnets], min_size=3, max_size=9, desired_capacity=3,
                      target_group_arns=[targets.arn], health_check_type="ELB", health_check_grace_period=120,
                      launch_template={"id": template.id, "version": "$Latest"})

db_subnets = aws.rds.SubnetGroup("orders", subnet_ids=[s.id for s in private_subnets])
aws.rds.Instance("orders", engine="postgres", engine_version="16.4", instance_class="db.t4g.medium", allocated_storage=20,
                 db_subnet_group_name=db_subnets.name, username="app", manage_master_user_password=True,
                 multi_az=db_multi_az, skip_final_snapshot=True)

pulumi.export("url", pulumi.Output.concat("http://", alb.dns_name))
