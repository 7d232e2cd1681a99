"""pyproject.toml declares what the code imports, and nothing it does not (runtime-only needs say why)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
#: Distribution name -> the top-level module it provides, where they differ.
MODULE_OF = {
    "pyjwt": "jwt",
    "msgraph-sdk": "msgraph",
    "azure-identity": "azure",
    "python-dotenv": "dotenv",
    "tomli-w": "tomli_w",
    "pyyaml": "yaml",
}
#: Declared but never imported by our code: needed by a library at run time (the comment in pyproject says so).
RUNTIME_ONLY: set[str] = set()


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for folder in ("wizard", "screens"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found


def test_every_runtime_dependency_is_imported_or_explained() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    imported = _imported_top_levels()
    unused = {d for d in declared - RUNTIME_ONLY if MODULE_OF.get(d, d.replace("-", "_")) not in imported}
    assert unused == set(), f"declared, never imported by wizard/ or screens/: {sorted(unused)}"


def test_every_third_party_import_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    provided = {MODULE_OF.get(n, n.replace("-", "_")) for n in map(_name, project["dependencies"])}
    # Modules that come with a declared distribution (msgraph-sdk brings kiota).
    provided |= {"kiota_abstractions", "kiota_http", "kiota_authentication_azure"}
    ours = {"wizard", "screens"}
    third_party = {m for m in _imported_top_levels() if m not in sys.stdlib_module_names and m not in ours}
    assert third_party - provided == set(), f"imported, not declared: {sorted(third_party - provided)}"
