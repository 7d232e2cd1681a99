"""The core never loads textual or rich, and quick commands never load the heavy auth libraries."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import wizard

HEAVY = ("textual", "rich", "msal", "azure.identity", "msgraph", "kiota_http")


def _core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(wizard.__path__, prefix="wizard."))


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_every_core_module_imports_without_textual_or_rich() -> None:
    modules = _core_modules()
    assert "wizard.cli.main" in modules
    loaded = _loaded_after("\n".join(f"import {m}" for m in modules if not m.endswith("__main__")))
    leaked = sorted(m for m in loaded if m.split(".")[0] in {"textual", "rich"})
    assert leaked == []


def test_cli_parser_build_imports_no_heavy_library() -> None:
    loaded = _loaded_after("from wizard.cli.main import build_parser\nbuild_parser()")
    leaked = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert leaked == []


def test_quick_commands_import_no_heavy_library() -> None:
    code = (
        "from wizard.cli.main import main\n"
        "main(['validate', '--tenant', 'contoso.onmicrosoft.com', "
        "'--client-id', '11112222-bbbb-3333-cccc-4444dddd5555', '--no-prompt', '--json'])\n"
        "main(['consent-url', '--tenant', 'contoso.onmicrosoft.com', "
        "'--client-id', '11112222-bbbb-3333-cccc-4444dddd5555', '--json'])\n"
    )
    loaded = _loaded_after(code)
    assert "wizard.consent" in loaded  # the commands really ran
    leaked = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert leaked == []
