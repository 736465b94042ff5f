"""Drives the policy pack through the real analyzer gRPC protocol, exactly as the Pulumi CLI does:
start `python -u -m pulumi.policy <engine> <pack>`, read the port, then GetAnalyzerInfo,
Configure and AnalyzeStack."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .engine import Result
from .errors import EXIT_ENGINE_FAILED, StayupError
from .processes import stop_group
from .rules import BY_NAME, Enforcement, Finding, Outcome
from .settings import PolicySettings

_LEVEL_NAMES = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory", analyzer_pb2.DISABLED: "disabled"}
_LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY, "disabled": analyzer_pb2.DISABLED}
_ATTRIBUTE = re.compile(r"\(urn:[^,]*, `([^`]+)`\)")


class AnalyzerError(StayupError):
    """The policy pack failed (not the stack): exit 5, never read as a violation."""

    exit_code = EXIT_ENGINE_FAILED


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


class Analyzer:
    """A running policy pack. Use as a context manager; the subprocess is always stopped."""

    def __init__(self, pack_dir: Path, startup_timeout: float = 60.0):
        self.pack_dir = pack_dir
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(pack_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        port: list[str] = []
        reader = threading.Thread(target=lambda: port.append(self.process.stdout.readline().strip() if self.process.stdout else ""), daemon=True)
        reader.start()
        reader.join(startup_timeout)
        if not port or not port[0].isdigit():
            stop_group(self.process)
            err = [line for line in (self.process.stderr.read().splitlines() if self.process.stderr else []) if line.strip()]
            self.close()
            raise AnalyzerError(f"policy pack did not start: {err[-1].strip() if err else 'no port printed'}", file=str(pack_dir))
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port[0]}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def __enter__(self) -> Analyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if getattr(self, "channel", None) is not None:
            self.channel.close()
        stop_group(self.process)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        info: analyzer_pb2.AnalyzerInfo = self._call("GetAnalyzerInfo", self.stub.GetAnalyzerInfo, empty_pb2.Empty())
        return info

    def _call(self, what: str, method: Any, request: Any) -> Any:
        """One gRPC call; a pack that dies or fails answers with one line (exit 5)."""
        try:
            return method(request)
        except grpc.RpcError as exc:
            details = (exc.details() if hasattr(exc, "details") else "") or ""
            lines = [line.strip() for line in details.splitlines() if line.strip()]
            code = exc.code().name if hasattr(exc, "code") and exc.code() is not None else "failed"
            raise AnalyzerError(f"policy pack failed during {what} ({code}): {lines[-1] if lines else 'no details'}", file=str(self.pack_dir)) from None

    def configure(self, settings: PolicySettings) -> None:
        """What the CLI sends for --policy-pack-config: levels resolved, defaults applied."""
        config = {}
        for name, rule in BY_NAME.items():
            rule_settings = settings.for_rule(rule)
            properties = dict(rule_settings.params)
            properties["suppress"] = [
                {"urn": s.urn, "reason": s.reason, **({"expires": s.expires.isoformat()} if s.expires else {})}
                for s in rule_settings.suppressions
            ]
            config[name] = analyzer_pb2.PolicyConfig(
                enforcementLevel=_LEVELS[rule_settings.enforcement], properties=_struct(properties)
            )
        self._call("Configure", self.stub.Configure, analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=config))

    def analyze_stack(self, resources: Iterable[dict[str, Any]]) -> analyzer_pb2.AnalyzeResponse:
        try:
            request = stack_request(resources)
        except (ValueError, TypeError) as exc:
            raise AnalyzerError(f"a resource cannot be sent to the policy pack: {exc}", file=str(self.pack_dir)) from None
        response: analyzer_pb2.AnalyzeResponse = self._call("AnalyzeStack", self.stub.AnalyzeStack, request)
        return response


def stack_request(resources: Iterable[dict[str, Any]]) -> analyzer_pb2.AnalyzeStackRequest:
    """AnalyzeStack request for captured resources (`stayup graph` records), as the engine sends them."""
    return analyzer_pb2.AnalyzeStackRequest(
        resources=[
            analyzer_pb2.AnalyzerResource(
                type=r["type"],
                name=r["name"],
                urn=r["urn"],
                properties=_struct(r.get("outputs") or {}),
                parent=r.get("parent") or "",
                dependencies=r.get("dependencies") or [],
                propertyDependencies={
                    k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                    for k, v in (r.get("propertyDependencies") or {}).items()
                },
            )
            for r in resources
        ]
    )


def results_from(response: analyzer_pb2.AnalyzeResponse) -> list[Result]:
    """Diagnostics back into engine results (outcome from the message form, rule from the policy)."""
    results = []
    for diagnostic in response.diagnostics:
        rule = BY_NAME.get(diagnostic.policyName)
        if rule is None:
            raise AnalyzerError(f"unexpected diagnostic from policy {diagnostic.policyName!r}: {diagnostic.message}")
        # pulumi-policy prefixes the policy description; the finding starts at its own marker.
        message = diagnostic.message
        starts = [message.find(m) for m in ("Violation:", "Unknown:", "Invalid policy config:") if m in message]
        message = message[min(starts):] if starts else message
        outcome = Outcome.UNKNOWN if message.startswith("Unknown:") else Outcome.FAIL
        match = _ATTRIBUTE.search(message)
        finding = Finding(rule.id, diagnostic.urn, outcome, message, match.group(1) if match else None)
        results.append(Result(rule, finding, Enforcement(_LEVEL_NAMES.get(diagnostic.enforcementLevel, "advisory"))))
    results.sort(key=lambda r: (r.rule.id, r.finding.urn, r.finding.outcome, r.finding.message))
    return results
