"""The `stayup` command line. Every user mistake ends in one line on stderr and a documented exit code."""

from __future__ import annotations

import argparse
import contextlib
import errno
import math
import os
import signal
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import (
    EXIT_BAD_INPUT,
    EXIT_FOR_VERDICT,
    EXIT_PASS,
    EXIT_VIOLATION,
    InputError,
    StayupError,
    worst,
)
from .formats import CHECK_FORMATS

if TYPE_CHECKING:
    from .reports import StackReport
    from .settings import PolicySettings


def _refuse(message: str, prog: str) -> NoReturn:
    """A refused command line: one line and exit 2, like every other error (no usage block)."""
    from .reports.escape import visible

    print(f"stayup: error: {visible(message)} (see `{visible(prog)} --help`)", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line refusals; subcommands inherit it."""

    def error(self, message: str) -> NoReturn:
        _refuse(message, self.prog)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _add_project_args(parser: argparse.ArgumentParser, *, several: bool = False, state: bool = False) -> None:
    parser.add_argument("--project", default=".", type=Path, help="Pulumi project directory (default: .)")
    if several:
        parser.add_argument("--stack", action="append", help="stack name (Pulumi.<stack>.yaml in the stack config directory); repeat for several")
    else:
        parser.add_argument("--stack", required=not state, help="stack name (Pulumi.<stack>.yaml in the stack config directory)")
    if state:
        parser.add_argument(
            "--state",
            type=Path,
            action="append" if several else "store",
            metavar="FILE",
            help="a `pulumi stack export` (deployment version 3) instead of the program: `-` for stdin"
            + ("; repeat, or give a directory of *.json exports, for many stacks" if several else ""),
        )
    parser.add_argument("--preview", action="store_true", help="simulate a first `pulumi preview`: computed values unknown")
    parser.add_argument("--timeout", type=_seconds, default=300.0, metavar="SECONDS", help="stop a program that runs longer, with all it started (default: 300)")
    parser.add_argument("--python", type=Path, metavar="PATH", help="the program's interpreter (default: from Pulumi.yaml runtime.options, else stayup's own)")
    parser.add_argument("--install", action="store_true", help="build the program's environment from its lock or requirements file, cached by hash")
    parser.add_argument("--answers", type=Path, metavar="FILE", help="YAML facts of the real account: invoke results, existing resources, stack reference outputs")
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value; KEY without a namespace is the project's",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def _capture(args: argparse.Namespace) -> dict[str, Any]:
    from .host import Deadline
    from .languages import capture_stack

    if getattr(args, "state", None) is not None:
        from .state import read_states

        ((_, graph),) = list(read_states([args.state]))
        return graph
    if not args.stack:
        raise InputError("needs --stack NAME or --state FILE", key="--stack")

    return capture_stack(
        args.project, args.stack, overrides=args.config, preview=args.preview, python=args.python, install=args.install, deadline=Deadline(args.timeout), answers=args.answers
    )


FIFO_WAIT = 10.0  # seconds a named pipe given to --output may take to find its reader


def write_output(text: str, output: Path | None) -> None:
    """`-` or no path: stdout. A character device or FIFO (/dev/null, /dev/stdout, a named pipe)
    is written through, never replaced; a FIFO nobody opens for reading within FIFO_WAIT seconds
    is exit 2 with nothing written. A regular file is replaced atomically (a failed run never
    leaves half a file), keeping an existing file's mode; a new file gets 0666 under the umask."""
    text = _encodable(text)
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        info: os.stat_result | None = os.stat(output)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(output), key="--output") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory", file=str(output), key="--output")
    if info is not None and not stat.S_ISREG(info.st_mode):
        if not (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise InputError("not a regular file, character device or FIFO", file=str(output), key="--output")
        fd = _open_device(output, fifo=stat.S_ISFIFO(info.st_mode))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(text)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", file=str(output), key="--output") from None
        return
    target = Path(os.path.realpath(output))  # replace the file a symlink names, not the link
    if info is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        mode = stat.S_IMODE(info.st_mode)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(output), key="--output") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(output), key="--output") from None


def _open_device(output: Path, *, fifo: bool) -> int:
    """A blocking open(2) of a FIFO waits for a reader forever: open without blocking, retry for
    FIFO_WAIT seconds while no reader is there (ENXIO), then write normally."""
    deadline = time.monotonic() + FIFO_WAIT
    while True:
        try:
            fd = os.open(output, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError as exc:
            if fifo and exc.errno == errno.ENXIO:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise InputError(f"no reader opened this named pipe within {FIFO_WAIT:g} s; nothing written", file=str(output), key="--output") from None
            raise InputError(f"cannot write: {exc.strerror or exc}", file=str(output), key="--output") from None
        os.set_blocking(fd, True)
        return fd


def _encodable(text: str) -> str:
    """A lone surrogate (a JSON input's `"\\ud800"`) has no UTF-8 form: it is written as its escape,
    which inside a JSON string is the same character again."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _version() -> str:
    """The installed version: the `stayup-policies` member in a checkout, the all-in-one `stayup`
    wheel elsewhere."""
    from importlib.metadata import PackageNotFoundError, version

    for distribution in ("stayup-policies", "stayup"):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return "0.0.0"


def _report_spec(text: str) -> tuple[str, Path]:
    fmt, sep, path = text.partition("=")
    if not sep or not path or fmt not in CHECK_FORMATS:
        raise argparse.ArgumentTypeError(f"expected FORMAT=PATH with FORMAT one of {', '.join(CHECK_FORMATS)}, got {text!r}")
    return fmt, Path(path)


def cmd_graph(args: argparse.Namespace) -> int:
    from .graph_schema import masked, opaque_components
    from .reports.json import dump

    graph = _capture(args)
    write_output(dump({**masked(graph), "opaque": opaque_components(graph)}), args.output)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_all, check_graph
    from .graph_schema import load_graph_file
    from .project import list_stacks
    from .reports.terminal import Progress
    from .settings import load_settings_file

    settings = load_settings_file(args.policy_config)
    baseline = load_baseline(args.baseline) if args.baseline is not None else None
    recovery = _recovery_file(args)
    if recovery is not None:
        settings = with_recovery(settings, recovery, file=str(args.recovery))  # through the policy config: both engines read it
    recovery = settings.rules["RT001"].params.get("recovery")
    if args.graph is not None:
        reports = [check_graph(load_graph_file(args.graph), settings=settings, engine=args.engine)]
    elif args.state:
        from .state import read_states

        reports = [check_graph(graph, settings=settings, engine=args.engine) for _, graph in read_states(args.state)]
    else:
        stacks = list_stacks(args.project) if args.all else list(dict.fromkeys(args.stack))
        if not stacks:
            raise InputError("no Pulumi.<stack>.yaml files in the stack config directory", file=str(args.project))
        reports = check_all(
            args.project,
            stacks,
            overrides=args.config,
            preview=args.preview,
            settings=settings,
            engine=args.engine,
            jobs=args.jobs,
            timeout=args.timeout,
            python=args.python,
            install=args.install,
            answers=args.answers,
            progress=Progress.for_args(args.quiet, args.progress),
        )
    from .reports.escape import visible

    for report in reports:
        report.recovery = recovery  # the PR report's recovery column uses the same constants as RT001
    several = bool(args.all) or len(reports) > 1 or any(p.is_dir() for p in args.state or [])
    # A stack that cannot be checked is a finding of every report, and its one line is on stderr.
    for report in reports:
        if report.verdict == "error":
            print(f"stayup: error: {visible((report.stack + ': ' if several else '') + (report.error or ''))}", file=sys.stderr)
    if args.write_baseline is not None:
        write_output(baseline_text(reports), args.write_baseline)
        baseline = (str(args.write_baseline), {b["fingerprint"] for b in baseline_entries(reports)})
    if baseline is not None:
        for report in reports:
            report.accept(*baseline)
    for fmt, path in args.report:
        write_output(render_check(reports, fmt, several=several, project=args.project, docs=args.docs_url), path)
    # A single stack's error in text is that one line on stderr (no report repeating it); the
    # machine formats always carry it.
    if several or reports[0].verdict != "error" or args.format != "text":
        text = render_check(reports, args.format, several=several, project=args.project, docs=args.docs_url)
        if args.format == "text" and args.output is None:
            from .reports.terminal import colour_report, use_colour

            if use_colour(sys.stdout, no_color=args.no_color):
                text = colour_report(text)
        write_output(text, args.output)
    return worst([r.exit_code for r in reports])


BASELINE_VERSION = 1


def baseline_entries(reports: list[StackReport]) -> list[dict[str, str]]:
    """Every violation and unknown finding, by its SARIF fingerprint (stack, rule, URN)."""
    from .reports.sarif import fingerprint

    found = {}
    for report in reports:
        for entry in [*report.violations, *report.unknown, *report.baselined, *report.baselined_unknown]:
            key = fingerprint(report.stack, entry.rule, entry.urn)
            found[key] = {"fingerprint": key, "stack": report.stack, "rule": entry.rule, "urn": entry.urn}
    return sorted(found.values(), key=lambda b: (b["stack"], b["rule"], b["urn"]))


def baseline_text(reports: list[StackReport]) -> str:
    from .reports.json import dump

    return dump({"stayup-baseline": BASELINE_VERSION, "findings": baseline_entries(reports)})


def load_baseline(path: Path) -> tuple[str, set[str]]:
    """A `--write-baseline` file: the fingerprints of the findings a team accepted for now."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such file", file=str(path), key="--baseline") from None
    except IsADirectoryError:
        raise InputError("is a directory", file=str(path), key="--baseline") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path), key="--baseline") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"not JSON: {exc}", file=str(path), key="--baseline") from None
    findings = data.get("findings") if isinstance(data, dict) and data.get("stayup-baseline") == BASELINE_VERSION else None
    if not isinstance(findings, list) or not all(isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings):
        raise InputError(f"not a stayup baseline (version {BASELINE_VERSION}): write one with --write-baseline", file=str(path), key="--baseline")
    return str(path), {f["fingerprint"] for f in findings}


def _recovery_file(args: argparse.Namespace) -> dict[str, float] | None:
    from .recovery import load_recovery

    return load_recovery(args.recovery) if getattr(args, "recovery", None) is not None else None


def with_recovery(settings: PolicySettings, recovery: dict[str, float], *, file: str) -> PolicySettings:
    """RT001's `recovery` setting with a `--recovery` file's constants over the policy config's."""
    import dataclasses

    from .recovery import overrides
    from .settings import PolicySettings

    rules = dict(settings.rules)
    merged = overrides({**(rules["RT001"].params.get("recovery") or {}), **recovery}, file=file)
    rules["RT001"] = dataclasses.replace(rules["RT001"], params={**rules["RT001"].params, "recovery": merged})
    return PolicySettings(rules)


def render_check(reports: list[StackReport], fmt: str, *, several: bool, project: Path, docs: str | None = None) -> str:
    from .formats import Run

    return CHECK_FORMATS[fmt].render(reports, Run(several, project, _version(), docs))


def cmd_demo(args: argparse.Namespace) -> int:
    """Every example stack, offline: what it deploys per AZ, then the policy verdict."""
    from .check import check_all
    from .project import list_stacks
    from .reports.layout import table
    from .reports.text import stack_text
    from .settings import load_settings

    codes = []
    project, python = (args.project, None) if args.project is not None else demo_project()
    stacks = list_stacks(project)
    if not stacks:
        raise InputError("no Pulumi.<stack>.yaml files in the stack config directory: nothing to show", file=str(project))
    for report in check_all(project, stacks, preview=args.preview, settings=load_settings({}), jobs=1, python=python):
        if report.graph is not None:
            sys.stdout.write(table(report.graph, report.stack, width=_stdout_width()))
        sys.stdout.write(stack_text(report) + "\n")
        sys.stdout.flush()
        codes.append(report.exit_code)
    return worst(codes)


def demo_project() -> tuple[Path, Path | None]:
    """The example stacks: this checkout's (run by its own runtime.options), or the copy packaged
    in the wheel, run by stayup's own interpreter (which has the components)."""
    here = Path(__file__).resolve().parent
    packaged = here / "demo"
    if (packaged / "Pulumi.yaml").is_file():
        return packaged, Path(sys.executable)
    checkout = here.parents[3]
    if (checkout / "Pulumi.yaml").is_file() and (checkout / "stacks").is_dir():
        return checkout, None
    raise InputError("the example stacks are not installed: give --project DIR")


def cmd_export(args: argparse.Namespace) -> int:
    from .reports.escape import visible
    from .reports.json import dump
    from .tfplan import export

    graph = _capture(args)
    plan = export(graph)
    for item in plan["stayup"]["unsupported"]:
        print(visible(f"stayup: warning: no Terraform mapping for {item['type']} ({item['urn']})"), file=sys.stderr)
    write_output(dump(plan), args.output)
    return 0


def cmd_checkov(args: argparse.Namespace) -> int:
    from . import checkov_door
    from .reports.escape import visible
    from .reports.json import dump
    from .reports.sarif import checkov_sarif
    from .reports.terminal import Progress
    from .settings import load_settings_file

    settings = load_settings_file(args.policy_config)  # validates first: one-line errors, never a traceback
    suppressions = checkov_door.load_suppressions(args.project)  # the checked project's own, never stayup's
    say = Progress.for_args(args.quiet, args.progress)
    say(f"running the program of stack {args.stack}")
    graph = _capture(args)
    say(f"running checkov on {len(graph.get('resources') or [])} resources (its start alone takes a few seconds)")
    outcome = checkov_door.run({args.stack: graph}, settings=settings, suppressions=suppressions, timeout=args.timeout)
    result = checkov_door.summary(outcome, suppressions)
    if args.format == "json":
        text = dump(result)
    elif args.format == "sarif":
        text = dump(checkov_sarif(outcome.checks("failed"), graph, checkov_door.addresses(graph), args.project, _version()))
    else:
        lines = [f"stayup checkov · {args.stack} · {result['resources']} resources · {result['passed']} passed · {len(result['failed'])} failed"]
        lines += [f"  FAIL {f['check']} {f['resource']}: {f['name']}" for f in result["failed"]]
        lines += [f"  suppressed {check}: {reason}" for check, reason in sorted(suppressions.items())]
        text = "".join(visible(line) + "\n" for line in lines)
    write_output(text, args.output)
    return EXIT_VIOLATION if result["failed"] else EXIT_PASS


def cmd_blast_radius(args: argparse.Namespace) -> int:
    from .availability import budget
    from .blast import simulate
    from .model import from_capture
    from .reports.json import blast_json
    from .reports.markdown import blast_markdown
    from .reports.text import blast_text
    from .validate import check_names

    sla = load_sla(args.sla) if args.sla else None
    recovery = _recovery_file(args)
    graph = from_capture(_capture(args))
    check_names(graph)
    result = simulate(graph, zones_down=args.zones_down, recovery=recovery)
    estimates = budget(graph, sla)
    if args.format == "json":
        text = blast_json(result, estimates)
    elif args.format == "markdown":
        text = blast_markdown(result, estimates, graph)
    else:
        text = blast_text(result, estimates)
    write_output(text, args.output)
    return EXIT_FOR_VERDICT[result.verdict]


def load_sla(path: Path) -> dict[str, float]:
    from .inputs import read_yaml
    from .schemas import validate

    data = read_yaml(path, key="--sla")
    validate("sla", data, file=str(path))
    return {k: float(v) for k, v in data.items()}


def cmd_docs(args: argparse.Namespace) -> int:
    from .docs import generate

    stale = []
    if not args.root.is_dir():
        raise InputError("not a directory", file=str(args.root), key="--root")
    for path, text in generate(args.root.resolve()).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_output(text, path)
    if stale:
        raise InputError("generated docs are stale; run `stayup docs --root .`", file=", ".join(stale))
    return 0


def _add_terminal_args(parser: argparse.ArgumentParser) -> None:
    quiet = parser.add_mutually_exclusive_group()
    quiet.add_argument("--quiet", action="store_true", help="no progress lines on stderr, even on a terminal")
    quiet.add_argument("--progress", action="store_true", help="progress lines on stderr even when it is not a terminal")
    parser.add_argument("--no-color", action="store_true", help="no colour, even on a terminal (as NO_COLOR=1)")


def cmd_rules(args: argparse.Namespace) -> int:
    from .reports.json import dump
    from .reports.sarif import docs_url
    from .reports.text import rules_text
    from .rules import FAMILIES, RULES
    from .settings import load_settings_file

    settings = load_settings_file(args.policy_config)
    listed = [
        {
            "id": rule.id,
            "name": rule.name,
            "family": FAMILIES[rule.family],
            "enforcement": str(settings.for_rule(rule).enforcement),
            "severity": rule.severity,
            "doc": docs_url(rule, args.docs_url) or rule.url,
        }
        for rule in RULES
    ]
    write_output(dump(listed) if args.format == "json" else rules_text(listed, width=_stdout_width()), None)
    return EXIT_PASS


def _stdout_width() -> int:
    from .reports.terminal import width

    return width(sys.stdout)


def cmd_pack_path(args: argparse.Namespace) -> int:
    from .check import pack_dir

    write_output(f"{pack_dir()}\n", None)
    return EXIT_PASS


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stayup",
        description="Resilience checks for Pulumi stacks: power zones, dual egress, failover health checks.",
    )
    parser.add_argument("--version", action="version", version=f"stayup {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    graph = sub.add_parser("graph", help="run a stack's program offline and print its resource graph (JSON)")
    _add_project_args(graph)
    graph.add_argument("--output", type=Path, help="write to FILE instead of stdout")
    graph.set_defaults(func=cmd_graph)

    check = sub.add_parser("check", help="check stacks against the resilience rules (exit 0 pass, 1 violation, 2 bad input, 3 program failed, 4 unknown)")
    _add_project_args(check, several=True, state=True)
    check.add_argument("--all", action="store_true", help="check every stack in the project's stack config directory")
    check.add_argument("--graph", type=Path, metavar="FILE", help="check a saved `stayup graph` file instead of running the program")
    check.add_argument("--policy-config", type=Path, metavar="FILE", help="policy config JSON (the --policy-pack-config format)")
    check.add_argument("--engine", choices=("inprocess", "crossguard"), default="inprocess", help="evaluate in process, or through the real analyzer protocol")
    check.add_argument("--format", choices=tuple(CHECK_FORMATS), default="text")
    check.add_argument("--output", type=Path, help="write to FILE instead of stdout")
    check.add_argument("--jobs", type=_positive_int, default=None, help="parallel processes for --all (default: CPU count)")
    check.add_argument("--recovery", type=Path, metavar="FILE", help="override the recovery model's constants for RT001 (YAML/JSON: elb_dns_ttl, aurora_failover_max, ...)")
    check.add_argument(
        "--report",
        type=_report_spec,
        action="append",
        default=[],
        metavar="FORMAT=PATH",
        help=f"also write a report in FORMAT ({', '.join(CHECK_FORMATS)}; github: workflow-command annotations) to PATH (`-`: stdout); repeat for several (stdout keeps --format)",
    )
    check.add_argument("--baseline", type=Path, metavar="FILE", help="fail only on findings not in this baseline (matched by their SARIF fingerprint)")
    check.add_argument("--write-baseline", type=Path, metavar="FILE", help="write every current finding to FILE as the baseline, then judge against it")
    check.add_argument("--docs-url", metavar="URL", default=os.environ.get("STAYUP_DOCS_URL") or None, help="absolute URL of docs/rules.md for the rules' help links (default: $STAYUP_DOCS_URL)")
    _add_terminal_args(check)
    check.set_defaults(func=cmd_check)

    export = sub.add_parser("export", help="export a stack's graph as Terraform plan JSON (for checkov)")
    _add_project_args(export, state=True)
    export.add_argument("--format", choices=("tfplan",), default="tfplan")
    export.add_argument("--output", type=Path, help="write to FILE instead of stdout")
    export.set_defaults(func=cmd_export)

    checkov = sub.add_parser("checkov", help="run checkov's AWS checks and stayup's rules on a stack (exit 5: checkov broken)")
    _add_project_args(checkov)
    checkov.add_argument("--policy-config", type=Path, metavar="FILE", help="policy config JSON for stayup's rules")
    checkov.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    checkov.add_argument("--output", type=Path, help="write to FILE instead of stdout")
    _add_terminal_args(checkov)
    checkov.set_defaults(func=cmd_checkov)

    radius = sub.add_parser("blast-radius", help="simulate each AZ going dark; estimate availability (exit 1: a loss is not survived)")
    _add_project_args(radius, state=True)
    radius.add_argument("--zones-down", type=int, choices=(1, 2), default=1, help="AZs dark at once (each AZ, or each pair)")
    radius.add_argument("--sla", type=Path, metavar="FILE", help="override published SLAs (JSON/YAML: elb, ec2_multi_az, ...)")
    radius.add_argument("--recovery", type=Path, metavar="FILE", help="override the recovery model's constants (YAML/JSON: elb_dns_ttl, aurora_failover_max, ...)")
    radius.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    radius.add_argument("--output", type=Path, help="write to FILE instead of stdout")
    radius.set_defaults(func=cmd_blast_radius)

    docs = sub.add_parser("docs", help="generate docs/rules.md and docs/components.md (--check: fail when stale)")
    docs.add_argument("--root", type=Path, required=True, metavar="DIR", help="where to write docs/, components/schema.json and README.md's generated parts (a stayup checkout)")
    docs.add_argument("--check", action="store_true")
    docs.set_defaults(func=cmd_docs)

    demo = sub.add_parser("demo", help="show what each example stack deploys per AZ, and check it")
    demo.add_argument("--project", type=Path, help="Pulumi project directory (default: stayup's own example stacks)")
    demo.add_argument("--preview", action="store_true", help="simulate a first `pulumi preview`")
    demo.set_defaults(func=cmd_demo)

    rules = sub.add_parser("rules", help="list the rules: ID, name, family, enforcement and doc link")
    rules.add_argument("--policy-config", type=Path, metavar="FILE", help="policy config JSON: show the enforcement it sets")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--docs-url", metavar="URL", default=os.environ.get("STAYUP_DOCS_URL") or None, help="absolute URL of docs/rules.md (default: $STAYUP_DOCS_URL)")
    rules.set_defaults(func=cmd_rules)

    pack = sub.add_parser("pack-path", help="print the directory of the CrossGuard policy pack (for `pulumi preview --policy-pack`)")
    pack.set_defaults(func=cmd_pack_path)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is cmd_check and [bool(args.all), bool(args.stack), args.graph is not None, bool(args.state)].count(True) != 1:
        _refuse("check needs exactly one of --stack NAME, --all, --graph FILE or --state FILE", f"{parser.prog} check")
    # SIGTERM unwinds like Ctrl-C, so the program's process group, the CrossGuard pack and checkov
    # are stopped on the way out rather than orphaned.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code: int = args.func(args)
        return code
    except StayupError as exc:
        from .reports.escape import visible

        print(f"stayup: error: {visible(exc.line())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("stayup: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_BAD_INPUT


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> None:
    """Console entry point. Exits without interpreter teardown: the Pulumi SDK leaves per-thread
    event loops whose finalizers print spurious tracebacks at shutdown."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
