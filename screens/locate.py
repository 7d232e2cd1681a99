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


def stylesheet(name: str) -> Path:
    """One stylesheet, for a screen's `CSS_PATH`.

    Textual parses a screen's stylesheet when the screen is first shown, so each screen names its own file
    and the first frame parses only the start screen's (the app's `CSS_PATH`).
    """
    return assets_dir() / name
