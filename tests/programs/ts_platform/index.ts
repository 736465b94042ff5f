import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";

const config = new pulumi.Config();

// The app tier's own network: awsx picks the AZs, subnets and NAT gateways.
const vpc = new awsx.ec2.Vpc("net", {
    cidrBlock: "10.0.0.0/16",
    numberOfAvailabilityZones: 3,
    natGateways: { strategy: config.require("natStrategy") as awsx.types.enums.ec2.NatGatewayStrategy },
});

const template = new aws.ec2.LaunchTemplate("app", {
    imageId: "ami-0abcdef1234567890",
    instanceType: "t3.small",
});
new aws.autoscaling.Group("app", {
    vpcZoneIdentifiers: vpc.privateSubnetIds,
    minSize: 3,
    maxSize: 6,
    desiredCapacity: 3,
    launchTemplate: { id: template.id, version: "$Latest" },
});

// Batch workers run on the shared network the platform team's stack exports.
const network = new pulumi.StackReference("acme/network/prod");
new aws.autoscaling.Group("worker", {
    vpcZoneIdentifiers: network.getOutput("privateSubnetIds"),
    minSize: 3,
    maxSize: 6,
    desiredCapacity: 3,
    launchTemplate: { id: template.id, version: "$Latest" },
});

export const vpcId = vpc.vpcId;
