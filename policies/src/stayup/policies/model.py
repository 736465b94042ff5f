"""The normalised resource graph every rule reads, built from either source:

* the offline capture (`stayup graph` JSON), or
* CrossGuard's `StackValidationArgs` (real `pulumi preview/up`).

Both yield the same `Graph` for the same program (tested). Values the engine does not know yet
become the `UNKNOWN` marker; secrets become `SECRET`. Links between resources are URNs taken
from parents, dependencies and property dependencies, which are known at preview, never ids.
"""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .aws_types import GET_SUBNET, GET_SUBNET_IDS, GET_SUBNETS, SUBNET, TYPE_ALIASES
from .values import (
    SECRET,
    SECRET_SIG,
    SECRET_SIG_KEY,
    UNKNOWN,
    UNKNOWN_FORMS,
    any_value,
    is_wrapped_secret,
)


def normalise_value(value: Any) -> Any:
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_FORMS else value
    if isinstance(value, Mapping):
        return {str(k): normalise_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise_value(v) for v in value]
    return value


@dataclass(slots=True)
class Resource:
    urn: str
    type: str
    name: str
    props: dict[str, Any]
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: dict[str, Any] | None = None
    # Top-level properties that held a secret: rules read their real value when the program
    # gave one (never printed: see `secret_texts`), UNKNOWN when stayup cannot read it.
    secrets: frozenset[str] = field(default_factory=frozenset)
    # Set for children stayup created for a multi-language component: "<package> <versions>".
    synthesized: str | None = None

    def secret_texts(self) -> set[str]:
        """How the secret values could appear in a message, to mask them there."""
        found: set[str] = set()
        for key in self.secrets:
            _texts(self.props.get(key), found)
        found.discard(UNKNOWN)
        return {t for t in found if t}

    def get(self, key: str, default: Any = None) -> Any:
        return self.props.get(key, default)

    def known(self, key: str) -> bool:
        return key in self.props and self.props[key] != UNKNOWN

    def as_dict(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "props": self.props,
            "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in sorted(self.property_dependencies.items())},
        }


def _texts(value: Any, found: set[str]) -> None:
    if isinstance(value, Mapping):
        for v in value.values():
            _texts(v, found)
    elif isinstance(value, list):
        for v in value:
            _texts(v, found)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        found.update({str(value), f"{float(value):g}"})
    else:
        found.add(str(value))


def reveal(value: Any) -> Any:
    """A secret's value as rules read it: the value itself when present, UNKNOWN for a secret
    stayup does not have (a `secure:` config value, a masked graph file)."""
    if is_wrapped_secret(value):
        return reveal(value.get("value", UNKNOWN))
    if isinstance(value, str):
        return UNKNOWN if value == SECRET or value in UNKNOWN_FORMS else value
    if isinstance(value, Mapping):
        return {str(k): reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def _handle(resource: Resource, key: str) -> str | None:
    value = resource.props.get(key)
    return value if isinstance(value, str) and value and value != UNKNOWN else None


def _held_strings(value: Any) -> set[str]:
    """The known strings inside a property value (ids and ARNs among them)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item != UNKNOWN:
                found.add(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _by_urn(resource: Resource) -> str:
    return resource.urn


class Graph:
    """Resources indexed by URN and type; links resolved once, on first use."""

    def __init__(
        self,
        resources: Iterable[Resource],
        *,
        stack: str = "",
        project: str = "",
        region: str = "",
        external_subnets: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        self.stack = stack
        self.project = project
        self.region = region
        self.resources: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        for resource in sorted(resources, key=_by_urn):
            resource.type = TYPE_ALIASES.get(resource.type, resource.type)
            self.resources[resource.urn] = resource
            self._by_type[resource.type].append(resource)
        # Links to resources outside the graph are dropped, as pulumi-policy does.
        known = self.resources
        inside = known.__contains__
        for resource in known.values():
            if not all(map(inside, resource.dependencies)):
                resource.dependencies = tuple(filter(inside, resource.dependencies))
            for key, urns in resource.property_dependencies.items():
                if not all(map(inside, urns)):
                    resource.property_dependencies[key] = tuple(filter(inside, urns))
            if resource.parent not in known:
                resource.parent = None
        self._through_components()
        # Subnets known only from invokes (e.g. the default VPC's), by id.
        self.external_subnets: dict[str, Mapping[str, Any]] = dict(external_subnets or {})
        self._referrers: dict[tuple[str, str, str], list[Resource]] | None = None
        self._secret_texts: list[str] | None = None
        self._by_id: dict[tuple[str, str], Resource] | None = None
        # Facts about one resource, worked out once: rules never change the graph (see facts.once).
        self.facts: dict[tuple[str, str], Any] = {}

    def _through_components(self) -> None:
        """A value read from a component's output (`vpc.private_subnet_ids[0]`) depends on the
        component; it names the component's children whose ids or ARNs it holds, so link those."""
        children: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources.values():
            if resource.parent is not None:
                children[resource.parent].append(resource)
        if not children:
            return
        descendants: dict[str, list[Resource]] = {}

        def below(urn: str) -> list[Resource]:
            if urn not in descendants:
                descendants[urn] = []  # a parent cycle ends here
                descendants[urn] = [d for c in children.get(urn, []) for d in (c, *below(c.urn))]
            return descendants[urn]

        for resource in self.resources.values():
            for key, urns in resource.property_dependencies.items():
                if not any(u in children for u in urns):
                    continue
                held = _held_strings(resource.props.get(key))
                if not held:
                    continue
                linked: list[str] = []
                for urn in urns:
                    named = [d.urn for d in below(urn) if _handle(d, "id") in held or _handle(d, "arn") in held] if urn in children else []
                    linked.extend(named or [urn])
                resource.property_dependencies[key] = tuple(dict.fromkeys(linked))

    def owning(self, type_: str, value: str) -> Resource | None:
        """The resource of `type_` whose known id is `value` (a literal id in another resource)."""
        if self._by_id is None:
            self._by_id = {}
            for resource in self.resources.values():
                own = resource.props.get("id")
                if isinstance(own, str) and own and own != UNKNOWN:
                    self._by_id.setdefault((resource.type, own), resource)
        return self._by_id.get((type_, value))

    def secret_texts(self) -> list[str]:
        """Every secret value's printable forms, longest first: a secret reaches messages about
        other resources too (a secret AZ in a load balancer's message)."""
        if self._secret_texts is None:
            found: set[str] = set()
            for resource in self.resources.values():
                if resource.secrets:
                    found |= resource.secret_texts()
            self._secret_texts = sorted(found, key=lambda t: (-len(t), t))
        return self._secret_texts

    def __len__(self) -> int:
        return len(self.resources)

    def of_type(self, *types: str) -> list[Resource]:
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        return [r for t in types for r in self._by_type.get(t, [])]

    def linked(self, resource: Resource, key: str, *types: str) -> list[Resource]:
        """Resources the property `key` of `resource` refers to (optionally of `types`): by value
        when it holds their known ids or ARNs (a list trimmed in an apply depends on more than it
        holds), else every resource it was computed from (ids unknown, or linked by another
        attribute such as a DNS name)."""
        found = []
        for urn in resource.property_dependencies.get(key, ()):
            target = self.resources.get(urn)
            if target is not None and (not types or target.type in types):
                found.append(target)
        if len(found) < 2:
            return found
        held = _held_strings(resource.props.get(key))
        if not held:
            return found
        by_value = [t for t in found if _handle(t, "id") in held or _handle(t, "arn") in held]
        return by_value or found

    def referrers(self, target: Resource, type_: str, key: str) -> list[Resource]:
        """Resources of `type_` whose property `key` depends on `target`."""
        if self._referrers is None:
            index: dict[tuple[str, str, str], list[Resource]] = defaultdict(list)
            for resource in self.resources.values():
                for prop, urns in resource.property_dependencies.items():
                    for urn in urns:
                        index[(urn, resource.type, prop)].append(resource)
            self._referrers = index
        return self._referrers.get((target.urn, type_, key), [])

    def parent_chain(self, resource: Resource) -> list[Resource]:
        chain, seen = [], {resource.urn}
        parent = resource.parent
        while parent and parent in self.resources and parent not in seen:
            seen.add(parent)
            chain.append(self.resources[parent])
            parent = self.resources[parent].parent
        return chain

    def canonical(self) -> list[dict[str, Any]]:
        """A comparable, engine-independent form (used to prove both sources agree)."""
        return [r.as_dict() for r in self.resources.values()]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Large graphs allocate millions of small objects and no cycles: the cyclic collector would
    rescan them over and over (measured: about half the time at 100 000 resources)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def from_capture(graph: Mapping[str, Any]) -> Graph:
    """Graph from `stayup graph` JSON (schema 1)."""
    with paused_gc():
        return _from_capture(graph)


_NO_SECRETS: frozenset[str] = frozenset()


def _from_capture(graph: Mapping[str, Any]) -> Graph:
    resources = []
    for r in graph.get("resources") or []:
        if not isinstance(r, Mapping):
            continue
        urn, type_ = r.get("urn"), r.get("type")
        if not isinstance(urn, str) or not isinstance(type_, str):
            continue
        outputs = r.get("outputs")
        props: dict[str, Any] = outputs if isinstance(outputs, dict) else {}
        if r.get("remote") is True and isinstance(r.get("inputs"), dict):
            # A multi-language component: rules read its settings, its inputs. Its outputs are what
            # it created (awsx's `natGateways` is a strategy in, a list of ids out), seen as children.
            props = r["inputs"]
        secrets = r.get("secrets")
        secret_keys = _NO_SECRETS
        if secrets:
            secret_keys = frozenset(k for k in secrets if isinstance(k, str)) if isinstance(secrets, list) else _NO_SECRETS
            props = {k: (reveal(v) if k in secret_keys else v) for k, v in props.items()}
        resources.append(
            Resource(
                urn=urn,
                type=type_,
                name=str(r.get("name") or urn.rsplit("::", 1)[-1]),
                # Captures use only the canonical UNKNOWN marker: no copy needed (rules never mutate).
                props=props,
                parent=parent if isinstance(parent := r.get("parent"), str) else None,
                dependencies=_urns(r.get("dependencies")),
                property_dependencies=_property_urns(r.get("propertyDependencies")),
                source=source if isinstance(source := r.get("source"), dict) else None,
                secrets=secret_keys,
                synthesized=synthesized if isinstance(synthesized := r.get("synthesized"), str) else None,
            )
        )
    external: dict[str, Mapping[str, Any]] = {}
    for invoke in graph.get("invokes") or []:
        if not isinstance(invoke, Mapping):
            continue
        result = invoke.get("result")
        if invoke.get("token") == GET_SUBNET and isinstance(result, Mapping):
            external[str(result.get("id"))] = result
        # getSubnetIds is pulumi-aws 5's form of getSubnets.
        if invoke.get("token") in (GET_SUBNETS, GET_SUBNET_IDS) and isinstance(result, Mapping) and isinstance(result.get("subnets"), list):
            for subnet in result["subnets"]:
                if isinstance(subnet, Mapping) and isinstance(subnet.get("id"), str):
                    external[subnet["id"]] = subnet
    for item in graph.get("existing") or []:
        # Resources of the real account named in --answers: subnets are placed by their AZ.
        if isinstance(item, Mapping) and item.get("type") == SUBNET and isinstance(item.get("id"), str):
            properties = item.get("properties")
            external[item["id"]] = {"id": item["id"], **(properties if isinstance(properties, Mapping) else {})}
    return Graph(
        resources,
        stack=str(graph.get("stack") or ""),
        project=str(graph.get("project") or ""),
        region=str(graph.get("region") or ""),
        external_subnets=external,
    )


_ONLY_TEXT = {str}


def _urns(value: Any) -> tuple[str, ...]:
    """A capture's URN list (already sorted and unique there); anything malformed is dropped."""
    if not isinstance(value, list):
        return ()
    if set(map(type, value)) <= _ONLY_TEXT:
        return tuple(value)
    return tuple(sorted({v for v in value if isinstance(v, str)}))


def _property_urns(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        return {}
    return {k if type(k) is str else str(k): _urns(v) for k, v in value.items()}


def _holds_secret(value: Any) -> bool:
    return any_value(value, lambda v: is_wrapped_secret(v) or v == SECRET)


def _unwrap_policy_value(value: Any) -> Any:
    """pulumi-policy wraps props in proxies that raise on unknowns; read through them."""
    from pulumi_policy.proxy import _DictProxy, _ListProxy
    from pulumi_policy.secret import Secret

    if isinstance(value, Secret):
        return {SECRET_SIG_KEY: SECRET_SIG, "value": _unwrap_policy_value(value.value)}
    if isinstance(value, (_DictProxy, _ListProxy)):
        value = value["__target"]
    if isinstance(value, Mapping):
        return {str(k): _unwrap_policy_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_unwrap_policy_value(v) for v in value]
    return value


def from_policy_resources(resources: Iterable[Any], *, stack: str = "", project: str = "") -> Graph:
    """Graph from CrossGuard's `StackValidationArgs.resources` (`PolicyResource` objects)."""
    converted = []
    for r in resources:
        raw = _unwrap_policy_value(r.props)
        secret_keys = frozenset(k for k, v in raw.items() if _holds_secret(v))
        props = {k: (reveal(v) if k in secret_keys else normalise_value(v)) for k, v in raw.items()}
        converted.append(
            Resource(
                urn=r.urn,
                type=r.resource_type,
                name=r.name,
                props=props,
                parent=r.parent.urn if r.parent is not None else None,
                dependencies=tuple(sorted({d.urn for d in r.dependencies})),
                property_dependencies={
                    k: tuple(sorted({d.urn for d in deps})) for k, deps in r.property_dependencies.items()
                },
                secrets=secret_keys,
            )
        )
    return Graph(converted, stack=stack, project=project)

