"""A Classic ELB, the 2015 way: one AZ, two web servers in it, a slow TCP health check.

Expected, written before the first run: PZ001 fails on the ELB (one AZ), PZ004 fails on it (both
instances in eu-west-3a), HC001 fails on it (60 s interval); nothing unknown.
"""
import pulumi_aws as aws

servers = [
    aws.ec2.Instance(f"web-{i}", ami="ami-0c55b159cbfafe1f0", instance_type="t3.small", availability_zone="eu-west-3a")
    for i in range(2)
]
aws.elb.LoadBalancer(
    "web",
    availability_zones=["eu-west-3a"],
    listeners=[aws.elb.LoadBalancerListenerArgs(instance_port=80, instance_protocol="http", lb_port=80, lb_protocol="http")],
    health_check=aws.elb.LoadBalancerHealthCheckArgs(target="TCP:80", interval=60, healthy_threshold=2, unhealthy_threshold=2, timeout=5),
    instances=[s.id for s in servers],
)
