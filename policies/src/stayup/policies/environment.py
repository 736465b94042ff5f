"""Which interpreter runs a program: the one the Pulumi CLI would use, or one stayup installs.

Resolution, first match wins: `--python PATH`; `--install` (an environment built from the project's
lock or requirements file, cached by its hash); Pulumi.yaml `runtime.options` (`toolchain: poetry`
asks Poetry, `toolchain: uv` uses `virtualenv` or `.venv`, `virtualenv` alone is that directory);
otherwise stayup's own interpreter, which the report then names.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, ProgramError
from .processes import run_group
from .project import Runtime

# Building an environment may download packages; it runs outside the program's deadline.
INSTALL_TIMEOUT = 1800.0
_PROJECT_KEY = "runtime.options"


@dataclass(frozen=True)
class Interpreter:
    python: Path
    origin: str  # how it was chosen, in words for the report header
    own: bool = False  # stayup's own interpreter: the program's packages may be missing

    @property
    def key(self) -> str:
        return str(self.python)


def own_interpreter() -> Interpreter:
    return Interpreter(Path(sys.executable), "stayup's own interpreter (no --python, --install or runtime.options.virtualenv)", own=True)


def resolve(project_dir: Path, runtime: Runtime, *, python: Path | None = None, install: bool = False) -> Interpreter:
    if python is not None:
        found = shutil.which(str(python)) if os.sep not in str(python) else str(python)
        if not found or not os.access(found, os.X_OK) or Path(found).is_dir():
            raise InputError("not an executable Python interpreter", file=str(python), key="--python")
        if install:
            return installed(project_dir, runtime, base=Path(found))
        return Interpreter(Path(os.path.abspath(found)), f"--python {python}")
    if install:
        return installed(project_dir, runtime, base=Path(sys.executable))
    project_file = str(runtime.project_file or project_dir / "Pulumi.yaml")
    if runtime.toolchain == "poetry":
        return _poetry_env(project_dir, project_file)
    venv = runtime.virtualenv or (".venv" if runtime.toolchain == "uv" else None)
    if venv is None:
        return own_interpreter()
    path = (project_dir / venv).resolve()
    python_path = path / "bin" / "python"
    if not python_path.exists():
        how = "uv sync" if runtime.toolchain == "uv" else "pulumi install"
        key = f"{_PROJECT_KEY}.virtualenv" if runtime.virtualenv else f"{_PROJECT_KEY}.toolchain"
        raise InputError(f"virtualenv {path} does not exist; create it (`{how}`) or pass --install", file=project_file, key=key)
    return Interpreter(python_path, f"virtualenv {venv} (Pulumi.yaml {_PROJECT_KEY})")


def _poetry() -> list[str] | None:
    found = shutil.which("poetry")
    if found:
        return [found]
    uv = _uv()
    return [*uv, "tool", "run", "--quiet", "--from", "poetry", "poetry"] if uv else None


def _uv() -> list[str] | None:
    found = shutil.which("uv")
    if found:
        return [found]
    try:
        import uv  # type: ignore[import-not-found]

        return [uv.find_uv_bin()]
    except Exception:
        return None


def _poetry_env(project_dir: Path, project_file: str) -> Interpreter:
    poetry = _poetry()
    if poetry is None:
        raise InputError("toolchain poetry, but neither poetry nor uv is installed; pass --python or --install", file=project_file, key=f"{_PROJECT_KEY}.toolchain")
    done = _run([*poetry, "env", "info", "--path"], cwd=project_dir, timeout=120)
    path = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    if path is None or not (path / "bin" / "python").exists():
        raise InputError("Poetry has no environment for this project; run `poetry install` or pass --install", file=project_file, key=f"{_PROJECT_KEY}.toolchain")
    return Interpreter(path / "bin" / "python", f"Poetry environment {path}")


def _run(argv: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return run_group(argv, cwd=cwd, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ProgramError(f"`{' '.join(argv[:3])} …` did not finish within {timeout:g} s", file=str(cwd)) from None
    except OSError as exc:
        raise ProgramError(f"cannot run {argv[0]}: {exc.strerror}", file=str(cwd)) from None


def cache_dir() -> Path:
    root = os.environ.get("STAYUP_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stayup")
    return Path(root) / "envs"


def _recipe(project_dir: Path, runtime: Runtime) -> tuple[str, list[Path]]:
    """(kind, files the environment is built from): what `pulumi install` would read."""
    if runtime.toolchain == "poetry" or (runtime.toolchain == "pip" and (project_dir / "poetry.lock").exists() and not (project_dir / "requirements.txt").exists()):
        if not (project_dir / "poetry.lock").exists():
            raise InputError("toolchain poetry needs poetry.lock to install from", file=str(project_dir / "pyproject.toml"), key="--install")
        return "poetry", [project_dir / "pyproject.toml", project_dir / "poetry.lock"]
    if runtime.toolchain == "uv" or (project_dir / "uv.lock").exists():
        if not (project_dir / "pyproject.toml").exists():
            raise InputError("toolchain uv needs pyproject.toml to install from", file=str(project_dir), key="--install")
        files = [project_dir / "pyproject.toml"]
        return "uv", files + ([project_dir / "uv.lock"] if (project_dir / "uv.lock").exists() else [])
    if (project_dir / "requirements.txt").exists():
        return "pip", [project_dir / "requirements.txt"]
    raise InputError("nothing to install from: no requirements.txt, uv.lock or poetry.lock", file=str(project_dir), key="--install")


def _python_version(base: Path) -> str:
    done = _run([str(base), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], cwd=Path.cwd(), timeout=60)
    if done.returncode != 0:
        raise InputError("not a working Python interpreter", file=str(base), key="--python")
    return done.stdout.strip()


def installed(project_dir: Path, runtime: Runtime, *, base: Path) -> Interpreter:
    """The program's environment built as `pulumi install` would, cached under the hash of what it
    is built from (and the Python version), so every stack and run reuses it."""
    kind, files = _recipe(project_dir, runtime)
    version = _python_version(base)
    digest = hashlib.sha256(f"{kind}\0{version}".encode())
    for file in files:
        digest.update(b"\0" + file.name.encode() + b"\0" + file.read_bytes())
    target = cache_dir() / f"{kind}-py{version}-{digest.hexdigest()[:16]}"
    python_path = target / "bin" / "python"
    origin = f"installed environment {target} (from {', '.join(f.name for f in files)})"
    if (target / ".stayup-complete").exists():
        return Interpreter(python_path, origin)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        _build(kind, project_dir, building, base)
        (building / ".stayup-complete").write_text(version + "\n", encoding="utf-8")
        try:
            os.rename(building, target)
        except OSError:
            if not (target / ".stayup-complete").exists():  # another run finished first otherwise
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return Interpreter(python_path, origin)


def _build(kind: str, project_dir: Path, venv: Path, base: Path) -> None:
    uv = _uv()
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    steps: list[list[str]] = []
    if kind == "uv":
        if uv is None:
            raise InputError("toolchain uv, but uv is not installed", file=str(project_dir), key="--install")
        env["UV_PROJECT_ENVIRONMENT"] = str(venv)
        frozen = ["--frozen"] if (project_dir / "uv.lock").exists() else []
        steps.append([*uv, "sync", "--quiet", *frozen, "--no-install-project", "--python", str(base), "--project", str(project_dir)])
    else:
        steps.append([*uv, "venv", "--quiet", "--allow-existing", "--python", str(base), str(venv)] if uv else [str(base), "-m", "venv", str(venv)])
        if kind == "pip":
            requirements = str(project_dir / "requirements.txt")
            steps.append([*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "-r", requirements] if uv else [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", requirements])
        else:
            poetry = _poetry()
            if poetry is None:
                raise InputError("toolchain poetry, but neither poetry nor uv is installed", file=str(project_dir), key="--install")
            env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
            env["POETRY_VIRTUALENVS_CREATE"] = "false"
            steps.append([*poetry, "install", "--no-root", "--no-interaction", "--quiet"])
    for argv in steps:
        done = _run(argv, cwd=project_dir, timeout=INSTALL_TIMEOUT, env=env)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ProgramError(f"installing the program's environment failed ({Path(argv[0]).name} {argv[1]}): {tail[0]}", file=str(project_dir))
