"""An application team's stack inside the platform team's VPC, found by its tags."""

import pulumi
import pulumi_aws as aws

shared = aws.ec2.get_vpc(tags={"Name": "platform-shared"})
private = aws.ec2.get_subnets(filters=[
    aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[shared.id]),
    aws.ec2.GetSubnetsFilterArgs(name="tag:tier", values=["private"]),
])

alb = aws.lb.LoadBalancer("app", internal=True, load_balancer_type="application", subnets=private.ids)
target = aws.lb.TargetGroup("app", port=8080, protocol="HTTP", vpc_id=shared.id,
                            health_check=aws.lb.TargetGroupHealthCheckArgs(path="/ready", interval=10, unhealthy_threshold=2))
aws.lb.Listener("app", load_balancer_arn=alb.arn, port=80,
                default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target.arn)])
pulumi.export("url", alb.dns_name)
