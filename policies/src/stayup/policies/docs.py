"""Generated reference docs: docs/rules.md from rule metadata and docs/components.md from the
components' typed args (field, type, default and the docstring under each field).

`stayup docs` writes them; `stayup docs --check` (and the test suite) fails when they are stale.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from pathlib import Path

from .rules import FAMILIES, RULES

COMPONENT_ARGS = [
    ("stayup.components.network", "NetworkArgs", "ResilientNetwork", "stayup:network:ResilientNetwork"),
    ("stayup.components.crm", "CrmArgs", "CrmHosting", "stayup:crm:CrmHosting"),
    ("stayup.components.relay", "RelayArgs", "VideoRelay", "stayup:relay:VideoRelay"),
    ("stayup.components.dns", "FailoverDnsArgs", "FailoverDns", "stayup:dns:FailoverDns"),
    ("stayup.components.dns", "HealthCheckSpec", None, None),
]


def rules_md() -> str:
    lines = [
        "# stayup rules",
        "",
        "Generated from rule metadata by `stayup docs`; do not edit by hand.",
        "Thresholds are set per policy in the policy config (`pulumi up --policy-pack-config`, `stayup check --policy-config`).",
        "",
        "| ID | name | family | severity | default level |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| [{r.id}](#{r.id.lower()}-{r.name}) | {r.name} | {FAMILIES[r.family]} | {r.severity} | {'mandatory' if r.core else 'advisory'} |" for r in RULES]
    for rule in RULES:
        module = inspect.getmodule(rule.check)
        doc = inspect.cleandoc(module.__doc__ or "").split("\n", 1)
        details = doc[1].strip() if len(doc) > 1 else ""
        lines += [
            "",
            f"## {rule.id} {rule.name}",
            "",
            f"**Requires:** {rule.description}",
            "",
            f"- Family: {FAMILIES[rule.family]} ({rule.family}) · severity: {rule.severity} · default: {'mandatory' if rule.core else 'advisory'}",
            f"- Defaults: {', '.join(f'`{k}` = {v}' for k, v in rule.defaults.items()) or 'none'}",
            f"- Tags: {', '.join(rule.tags)}",
            f"- Fix: {rule.remediation}",
            f"- Code: `{Path(module.__file__).relative_to(Path(__file__).resolve().parents[3]).as_posix() if 'src' in module.__file__ else module.__name__}`",
        ]
        if details:
            lines += ["", details]
    return "\n".join(lines) + "\n"


def _field_docs(cls: type) -> dict[str, str]:
    """The string literal placed under each dataclass field."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body
    docs = {}
    for node, following in zip(body, body[1:] + [None], strict=True):
        field_doc = isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) and isinstance(following.value.value, str)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and field_doc:
            docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def _default(field: dataclasses.Field) -> str:
    if field.default is not dataclasses.MISSING:
        value = field.default
        return f"`{value.value!r}`" if hasattr(value, "value") else f"`{value!r}`"
    if field.default_factory is not dataclasses.MISSING:
        return f"`{field.default_factory()!r}`"
    return "required"


def components_md() -> str:
    lines = ["# stayup components: argument reference", "", "Generated from the typed args by `stayup docs`; do not edit by hand.", ""]
    for module_name, args_name, component, token in COMPONENT_ARGS:
        module = importlib.import_module(module_name)
        cls = getattr(module, args_name)
        title = f"## {component} (`{token}`) — `{args_name}`" if component else f"### `{args_name}`"
        lines += [title, "", inspect.cleandoc(getattr(module, component).__doc__ or "") if component else inspect.cleandoc(cls.__doc__ or ""), ""]
        lines += ["| argument | type | default | meaning |", "|---|---|---|---|"]
        docs = _field_docs(cls)
        for field in dataclasses.fields(cls):
            kind = str(field.type).replace("|", "\\|")
            lines.append(f"| `{field.name}` | `{kind}` | {_default(field)} | {docs.get(field.name, '')} |")
        lines.append("")
    return "\n".join(lines)


def generate(root: Path) -> dict[Path, str]:
    return {root / "docs" / "rules.md": rules_md(), root / "docs" / "components.md": components_md()}
