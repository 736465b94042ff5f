"""The markers a property value can carry between the capture and the rules, and the typed readers
rules decide with.

A value not known yet is the engine's own sentinel, UNKNOWN, and nothing else: graph_schema reads
every other form an engine writes for it (UNKNOWN_FORMS) as UNKNOWN. A secret is never written
(SECRET stands in for it), and a lookup stayup cannot answer exactly gives UNANSWERED.

Rules never compare a value to a marker: they read it through `text`, `word`, `number`, `flag`,
`is_unknown`, `any_unknown`, `known` and `unknowns`, whose NOT_KNOWN (never the same as absent,
None) the type checker makes every rule handle.

Pure: the standard library only, nothing of the pack (it sits on the ground floor).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from typing import Any, TypeVar

_T = TypeVar("_T")

# The engine's own wire sentinel for a value not known until deployment.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# Every other form a value not known yet takes on the wire: the engine's typed unknowns
# (pulumi-policy's list) and the Terraform bridge's (hcl2shim.UnknownVariableValue, which a bridged
# provider such as pulumi-aws can leave in a state). Read as UNKNOWN wherever a file is read.
UNKNOWN_FORMS = frozenset(
    {
        UNKNOWN,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
        "74D93920-ED26-11E3-AC10-0800200C9A66",
        "74d93920-ed26-11e3-ac10-0800200c9a66",
    }
)
# What a program receives from a lookup stayup cannot answer exactly (a VPC found by tags, say):
# every value it passes on is recorded as UNKNOWN, and the invoke as "mocked": false.
UNANSWERED = "stayup-unanswered-7d1f0c2e-lookup"
# Secrets are never written: every secret value is replaced by this placeholder.
SECRET = "[secret]"
# In memory, between the capture and the rules, a secret keeps the engine's wire form (these two
# constants are Pulumi's), so a rule can decide on a value the program itself wrote as secret.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


class Unknown(enum.Enum):
    """A value that decides a verdict but is not known: computed during deployment, the answer of
    a lookup stayup could not give, or a secret it cannot read. Never the same as absent (None):
    the readers below return it, so the type checker makes every rule handle it."""

    VALUE = "unknown"


NOT_KNOWN = Unknown.VALUE


def is_wrapped_secret(value: Any) -> bool:
    """Whether a value is a secret in the engine's wire form (it must be masked before writing)."""
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG


def any_value(value: Any, test: Any) -> bool:
    """Whether `test` holds for the value or any value nested in it."""
    if test(value):
        return True
    if isinstance(value, dict):
        return any(any_value(v, test) for v in value.values())
    if isinstance(value, list):
        return any(any_value(v, test) for v in value)
    return False


def is_unknown(value: Any) -> bool:
    """Whether a value is not known (the raw marker, or NOT_KNOWN from a reader): a verdict that
    depends on it stays open."""
    return value is NOT_KNOWN or (isinstance(value, str) and value == UNKNOWN)


def any_unknown(values: Iterable[Any]) -> bool:
    """Whether any of the values is not known: one unknown setting leaves the verdict open."""
    return any(is_unknown(value) for value in values)


def known(values: Iterable[_T | Unknown]) -> list[_T]:
    """The known members of a collection, in order: all a certain verdict may count."""
    return [value for value in values if not isinstance(value, Unknown) and not is_unknown(value)]


def unknowns(values: Iterable[Any]) -> int:
    """How many of the values are not known: each may still be anything."""
    return sum(1 for value in values if is_unknown(value))


def text(value: Any) -> str | None:
    """A known string, else None: for ids and names that only locate things (a link missing
    because of it is handled where links are followed). Verdicts read `word`."""
    return value if isinstance(value, str) and value != UNKNOWN else None


def word(value: Any) -> str | Unknown | None:
    """A known string setting; None when absent (or not a string); NOT_KNOWN when unknown."""
    if value == UNKNOWN:
        return NOT_KNOWN
    return value if isinstance(value, str) else None


def number(value: Any) -> float | Unknown | None:
    """A known number (numeric strings too); None when absent or not a number; NOT_KNOWN when unknown."""
    if value == UNKNOWN:
        return NOT_KNOWN
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def number_or(value: Any, default: float) -> float:
    """For ordering and display only, never for a verdict: the number, else `default`."""
    found = number(value)
    return found if isinstance(found, float) else default


def flag(value: Any) -> bool | Unknown | None:
    """A known boolean setting; None when absent (or not a boolean); NOT_KNOWN when unknown: a
    switch a verdict turns on, where only `True` counts as on."""
    if is_unknown(value):
        return NOT_KNOWN
    return value if isinstance(value, bool) else None


def as_key(value: Any) -> str:
    """A value as a grouping or sorting key: a string as it is, anything else (absent, a number,
    a list or object where a name belongs) as its JSON text, so that no shape raises."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=repr)
