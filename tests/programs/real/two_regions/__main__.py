"""One site per region through explicit providers; Route 53 fails over to the standby region."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
regions = {"PRIMARY": "eu-west-3", "SECONDARY": config.get("standbyRegion") or "eu-west-1"}
zone = aws.route53.Zone("example", name="example.com")


def site(role: str, region: str):
    provider = aws.Provider(f"{role.lower()}-provider", region=region)
    opts = pulumi.ResourceOptions(provider=provider)
    azs = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(provider=provider)).names[:2]
    vpc = aws.ec2.Vpc(f"{role.lower()}-vpc", cidr_block="10.0.0.0/16", opts=opts)
    igw = aws.ec2.InternetGateway(f"{role.lower()}-igw", vpc_id=vpc.id, opts=opts)
    rt = aws.ec2.RouteTable(f"{role.lower()}-rt", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}], opts=opts)
    subnets = []
    for i, az in enumerate(azs):
        subnet = aws.ec2.Subnet(f"{role.lower()}-{az}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=az, opts=opts)
        aws.ec2.RouteTableAssociation(f"{role.lower()}-{az}", subnet_id=subnet.id, route_table_id=rt.id, opts=opts)
        subnets.append(subnet.id)
    alb = aws.lb.LoadBalancer(f"{role.lower()}-alb", load_balancer_type="application", subnets=subnets, opts=opts)
    check = aws.route53.HealthCheck(f"{role.lower()}-check", fqdn=alb.dns_name, type="HTTPS", port=443,
                                    resource_path="/healthz", request_interval=10, failure_threshold=3)
    aws.route53.Record(f"www-{role.lower()}", zone_id=zone.zone_id, name="www.example.com", type="A", set_identifier=role.lower(),
                       failover_routing_policies=[{"type": role}], health_check_id=check.id,
                       aliases=[{"name": alb.dns_name, "zone_id": alb.zone_id, "evaluate_target_health": True}])


for role, region in regions.items():
    site(role, region)
pulumi.export("slo", config.get_float("slo") or 99.995)
