"""Where the tool keeps profiles and data; `DAEMON_WIZARD_HOME` moves everything (tests, portable use)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "entra-daemon-wizard"


def _home() -> Path | None:
    value = os.environ.get("DAEMON_WIZARD_HOME", "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """Profiles (TOML, never secrets)."""
    home = _home()
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """Persistent data such as the sandbox's local CA."""
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def log_dir() -> Path:
    """Logs, such as the TUI's report of an unexpected error."""
    home = _home()
    if home is not None:
        return home / "log"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME))
