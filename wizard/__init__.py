"""entra-daemon-wizard: the headless core (never imports textual or rich)."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
