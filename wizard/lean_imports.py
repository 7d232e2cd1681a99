"""Keep third-party packages from importing what a command never uses (httpx's and uvicorn's CLIs).

httpx's `__init__` imports `httpx._main`, its command-line client, whenever click and rich are installed
(textual brings rich): about 70 ms and 40 modules (rich, click, pygments) on every command that sends a
request through httpx, and rich inside the core. A placeholder module stands in for it until someone calls
`httpx.main()`, which then loads the real one. uvicorn's `__init__` likewise imports `uvicorn.main` (its
click CLI and the reload/worker supervisors: multiprocessing, watchfiles) for its `Server` class: ~15 ms and
27 modules on every sandbox start; its placeholder hands out `uvicorn.server.Server` and loads the real
module for `uvicorn.main()` or `uvicorn.run()`. Installed once, from `wizard/__init__`, before any import
of httpx or uvicorn.
"""

from __future__ import annotations

import sys
import types
from typing import Any

_CLI = "httpx._main"
_UVICORN_CLI = "uvicorn.main"


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


def _real_uvicorn_main() -> types.ModuleType:
    import importlib

    if isinstance(sys.modules.get(_UVICORN_CLI), _UvicornPlaceholder):
        del sys.modules[_UVICORN_CLI]
    return importlib.import_module(_UVICORN_CLI)


def _uvicorn_main(*args: Any, **kwargs: Any) -> Any:
    """uvicorn's own click command, loaded on first use."""
    return _real_uvicorn_main().main(*args, **kwargs)


def _uvicorn_run(*args: Any, **kwargs: Any) -> Any:
    """uvicorn.run, loaded on first use."""
    return _real_uvicorn_main().run(*args, **kwargs)


class _UvicornPlaceholder(_Placeholder):
    """Stands in for `uvicorn.main`: its `Server` is uvicorn.server's; anything else loads the real module."""

    def __getattr__(self, name: str) -> Any:
        if name == "Server":
            from uvicorn.server import Server

            return Server
        if name == "main":
            return _uvicorn_main
        if name == "run":
            return _uvicorn_run
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real_uvicorn_main(), name)


def defer_uvicorn_cli() -> None:
    """Install uvicorn's placeholder (no effect once uvicorn or its CLI module is imported)."""
    if "uvicorn" in sys.modules or _UVICORN_CLI in sys.modules:
        return
    sys.modules[_UVICORN_CLI] = _UvicornPlaceholder(
        _UVICORN_CLI, "uvicorn's command line, loaded on first use"
    )
