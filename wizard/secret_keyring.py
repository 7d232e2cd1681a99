"""Remember a client secret in the OS keyring, on request only: never in a profile file.

Off by default. A keyring whose backend is a plain file on disk (keyrings.alt's PlaintextKeyring, say) is
refused unless the caller says the user accepted it; a machine with no keyring at all is refused with the
reason. The secret is stored under the service `entra-daemon-wizard` and the profile's name; a marker
beside the saved profile (`<name>.keyring`, holding the backend's name only) says it was, so a profile whose
user never chose the keyring never touches it (no unlock prompt, no D-Bus call).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wizard.errors import SecretSourceError
from wizard.secret import Secret

SERVICE = "entra-daemon-wizard"

__all__ = ["SERVICE", "backend_problem", "forget_secret", "recall_secret", "remember_secret"]


def _backend(backend: Any | None) -> Any:
    if backend is not None:
        return backend
    import keyring  # loads only when the user asks for the keyring

    return keyring.get_keyring()


def _marker(profile_name: str) -> Path:
    from wizard.profile_store import profile_path

    return profile_path(profile_name).with_suffix(".keyring")


def _name(backend: Any) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def backend_problem(backend: Any | None = None) -> tuple[str, bool] | None:
    """Why this keyring should not hold a secret, and whether the user may accept it anyway; None if fine."""
    found = _backend(backend)
    name = _name(found)
    if name.startswith("keyring.backends.fail") or getattr(found, "priority", 1) <= 0:
        return ("No OS keyring is available here (no Secret Service, Keychain or Credential Manager)", False)
    if "plaintext" in name.lower() or name.startswith("keyrings.alt.file"):
        return (f"The keyring backend ({name}) keeps secrets in a plain file on disk", True)
    return None


def remember_secret(
    profile_name: str, secret: Secret, *, allow_plaintext: bool = False, backend: Any | None = None
) -> str:
    """Store the secret; returns the backend's name. Raises SecretSourceError when the keyring is refused."""
    found = _backend(backend)
    problem = backend_problem(found)
    if problem is not None and not (problem[1] and allow_plaintext):
        hint = (
            "Tick “store it even in a plain file” to accept that, or give the secret each time."
            if problem[1]
            else "Give the secret each time (or install a keyring backend)."
        )
        raise SecretSourceError(problem[0], hint=hint)
    try:
        found.set_password(SERVICE, profile_name, secret.reveal())
    except Exception as exc:  # keyring raises its own errors, and D-Bus ones under it
        raise SecretSourceError(
            f"The keyring refused to store the secret ({type(exc).__name__})",
            hint="Give the secret each time, or unlock the keyring and try again.",
        ) from None
    marker = _marker(profile_name)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(_name(found) + "\n", "utf-8")
    return _name(found)


def recall_secret(profile_name: str, *, backend: Any | None = None) -> Secret | None:
    """The secret remembered for this profile, or None (none stored, or no usable keyring)."""
    if not _marker(profile_name).is_file():
        return None  # the user never chose the keyring for this profile
    try:
        value = _backend(backend).get_password(SERVICE, profile_name)
    except Exception:  # a locked or missing keyring: the user gives the secret instead
        return None
    return Secret(value) if value else None


def forget_secret(profile_name: str, *, backend: Any | None = None) -> None:
    _marker(profile_name).unlink(missing_ok=True)
    try:
        _backend(backend).delete_password(SERVICE, profile_name)
    except Exception:  # nothing stored, or no keyring: nothing to forget
        return
