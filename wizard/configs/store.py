"""Saved profiles: `<config dir>/profiles/<name>.toml` (DAEMON_WIZARD_HOME overrides the config dir)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from wizard.configs import profile_toml
from wizard.configs.common import RenderContext
from wizard.errors import ValidationError
from wizard.profile import Profile
from wizard.safe_write import WrittenFile, write_atomic

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def config_dir() -> Path:
    """DAEMON_WIZARD_HOME when set, else the platform's per-user config folder."""
    home = os.environ.get("DAEMON_WIZARD_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("entra-daemon-wizard", appauthor=False))


def profile_path(name: str) -> Path:
    if not _NAME.match(name):
        raise ValidationError(
            f"{name!r} is not a usable profile name",
            field="name",
            hint="Use letters, digits, '.', '_' or '-'.",
        )
    return config_dir() / "profiles" / f"{name}.toml"


def save_profile(profile: Profile, name: str, *, force: bool = False) -> WrittenFile:
    """Write the profile (never a secret) under its name; refuses to replace one without `force`."""
    target = profile_path(name)
    rendering = profile_toml.render(profile.with_(name=name), None, RenderContext(target=target))
    return write_atomic(target, rendering.text, secret=False, force=force)
