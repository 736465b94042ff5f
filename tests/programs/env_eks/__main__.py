"""An EKS cluster from pulumi-eks with its default node group over `zones` subnets; node group sizes
from config (unset: pulumi-eks's defaults)."""

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

config = pulumi.Config()
vpc = aws.ec2.Vpc("eks", cidr_block="10.0.0.0/16", enable_dns_hostnames=True)
zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"][: config.require_int("zones")]
subnets = [aws.ec2.Subnet(f"nodes-{zone}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=zone)
           for i, zone in enumerate(zones)]
sizes = {"min_size": config.get_int("minSize"), "desired_capacity": config.get_int("minSize")}
sizes = {k: v for k, v in sizes.items() if v is not None}
if config.get_bool("nodeGroupOptions"):
    # The same sizes, given the other way pulumi-eks takes them.
    cluster = eks.Cluster("main", vpc_id=vpc.id, subnet_ids=[s.id for s in subnets],
                          node_group_options=eks.ClusterNodeGroupOptionsArgs(**sizes))
else:
    cluster = eks.Cluster("main", vpc_id=vpc.id, subnet_ids=[s.id for s in subnets], **sizes)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("cluster_name", cluster.eks_cluster.name)
pulumi.export("nodes_asg", cluster.default_node_group_asg_name)
if config.get_bool("managedNodes"):
    # A managed node group joining the cluster on its subnets (pulumi-eks's default scaling: min 1).
    role = aws.iam.Role("workers", assume_role_policy='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                        '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}')
    workers = eks.ManagedNodeGroup("workers", cluster=cluster, node_role_arn=role.arn)
    pulumi.export("workers_arn", workers.node_group.arn)
if config.get_bool("selfManagedNodes"):
    # Self-managed nodes on the first subnet only (a node group in one AZ).
    eks.NodeGroupV2("batch", cluster=cluster, node_subnet_ids=[subnets[0].id], min_size=2, desired_capacity=2, max_size=4,
                    instance_profile=aws.iam.InstanceProfile("batch", role=aws.iam.Role(
                        "batch", assume_role_policy='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                        '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}').name))
