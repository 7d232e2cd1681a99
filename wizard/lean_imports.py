"""Keep third-party packages from importing what a command never uses (httpx's CLI).

httpx's `__init__` imports `httpx._main`, its command-line client, whenever click and rich are installed
(textual brings rich): about 70 ms and 40 modules (rich, click, pygments) on every command that sends a
request through httpx, and rich inside the core. A placeholder module stands in for it until someone calls
`httpx.main()`, which then loads the real one. Installed once, from `wizard/__init__`, before any import
of httpx.
"""

from __future__ import annotations

import sys
import types
from typing import Any

_CLI = "httpx._main"


def _main(*args: Any, **kwargs: Any) -> Any:
    """httpx's own `main`, loaded on first use."""
    import importlib

    if isinstance(sys.modules.get(_CLI), _Placeholder):
        del sys.modules[_CLI]
    real = importlib.import_module(_CLI)
    return real.main(*args, **kwargs)


class _Placeholder(types.ModuleType):
    """Stands in for `httpx._main` until its `main` is called."""

    #: How tools that count loaded modules tell a placeholder from a loaded module.
    __lean_placeholder__ = True


def defer_httpx_cli() -> None:
    """Install the placeholder (no effect once httpx or its CLI module is imported)."""
    if "httpx" in sys.modules or _CLI in sys.modules:
        return
    placeholder = _Placeholder(_CLI, "httpx's command-line client, loaded on first use")
    placeholder.main = _main  # type: ignore[attr-defined]
    sys.modules[_CLI] = placeholder
