"""Data flows one way (program → graph → facts/topology → rules → engine → reports → CLI): no
import cycle among stayup's modules, and no module imports a layer above its own. Every import
counts, also those inside functions."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import stayup.policies
from stayup.policies import values

PACKAGE = Path(stayup.policies.__file__).resolve().parent
# Lower layers first; a module may import only from its own layer or below. A dotted name places one
# module of a package apart from the rest: the type catalogue is pure data on the ground floor, though
# it lives in preview/ (copied into the program's interpreter, it may import nothing of the pack).
LAYERS = [
    {"values", "errors", "inputs", "graph_schema", "regions", "aws_types", "schemas", "processes", "preview.catalogue"},
    {"model"},
    {"facts"},
    {"topology"},
    {"availability", "validate", "recovery", "blast"},
    {"rules"},
    {"settings"},
    {"engine"},
    {"reports", "tfplan", "analyzer_client", "crossguard", "project", "install", "environment", "host", "nodejs", "languages", "preview", "docs", "state"},
    {"check", "checkov_door", "checkov_checks", "formats"},
    {"cli", "__main__"},
]


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports() -> dict[str, set[str]]:
    """{module: modules of this package it imports} (names relative to stayup.policies)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = _name(path)
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        targets = found.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1] if node.level > 1 else package
                    stem = ".".join([*base, *(node.module.split(".") if node.module else [])])
                elif node.module and node.module.startswith("stayup.policies."):
                    stem = node.module.removeprefix("stayup.policies.")
                else:
                    continue
                for alias in node.names:
                    candidate = f"{stem}.{alias.name}" if stem else alias.name
                    targets.add(candidate if (PACKAGE / candidate.replace(".", "/")).with_suffix(".py").exists() or (PACKAGE / candidate.replace(".", "/")).is_dir() else stem)
        targets.discard(module)
        targets.discard("")
    return found


def _layer(module: str) -> int:
    """The layer of the longest name listed that is the module or a package holding it."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        found = [i for i, layer in enumerate(LAYERS) if ".".join(parts[:end]) in layer]
        if found:
            return found[0]
    raise KeyError(module)


def test_the_catalogue_is_on_the_ground_floor():
    assert _layer("preview.catalogue") == 0 < _layer("preview.aws_mocks") == _layer("preview")
    assert imports()["preview.catalogue"] == set()


def test_no_import_cycle():
    graph = {m: {t for t in ts if t.split(".")[0] != m.split(".")[0]} for m, ts in imports().items()}
    by_top: dict[str, set[str]] = {}
    for module, targets in graph.items():
        by_top.setdefault(module.split(".")[0], set()).update(t.split(".")[0] for t in targets)
    graphlib.TopologicalSorter(by_top).prepare()  # raises CycleError on a cycle


def test_rules_do_not_import_each_other_or_look_back_up():
    for module, targets in imports().items():
        if module.startswith("rules."):
            assert not {t for t in targets if t.startswith("rules.") and t not in ("rules.base", "rules.shared")}, module


def test_no_module_imports_a_higher_layer():
    upward = sorted(
        (module, target)
        for module, targets in imports().items()
        for target in targets
        if _layer(target) > _layer(module)
    )
    assert upward == []


def test_capture_shim_needs_only_the_standard_library_and_the_pulumi_sdk():
    """preview/ runs inside the program's interpreter, where stayup and its dependencies are absent."""
    import sys

    allowed = set(sys.stdlib_module_names) | {"pulumi", "google", "grpc"}
    for path in (PACKAGE / "preview").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1, (path.name, node.module)  # siblings only
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert {n.split(".")[0] for n in names} <= allowed, (path.name, names)


# The markers and readers `values` owns: every module takes them from there, never through another.
VALUE_NAMES = frozenset({"UNKNOWN", "UNKNOWN_FORMS", "SECRET", "SECRET_SIG_KEY", "SECRET_SIG", "UNANSWERED", "Unknown", "NOT_KNOWN", "text", "word", "number", "number_or"})


def _sources() -> list[tuple[str, Path, ast.Module]]:
    return [(_name(path), path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def _from_stem(module: str, path: Path, node: ast.ImportFrom) -> str | None:
    """The package module an ImportFrom reads from (relative to stayup.policies), None outside it."""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = package[: len(package) - node.level + 1] if node.level > 1 else package
        return ".".join([*base, *(node.module.split(".") if node.module else [])])
    if node.module == "stayup.policies":
        return ""
    if node.module and node.module.startswith("stayup.policies."):
        return node.module.removeprefix("stayup.policies.")
    return None


def _is_module(name: str) -> bool:
    where = PACKAGE / name.replace(".", "/")
    return where.with_suffix(".py").exists() or where.is_dir()


def test_values_stand_on_the_standard_library_alone():
    """The ground floor: values imports nothing of the pack, only the standard library."""
    import sys

    tree = ast.parse((PACKAGE / "values.py").read_text(encoding="utf-8"))
    imported = [node.module or "." for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert imports()["values"] == set()
    assert [name for name in imported if name.split(".")[0] not in sys.stdlib_module_names] == []
    assert _layer("values") == 0


def test_the_marker_strings_are_written_only_in_values():
    """One definition of each wire sentinel: any other module reads it from values."""
    sentinels = [*sorted(values.UNKNOWN_FORMS), values.UNANSWERED, values.SECRET_SIG_KEY, values.SECRET_SIG]
    source = (PACKAGE / "values.py").read_text(encoding="utf-8")
    assert [s for s in sentinels if s not in source] == []
    written = sorted((name, s) for name, path, _ in _sources() if name != "values" for s in sentinels if s in path.read_text(encoding="utf-8"))
    assert written == []


def test_markers_and_readers_come_from_values_only():
    """No module imports a marker or reader through another module (no re-exports), nor reads one
    as an attribute of another pack module (`graph_schema.UNKNOWN`)."""
    offenders = []
    for module, path, tree in _sources():
        through: set[str] = set()  # pack modules bound by name in this module, other than values
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or (stem := _from_stem(module, path, node)) is None:
                continue
            for alias in node.names:
                target = f"{stem}.{alias.name}" if stem else alias.name
                if _is_module(target):
                    if target != "values":
                        through.add(alias.asname or alias.name)
                elif alias.name in VALUE_NAMES and stem != "values":
                    offenders.append((module, f"from {stem} import {alias.name}"))
        offenders += [
            (module, f"{node.value.id}.{node.attr}")
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in through and node.attr in VALUE_NAMES
        ]
    assert sorted(offenders) == []


def test_no_rule_names_the_unknown_marker():
    """Rules read values through values' readers (is_unknown, flag, known, ...), never by comparing
    to the raw marker. Outcome.UNKNOWN is an outcome: base.py's class attribute defines it."""
    offenders = []
    for module, _, tree in _sources():
        if module.split(".")[0] != "rules":
            continue
        members = {id(t) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for s in c.body if isinstance(s, ast.Assign) for t in s.targets}
        offenders += [
            (module, node.lineno)
            for node in ast.walk(tree)
            if (isinstance(node, ast.Name) and node.id == "UNKNOWN" and id(node) not in members)
            or (isinstance(node, ast.alias) and "UNKNOWN" in (node.name, node.asname))
        ]
    assert offenders == []
