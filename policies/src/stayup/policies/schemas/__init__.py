"""JSON Schemas of stayup's input files, kept as data beside this module and validated with
jsonschema. A schema node may carry `x-message` (with `{value}`): the one-line error users see."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema

from ..errors import InputError

HERE = Path(__file__).resolve().parent


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((HERE / f"{name}.schema.json").read_text(encoding="utf-8"))
    return loaded


def schema(name: str) -> dict[str, Any]:
    """A copy of one input file's schema."""
    copied: dict[str, Any] = json.loads(json.dumps(_schema(name)))
    return copied


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    found = _schema(name)
    cls = jsonschema.validators.validator_for(found)
    cls.check_schema(found)
    return cls(found)


def _key(error: jsonschema.ValidationError) -> str:
    parts = ""
    for part in error.absolute_path:
        parts += f"[{part}]" if isinstance(part, int) else (f".{part}" if parts else str(part))
    return parts


def validate(name: str, data: Any, *, file: str) -> None:
    """Raises a one-line InputError naming the file and key of the first problem."""
    errors = sorted(_validator(name).iter_errors(data), key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]))
    if not errors:
        return
    error = errors[0]
    key = _key(error)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        extra = sorted(str(k) for k in error.instance if k not in known)
        key = ".".join(p for p in (key, extra[0] if extra else "") if p)
        message = error.schema.get("x-unknown-message", "unknown key (known: {known})").format(known=", ".join(known))
        raise InputError(message, file=file, key=key or None)
    template = error.schema.get("x-message")
    message = template.format(value=error.instance) if isinstance(template, str) else error.message
    raise InputError(message, file=file, key=key or None)
