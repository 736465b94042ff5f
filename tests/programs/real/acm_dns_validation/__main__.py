"""HTTPS with an ACM certificate validated through records in an existing hosted zone."""

import pulumi
import pulumi_aws as aws

zone = aws.route53.get_zone(name="example.com")
vpc = aws.ec2.Vpc("site", cidr_block="10.80.0.0/16")
igw = aws.ec2.InternetGateway("site", vpc_id=vpc.id)
rt = aws.ec2.RouteTable("site", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for i, az in enumerate(["eu-west-3a", "eu-west-3b"]):
    subnet = aws.ec2.Subnet(f"site-{az}", vpc_id=vpc.id, cidr_block=f"10.80.{i}.0/24", availability_zone=az)
    aws.ec2.RouteTableAssociation(f"site-{az}", subnet_id=subnet.id, route_table_id=rt.id)
    subnets.append(subnet.id)
cert = aws.acm.Certificate("site", domain_name="www.example.com", validation_method="DNS")
validation = cert.domain_validation_options.apply(lambda options: [
    aws.route53.Record(f"validation-{i}", zone_id=zone.zone_id, name=o.resource_record_name, type=o.resource_record_type,
                       records=[o.resource_record_value], ttl=60).fqdn
    for i, o in enumerate(options)])
checked = aws.acm.CertificateValidation("site", certificate_arn=cert.arn, validation_record_fqdns=validation)
alb = aws.lb.LoadBalancer("site", load_balancer_type="application", subnets=subnets)
target = aws.lb.TargetGroup("site", port=80, protocol="HTTP", vpc_id=vpc.id,
                            health_check={"path": "/healthz", "interval": 10, "unhealthy_threshold": 2})
aws.lb.Listener("https", load_balancer_arn=alb.arn, port=443, protocol="HTTPS", certificate_arn=checked.certificate_arn,
                default_actions=[{"type": "forward", "target_group_arn": target.arn}])
pulumi.export("cert", cert.arn)
