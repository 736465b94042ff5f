"""A single-node Redis cluster and a single-instance broker: each lives in one AZ, and no rule models them yet."""
import pulumi_aws as aws

aws.elasticache.Cluster("sessions", engine="redis", node_type="cache.t4g.small", num_cache_nodes=1)
aws.mq.Broker("events", broker_name="events", engine_type="RabbitMQ", engine_version="3.13", host_instance_type="mq.m5.large",
              deployment_mode="SINGLE_INSTANCE", users=[{"username": "app", "password": "not-a-real-password-1"}])
