"""Pulumi type tokens stayup reads, in one place: facts, rules, the Terraform export, the mocks and
tests all name resources through these constants."""

from __future__ import annotations

SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
NAT = "aws:ec2/natGateway:NatGateway"
IGW = "aws:ec2/internetGateway:InternetGateway"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
CLASSIC_ELB = "aws:elb/loadBalancer:LoadBalancer"
CLASSIC_ELB_ATTACHMENT = "aws:elb/attachment:Attachment"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
TARGET_ATTACHMENT = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
LISTENER = "aws:lb/listener:Listener"
ASG = "aws:autoscaling/group:Group"
ASG_ATTACHMENT = "aws:autoscaling/attachment:Attachment"
INSTANCE = "aws:ec2/instance:Instance"
ECS_SERVICE = "aws:ecs/service:Service"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"
SCALING_SCHEDULE = "aws:appautoscaling/scheduledAction:ScheduledAction"
ASG_SCHEDULE = "aws:autoscaling/schedule:Schedule"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
DB_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
CACHE_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup"
RECORD = "aws:route53/record:Record"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
AWSX_VPC = "awsx:ec2:Vpc"

STACK = "pulumi:pulumi:Stack"
EIP = "aws:ec2/eip:Eip"
EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
ROUTE53_ZONE = "aws:route53/zone:Zone"
EKS_CLUSTER = "aws:eks/cluster:Cluster"

# Type tokens that are aliases of one another; rules see the canonical one.
TYPE_ALIASES = {
    "aws:alb/loadBalancer:LoadBalancer": LOAD_BALANCER,
    "aws:alb/targetGroup:TargetGroup": TARGET_GROUP,
    "aws:alb/listener:Listener": LISTENER,
    "aws:alb/targetGroupAttachment:TargetGroupAttachment": TARGET_ATTACHMENT,
    "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer": LOAD_BALANCER,
    "aws:elasticloadbalancingv2/targetGroup:TargetGroup": TARGET_GROUP,
}
