"""Find the TUI's stylesheets: inside the wheel (`screens/assets`) or in the source tree (`<repo>/assets`)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
#: Wheel layout first (hatch force-include), then the source tree next to the package.
_CANDIDATES = (_HERE / "assets", _HERE.parent / "assets")


def assets_dir() -> Path:
    """The folder holding the `.tcss` files."""
    for candidate in _CANDIDATES:
        if (candidate / "wizard.tcss").is_file():
            return candidate
    raise FileNotFoundError("The TUI stylesheets are missing; reinstall entra-daemon-wizard.")


def stylesheets() -> list[Path]:
    """Every stylesheet, in a stable order (the app loads them all)."""
    return sorted(assets_dir().glob("*.tcss"))
