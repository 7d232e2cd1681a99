"""Saved profiles: `<config dir>/profiles/<name>.toml`, in the profile format of wizard.configs, never a secret."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.configs.common import RenderContext
from wizard.configs.profile_toml import parse, profile_to_dict, render
from wizard.errors import ConfigFileError, UsageError
from wizard.paths import config_dir
from wizard.profile import Profile
from wizard.safe_write import WrittenFile, write_atomic

#: A file name on every OS: no separator, no control character, no leading dot (fullmatch: `$` alone
#: would let a trailing newline through).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

__all__ = [
    "dumps",
    "list_profiles",
    "load_profile",
    "loads",
    "profile_path",
    "profile_to_dict",
    "save_profile",
]


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name.endswith("."):
        raise UsageError(
            f"{name!r} is not a valid profile name",
            hint="Use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
        )
    return name


def profile_path(name: str) -> Path:
    return config_dir() / "profiles" / f"{check_name(name)}.toml"


def dumps(profile: Profile) -> str:
    return render(profile, None, RenderContext(target=profile_path(profile.name))).text


def loads(text: str, *, path: str | None = None) -> Profile:
    """A saved profile; fields may be unfilled (the wizard saves as it goes), but never malformed."""
    report = parse(text)
    if report.malformed:
        problems = "; ".join(f"{key}: {problem}" for key, problem in report.malformed)
        raise ConfigFileError(f"The profile has malformed values ({problems})", path=path)
    return report.profile


def save_profile(profile: Profile, *, name: str | None = None, force: bool = False) -> WrittenFile:
    """Write the profile as `<config>/profiles/<name>.toml`; refuses to replace one without `force`."""
    named = profile.with_(name=check_name(name or profile.name))
    return write_atomic(profile_path(named.name), dumps(named), secret=False, force=force)


def load_profile(name: str) -> Profile:
    path = profile_path(name)
    if not path.is_file():
        known = ", ".join(list_profiles()) or "none saved yet"
        raise UsageError(f"No profile named {name!r}", hint=f"Saved profiles: {known}.")
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path} cannot be read", path=str(path)) from exc
    return loads(text, path=str(path))


def list_profiles() -> list[str]:
    folder = config_dir() / "profiles"
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
