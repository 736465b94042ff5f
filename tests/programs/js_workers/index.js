"use strict";
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");

// An async program: the zones are looked up first, then one public and one private subnet per zone.
module.exports = async () => {
    const config = new pulumi.Config();
    const { names } = await aws.getAvailabilityZones({ state: "available" });
    const zones = names.slice(0, config.getNumber("zoneCount") || names.length);
    console.log(`workers in ${zones.join(", ")}`);

    const vpc = new aws.ec2.Vpc("workers", { cidrBlock: "10.30.0.0/16" });
    const igw = new aws.ec2.InternetGateway("workers", { vpcId: vpc.id });
    const publicRt = new aws.ec2.RouteTable("public", { vpcId: vpc.id });
    new aws.ec2.Route("public-default", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });

    const privateIds = [];
    zones.forEach((zone, i) => {
        const pub = new aws.ec2.Subnet(`public-${zone}`, { vpcId: vpc.id, cidrBlock: `10.30.${i}.0/24`, availabilityZone: zone });
        new aws.ec2.RouteTableAssociation(`public-${zone}`, { subnetId: pub.id, routeTableId: publicRt.id });
        const eip = new aws.ec2.Eip(`nat-${zone}`, { domain: "vpc" });
        const nat = new aws.ec2.NatGateway(`nat-${zone}`, { subnetId: pub.id, allocationId: eip.id });

        const priv = new aws.ec2.Subnet(`private-${zone}`, { vpcId: vpc.id, cidrBlock: `10.30.${100 + i}.0/24`, availabilityZone: zone });
        const rt = new aws.ec2.RouteTable(`private-${zone}`, { vpcId: vpc.id });
        new aws.ec2.Route(`private-${zone}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
        new aws.ec2.RouteTableAssociation(`private-${zone}`, { subnetId: priv.id, routeTableId: rt.id });
        privateIds.push(priv.id);
    });

    const template = new aws.ec2.LaunchTemplate("worker", { imageId: "ami-0abcdef1234567890", instanceType: "t3.small" });
    const group = new aws.autoscaling.Group("worker", {
        vpcZoneIdentifiers: privateIds,
        minSize: 3,
        maxSize: 6,
        desiredCapacity: 3,
        launchTemplate: { id: template.id, version: "$Latest" },
    });
    return { groupName: group.name };
};
