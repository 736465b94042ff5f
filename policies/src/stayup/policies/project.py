"""Reads a Pulumi project (Pulumi.yaml), one stack's config file and --config overrides.

The Pulumi CLI normally does this; offline we must, including what the SDK leaves to the CLI:
project-level defaults, declared types, and `secure:` values (which we cannot decrypt, so they
get a placeholder and are marked secret).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .graph_schema import check_stack_name as _check_stack_name
from .inputs import read_yaml
from .regions import REGIONS, unknown_region
from .values import SECRET, any_value

SECRET_PLACEHOLDER = SECRET  # what the program sees for a `secure:` value
_TYPES = {"string", "integer", "boolean", "array", "object"}


@dataclass(frozen=True)
class Runtime:
    """Pulumi.yaml `runtime.options` that decide the program's interpreter (as the Pulumi CLI reads them)."""

    toolchain: str = "pip"
    virtualenv: str | None = None
    project_file: Path | None = None
    name: str = "python"  # or "nodejs" (TypeScript and JavaScript)
    node: NodeOptions | None = None  # runtime.options of a nodejs project


@dataclass(frozen=True)
class NodeOptions:
    """`runtime.options` of a nodejs project, as pulumi-language-nodejs reads them."""

    typescript: bool = True
    tsconfig: str | None = None
    nodeargs: str = ""
    packagemanager: str = "auto"


_TOOLCHAINS = ("pip", "poetry", "uv")
_PACKAGE_MANAGERS = ("auto", "npm", "yarn", "pnpm")
LANGUAGES = ("python", "nodejs")


@dataclass(frozen=True)
class StackConfig:
    project: str
    project_dir: Path
    main: Path
    stack: str
    stack_file: Path | None
    region: str
    values: dict[str, Any]
    secret_keys: frozenset[str] = field(default_factory=frozenset)
    runtime: Runtime = field(default_factory=Runtime)

    def as_pulumi_config(self) -> dict[str, str]:
        """The string form `pulumi.runtime.set_all_config` expects (structured values as JSON)."""
        return {key: _config_string(value) for key, value in self.values.items()}


def _config_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _load_yaml(path: Path) -> Any:
    return read_yaml(path)


def _namespaced(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


@dataclass(frozen=True)
class ConfigSpec:
    type: str | None
    default: Any
    has_default: bool
    secret: bool


def load_project(project_dir: Path) -> tuple[str, Path, Path, dict[str, ConfigSpec], Runtime]:
    """Returns (name, main program file, stack config dir, declared config, runtime) of a project."""
    project_file = project_dir / "Pulumi.yaml"
    if not project_file.exists() and (project_dir / "Pulumi.yml").exists():
        project_file = project_dir / "Pulumi.yml"
    doc = _load_yaml(project_file)
    pf = str(project_file)
    if not isinstance(doc, dict):
        raise InputError("expected a mapping with at least 'name' and 'runtime'", file=pf)
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        raise InputError("required string is missing", file=pf, key="name")
    runtime = doc.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name not in LANGUAGES:
        raise InputError(
            f"runtime {runtime_name!r} is not supported; stayup runs Python and Node.js (TypeScript, JavaScript) programs",
            file=pf,
            key="runtime",
        )
    main_value = doc.get("main", ".")
    if not isinstance(main_value, str):
        raise InputError("must be a path", file=pf, key="main")
    main = (project_dir / main_value).resolve()
    if main.is_dir() and runtime_name == "python":
        main = main / "__main__.py"
    if not (main.is_file() or (runtime_name == "nodejs" and main.is_dir())):
        raise InputError(f"program not found: {main}", file=pf, key="main")
    config_dir_value = doc.get("stackConfigDir", ".")
    if not isinstance(config_dir_value, str):
        raise InputError("must be a path", file=pf, key="stackConfigDir")
    specs = _load_specs(name, doc.get("config") or {}, pf)
    return name, main, (project_dir / config_dir_value).resolve(), specs, _runtime(runtime, project_file)


def _runtime(runtime: Any, project_file: Path) -> Runtime:
    options = runtime.get("options") if isinstance(runtime, dict) else None
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    pf = str(project_file)
    if options is not None and not isinstance(options, dict):
        raise InputError("must be a mapping", file=pf, key="runtime.options")
    if name == "nodejs":
        return Runtime(project_file=project_file, name="nodejs", node=_node_options(options or {}, pf))
    if options is None:
        return Runtime(project_file=project_file)
    toolchain = options.get("toolchain", "pip")
    if toolchain not in _TOOLCHAINS:
        raise InputError(f"unknown toolchain {toolchain!r} (expected one of {', '.join(_TOOLCHAINS)})", file=pf, key="runtime.options.toolchain")
    virtualenv = options.get("virtualenv")
    if virtualenv is not None and (not isinstance(virtualenv, str) or not virtualenv.strip()):
        raise InputError("must be a path", file=pf, key="runtime.options.virtualenv")
    return Runtime(toolchain=toolchain, virtualenv=virtualenv, project_file=project_file)


def _node_options(options: dict[str, Any], pf: str) -> NodeOptions:
    """The options pulumi-language-nodejs reads (typescript, tsconfig, nodeargs, packagemanager)."""
    typescript = options.get("typescript", True)
    if not isinstance(typescript, bool):
        raise InputError("must be true or false", file=pf, key="runtime.options.typescript")
    tsconfig = options.get("tsconfig")
    if tsconfig is not None and (not isinstance(tsconfig, str) or not tsconfig.strip()):
        raise InputError("must be a path", file=pf, key="runtime.options.tsconfig")
    nodeargs = options.get("nodeargs", "")
    if not isinstance(nodeargs, str):
        raise InputError("must be a string of node arguments", file=pf, key="runtime.options.nodeargs")
    manager = options.get("packagemanager", "auto")
    if manager not in _PACKAGE_MANAGERS:
        raise InputError(f"unknown package manager {manager!r} (expected one of {', '.join(_PACKAGE_MANAGERS)})", file=pf, key="runtime.options.packagemanager")
    return NodeOptions(typescript=typescript, tsconfig=tsconfig, nodeargs=nodeargs, packagemanager=manager)


def _load_specs(project: str, raw: Any, pf: str) -> dict[str, ConfigSpec]:
    if not isinstance(raw, dict):
        raise InputError("must be a mapping of keys to declarations", file=pf, key="config")
    specs: dict[str, ConfigSpec] = {}
    for key, decl in raw.items():
        full = _namespaced(project, str(key))
        if isinstance(decl, dict) and ({"type", "default", "description", "secret"} & decl.keys()):
            ctype = decl.get("type")
            if ctype is not None and ctype not in _TYPES:
                raise InputError(
                    f"unknown type {ctype!r} (expected one of {', '.join(sorted(_TYPES))})",
                    file=pf,
                    key=f"config.{key}.type",
                )
            has_default = "default" in decl
            if decl.get("secret") is True and has_default and not _holds_secure(decl.get("default")):
                raise InputError("a `secret: true` key cannot have a plaintext default (the Pulumi CLI refuses it too)", file=pf, key=f"config.{key}.default")
            specs[full] = ConfigSpec(ctype, decl.get("default"), has_default, bool(decl.get("secret")))
            if has_default:
                _check_type(specs[full].default, ctype, pf, f"config.{key}.default")
        else:
            # A bare value is a project-wide default of no declared type.
            specs[full] = ConfigSpec(None, decl, True, False)
    return specs


def _holds_secure(value: Any) -> bool:
    return any_value(value, lambda v: isinstance(v, dict) and set(v) == {"secure"})


def _without_ciphertext(value: Any) -> Any:
    if isinstance(value, dict):
        return SECRET_PLACEHOLDER if set(value) == {"secure"} else {k: _without_ciphertext(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_ciphertext(v) for v in value]
    return value


def _check_type(value: Any, ctype: str | None, file: str, key: str, *, secret: bool = False) -> Any:
    """Returns the value coerced to its declared type, or raises naming file and key."""
    if ctype is None or value is None:
        return value
    if ctype == "integer":
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            return value
        elif isinstance(value, float) and value.is_integer():
            return int(value)
        elif isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
    elif ctype == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    elif ctype == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
    elif ctype in ("array", "object"):
        expected = list if ctype == "array" else dict
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        if isinstance(value, expected):
            return value
    raise InputError(f"expected {ctype}, got {'a secret value' if secret else repr(value)}", file=file, key=key)


def parse_override(text: str, project: str) -> tuple[str, str]:
    """`key=value` is namespaced by the project; `ns:key=value` is kept as is."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError(f"expected KEY=VALUE, got {text!r}", key="--config")
    return _namespaced(project, key), value


def real_dir(path: Path) -> Path:
    """A --project directory, resolved; a symlink loop or an unreadable path is one line."""
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:
        return path.resolve()  # reported as a missing Pulumi.yaml, naming it
    except (OSError, RuntimeError) as exc:
        raise InputError(f"cannot resolve: {getattr(exc, 'strerror', None) or 'symlink loop'}", file=str(path), key="--project") from None


def check_stack_name(stack: str, *, file: str | None = None) -> None:
    """Stack names as Pulumi allows them (they end up in URNs and file names), by the validator
    every entry shares: `--stack`, a stack file of `--all`, a graph file, a state export."""
    _check_stack_name(stack, file=file, key="--stack" if file is None else None)


def load_stack(
    project_dir: Path, stack: str, overrides: list[str] | tuple[str, ...] = ()
) -> StackConfig:
    check_stack_name(stack)
    project_dir = real_dir(project_dir)
    project, main, config_dir, specs, runtime = load_project(project_dir)
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    doc = _load_yaml(stack_file)
    sf = str(stack_file)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise InputError("expected a mapping with a 'config' key", file=sf)
    raw = doc.get("config") or {}
    if not isinstance(raw, dict):
        raise InputError("must be a mapping", file=sf, key="config")

    values: dict[str, Any] = {}
    secret_keys: set[str] = set()
    sources: dict[str, tuple[str, str]] = {}
    for full, default_spec in specs.items():
        if default_spec.has_default:
            values[full] = default_spec.default
            sources[full] = (str(project_dir / "Pulumi.yaml"), f"config.{full}")
        if default_spec.secret:
            secret_keys.add(full)
    for key, value in raw.items():
        key = str(key)
        if ":" not in key:
            raise InputError(
                f"stack config keys must be namespaced, e.g. '{project}:{key}'",
                file=sf,
                key=f"config.{key}",
            )
        if _holds_secure(value):
            # A `secure:` value anywhere inside makes the whole key secret; the program gets the
            # structure with each ciphertext replaced by the placeholder, never the ciphertext.
            value = _without_ciphertext(value)
            secret_keys.add(key)
        elif key in specs and specs[key].secret:
            raise InputError(
                "is declared `secret: true` in Pulumi.yaml but holds plaintext; set it with `pulumi config set --secret` (the Pulumi CLI refuses it too)",
                file=sf,
                key=f"config.{key}",
            )
        values[key] = value
        sources[key] = (sf, f"config.{key}")
    for text in overrides:
        key, value = parse_override(text, project)
        values[key] = value
        sources[key] = ("--config", key)
        if key in specs and specs[key].secret:
            secret_keys.add(key)  # a value typed for a secret key stays secret

    for full, value in list(values.items()):
        spec = specs.get(full)
        if spec is not None and not any_value(value, lambda v: v == SECRET_PLACEHOLDER):
            file, key = sources[full]
            values[full] = _check_type(value, spec.type, file, key, secret=full in secret_keys)

    region = values.get("aws:region")
    if region is None:
        raise InputError("required key is not set", file=sf, key="config.aws:region")
    if not isinstance(region, str) or region not in REGIONS:
        file, key = sources["aws:region"]
        raise InputError(
            unknown_region(region),
            file=file,
            key=key,
        )
    return StackConfig(
        project=project,
        project_dir=project_dir,
        main=main,
        stack=stack,
        stack_file=stack_file,
        region=region,
        values=values,
        secret_keys=frozenset(secret_keys),
        runtime=runtime,
    )


def load_answers(path: Path) -> dict[str, Any]:
    """An `--answers` file: invokes, existing resources and stack references of the real account."""
    from .schemas import validate

    data = _load_yaml(path)
    data = {} if data is None else data
    validate("answers", data, file=str(path))
    checked: dict[str, Any] = data
    for index, item in enumerate(checked.get("existing") or []):
        _check_zones(item.get("properties") or {}, str(path), f"existing[{index}].properties")
    for index, item in enumerate(checked.get("invokes") or []):
        region = (item.get("args") or {}).get("region")
        _check_zones(item["result"], str(path), f"invokes[{index}].result", region if isinstance(region, str) else None)
    return checked


# Answer properties that name zones: one zone name or id each, or a list of them.
_ZONE_SHAPES = {"availabilityZone": str, "availabilityZoneId": str, "availabilityZones": list}


def _check_zones(props: dict[str, Any], file: str, at: str, region: str | None = None) -> None:
    """Zones in an answer are real zones of one region: the entry's `region`, else the region of
    its first zone (an existing resource of another region than the stack's says so with `region`)."""
    from .regions import claimed_region, zone_problem

    if "region" in props:
        region = props["region"]
        if not isinstance(region, str) or region not in REGIONS:
            raise InputError(f"expected an AWS region such as eu-west-3, got {region!r}", file=file, key=f"{at}.region")
    for key, shape in _ZONE_SHAPES.items():
        if key not in props:
            continue
        value = props[key]
        zones = value if isinstance(value, list) else [value]
        if not isinstance(value, shape) or not all(isinstance(z, str) for z in zones):
            what = "one zone name or id, such as eu-west-3a" if shape is str else "a list of zone names or ids"
            raise InputError(f"expected {what}, got {value!r}", file=file, key=f"{at}.{key}")
        for index, zone in enumerate(zones):
            where = f"{at}.{key}" + (f"[{index}]" if shape is list else "")
            problem = zone_problem(zone, region)
            if problem is not None:
                raise InputError(problem, file=file, key=where)
            region = region or claimed_region(zone)


def list_stacks(project_dir: Path) -> list[str]:
    """Stack names that have a config file in the project's stackConfigDir, sorted."""
    _, _, config_dir, _, _ = load_project(real_dir(project_dir))
    # Every entry counts: a FIFO or a dangling link is that stack's one-line error, never skipped.
    names = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in config_dir.glob("Pulumi.*.yaml") if os.path.lexists(p))
    for name in names:
        check_stack_name(name, file=str(config_dir / f"Pulumi.{name}.yaml"))
    return names
