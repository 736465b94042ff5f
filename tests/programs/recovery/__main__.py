"""Test program for the recovery model: one service per recovery step (`parts` picks them; some are
negative examples - never deploy). Three AZs of eu-west-3, public subnets only (no NAT to judge).

Seconds until each service serves again after each AZ's power loss, worked out from AWS's published
figures BEFORE the first run (a | b | c are the dark AZ):

fast      ALB a,b,c -> ASG a,b,c (min 3); HTTP check every 5 s, 2 misses, 2 s timeout: the dark AZ's
          targets are out after 1 x 5 + 2 to 2 x 5 + 2 = 7-12 s, then the ALB's node there leaves DNS
          and the 60 s TTL runs out: 67-72 s | 67-72 s | 67-72 s.
slow      ALB a,b,c -> ASG a,b,c (min 3); the health-check block sets only its path: 30 s interval (ELB
          API) x 3 misses (pulumi-aws default) + 6 s HTTP timeout (API) = 66-96 s, then DNS: 126-156 s
          in every AZ.
tcp       NLB a,b,c (cross-zone off) -> ASG a,b,c (min 3); TCP target group with no health-check block:
          30 s x 2 misses + 10 s TCP timeout (all ELB API defaults) = 40-70 s, then DNS: 100-130 s.
aurora    Aurora PostgreSQL, writer in a (promotion tier 0), reader in b (tier 1): 30-120 s | 0 s | 0 s.
single    Aurora PostgreSQL with its only instance in a: down (no replica in another AZ) | 0 s | 0 s.
rds       RDS PostgreSQL Multi-AZ over a subnet group in a,b,c, primary AZ chosen by AWS (taken to be the
          dark one): 60-120 s in every AZ.
cache     ElastiCache Redis, automatic failover + Multi-AZ, 2 nodes preferred in a then b:
          3-180 s | 0 s (its replica lost, the primary serves) | 0 s.
dns       `solo` NLB a,b (cross-zone off) -> one instance in a; `backup` NLB b,c -> one instance in each.
          fast.lab.test: PRIMARY alias to solo with an HTTPS check every 10 s, threshold 2; SECONDARY
          alias to backup. a: solo goes down; Route 53 finds it after 1 x (10 + 6) + 6 to 2 x (10 + 6)
          = 22-32 s, then the alias's 60 s TTL (the load balancer's): 82-92 s. b: solo's node in b had
          no target (out of DNS already): 0 s. c: 0 s.
          standard.lab.test: the same with a TCP check on Route 53's defaults (30 s, 3 misses):
          a: 2 x (30 + 10) + 10 to 3 x (30 + 10) = 90-120 s, + 60 s = 150-180 s. b, c: 0 s.
short     ALB a,b,c -> ASG a,b,c, min 3, peak 3 (tag stayup:peak), grace 60 s, HTTP check 10 s x 2 +
          5 s timeout: below its baseline after any loss. Target health 15-25 s, DNS 75-85 s, and
          replacements launch at once and serve after launch + 60 s: not known (AWS publishes no launch
          time); with `ec2_launch: 90` in --recovery, 150 s.
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
wanted = config.get("parts") or "all"
parts = {"fast", "slow", "tcp", "aurora", "single", "rds", "cache", "dns", "short"} if wanted == "all" else {p.strip() for p in wanted.split(",")}
ZONES = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]

vpc = aws.ec2.Vpc("lab", cidr_block="10.30.0.0/16")
igw = aws.ec2.InternetGateway("lab", vpc_id=vpc.id)
public = aws.ec2.RouteTable("public", vpc_id=vpc.id, routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)])
subnets = {}
for i, zone in enumerate(ZONES):
    subnets[zone] = aws.ec2.Subnet(f"public-{zone[-1]}", vpc_id=vpc.id, cidr_block=f"10.30.{i}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"public-{zone[-1]}", subnet_id=subnets[zone].id, route_table_id=public.id)
every = [subnets[z].id for z in ZONES]
template = aws.ec2.LaunchTemplate("app", image_id="ami-0123456789abcdef0", instance_type="t3.small")


def web(name, health_check, *, kind="application", protocol="HTTP", port=80, min_size=3, peak=None, grace=60):
    """A load balancer in every AZ in front of an Auto Scaling group in every AZ."""
    lb = aws.lb.LoadBalancer(name, load_balancer_type=kind, subnets=every)
    group = aws.lb.TargetGroup(name, port=port, protocol=protocol, vpc_id=vpc.id, health_check=health_check)
    aws.lb.Listener(name, load_balancer_arn=lb.arn, port=port, protocol=protocol,
                    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=group.arn)])
    tags = [aws.autoscaling.GroupTagArgs(key="stayup:peak", value=str(peak), propagate_at_launch=True)] if peak else None
    aws.autoscaling.Group(name, vpc_zone_identifiers=every, min_size=min_size, max_size=min_size * 2, target_group_arns=[group.arn],
                          health_check_type="ELB", health_check_grace_period=grace, tags=tags,
                          launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"))
    return lb


if "fast" in parts:
    web("fast", aws.lb.TargetGroupHealthCheckArgs(enabled=True, path="/healthz", interval=5, unhealthy_threshold=2, timeout=2))
if "slow" in parts:
    web("slow", aws.lb.TargetGroupHealthCheckArgs(path="/healthz"))
if "tcp" in parts:
    web("tcp", None, kind="network", protocol="TCP", port=443)
if "short" in parts:
    web("short", aws.lb.TargetGroupHealthCheckArgs(enabled=True, path="/healthz", interval=10, unhealthy_threshold=2, timeout=5), peak=3)

if parts & {"aurora", "single", "rds"}:
    db_subnets = aws.rds.SubnetGroup("db", subnet_ids=every)
if "aurora" in parts:
    aurora = aws.rds.Cluster("aurora", engine="aurora-postgresql", db_subnet_group_name=db_subnets.name, master_username="app",
                             manage_master_user_password=True, skip_final_snapshot=True)
    for role, zone, tier in (("writer", ZONES[0], 0), ("reader", ZONES[1], 1)):
        aws.rds.ClusterInstance(f"aurora-{role}", cluster_identifier=aurora.id, engine="aurora-postgresql", instance_class="db.r6g.large",
                                availability_zone=zone, promotion_tier=tier)
if "single" in parts:
    single = aws.rds.Cluster("single", engine="aurora-postgresql", db_subnet_group_name=db_subnets.name, master_username="app",
                             manage_master_user_password=True, skip_final_snapshot=True)
    aws.rds.ClusterInstance("single-writer", cluster_identifier=single.id, engine="aurora-postgresql", instance_class="db.r6g.large",
                            availability_zone=ZONES[0])
if "rds" in parts:
    aws.rds.Instance("rds", engine="postgres", instance_class="db.m6g.large", allocated_storage=50, multi_az=True,
                     db_subnet_group_name=db_subnets.name, username="app", manage_master_user_password=True, skip_final_snapshot=True)
if "cache" in parts:
    aws.elasticache.ReplicationGroup("cache", description="sessions", engine="redis", node_type="cache.t4g.small", num_cache_clusters=2,
                                     automatic_failover_enabled=True, multi_az_enabled=True, preferred_cache_cluster_azs=ZONES[:2])

if "dns" in parts:
    def nlb(name, zones):
        lb = aws.lb.LoadBalancer(name, load_balancer_type="network", subnets=[subnets[z].id for z in zones])
        group = aws.lb.TargetGroup(name, port=443, protocol="TCP", vpc_id=vpc.id,
                                   health_check=aws.lb.TargetGroupHealthCheckArgs(protocol="TCP", interval=10, unhealthy_threshold=2))
        aws.lb.Listener(name, load_balancer_arn=lb.arn, port=443, protocol="TCP",
                        default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=group.arn)])
        return lb, group

    solo, solo_group = nlb("solo", ZONES[:2])
    backup, backup_group = nlb("backup", ZONES[1:])
    for name, zone, group in (("solo-a", ZONES[0], solo_group), ("backup-b", ZONES[1], backup_group), ("backup-c", ZONES[2], backup_group)):
        node = aws.ec2.Instance(name, ami="ami-0123456789abcdef0", instance_type="t3.small", subnet_id=subnets[zone].id)
        aws.lb.TargetGroupAttachment(name, target_group_arn=group.arn, target_id=node.id, port=443)
    zone = aws.route53.Zone("lab", name="lab.test")
    checks = {
        "fast": aws.route53.HealthCheck("fast", type="HTTPS", fqdn=solo.dns_name, port=443, resource_path="/healthz", request_interval=10, failure_threshold=2),
        "standard": aws.route53.HealthCheck("standard", type="TCP", fqdn=solo.dns_name, port=443),
    }
    for name, check in checks.items():
        for role, lb in (("PRIMARY", solo), ("SECONDARY", backup)):
            aws.route53.Record(f"{name}-{role.lower()}", zone_id=zone.zone_id, name=f"{name}.lab.test", type="A", set_identifier=role.lower(),
                               failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type=role)],
                               health_check_id=check.id if role == "PRIMARY" else None,
                               aliases=[aws.route53.RecordAliasArgs(name=lb.dns_name, zone_id=lb.zone_id, evaluate_target_health=True)])

if config.get("rto"):
    pulumi.export("rto", float(config.get("rto")))
if config.get("slo"):
    pulumi.export("slo", float(config.get("slo")))
