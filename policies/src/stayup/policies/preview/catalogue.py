"""The catalogue of the AWS types stayup knows: every type token is written here and nowhere else.

One entry per type says what each part of stayup needs of it: its aliases (older or module-twin
tokens the rules see as this one), the physical id prefix and the auto-named property the offline
mocks use, the outputs the provider computes, and its Terraform type and property renames for the
checkov export. The mocks (aws_mocks.py), component expansions (components.py), the Terraform
export (tfplan.py), the facts and rules (through aws_types.py) and the tests read it: adding a type
is one entry here plus its rule logic.

Pure data and the standard library only: this module is copied into the program's own interpreter
with the rest of preview/.
"""

from __future__ import annotations

from typing import NamedTuple


class AwsType(NamedTuple):
    """One AWS resource type, as stayup knows it."""

    token: str
    # Other tokens of the same resource (pulumi-aws module twins and older names): the rules,
    # the mocks and the export treat them as `token`.
    aliases: tuple[str, ...] = ()
    # AWS's physical id prefix ("subnet-"); None: "<name>-<7 hex>". "Z" is a Route 53 zone id.
    id_prefix: str | None = None
    # The property the provider fills with "<logical name>-<7 hex>" when the program sets none, its
    # longest value, and whether AWS lowercases it.
    autoname: str | None = None
    autoname_limit: int = 63
    autoname_lower: bool = False
    # Outputs the provider computes beyond id, arn, region and tagsAll (filled by aws_mocks).
    computed: tuple[str, ...] = ()
    # The Terraform resource type (None: not exported) and the properties whose Terraform
    # attribute is not their snake_case name.
    terraform: str | None = None
    renames: tuple[tuple[str, str], ...] = ()


TYPES: dict[str, AwsType] = {}


def _type(
    token: str,
    aliases: tuple[str, ...] = (),
    id_prefix: str | None = None,
    autoname: str | None = None,
    autoname_limit: int = 63,
    autoname_lower: bool = False,
    computed: tuple[str, ...] = (),
    terraform: str | None = None,
    renames: tuple[tuple[str, str], ...] = (),
) -> str:
    """Adds an entry; its token is the module constant the rest of stayup names the type by."""
    if token in TYPES:
        raise ValueError(f"{token} is catalogued twice")
    TYPES[token] = AwsType(token, aliases, id_prefix, autoname, autoname_limit, autoname_lower, computed, terraform, renames)
    return token


# --- network ----------------------------------------------------------------------------------
VPC = _type("aws:ec2/vpc:Vpc", id_prefix="vpc-", terraform="aws_vpc",
            computed=("ipv6CidrBlock", "mainRouteTableId", "defaultRouteTableId", "defaultSecurityGroupId", "defaultNetworkAclId", "ownerId"))
SUBNET = _type("aws:ec2/subnet:Subnet", id_prefix="subnet-", terraform="aws_subnet", computed=("availabilityZone", "availabilityZoneId"))
ROUTE_TABLE = _type("aws:ec2/routeTable:RouteTable", id_prefix="rtb-", terraform="aws_route_table", renames=(("routes", "route"),))
DEFAULT_ROUTE_TABLE = _type("aws:ec2/defaultRouteTable:DefaultRouteTable", id_prefix="rtb-", terraform="aws_default_route_table",
                            renames=(("routes", "route"),))
ROUTE = _type("aws:ec2/route:Route", terraform="aws_route")
ASSOCIATION = _type("aws:ec2/routeTableAssociation:RouteTableAssociation", id_prefix="rtbassoc-", terraform="aws_route_table_association")
MAIN_ASSOCIATION = _type("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", id_prefix="rtbassoc-",
                         terraform="aws_main_route_table_association")
NAT = _type("aws:ec2/natGateway:NatGateway", id_prefix="nat-", terraform="aws_nat_gateway", computed=("publicIp",),
            renames=(("availabilityZoneAddresses", "availability_zone_address"),))
EIP = _type("aws:ec2/eip:Eip", id_prefix="eipalloc-", terraform="aws_eip", computed=("publicIp", "allocationId"))
EIP_ASSOCIATION = _type("aws:ec2/eipAssociation:EipAssociation", terraform="aws_eip_association")
IGW = _type("aws:ec2/internetGateway:InternetGateway", id_prefix="igw-", terraform="aws_internet_gateway")
EGRESS_ONLY_IGW = _type("aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", id_prefix="eigw-",
                        terraform="aws_egress_only_internet_gateway")
VPC_ENDPOINT = _type("aws:ec2/vpcEndpoint:VpcEndpoint", id_prefix="vpce-", terraform="aws_vpc_endpoint")
FLOW_LOG = _type("aws:ec2/flowLog:FlowLog", id_prefix="fl-", terraform="aws_flow_log")
NETWORK_INTERFACE = _type("aws:ec2/networkInterface:NetworkInterface", id_prefix="eni-")
SECURITY_GROUP = _type("aws:ec2/securityGroup:SecurityGroup", id_prefix="sg-", autoname="name", terraform="aws_security_group")
DEFAULT_SECURITY_GROUP = _type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", terraform="aws_default_security_group")
SG_RULE = _type("aws:ec2/securityGroupRule:SecurityGroupRule", terraform="aws_security_group_rule")
SG_INGRESS_RULE = _type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", id_prefix="sgr-",
                        terraform="aws_vpc_security_group_ingress_rule")
SG_EGRESS_RULE = _type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", id_prefix="sgr-",
                       terraform="aws_vpc_security_group_egress_rule")

# --- compute ----------------------------------------------------------------------------------
INSTANCE = _type("aws:ec2/instance:Instance", id_prefix="i-", terraform="aws_instance", computed=("privateIp", "publicIp"))
LAUNCH_TEMPLATE = _type("aws:ec2/launchTemplate:LaunchTemplate", id_prefix="lt-", autoname="name", terraform="aws_launch_template",
                        computed=("latestVersion", "defaultVersion"))
ASG = _type("aws:autoscaling/group:Group", autoname="name", terraform="aws_autoscaling_group",
            renames=(("vpcZoneIdentifiers", "vpc_zone_identifier"), ("tags", "tag"), ("trafficSources", "traffic_source")))
ASG_ATTACHMENT = _type("aws:autoscaling/attachment:Attachment", terraform="aws_autoscaling_attachment")
ASG_SCHEDULE = _type("aws:autoscaling/schedule:Schedule", terraform="aws_autoscaling_schedule")
ECS_CLUSTER = _type("aws:ecs/cluster:Cluster", autoname="name")
ECS_SERVICE = _type("aws:ecs/service:Service", autoname="name", terraform="aws_ecs_service", renames=(("loadBalancers", "load_balancer"),))
ECS_TASK_DEFINITION = _type("aws:ecs/taskDefinition:TaskDefinition")
SCALABLE_TARGET = _type("aws:appautoscaling/target:Target", terraform="aws_appautoscaling_target")
SCALING_SCHEDULE = _type("aws:appautoscaling/scheduledAction:ScheduledAction", terraform="aws_appautoscaling_scheduled_action")
EKS_CLUSTER = _type("aws:eks/cluster:Cluster", autoname="name", terraform="aws_eks_cluster")
EKS_NODE_GROUP = _type("aws:eks/nodeGroup:NodeGroup", autoname="nodeGroupName", terraform="aws_eks_node_group")

# --- load balancing ---------------------------------------------------------------------------
LOAD_BALANCER = _type("aws:lb/loadBalancer:LoadBalancer",
                      aliases=("aws:alb/loadBalancer:LoadBalancer", "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer"),
                      autoname="name", autoname_limit=32, computed=("dnsName", "zoneId", "arnSuffix"),
                      terraform="aws_lb", renames=(("subnetMappings", "subnet_mapping"), ("accessLogs", "access_logs")))
LISTENER = _type("aws:lb/listener:Listener", aliases=("aws:alb/listener:Listener",), terraform="aws_lb_listener",
                 renames=(("defaultActions", "default_action"),))
TARGET_GROUP = _type("aws:lb/targetGroup:TargetGroup",
                     aliases=("aws:alb/targetGroup:TargetGroup", "aws:elasticloadbalancingv2/targetGroup:TargetGroup"),
                     autoname="name", autoname_limit=32, computed=("arnSuffix",), terraform="aws_lb_target_group")
TARGET_ATTACHMENT = _type("aws:lb/targetGroupAttachment:TargetGroupAttachment", aliases=("aws:alb/targetGroupAttachment:TargetGroupAttachment",),
                          terraform="aws_lb_target_group_attachment")
CLASSIC_ELB = _type("aws:elb/loadBalancer:LoadBalancer", terraform="aws_elb", renames=(("listeners", "listener"), ("accessLogs", "access_logs")))
CLASSIC_ELB_ATTACHMENT = _type("aws:elb/attachment:Attachment", terraform="aws_elb_attachment")

# --- data ---------------------------------------------------------------------------------------
RDS_INSTANCE = _type("aws:rds/instance:Instance", autoname="identifier", autoname_lower=True, terraform="aws_db_instance",
                     computed=("endpoint", "address"))
RDS_CLUSTER = _type("aws:rds/cluster:Cluster", autoname="clusterIdentifier", autoname_lower=True, terraform="aws_rds_cluster",
                    computed=("endpoint", "readerEndpoint", "port"))
RDS_CLUSTER_INSTANCE = _type("aws:rds/clusterInstance:ClusterInstance", autoname="identifier", autoname_lower=True,
                             terraform="aws_rds_cluster_instance")
DB_SUBNET_GROUP = _type("aws:rds/subnetGroup:SubnetGroup", autoname="name", autoname_lower=True, terraform="aws_db_subnet_group")
CACHE_GROUP = _type("aws:elasticache/replicationGroup:ReplicationGroup", autoname="replicationGroupId",
                    terraform="aws_elasticache_replication_group")
CACHE_SUBNET_GROUP = _type("aws:elasticache/subnetGroup:SubnetGroup")

# --- DNS ----------------------------------------------------------------------------------------
ROUTE53_ZONE = _type("aws:route53/zone:Zone", id_prefix="Z", terraform="aws_route53_zone", computed=("zoneId", "nameServers"))
RECORD = _type("aws:route53/record:Record", terraform="aws_route53_record", computed=("fqdn",),
               renames=(("aliases", "alias"), ("failoverRoutingPolicies", "failover_routing_policy")))
HEALTH_CHECK = _type("aws:route53/healthCheck:HealthCheck", terraform="aws_route53_health_check")

# --- identity, keys, logs, parameters -----------------------------------------------------------
IAM_ROLE = _type("aws:iam/role:Role", autoname="name", terraform="aws_iam_role")
IAM_ROLE_POLICY = _type("aws:iam/rolePolicy:RolePolicy", terraform="aws_iam_role_policy")
IAM_ROLE_POLICY_ATTACHMENT = _type("aws:iam/rolePolicyAttachment:RolePolicyAttachment", terraform="aws_iam_role_policy_attachment")
IAM_INSTANCE_PROFILE = _type("aws:iam/instanceProfile:InstanceProfile", autoname="name", terraform="aws_iam_instance_profile")
IAM_POLICY = _type("aws:iam/policy:Policy", autoname="name")
KMS_KEY = _type("aws:kms/key:Key", terraform="aws_kms_key")
LOG_GROUP = _type("aws:cloudwatch/logGroup:LogGroup", autoname="name", terraform="aws_cloudwatch_log_group")
SSM_PARAMETER = _type("aws:ssm/parameter:Parameter", autoname="name", terraform="aws_ssm_parameter")

# Alias token -> the entry's token.
ALIASES: dict[str, str] = {alias: entry.token for entry in TYPES.values() for alias in entry.aliases}


# Types whose placement decides whether a service survives a zone loss, which no rule judges yet:
# listed in every report (never silently ignored), with what decides it.
NOT_MODELLED = {
    "aws:elasticache/cluster:Cluster": "a cache cluster's nodes and AZ mode (a single node is one AZ)",
    "aws:docdb/cluster:Cluster": "its instances' AZs",
    "aws:neptune/cluster:Cluster": "its instances' AZs",
    "aws:memorydb/cluster:Cluster": "its shards' replicas and AZs",
    "aws:opensearch/domain:Domain": "zone awareness and its data nodes",
    "aws:elasticsearch/domain:Domain": "zone awareness and its data nodes",
    "aws:msk/cluster:Cluster": "its brokers' subnets",
    "aws:mq/broker:Broker": "its deployment mode (single-instance is one AZ)",
    "aws:redshift/cluster:Cluster": "its AZ (relocation or Multi-AZ)",
    "aws:efs/mountTarget:MountTarget": "a mount target per AZ that uses the file system",
    "aws:ec2/transitGatewayVpcAttachment:TransitGatewayVpcAttachment": "a subnet per AZ it serves",
    "aws:networkfirewall/firewall:Firewall": "an endpoint per AZ and each AZ's routes through its own",
    "aws:globalaccelerator/endpointGroup:EndpointGroup": "its endpoints and health checks",
    "aws:lightsail/instance:Instance": "its one AZ",
    "aws:ec2/spotFleetRequest:SpotFleetRequest": "its launch specifications' subnets",
    "aws:ec2/fleet:Fleet": "its launch template overrides' subnets",
    "aws:dms/replicationInstance:ReplicationInstance": "Multi-AZ",
}


def canonical(token: str) -> str:
    """The catalogue's token for `token` (itself unless it is an alias)."""
    return ALIASES.get(token, token)


def entry(token: str) -> AwsType | None:
    """The catalogue entry of a token or of one of its aliases; None for a type stayup does not know."""
    return TYPES.get(ALIASES.get(token, token))


# Pulumi type token module -> ARN service where the two differ; services whose ARNs name no region.
ARN_SERVICES = {
    "lb": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "route53": "route53",
    "cloudwatch": "logs",
    "rds": "rds",
    "acm": "acm",
}
GLOBAL_SERVICES = {"route53", "iam", "cloudfront"}

# --- multi-language components (expanded offline by components.py) -----------------------------
AWSX_VPC = "awsx:ec2:Vpc"
AWSX_DEFAULT_VPC = "awsx:ec2:DefaultVpc"
AWSX_FARGATE_SERVICE = "awsx:ecs:FargateService"
AWSX_EC2_SERVICE = "awsx:ecs:EC2Service"
AWSX_ALB = "awsx:lb:ApplicationLoadBalancer"
AWSX_NLB = "awsx:lb:NetworkLoadBalancer"
AWSX_TARGET_ATTACHMENT = "awsx:lb:TargetGroupAttachment"
EKS_COMPONENT_CLUSTER = "eks:index:Cluster"
EKS_MANAGED_NODE_GROUP = "eks:index:ManagedNodeGroup"
EKS_COMPONENT_NODE_GROUP = "eks:index:NodeGroup"
EKS_COMPONENT_NODE_GROUP_V2 = "eks:index:NodeGroupV2"
COMPONENTS = (AWSX_VPC, AWSX_DEFAULT_VPC, AWSX_FARGATE_SERVICE, AWSX_EC2_SERVICE, AWSX_ALB, AWSX_NLB, AWSX_TARGET_ATTACHMENT,
              EKS_COMPONENT_CLUSTER, EKS_MANAGED_NODE_GROUP, EKS_COMPONENT_NODE_GROUP, EKS_COMPONENT_NODE_GROUP_V2)

# --- invokes (lookups) the mocks answer or the rules read ---------------------------------------
GET_AVAILABILITY_ZONES = "aws:index/getAvailabilityZones:getAvailabilityZones"
GET_REGION = "aws:index/getRegion:getRegion"
GET_CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
GET_PARTITION = "aws:index/getPartition:getPartition"
GET_AMI = "aws:ec2/getAmi:getAmi"
GET_POLICY_DOCUMENT = "aws:iam/getPolicyDocument:getPolicyDocument"
GET_VPC = "aws:ec2/getVpc:getVpc"
GET_SUBNETS = "aws:ec2/getSubnets:getSubnets"
GET_SUBNET = "aws:ec2/getSubnet:getSubnet"
# pulumi-aws 5 tokens that later versions renamed or removed, answered like their successors.
GET_AMI_OLD = "aws:index/getAmi:getAmi"  # aws.get_ami, deprecated in 5, gone in 6
GET_SUBNET_IDS = "aws:ec2/getSubnetIds:getSubnetIds"  # removed in 6
OLDER_INVOKES = {GET_AMI_OLD: GET_AMI, GET_SUBNET_IDS: GET_SUBNETS}
