"""Names, URNs, stack and project names come from programs, state exports and graph files: they
are data. Every format passes them through here, so none can start a line, end a cell or break
a document."""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: object) -> str:
    """`text` on one line of printable characters: each control, format or separator character
    and each lone surrogate becomes its Python escape (a newline shows as `\\n`). What is left is
    also legal in XML 1.0 and encodable as UTF-8."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(char if char.isprintable() else _escape(char) for char in value)
