"""Which interpreter runs a program: the one the Pulumi CLI would use, or one stayup installs.

Resolution, first match wins: `--python PATH`; `--install` (an environment built from the project's
lock or requirements file, cached by its hash); Pulumi.yaml `runtime.options` (`toolchain: poetry`
asks Poetry, `toolchain: uv` uses `virtualenv` or `.venv`, `virtualenv` alone is that directory);
otherwise stayup's own interpreter, which the report then names.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from . import install as installer
from .errors import InputError
from .install import cache_dir as cache_dir  # the cache every environment lives in
from .project import Runtime

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


def resolve(project_dir: Path, runtime: Runtime, *, python: Path | None = None, install: bool = False, timeout: float = 60.0) -> Interpreter:
    """`timeout` bounds asking a `--python` interpreter its version (a hanging one is an input error)."""
    if python is not None:
        found = shutil.which(str(python)) if os.sep not in str(python) else str(python)
        if not found or not os.access(found, os.X_OK) or Path(found).is_dir():
            raise InputError("not an executable Python interpreter", file=str(python), key="--python")
        base = Path(os.path.abspath(found))
        if install:  # --install builds the environment on that interpreter
            return installed(project_dir, runtime, base=base, timeout=timeout)
        installer.python_version(base, timeout)
        return Interpreter(base, f"--python {python}")
    if install:
        return installed(project_dir, runtime, base=Path(sys.executable), timeout=timeout)
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


def _poetry_env(project_dir: Path, project_file: str) -> Interpreter:
    poetry = installer.poetry()
    if poetry is None:
        raise InputError("toolchain poetry, but neither poetry nor uv is installed; pass --python or --install", file=project_file, key=f"{_PROJECT_KEY}.toolchain")
    done = installer.run([*poetry, "env", "info", "--path"], cwd=project_dir, timeout=120)
    path = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    if path is None or not (path / "bin" / "python").exists():
        raise InputError("Poetry has no environment for this project; run `poetry install` or pass --install", file=project_file, key=f"{_PROJECT_KEY}.toolchain")
    return Interpreter(path / "bin" / "python", f"Poetry environment {path}")


def installed(project_dir: Path, runtime: Runtime, *, base: Path, timeout: float = 60.0) -> Interpreter:
    """The program's environment built as `pulumi install` would (see install.py)."""
    python, origin = installer.environment(project_dir, runtime, base=base, timeout=timeout)
    return Interpreter(python, origin)
