"""User-facing errors: one line, naming the file and key, with a documented exit code."""

from __future__ import annotations

# Every exit code of every stayup command, in one place (README "Exit codes").
EXIT_PASS = 0
EXIT_VIOLATION = 1
EXIT_BAD_INPUT = 2
EXIT_PROGRAM_FAILED = 3
EXIT_UNKNOWN = 4
EXIT_ENGINE_FAILED = 5  # the CrossGuard pack or checkov failed, not the stack
EXIT_CHECKOV_BROKEN = EXIT_ENGINE_FAILED
EXIT_SETUP_FAILED = 6  # the program's environment cannot be built, or its SDK is outside the supported range
# Worst first: a broken program hides everything else; an unknown is better than a violation.
WORST_FIRST = (EXIT_PROGRAM_FAILED, EXIT_SETUP_FAILED, EXIT_BAD_INPUT, EXIT_ENGINE_FAILED, EXIT_VIOLATION, EXIT_UNKNOWN, EXIT_PASS)
EXIT_FOR_VERDICT = {"pass": EXIT_PASS, "fail": EXIT_VIOLATION, "degraded": EXIT_VIOLATION, "unknown": EXIT_UNKNOWN}


class StayupError(Exception):
    """An error caused by the user's input or program; printed as one line, never a traceback."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None):
        self.message = message
        self.file = file
        self.key = key
        super().__init__(self.line())

    def line(self) -> str:
        where = ": ".join(part for part in (self.file, self.key) if part)
        return f"{where}: {self.message}" if where else self.message


class InputError(StayupError):
    """Bad project, stack, config or flag (exit 2)."""

    exit_code = EXIT_BAD_INPUT


class SetupError(StayupError):
    """The program's environment cannot be built, or its SDK is below the supported range (exit 6)."""

    exit_code = EXIT_SETUP_FAILED


class ProgramError(StayupError):
    """The Pulumi program itself failed (exit 3)."""

    exit_code = EXIT_PROGRAM_FAILED


def worst(codes: list[int]) -> int:
    """The exit code of several stacks: the worst of theirs."""
    return min(codes, key=WORST_FIRST.index) if codes else EXIT_PASS
