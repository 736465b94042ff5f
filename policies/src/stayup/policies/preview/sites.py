"""Where in the user's program things happen: the SDK patches that note what each resource class
declares, the program line of each lookup and the apply callbacks that never ran; and the program
line an exception points at. The notes are module state the recorder (capture.py) reads.
"""
from __future__ import annotations

import contextvars
import functools
import itertools
import re
import sys
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2

from .wire import _wire_name

# SDKs before 3.1xx send no stack trace with a registration (only the SDK's own position): there,
# the program line is read from the Python stack when the resource is constructed.
_SENDS_STACK_TRACE = "stackTrace" in resource_pb2.RegisterResourceRequest.DESCRIPTOR.fields_by_name
_DECLARED: dict[tuple[str, str], dict[str, Any]] = {}
_INVOKE_SITES: dict[str, list[dict[str, Any] | None]] = {}  # token -> program lines, in call order
# Every property a resource class declares (inputs and outputs), by (type, name), in wire names.
_PROPERTIES: dict[tuple[str, str], list[str]] = {}
# Set in the context of a program's call into the SDK, which the monitor serves in that context.
_OUTPUT_FORM: contextvars.ContextVar[bool] = contextvars.ContextVar("stayup_output_form", default=False)
_SECRET_ARGS: contextvars.ContextVar[bool] = contextvars.ContextVar("stayup_secret_args", default=False)


def _own(filename: str, project_dir: Path) -> str | None:
    """The project-relative path of a file of the program's own, else None."""
    try:
        rel = Path(filename).resolve().relative_to(project_dir)
    except (ValueError, OSError):
        return None
    if {".venv", "venv", "site-packages", "dist-packages"} & set(rel.parts):
        return None
    return rel.as_posix()


def _record_declarations(project_dir: Path) -> None:
    """Remembers what each resource class declares (its properties: those the engine would fill
    after a deploy) and, for SDKs without stack traces, the innermost program frame."""
    original = pulumi.Resource.__init__
    own = functools.lru_cache(maxsize=None)(lambda filename: _own(filename, project_dir))

    def init(self: Any, t: str, name: str, *args: Any, **kwargs: Any) -> None:
        props = args[1] if len(args) > 1 else kwargs.get("props")
        # Generated classes pass an args object holding every property; the ones its class does not
        # declare as inputs are outputs only the provider fills (an unset input keeps its default).
        if props is not None and not isinstance(props, dict):
            inputs = _input_names(type(props))
            keys = [k for k in getattr(props, "__dict__", {}) if isinstance(k, str) and not k.startswith("_") and k not in inputs]
            _PROPERTIES.setdefault((t, name), [_wire_name(k) for k in keys])
        if not _SENDS_STACK_TRACE:
            where = _program_frame(own)
            if where is not None:
                _DECLARED.setdefault((t, name), where)
        original(self, t, name, *args, **kwargs)

    pulumi.Resource.__init__ = init  # type: ignore[method-assign]
    _track_applies(own)
    _note_secret_args()

    # The SDK sends no position with an invoke: note the program line of each call, per token.
    for attribute in ("invoke", "invoke_output", "invoke_async", "invoke_output_single"):
        found = getattr(pulumi.runtime, attribute, None)
        if callable(found):
            setattr(pulumi.runtime, attribute, _noting_call_site(found, own))


_PROVIDER_SDK = re.compile(r"[/\\]site-packages[/\\]pulumi_[a-z0-9_]+[/\\]")
# Apply callbacks (outside the SDK) that have not run yet, with where the program wrote them.
_APPLIES_PENDING: dict[int, dict[str, Any] | None] = {}


def _track_applies(own: Callable[[str], str | None]) -> None:
    """Notes the program's apply callbacks that never ran: the SDK skips those on unknown values
    (at a first preview, or on an unanswered lookup), and only they can hide declarations."""
    original = pulumi.Output.apply
    sdk = str(Path(pulumi.__file__).resolve().parent) + "/"
    tokens = itertools.count()

    def apply(self: Any, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        code = getattr(func, "__code__", None)
        if code is not None and (code.co_filename.startswith(sdk) or _PROVIDER_SDK.search(code.co_filename)):
            # The SDK's own lifting and formatting, a provider SDK's result shaping: they declare nothing.
            return original(self, func, *args, **kwargs)
        token = next(tokens)
        rel = own(code.co_filename) if code is not None else None
        _APPLIES_PENDING[token] = {"file": rel, "line": code.co_firstlineno} if rel is not None and code is not None else _program_frame(own)

        def ran(*values: Any, **named: Any) -> Any:
            _APPLIES_PENDING.pop(token, None)
            return func(*values, **named)

        return original(self, ran, *args, **kwargs)

    pulumi.Output.apply = apply  # type: ignore[method-assign]


def _note_secret_args() -> None:
    """The SDK unwraps an invoke's secret args before sending them (and marks the result secret);
    the call's context remembers it for the monitor, which runs in that context."""
    unwrap = getattr(rpc, "_unwrap_rpc_secret_struct_properties", None)
    if unwrap is None:
        return

    def noting(*args: Any, **kwargs: Any) -> Any:
        plain, secret = unwrap(*args, **kwargs)
        if secret:
            _SECRET_ARGS.set(True)
        return plain, secret

    rpc._unwrap_rpc_secret_struct_properties = noting


def _program_frame(own: Callable[[str], str | None]) -> dict[str, Any] | None:
    frame: types.FrameType | None = sys._getframe(2)
    while frame is not None:
        rel = own(frame.f_code.co_filename)
        if rel is not None:
            return {"file": rel, "line": frame.f_lineno}
        frame = frame.f_back
    return None


def _noting_call_site(original: Callable[..., Any], own: Callable[[str], str | None]) -> Callable[..., Any]:
    output_form = original.__name__.startswith("invoke_output")

    @functools.wraps(original)
    def call(tok: str, *args: Any, **kwargs: Any) -> Any:
        _INVOKE_SITES.setdefault(tok, []).append(_program_frame(own))
        if not output_form:
            return original(tok, *args, **kwargs)
        # The invoke's task (and the SDK's executor call into the monitor) inherit this context.
        token = _OUTPUT_FORM.set(True)
        try:
            return original(tok, *args, **kwargs)
        finally:
            _OUTPUT_FORM.reset(token)

    return call


def _next_site(token: str) -> dict[str, Any] | None:
    sites = _INVOKE_SITES.get(token)
    return sites.pop(0) if sites else None


_INPUTS: dict[type, frozenset[str]] = {}


def _input_names(cls: type) -> frozenset[str]:
    """The input properties an args class declares (cached per class)."""
    if cls not in _INPUTS:
        _INPUTS[cls] = frozenset(n for n in dir(cls) if isinstance(getattr(cls, n, None), property))
    return _INPUTS[cls]


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, then what caused it or was being handled, outermost first, no repeats."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return seen


def program_location(exc: BaseException, project_dir: Path, *, within: Path | None = None) -> str | None:
    """file:line of the innermost frame in the program's own files (in `within` first, when given:
    the call that passed a component bad arguments), looking through chained exceptions; a syntax
    error's own position; None when the program never appears."""
    if within is not None:
        main = within.resolve()
        for link in _chain(exc):
            lines = [f.lineno for f in traceback.extract_tb(link.__traceback__) if Path(f.filename).resolve() == main]
            if lines:
                return f"{_own(str(main), project_dir) or main}:{lines[-1]}"
    for link in _chain(exc):
        if isinstance(link, SyntaxError) and link.filename:
            rel = _own(link.filename, project_dir)
            if rel is not None:
                return f"{rel}:{link.lineno or 0}"
        chosen = None
        for frame in traceback.extract_tb(link.__traceback__):
            rel = _own(frame.filename, project_dir)
            if rel is not None:
                chosen = f"{rel}:{frame.lineno}"
        if chosen is not None:
            return chosen
    return None
