"""Policy configuration: the JSON `pulumi up --policy-pack-config` takes, validated against the
schema every policy declares, with defaults applied (the SDK does neither).

    {
      "all": "mandatory",
      "tier-spans-power-zones": {"minZones": 3},
      "dns-alias-evaluates-target-health": "mandatory",
      "private-egress-in-own-zone": {
        "suppress": [{"urn": "urn:pulumi:*::legacy-*", "reason": "migrating, TICKET-42", "expires": "2027-03-31"}]
      }
    }
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from .errors import InputError
from .inputs import read_json
from .rules import BY_ID, BY_NAME, RULES, Enforcement, Rule

MAX_SUPPRESSION = dt.timedelta(days=366)
LEVELS = tuple(level.value for level in (Enforcement.ADVISORY, Enforcement.MANDATORY, Enforcement.DISABLED))


def rule_schema(rule: Rule) -> dict[str, Any]:
    """JSON schema of one policy's config (also handed to CrossGuard as its config schema)."""
    properties: dict[str, Any] = {
        "enforcementLevel": {"type": "string", "enum": list(LEVELS)},
        "suppress": {
            "type": "array",
            "description": "Findings to accept, each with a reason and an expiry date at most 366 days ahead (accepted risk comes back for review).",
            "items": {
                "type": "object",
                "properties": {
                    "urn": {"type": "string", "minLength": 1, "description": "URN, or a pattern with * wildcards"},
                    "reason": {"type": "string", "pattern": r"(\S.*){3}", "description": "why the risk is accepted (at least 3 characters of text)"},
                    "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                },
                "required": ["urn", "reason", "expires"],
                "additionalProperties": False,
            },
            "default": [],
        },
    }
    for key, default in rule.defaults.items():
        # Fewer than two AZs is no redundancy at all.
        properties[key] = {"type": "number" if isinstance(default, float) else "integer", "minimum": 2 if key == "minZones" else 1, "default": default}
    properties.update({key: dict(option.schema) for key, option in rule.options.items()})
    return {"type": "object", "properties": properties, "additionalProperties": False}


@dataclass(frozen=True)
class Suppression:
    urn: str
    reason: str
    expires: dt.date | None

    def matches(self, urn: str) -> bool:
        return _pattern(self.urn).fullmatch(urn) is not None


@functools.cache
def _pattern(urn: str) -> re.Pattern[str]:
    """`*` is the only wildcard (any run of characters): `?` and `[...]` are characters of a
    resource's name, never a way to suppress more than was written."""
    return re.compile(".*".join(re.escape(part) for part in urn.split("*")), re.DOTALL)


@dataclass(frozen=True)
class RuleSettings:
    enforcement: Enforcement
    params: Mapping[str, Any]
    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True)
class PolicySettings:
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)

    def for_rule(self, rule: Rule) -> RuleSettings:
        return self.rules[rule.id]


def _whole_numbers(value: Any) -> Any:
    # The engine sends config numbers as floats (2 -> 2.0); schema integers must still validate.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def load_settings(raw: Any, *, source: str = "policy config", today: dt.date | None = None) -> PolicySettings:
    """Validates raw policy config and returns every rule's effective settings."""
    today = today or dt.date.today()
    raw = _whole_numbers(raw if raw is not None else {})
    if not isinstance(raw, dict):
        raise InputError("expected a JSON object of policy names", file=source)
    default_level = None
    if "all" in raw:
        value = raw["all"]
        default_level = value.get("enforcementLevel") if isinstance(value, dict) else value
        extra = sorted(set(value) - {"enforcementLevel"}) if isinstance(value, dict) else []
        if extra:
            raise InputError("only enforcementLevel applies to every policy", file=source, key=f"all.{extra[0]}")
        if default_level not in LEVELS:
            raise InputError(f"expected one of {', '.join(LEVELS)}, got {default_level!r}", file=source, key="all")
    for key in raw:
        if key != "all" and key not in BY_NAME:
            close = difflib.get_close_matches(key, list(BY_NAME), n=2)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise InputError(f"no policy with this name{hint}", file=source, key=key)
    rules = {rule.id: rule_settings(rule, raw.get(rule.name, {}), default_level, source, today) for rule in RULES}
    return PolicySettings(rules)


@functools.cache
def _validator(rule_id: str) -> jsonschema.protocols.Validator:
    schema = rule_schema(BY_ID[rule_id])
    return jsonschema.validators.validator_for(schema)(schema)


def rule_settings(
    rule: Rule, value: Any, default_level: str | None = None, source: str = "policy config", today: dt.date | None = None
) -> RuleSettings:
    """One policy's effective settings from its config value (a level string or an object)."""
    today = today or dt.date.today()
    if isinstance(value, str):
        value = {"enforcementLevel": value}
    value = _whole_numbers(value)
    errors = sorted(_validator(rule.id).iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        path = ".".join(str(p) for p in errors[0].absolute_path)
        message = errors[0].message
        if errors[0].validator == "pattern" and path.endswith("reason"):
            message = "a suppression needs a reason with text (at least 3 characters), not only spaces"
        raise InputError(message, file=source, key=f"{rule.name}{'.' + path if path else ''}")
    level = value.get("enforcementLevel") or default_level or ("mandatory" if rule.core else "advisory")
    params = {key: value.get(key, default) for key, default in rule.defaults.items()}
    params.update({key: option.read(value[key], source, f"{rule.name}.{key}") for key, option in rule.options.items() if key in value})
    suppressions = []
    for index, item in enumerate(value.get("suppress", [])):
        key = f"{rule.name}.suppress[{index}].expires"
        expires = None
        if "expires" in item:
            try:
                expires = dt.date.fromisoformat(item["expires"])
            except ValueError:
                raise InputError(f"not a date: {item['expires']!r}", file=source, key=key) from None
            if expires > today + MAX_SUPPRESSION:
                raise InputError(
                    f"expires more than {MAX_SUPPRESSION.days} days ahead ({expires.isoformat()}): accepted risk must come back for review",
                    file=source,
                    key=key,
                )
            if expires < today:
                raise InputError(
                    f"suppression expired on {expires.isoformat()} (reason: {item['reason']}); remove it or fix the finding",
                    file=source,
                    key=key,
                )
        suppressions.append(Suppression(item["urn"], item["reason"], expires))
    return RuleSettings(Enforcement(level), params, tuple(suppressions))


def load_settings_file(path: Path | None, *, today: dt.date | None = None) -> PolicySettings:
    if path is None:
        return load_settings({}, today=today)
    return load_settings(read_json(path), source=str(path), today=today)
