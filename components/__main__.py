"""Hosts the stayup components for every Pulumi language (see PulumiPlugin.yaml): Pulumi starts
this with the engine's address and speaks the provider protocol (GetSchema, Construct) to it."""

import sys

from pulumi.provider import main
from stayup.components.package import StayupProvider, version

if __name__ == "__main__":
    main(StayupProvider(version()), sys.argv[1:])
