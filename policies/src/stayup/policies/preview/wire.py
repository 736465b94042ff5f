"""The engine protocol's own forms: the signatures that mark special values, property names,
provider references, and a request's values read with resource references as ids. Nothing here
reads stayup's markers: they, and what turns wire values into them, stay in capture.py.
"""
from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import rpc

_SNAKE = re.compile(r"_([a-z0-9])")


def _wire_name(key: str) -> str:
    return _SNAKE.sub(lambda m: m.group(1).upper(), key)


_SIG = rpc._special_sig_key
_SECRET_SIG = rpc._special_secret_sig
_RESOURCE_SIG = rpc._special_resource_sig
_OUTPUT_SIG = rpc._special_output_value_sig
_ASSET_SIG = rpc._special_asset_sig
_ARCHIVE_SIG = rpc._special_archive_sig


def _provider_urn(reference: str) -> str | None:
    # Provider references are "<urn>::<id>"; the URN itself contains "::".
    return reference.rsplit("::", 1)[0] if reference else None


def _live(struct: Any, keep: dict[str, Any]) -> dict[str, Any]:
    """The program's own input values (secrets intact) to echo back as outputs. Resource references
    become ids (or URNs) first: rehydrating them would need the program's event loop."""
    raw = _without_references(json_format.MessageToDict(struct))
    values = {k: rpc.deserialize_property(v, keep_unknowns=False) for k, v in raw.items() if k in keep}
    return values


def _with_references(request: Any) -> dict[str, list[str]]:
    """Property dependencies, plus the resources passed by reference (the SDK records none for a
    multi-language component's inputs, yet they name what it attaches)."""
    found = {key: set(deps.urns) for key, deps in request.propertyDependencies.items()}
    for key, value in json_format.MessageToDict(request.object).items() if request.object is not None else ():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if item.get(_SIG) == _RESOURCE_SIG and isinstance(item.get("urn"), str):
                    found.setdefault(key, set()).add(item["urn"])
                else:
                    stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return {key: sorted(urns) for key, urns in sorted(found.items())}


def _without_references(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(_SIG) == _RESOURCE_SIG:
            return (value.get("id") or rpc.UNKNOWN) if "id" in value else value.get("urn", rpc.UNKNOWN)
        return {k: _without_references(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_references(v) for v in value]
    return value
