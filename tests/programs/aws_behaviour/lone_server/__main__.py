"""A web server the way small teams start: the default VPC, an Ubuntu AMI lookup, a security group,
an Elastic IP and an A record. Config: `servers` (how many, one per AZ), `role` web or bastion."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
role = config.get("role") or "web"
ports = [22] if role == "bastion" else [22, 80, 443]
ami = aws.ec2.get_ami(most_recent=True, owners=["099720109477"],
                      filters=[{"name": "name", "values": ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"]}])
group = aws.ec2.SecurityGroup(role, description=f"{role} access",
                              ingress=[{"protocol": "tcp", "from_port": p, "to_port": p, "cidr_blocks": ["0.0.0.0/0"]} for p in ports],
                              egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}])
zone = aws.route53.Zone("site", name="example.org")
count = config.get_int("servers") or 1
zones = aws.get_availability_zones(state="available").names
addresses = []
for index in range(count):
    # One server: AWS picks its AZ in the default VPC; several: one per AZ.
    placement = {"availability_zone": zones[index]} if count > 1 else {}
    server = aws.ec2.Instance(f"{role}-{index}", ami=ami.id, instance_type="t3.small", vpc_security_group_ids=[group.id],
                              user_data="#!/bin/bash\napt-get install -y nginx\n", tags={"Name": f"{role}-{index}"}, **placement)
    address = aws.ec2.Eip(f"{role}-{index}", domain="vpc", instance=server.id)
    addresses.append(address.public_ip)
    print(f"declared {role}-{index}")
aws.route53.Record(role, zone_id=zone.zone_id, name=f"{role}.example.org", type="A", ttl=300, records=addresses)
pulumi.export("addresses", addresses)
