import time

import pulumi_aws as aws

aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
while True:
    time.sleep(1)
