"""Where admin tokens live: memory by default; `login` persists them only encrypted (msal-extensions).

Admin tokens are tier-0 (one that can assign app roles can grant any permission), so a plaintext file is
refused unless the user asks for it explicitly (`--allow-plaintext-cache`), and `logout` removes it all.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wizard.errors import UsageError, WizardError
from wizard.paths import data_dir

NO_ENCRYPTION_HINT = (
    "No encrypted store is available here (on Linux msal-extensions needs libsecret: install gir1.2-secret-1 "
    "and python3-gi, with a running keyring). Pass --allow-plaintext-cache to keep the tokens in a 0600 file "
    "instead, knowing that anyone who can read it can act as you, or sign in per command without `login`."
)


class CacheUnavailable(WizardError):
    default_title = "Refusing to cache admin tokens in plaintext"


@dataclass(frozen=True)
class LoginRecord:
    """What `login` remembers besides the tokens: where to sign in again, never a token."""

    authority: str
    client_id: str
    scopes: tuple[str, ...]
    user: str
    tenant_id: str
    encrypted: bool
    ca_file: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoginRecord:
        return cls(
            authority=str(data["authority"]),
            client_id=str(data["client_id"]),
            scopes=tuple(str(s) for s in data.get("scopes", [])),
            user=str(data.get("user", "")),
            tenant_id=str(data.get("tenant_id", "")),
            encrypted=bool(data.get("encrypted", False)),
            ca_file=str(data["ca_file"]) if data.get("ca_file") else None,
        )


def login_dir() -> Path:
    return data_dir() / "login"


def _private_dir() -> Path:
    folder = login_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def encrypted_persistence(path: Path) -> Any | None:
    """msal-extensions' encrypted persistence for this OS after a trial run, or None when there is none."""
    try:
        from msal_extensions import build_encrypted_persistence
        from msal_extensions.persistence import PersistenceNotFound

        persistence = build_encrypted_persistence(str(path))
        try:
            persistence.load()
        except PersistenceNotFound:
            persistence.save("{}")
        return persistence
    except Exception:  # ImportError (no gi), no keyring daemon, D-Bus errors: all mean "not here"
        return None


def persistent_cache(*, allow_plaintext: bool) -> tuple[Any, bool]:
    """(msal token cache backed by a file, whether it is encrypted); refuses plaintext unless allowed."""
    from msal_extensions import FilePersistence, PersistedTokenCache

    folder = _private_dir()
    persistence = encrypted_persistence(folder / "token_cache.bin")
    if persistence is not None:
        return PersistedTokenCache(persistence), True
    if not allow_plaintext:
        raise CacheUnavailable(hint=NO_ENCRYPTION_HINT)
    path = folder / "token_cache.json"
    _private_file(path)
    return PersistedTokenCache(FilePersistence(str(path))), False


def existing_cache(record: LoginRecord) -> Any:
    """The cache `login` wrote, reopened the way it was written."""
    from msal_extensions import FilePersistence, PersistedTokenCache

    folder = login_dir()
    if record.encrypted:
        persistence = encrypted_persistence(folder / "token_cache.bin")
        if persistence is None:
            raise CacheUnavailable(
                "The encrypted token cache cannot be opened here", hint="Run `daemon-wizard login` again."
            )
        return PersistedTokenCache(persistence)
    return PersistedTokenCache(FilePersistence(str(folder / "token_cache.json")))


def save_record(record: LoginRecord) -> Path:
    path = _private_dir() / "login.json"
    _private_file(path)
    path.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    return path


def load_record() -> LoginRecord | None:
    path = login_dir() / "login.json"
    try:
        return LoginRecord.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"The login record {path} is unreadable ({type(exc).__name__})",
            hint="Run `daemon-wizard logout`, then `daemon-wizard login` again.",
        ) from None


def remove_all() -> list[str]:
    """Delete the record and every cache file (and the keyring entry of the encrypted one); what went."""
    folder = login_dir()
    removed: list[str] = []
    record_path = folder / "login.json"
    try:
        record = load_record()
    except UsageError:
        record = None
    if record is not None and record.encrypted:
        persistence = encrypted_persistence(folder / "token_cache.bin")
        if persistence is not None:
            persistence.save("{}")  # the keyring entry is emptied before its file goes
    for path in (record_path, *folder.glob("token_cache*")):
        if path.exists():
            path.unlink()
            removed.append(str(path))
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    return removed
