"""Two web servers on existing subnets named by id; --answers says both are in eu-west-3a."""
import pulumi_aws as aws

vpc = aws.ec2.get_vpc(tags={"Name": "shared"})
tg = aws.lb.TargetGroup("web", port=80, protocol="HTTP", vpc_id=vpc.id,
                        health_check=aws.lb.TargetGroupHealthCheckArgs(path="/healthz", interval=10, unhealthy_threshold=2))
for i, subnet in enumerate(["subnet-a1", "subnet-b1"]):
    server = aws.ec2.Instance(f"web-{i}", ami="ami-0c55b159cbfafe1f0", instance_type="t3.micro", subnet_id=subnet)
    aws.lb.TargetGroupAttachment(f"web-{i}", target_group_arn=tg.arn, target_id=server.id)
