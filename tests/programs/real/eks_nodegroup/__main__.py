"""EKS with a managed node group; the kubeconfig reads outputs AWS only knows after creation."""

import json

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.Vpc("eks", cidr_block="10.60.0.0/16")
igw = aws.ec2.InternetGateway("eks", vpc_id=vpc.id)
rt = aws.ec2.RouteTable("eks", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
subnets = []
for i, zone in enumerate(["eu-west-3a", "eu-west-3b"]):
    subnet = aws.ec2.Subnet(f"eks-{zone}", vpc_id=vpc.id, cidr_block=f"10.60.{i}.0/24", availability_zone=zone,
                            map_public_ip_on_launch=True)
    aws.ec2.RouteTableAssociation(f"eks-{zone}", subnet_id=subnet.id, route_table_id=rt.id)
    subnets.append(subnet.id)


def role(name, service, policies):
    made = aws.iam.Role(name, assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}))
    for index, arn in enumerate(policies):
        aws.iam.RolePolicyAttachment(f"{name}-{index}", role=made.name, policy_arn=arn)
    return made


cluster_role = role("cluster", "eks.amazonaws.com", ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"])
node_role = role("nodes", "ec2.amazonaws.com", ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                                               "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"])
cluster = aws.eks.Cluster("main", role_arn=cluster_role.arn, vpc_config={"subnet_ids": subnets})
aws.eks.NodeGroup("main", cluster_name=cluster.name, node_role_arn=node_role.arn, subnet_ids=subnets,
                  scaling_config={"min_size": 2, "desired_size": 2, "max_size": 4})
kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.certificate_authority).apply(
    lambda args: json.dumps({"server": args[0], "ca": args[1]["data"]}))
pulumi.export("kubeconfig", kubeconfig)
