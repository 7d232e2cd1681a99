"""The signed-in admin of `daemon-wizard login`, silently refreshed, for commands that act on the tenant."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.admin.identity import AdminToken
from wizard.errors import UsageError


def login_token(
    scopes: Sequence[str], *, timeout: float, ca_file: str | None
) -> tuple[AdminToken, str | None]:
    """The cached `login`'s token for `scopes` (refreshed if needed) and the CA it was made with; a usage
    error naming the `login` to run when nobody is signed in or the sign-in lacks the scopes."""
    from wizard.admin.clients import ClientChoice
    from wizard.admin.signin import AdminSignIn
    from wizard.admin.token_cache import existing_cache, load_record
    from wizard.live.http import HttpSettings

    wants_write = any(s.endswith("ReadWrite.All") for s in scopes)
    hint = "Run `daemon-wizard login" + (" --step read --step apply" if wants_write else "") + "` first."
    record = load_record()
    if record is None:
        raise UsageError("Nobody is signed in", hint=hint)
    ca = ca_file or record.ca_file
    signin = AdminSignIn(
        authority=record.authority,
        client=ClientChoice(record.client_id, own=True),
        settings=HttpSettings.bounded(min(timeout, 60.0), ca_file=ca),
        cache=existing_cache(record),
    )
    try:
        token = signin.silent(scopes)
    finally:
        signin.close()
    if token is None:
        raise UsageError(
            "The sign-in of `daemon-wizard login` has expired or lacks the permission", hint=hint
        )
    return token, ca
