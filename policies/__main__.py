from pulumi_policy import PolicyPack
from stayup.policies.crossguard import PACK_NAME, POLICIES

PolicyPack(name=PACK_NAME, policies=POLICIES)
