"""entra-daemon-wizard: the headless core (never imports textual or rich)."""

from __future__ import annotations

from wizard.lean_imports import defer_httpx_cli

__version__ = "0.1.0"

__all__ = ["__version__"]

defer_httpx_cli()
