"""`--install`: the program's environment built as `pulumi install` builds it, cached by what it is
built from.

The recipe, first match wins (what `pulumi install` reads, plus what public repositories hold):
- `poetry`: toolchain poetry, a `poetry.lock`, or a pyproject.toml with Poetry dependencies (a
  project without a lock is locked in a scratch copy, as `poetry install` does; the project's
  directory is never written);
- `uv`: toolchain uv or a `uv.lock` (`uv sync --frozen`);
- `requirements.txt`;
- `pyproject.toml` with PEP 621 `[project].dependencies` (no lock);
- nothing: the requirements are inferred from the program's imports, and reports say so.

Every environment has pip and setuptools with `pkg_resources`, as `python -m venv` gives one
(SDKs of the pulumi-aws 5 era import it; setuptools 82 removed it). Pins below the supported SDK
range are refused before anything is built, and a build the resolver cannot satisfy is one line
naming the file, the requirement and the resolver's reason (exit 6), never "program failed".
"""

from __future__ import annotations

import ast
import contextvars
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from . import inputs
from .errors import InputError, ProgramError, SetupError
from .preview.serve import OLDEST, OLDEST_TEXT
from .processes import run_group
from .project import Runtime

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found]  # only on 3.10

# Building may download packages; it runs outside the program's deadline.
INSTALL_TIMEOUT = 1800.0
# The oldest SDKs stayup runs programs on: one definition, the capture host checks it too.
SUPPORTED = {dist: Version(".".join(map(str, release))) for dist, release in OLDEST.items()}
COMPLETE = ".stayup-complete"  # the marker of a finished cache entry
# How environments are built; a change here rebuilds every cached one.
_BUILD = "seeded"
# What `python -m venv` seeds: pip, and setuptools that still ships pkg_resources.
SEED = ("pip", "setuptools<82")
# Imports whose distribution is not named like the module (the rest are skipped, not guessed).
_DISTRIBUTIONS = {"yaml": "pyyaml", "requests": "requests", "boto3": "boto3", "botocore": "botocore", "jinja2": "jinja2", "dateutil": "python-dateutil"}
_SKIPPED_DIRS = {"venv", ".venv", "node_modules", "__pycache__", "site-packages", "build", "dist"}
_MAX_SCANNED = 2000  # program files read to infer imports


@dataclass(frozen=True)
class Recipe:
    kind: str  # poetry | uv | requirements | pyproject | inferred
    files: tuple[Path, ...] = ()  # what the environment is built from (hashed)
    inferred: tuple[str, ...] = ()  # requirements read from the program's imports
    texts: dict[str, str] = field(default_factory=dict, compare=False)  # file name -> contents, read once

    def describe(self) -> str:
        if self.kind == "inferred":
            return f"no dependency file: inferred from the program's imports ({', '.join(self.inferred)})"
        return f"from {', '.join(f.name for f in self.files)}"


def recipe(project_dir: Path, runtime: Runtime) -> Recipe:
    """What `--install` builds the environment from (files read through the bounded readers)."""
    def present(name: str) -> bool:
        # Any entry counts: a FIFO or a dangling link is refused by the reader, never skipped.
        return os.path.lexists(project_dir / name)

    texts: dict[str, str] = {}

    def read(name: str) -> str:
        texts[name] = inputs.read_text(project_dir / name, "--install")
        return texts[name]

    pyproject: dict[str, Any] = {}
    if present("pyproject.toml"):
        try:
            pyproject = tomllib.loads(read("pyproject.toml"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML: {exc}", file=str(project_dir / "pyproject.toml"), key="--install") from None
    tool = pyproject.get("tool")
    poetry_deps = isinstance(tool, dict) and isinstance(tool.get("poetry"), dict) and "dependencies" in tool["poetry"]
    pep621 = isinstance(pyproject.get("project"), dict) and "dependencies" in pyproject["project"]

    def files(*names: str) -> tuple[Path, ...]:
        for name in names:
            if name not in texts:
                read(name)
        return tuple(project_dir / name for name in names)

    if runtime.toolchain == "poetry" or (runtime.toolchain == "pip" and present("poetry.lock") and not present("requirements.txt")) or (
        runtime.toolchain == "pip" and poetry_deps and not pep621 and not present("requirements.txt") and not present("uv.lock")
    ):
        if not pyproject:
            raise InputError("toolchain poetry needs pyproject.toml to install from", file=str(project_dir / "pyproject.toml"), key="--install")
        return Recipe("poetry", files("pyproject.toml", *(["poetry.lock"] if present("poetry.lock") else [])), texts=texts)
    if present("uv.lock") or (runtime.toolchain == "uv" and pyproject and not pep621):
        if not pyproject:
            raise InputError("uv.lock without pyproject.toml: nothing to sync", file=str(project_dir / "pyproject.toml"), key="--install")
        return Recipe("uv", files("pyproject.toml", *(["uv.lock"] if present("uv.lock") else [])), texts=texts)
    if present("requirements.txt"):
        return Recipe("requirements", files("requirements.txt"), texts=texts)
    if pep621:
        return Recipe("pyproject", files("pyproject.toml"), texts=texts)
    return Recipe("inferred", inferred=tuple(infer_requirements(project_dir)))


def infer_requirements(project_dir: Path) -> list[str]:
    """Distributions the program imports: `pulumi_x` is `pulumi-x`; the project's own modules and
    the standard library are not installed; other imports are installed only when known."""
    local: set[str] = set()
    modules: set[str] = set()
    scanned = 0
    for root, dirs, names in os.walk(project_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        base = Path(root)
        if base == project_dir:
            local.update(d for d in dirs)
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            if base == project_dir:
                local.add(name[:-3])
            if scanned >= _MAX_SCANNED:
                continue
            scanned += 1
            try:
                tree = ast.parse(inputs.read_text(base / name, "--install"))
            except (InputError, SyntaxError, ValueError):
                continue  # the program's own run reports it
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    wanted = {"pulumi"}
    for module in modules - local - set(sys.stdlib_module_names) - {"__future__"}:
        if module.startswith("pulumi_"):
            wanted.add(module.replace("_", "-"))
        elif module in _DISTRIBUTIONS:
            wanted.add(_DISTRIBUTIONS[module])
    return sorted(wanted)


# --- the supported range -------------------------------------------------------------------


def _poetry_constraint(text: str) -> str:
    """A Poetry version constraint as a PEP 440 specifier (caret, tilde, bare versions)."""
    parts = []
    for piece in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", text.strip()):
        if not piece or piece == "*":
            continue
        if piece.startswith("^") or (piece.startswith("~") and not piece.startswith("~=")):
            caret = piece.startswith("^")
            raw = piece[1:].strip()
            numbers = [int(n) for n in re.findall(r"\d+", raw)[:3]] or [0]
            if caret:
                index = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
            else:
                index = 0 if len(numbers) == 1 else 1
            upper = numbers[: index + 1]
            upper[-1] += 1
            parts += [f">={raw}", f"<{'.'.join(map(str, upper))}"]
        elif piece[0].isdigit():
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    return ",".join(parts)


def _pins(recipe: Recipe) -> Iterable[tuple[str, str, str]]:
    """(file, requirement as written, PEP 440 specifier) for the SDK distributions."""
    for name, text in recipe.texts.items():
        if name == "requirements.txt":
            for line in text.splitlines():
                line = line.split(" #", 1)[0].strip()
                if not line or line.startswith(("#", "-")):
                    continue
                try:
                    requirement = Requirement(line)
                except InvalidRequirement:
                    continue  # the resolver names it
                yield name, line, str(requirement.specifier)
        elif name in ("uv.lock", "poetry.lock"):
            for match in re.finditer(r'(?m)^name = "([^"]+)"\nversion = "([^"]+)"', text):
                yield name, f"{match[1]} {match[2]} (locked)", f"=={match[2]}"
        elif name == "pyproject.toml":
            data = tomllib.loads(text)
            for line in _table(data, "project").get("dependencies") or []:
                try:
                    requirement = Requirement(str(line))
                except InvalidRequirement:
                    continue
                yield name, str(line), str(requirement.specifier)
            deps = _table(_table(_table(data, "tool"), "poetry"), "dependencies")
            for dist, constraint in deps.items():
                value = constraint.get("version") if isinstance(constraint, dict) else constraint
                if isinstance(value, str):
                    yield name, f"{dist} = {value!r}", _poetry_constraint(value)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _distribution(requirement: str) -> str:
    head = re.split(r"[\s<>=!~;\[( ]", requirement.strip(), maxsplit=1)[0]
    return canonicalize_name(head)


def admits_supported(dist: str, specifier: str) -> bool:
    """Whether a specifier allows any version from the supported minimum on."""
    try:
        spec = SpecifierSet(specifier)
    except InvalidSpecifier:
        return True  # the resolver names what is wrong with it
    oldest = SUPPORTED[dist]
    candidates = {oldest, Version("9999")}
    for item in spec:
        try:
            version = Version(item.version.rstrip(".*"))
        except InvalidVersion:
            continue
        candidates.update({version, Version(f"{version.major}.{version.minor}.{version.micro + 1}")})
    return any(v >= oldest and spec.contains(v, prereleases=True) for v in candidates)


def check_supported(project_dir: Path, recipe: Recipe) -> None:
    for file, requirement, specifier in _pins(recipe):
        dist = _distribution(requirement)
        if dist in SUPPORTED and not admits_supported(dist, specifier):
            raise SetupError(f"{requirement}: below the supported range ({OLDEST_TEXT}); upgrade the program's SDK", file=str(project_dir / file))


# --- building ------------------------------------------------------------------------------


def _uv() -> list[str] | None:
    found = shutil.which("uv")
    if found:
        return [found]
    try:
        import uv  # type: ignore[import-not-found]

        return [uv.find_uv_bin()]
    except Exception:
        return None


def poetry() -> list[str] | None:
    found = shutil.which("poetry")
    if found:
        return [found]
    uv = _uv()
    return [*uv, "tool", "run", "--quiet", "--from", "poetry", "poetry"] if uv else None


def run(argv: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return run_group(argv, cwd=cwd, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ProgramError(f"`{' '.join(argv[:3])} …` did not finish within {timeout:g} s", file=str(cwd)) from None
    except OSError as exc:
        raise ProgramError(f"cannot run {argv[0]}: {exc.strerror}", file=str(cwd)) from None


def cache_dir() -> Path:
    root = os.environ.get("STAYUP_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stayup")
    return Path(root) / "envs"


def ensure_cache(path: Path) -> None:
    """Creates a directory of the cache, or says in one line why the cache cannot be used."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        given = os.environ.get("STAYUP_CACHE_DIR")
        raise InputError(f"cannot be used as stayup's cache ({path}: {exc.strerror or exc})", file=given or str(path), key="STAYUP_CACHE_DIR" if given else None) from None


def python_version(base: Path, timeout: float = 60.0) -> str:
    try:
        done = run_group([str(base), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], cwd=Path.cwd(), timeout=timeout)
    except subprocess.TimeoutExpired:
        raise InputError(f"the interpreter did not answer within {timeout:g} s", file=str(base), key="--python") from None
    except OSError as exc:
        raise InputError(f"cannot run the interpreter: {exc.strerror}", file=str(base), key="--python") from None
    if done.returncode != 0 or not re.fullmatch(r"\d+\.\d+\.\d+", done.stdout.strip()):
        raise InputError("not a working Python interpreter", file=str(base), key="--python")
    return done.stdout.strip()


def environment(project_dir: Path, runtime: Runtime, *, base: Path, timeout: float = 60.0) -> tuple[Path, str]:
    """(the environment's python, how it was built): built once per recipe and Python version."""
    plan = recipe(project_dir, runtime)
    check_supported(project_dir, plan)
    version = python_version(base, timeout)
    digest = hashlib.sha256(f"{plan.kind}\0{version}\0{SEED}\0{_BUILD}".encode())
    for name in sorted(plan.texts):
        if project_dir / name in plan.files:
            digest.update(b"\0" + name.encode() + b"\0" + plan.texts[name].encode())
    digest.update("\0".join(plan.inferred).encode())
    target = cache_dir() / f"{plan.kind}-py{version}-{digest.hexdigest()[:16]}"
    origin = f"installed environment {target} ({plan.describe()})"
    build_once(target, lambda building: _build(plan, project_dir, building, base))
    return target / "bin" / "python", origin


# Who hears what a build is doing (a terminal's progress lines): nobody unless a command says so.
PROGRESS: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar("install_progress", default=None)


def say(message: str) -> None:
    heard = PROGRESS.get()
    if heard is not None:
        heard(message)


def build_once(target: Path, build: Callable[[Path], None]) -> None:
    """Builds a cache entry in a scratch directory beside it and renames it into place when
    complete: a failed or interrupted build leaves nothing to reuse, concurrent runs one entry."""
    if (target / COMPLETE).exists():
        return
    ensure_cache(target.parent)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        build(building)
        (building / COMPLETE).write_text("complete\n", encoding="utf-8")
        try:
            os.rename(building, target)
        except OSError:
            if not (target / COMPLETE).exists():  # another run finished first otherwise
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _build(plan: Recipe, project_dir: Path, venv: Path, base: Path) -> None:
    uv = _uv()
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    python = str(venv / "bin" / "python")

    def pip(*args: str) -> list[str]:
        return [*uv, "pip", "install", "--quiet", "--python", python, *args] if uv else [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]

    # (command, where, the file a failure names, what the step does in words)
    steps: list[tuple[list[str], Path, str | None, str]] = [
        ([*uv, "venv", "--quiet", "--allow-existing", "--python", str(base), str(venv)] if uv else [str(base), "-m", "venv", str(venv)], project_dir, None,
         "creating the program's environment"),
        (pip(*SEED), project_dir, None, "installing pip and setuptools into it"),
    ]
    scratch = Path(tempfile.mkdtemp(prefix="stayup-lock-"))
    try:
        if plan.kind == "uv":
            if uv is None:
                raise InputError("uv.lock or toolchain uv, but uv is not installed", file=str(project_dir), key="--install")
            env["UV_PROJECT_ENVIRONMENT"] = str(venv)
            steps.append(([*uv, "sync", "--quiet", "--frozen", "--inexact", "--no-install-project", "--python", str(base), "--project", str(project_dir)], project_dir, "uv.lock",
                          "installing uv.lock (uv sync)"))
        elif plan.kind == "poetry":
            tool = poetry()
            if tool is None:
                raise InputError("toolchain poetry, but neither poetry nor uv is installed", file=str(project_dir), key="--install")
            # Poetry runs in a scratch copy: locking must not write into the user's project.
            for path in plan.files:
                (scratch / path.name).write_text(plan.texts[path.name], encoding="utf-8")
            env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
            env["POETRY_VIRTUALENVS_CREATE"] = "false"
            locked = any(p.name == "poetry.lock" for p in plan.files)
            if not locked:
                steps.append(([*tool, "lock", "--no-interaction"], scratch, "pyproject.toml", "locking pyproject.toml in a scratch copy (poetry lock)"))
            steps.append(([*tool, "install", "--no-root", "--no-interaction", "--quiet"], scratch, "poetry.lock" if locked else "pyproject.toml",
                          "installing the Poetry dependencies (poetry install)"))
        elif plan.kind == "requirements":
            steps.append((pip("-r", str(project_dir / "requirements.txt")), project_dir, "requirements.txt", "installing requirements.txt"))
        elif plan.kind == "pyproject":
            steps.append((pip("-r", str(project_dir / "pyproject.toml")), project_dir, "pyproject.toml", "installing pyproject.toml's dependencies"))
        else:
            steps.append((pip(*plan.inferred), project_dir, None, f"installing what the program imports ({', '.join(plan.inferred)})"))
        for argv, cwd, source, what in steps:
            say(f"--install: {what}")
            done = run(argv, cwd=cwd, timeout=INSTALL_TIMEOUT, env=env)
            if done.returncode != 0:
                raise _failed(plan, project_dir, source, done.stderr or done.stdout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _failed(plan: Recipe, project_dir: Path, source: str | None, output: str) -> SetupError:
    """One line: the file, the requirement the resolver names, and its reason."""
    lines = [re.sub(r"\s+", " ", line).strip(" ×╰─▶│") for line in output.splitlines()]
    lines = [line for line in lines if line]
    cause = next((i for i, line in enumerate(lines) if line.startswith(("cause:", "Because", "hint:")) or "because" in line.lower()), None)
    if cause is not None:
        reason = " ".join(line for line in lines[cause:] if not line.startswith("hint:")).removeprefix("cause: ")
    else:
        reason = next((line for line in reversed(lines) if line.lower().startswith("error")), lines[-1] if lines else "no output")
    reason = reason.removeprefix("error: ")[:600]
    file = str(project_dir / source) if source else str(project_dir)
    mentioned = {canonicalize_name(m) for m in re.findall(r"[A-Za-z0-9][A-Za-z0-9._-]*", reason)}
    named = [written for written in _requirements(plan) if _distribution(written) in mentioned]
    what = f"{named[0]}: " if named else ""
    how = plan.describe() if plan.kind == "inferred" else ""
    return SetupError(f"{what}cannot build the program's environment{f' ({how})' if how else ''}: {reason}", file=file)


def _requirements(plan: Recipe) -> list[str]:
    """Requirements as the user wrote them (locked names last: a lock is not what they wrote)."""
    if plan.kind == "inferred":
        return list(plan.inferred)
    pins = list(_pins(plan))
    return [w for f, w, _ in pins if not f.endswith(".lock")] + [w for f, w, _ in pins if f.endswith(".lock")]
