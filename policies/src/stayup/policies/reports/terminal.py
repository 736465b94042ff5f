"""What a terminal gets and a pipe does not: colour (never with NO_COLOR or --no-color), progress
lines on stderr, and the width tables are laid out to."""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

_CODES = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}
WORD_COLOUR = {"PASS": "green", "FAIL": "red", "ERROR": "red", "WARN": "yellow", "UNKNOWN": "yellow", "SUPPRESSED": "dim", "DISABLED": "dim"}
_HEADER = re.compile(r"( · )(PASS|FAIL|UNKNOWN|ERROR)$")
_KIND = re.compile(r"^(    )(FAIL|WARN|UNKNOWN|SUPPRESSED)( )")
DEFAULT_WIDTH = 100


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def use_colour(stream: TextIO, *, no_color: bool = False) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org)."""
    return not no_color and not os.environ.get("NO_COLOR") and is_terminal(stream)


def paint(text: str, colour: str) -> str:
    return f"\x1b[{_CODES[colour]}m{text}\x1b[0m"


def colour_report(text: str) -> str:
    """Colours the verdict of each header line and the outcome word of each finding line of a
    text report (after escaping: names can never carry an escape sequence of their own)."""
    lines = []
    for line in text.split("\n"):
        line = _HEADER.sub(lambda m: m.group(1) + paint(m.group(2), WORD_COLOUR[m.group(2)]), line)
        line = _KIND.sub(lambda m: m.group(1) + paint(m.group(2), WORD_COLOUR[m.group(2)]) + m.group(3), line)
        lines.append(line)
    return "\n".join(lines)


def width(stream: TextIO | None = None) -> int:
    """Columns of the terminal `stream` is (COLUMNS wins, as everywhere); DEFAULT_WIDTH otherwise."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = stream or sys.stdout
    if is_terminal(stream):
        try:
            return os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH
        except (OSError, ValueError):
            pass
    return DEFAULT_WIDTH


class Progress:
    """One line per step on stderr (`stayup: checking crm-paris …`), when stderr is a terminal
    unless forced either way (--progress / --quiet)."""

    def __init__(self, enabled: bool, stream: TextIO | None = None):
        self.enabled = enabled
        self.stream = stream or sys.stderr

    @classmethod
    def for_args(cls, quiet: bool, progress: bool) -> Progress:
        if quiet:
            return cls(False)
        return cls(progress or is_terminal(sys.stderr))

    def __call__(self, message: str) -> None:
        if self.enabled:
            from .escape import visible

            self.stream.write(f"stayup: {visible(message)}\n")
            self.stream.flush()
