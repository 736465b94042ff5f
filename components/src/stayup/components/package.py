"""The components as a Pulumi component package, for every Pulumi language: `PulumiPlugin.yaml` in
components/ runs `__main__.py`, which hosts these classes with the SDK's component provider. The
schema is inferred from the components' typed args (docstrings become descriptions, the enums
enums); a dataclass field with a default is optional. Package consumers' resources register as
`stayup:index:<Name>`; Python users keep importing `stayup.components` (and its type tokens).
"""

import dataclasses
import inspect
import json
from typing import Any

from pulumi.provider.experimental.analyzer import Analyzer, PropertyDefinition
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.schema import generate_schema
from pulumi.provider.provider import Provider

from . import crm, dns, network, relay

PACKAGE = "stayup"


class ResilientNetwork(network.ResilientNetwork):
    """VPC with a public and a private subnet in each of N AZs and egress that survives the loss of any one AZ."""

    TOKEN = f"{PACKAGE}:index:ResilientNetwork"


class CrmHosting(crm.CrmHosting):
    """A CRM web tier: ALB, auto scaling group statically stable across AZs, and a Multi-AZ database."""

    TOKEN = f"{PACKAGE}:index:CrmHosting"


class VideoRelay(relay.VideoRelay):
    """A video relay (TURN) tier: one node per AZ, each with its own public address, behind an NLB."""

    TOKEN = f"{PACKAGE}:index:VideoRelay"


class FailoverDns(dns.FailoverDns):
    """Route 53 failover: a health-checked PRIMARY alias and a SECONDARY."""

    TOKEN = f"{PACKAGE}:index:FailoverDns"


COMPONENTS: list[type[Any]] = [ResilientNetwork, CrmHosting, VideoRelay, FailoverDns]


class _Analyzer(Analyzer):
    """The SDK's analyzer, reading a dataclass field with a default as optional."""

    def analyze_type(self, typ: type, *, is_component_output: bool) -> tuple[dict[str, PropertyDefinition], dict[str, str]]:
        properties, mapping = super().analyze_type(typ, is_component_output=is_component_output)
        if dataclasses.is_dataclass(typ) and not is_component_output:
            defaulted = {f.name for f in dataclasses.fields(typ) if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING}
            for schema_name, python_name in mapping.items():
                if python_name in defaulted:
                    properties[schema_name].optional = True
        return properties, mapping


class StayupProvider(ComponentProvider):
    """ComponentProvider over COMPONENTS with the dataclass-aware analyzer."""

    def __init__(self, version: str) -> None:
        self._name = PACKAGE
        self.analyzer = _Analyzer(PACKAGE)
        result = self.analyzer.analyze(COMPONENTS)
        self._components = {component.__name__: component for component in COMPONENTS}
        self._component_defs = result["component_definitions"]
        self._type_defs = result["type_definitions"]
        self._external_enum_types = result["external_enum_types"]
        self._dependencies = sorted(result["dependencies"], key=lambda d: f"{d.name}{d.version}")
        self.package_schema: dict[str, Any] = generate_schema(PACKAGE, version, None, self._component_defs, self._type_defs, self._dependencies).to_json()
        Provider.__init__(self, version, json.dumps(self.package_schema))


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("stayup-components")
    except PackageNotFoundError:
        return "0.0.0"


def schema() -> dict[str, Any]:
    """The package schema, as `pulumi package get-schema` would print it (stable key order)."""
    found: dict[str, Any] = json.loads(json.dumps(StayupProvider(version()).package_schema, sort_keys=True))
    return found


def args_type(component: type[Any]) -> type[Any]:
    return inspect.get_annotations(component.__init__)["args"]  # type: ignore[no-any-return]
