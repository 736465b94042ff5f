"""Every file a user hands stayup is read here, as if a pull request wrote it to break the gate:
regular files only (a FIFO or /dev/zero would block or never end), a size limit checked before
reading, strict YAML and JSON (duplicate keys are refused, as Pulumi's own reader does; NaN,
infinities and integers beyond a float's range are refused), YAML aliases bounded (an alias bomb
expands to gigabytes) and nesting bounded (a value 100 000 levels deep). Each refusal is one
InputError naming the file (exit 2).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from .errors import InputError

MIB = 1024 * 1024
LIMIT = 8 * MIB  # project, stack, policy, SLA and answers files
GRAPH_LIMIT = 1024 * MIB  # graphs and state exports of very large stacks
MAX_DEPTH = 64  # levels of nesting in any value
MAX_VALUES = 1_000_000  # values a YAML document may expand to through its aliases
_BIGGEST_INT_DIGITS = 308  # beyond this an integer is no longer a float


def read_text(path: Path, key: str | None = None, *, limit: int = LIMIT) -> str:
    """A user's input file, or a one-line error naming it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("file not found", file=str(path), key=key) from None
    except OSError as exc:  # a symlink loop, a name too long, no permission on a directory
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path), key=key) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, not a file", file=str(path), key=key)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a device, FIFO or socket is never read)", file=str(path), key=key)
    if info.st_size > limit:
        raise InputError(f"too large: {info.st_size} bytes (the limit is {limit})", file=str(path), key=key)
    try:
        with open(path, "rb") as handle:
            return read_stream(handle, str(path), key, limit=limit)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path), key=key) from None


def read_stream(stream: BinaryIO, file: str, key: str | None = None, *, limit: int = LIMIT) -> str:
    """At most `limit` bytes of UTF-8 text from an open file or stdin (which may grow while read)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"too large: more than {limit} bytes", file=file, key=key)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=file, key=key) from None


# --- JSON ----------------------------------------------------------------------------------


class _Refused(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(f"duplicate key {key!r}")
        found[key] = value
    return found


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number JSON allows")


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > _BIGGEST_INT_DIGITS:
        raise _Refused(f"integer of {len(digits)} digits is beyond a float's range")
    return int(digits)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(f"{text[:20]} is beyond a float's range")
    return value


def load_json(text: str, file: str, key: str | None = None) -> Any:
    """Strict JSON: duplicate keys, NaN/Infinity, out-of-range numbers and deep nesting refused."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_constant, parse_int=_integer, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", file=file, key=key) from None
    except _Refused as exc:
        raise InputError(f"invalid JSON: {exc}", file=file, key=key) from None
    except RecursionError:
        raise InputError(f"invalid JSON: nested more than {MAX_DEPTH} levels", file=file, key=key) from None
    check_depth(value, file, key)
    return value


def check_depth(value: Any, file: str, key: str | None = None) -> None:
    """Refuses values nested deeper than MAX_DEPTH and numbers no float holds (NaN, infinities,
    huge integers), without recursing itself."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise InputError(f"nested more than {MAX_DEPTH} levels", file=file, key=key)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            raise InputError(f"{item} is not a number stayup accepts", file=file, key=key)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > 10**_BIGGEST_INT_DIGITS:
            raise InputError("an integer beyond a float's range", file=file, key=key)


# --- YAML ----------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that refuses duplicate mapping keys (Pulumi's YAML reader does too)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded (memoised per node, so
    a billion-laughs document is measured without being expanded)."""
    sizes: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels")
        if id(node) in sizes:
            continue
        sizes[id(node)] = -1
        order.append(node)
        for child in _children(node):
            stack.append((child, depth + 1))
    for node in reversed(order):
        total = 1 + sum(max(sizes.get(id(child), 1), 1) for child in _children(node))
        sizes[id(node)] = min(total, MAX_VALUES + 1)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(text: str, file: str, key: str | None = None) -> Any:
    """Strict YAML (one document): duplicate keys refused, aliases and nesting bounded."""
    loader = None
    try:
        loader = _StrictLoader(text)  # the reader refuses control characters already here
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_VALUES:
            raise _Refused(f"its aliases expand to more than {MAX_VALUES} values")
        value = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or "invalid YAML"
        raise InputError(f"malformed YAML{where}: {problem}", file=file, key=key) from None
    except _Refused as exc:
        raise InputError(f"refused YAML: {exc}", file=file, key=key) from None
    except RecursionError:
        raise InputError(f"refused YAML: nested more than {MAX_DEPTH} levels", file=file, key=key) from None
    finally:
        if loader is not None:
            loader.dispose()
    check_depth(value, file, key)
    return value


def read_yaml(path: Path, key: str | None = None) -> Any:
    return load_yaml(read_text(path, key), str(path), key)


def read_json(path: Path, key: str | None = None, *, limit: int = LIMIT) -> Any:
    return load_json(read_text(path, key, limit=limit), str(path), key)
