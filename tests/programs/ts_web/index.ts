import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const azCount = config.getNumber("azCount") ?? 3;
const singleNat = config.requireBoolean("singleNat");
const dbMultiAz = config.requireBoolean("dbMultiAz");

const azs = aws.getAvailabilityZonesOutput({ state: "available" });

const vpc = new aws.ec2.Vpc("main", {
    cidrBlock: "10.20.0.0/16",
    enableDnsHostnames: true,
    tags: { Name: "main" },
});
const igw = new aws.ec2.InternetGateway("main", { vpcId: vpc.id });
const publicRt = new aws.ec2.RouteTable("public", {
    vpcId: vpc.id,
    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
});

const publicSubnets: aws.ec2.Subnet[] = [];
const privateSubnets: aws.ec2.Subnet[] = [];
let nat: aws.ec2.NatGateway | undefined;
for (let i = 0; i < azCount; i++) {
    const az = azs.names[i];
    const pub = new aws.ec2.Subnet(`public-${i}`, {
        vpcId: vpc.id,
        cidrBlock: `10.20.${i}.0/24`,
        availabilityZone: az,
        mapPublicIpOnLaunch: true,
    });
    new aws.ec2.RouteTableAssociation(`public-${i}`, { subnetId: pub.id, routeTableId: publicRt.id });
    publicSubnets.push(pub);

    if (!singleNat || i === 0) {
        const eip = new aws.ec2.Eip(`nat-${i}`, { domain: "vpc" });
        nat = new aws.ec2.NatGateway(`nat-${i}`, { subnetId: pub.id, allocationId: eip.id });
    }
    const priv = new aws.ec2.Subnet(`private-${i}`, {
        vpcId: vpc.id,
        cidrBlock: `10.20.${100 + i}.0/24`,
        availabilityZone: az,
    });
    const rt = new aws.ec2.RouteTable(`private-${i}`, {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat!.id }],
    });
    new aws.ec2.RouteTableAssociation(`private-${i}`, { subnetId: priv.id, routeTableId: rt.id });
    privateSubnets.push(priv);
}

const alb = new aws.lb.LoadBalancer("web", {
    loadBalancerType: "application",
    subnets: publicSubnets.map(s => s.id),
});
const targets = new aws.lb.TargetGroup("web", {
    port: 8080,
    protocol: "HTTP",
    vpcId: vpc.id,
    healthCheck: { path: "/healthz", interval: 10, unhealthyThreshold: 2 },
});
new aws.lb.Listener("web", {
    loadBalancerArn: alb.arn,
    port: 80,
    defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
});

const template = new aws.ec2.LaunchTemplate("web", {
    imageId: "ami-0abcdef1234567890",
    instanceType: "t3.small",
});
new aws.autoscaling.Group("web", {
    vpcZoneIdentifiers: privateSubnets.map(s => s.id),
    minSize: 3,
    maxSize: 9,
    desiredCapacity: 3,
    targetGroupArns: [targets.arn],
    healthCheckType: "ELB",
    healthCheckGracePeriod: 120,
    launchTemplate: { id: template.id, version: "$Latest" },
});

const dbSubnets = new aws.rds.SubnetGroup("orders", { subnetIds: privateSubnets.map(s => s.id) });
new aws.rds.Instance("orders", {
    engine: "postgres",
    engineVersion: "16.4",
    instanceClass: "db.t4g.medium",
    allocatedStorage: 20,
    dbSubnetGroupName: dbSubnets.name,
    username: "app",
    manageMasterUserPassword: true,
    multiAz: dbMultiAz,
    skipFinalSnapshot: true,
});

export const url = pulumi.interpolate`http://${alb.dnsName}`;
