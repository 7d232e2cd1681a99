"""The federated credential kind: the external token file, read afresh for every assertion, never stored."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.errors import SecretSourceError
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.profile import Profile

#: The variable azure-identity's WorkloadIdentityCredential (and the AKS webhook) use for the token's path.
ENV_FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE"
#: Larger than any OIDC token; a bigger file is not one.
MAX_TOKEN_BYTES = 64 * 1024


def token_file_of(profile: Profile) -> str:
    """The token file: the profile's, else $AZURE_FEDERATED_TOKEN_FILE."""
    path = profile.federated_token_file or os.environ.get(ENV_FEDERATED_TOKEN_FILE, "").strip()
    if not path:
        raise SecretSourceError(
            "No federated token file given",
            hint=f"Pass --federated-token-file PATH or set {ENV_FEDERATED_TOKEN_FILE} (the AKS webhook and "
            "azure/login set it; in GitHub Actions write the OIDC token to a file first).",
        )
    return str(Path(path).expanduser())


def read_token_file(path: str) -> str:
    """The external token in `path`, stripped; a clear error when it is missing, empty or not a JWT."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_TOKEN_BYTES + 1)
    except OSError as exc:
        raise SecretSourceError(
            f"The federated token file {path} cannot be read ({exc.strerror or type(exc).__name__})",
            hint="Check the path; a projected service-account token appears once the pod runs.",
        ) from None
    if len(raw) > MAX_TOKEN_BYTES:
        raise SecretSourceError(f"The federated token file {path} is too large to hold a token")
    try:
        token = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise SecretSourceError(f"The federated token file {path} does not hold a JWT") from None
    if not token:
        raise SecretSourceError(
            f"The federated token file {path} is empty",
            hint="The issuer has not written a token yet, or the workflow lacks `permissions: id-token: write`.",
        )
    if token.count(".") != 2:
        raise SecretSourceError(
            f"The federated token file {path} does not hold a JWT (three dot-separated parts)",
            hint="Write the raw token only: no JSON wrapper, no `Bearer ` prefix.",
        )
    return token


def source_label(profile: Profile) -> str:
    """Where the external token comes from, as reports show it (the command's program name only)."""
    if profile.federated_token_command:
        from wizard.live.federated_command import command_argv

        return f"command {os.path.basename(command_argv(profile.federated_token_command)[0])}"
    return token_file_of(profile)


def read_presented(profile: Profile) -> str:
    """The external token now: the command's output when the profile names one, else the file's."""
    if profile.federated_token_command:
        from wizard.live.federated_command import run_token_command

        return run_token_command(profile.federated_token_command)
    return read_token_file(token_file_of(profile))


def assertion_reader(profile: Profile, trace: Trace) -> Callable[[], str]:
    """msal's `client_assertion` callable: re-reads the file (or re-runs the command) on each call, as
    issuers rotate the token, and teaches the trace the token so that it is redacted wherever it would
    appear."""
    first = read_presented(profile)  # fail early, with our message, rather than inside msal
    trace.add_secret(first)
    pending = [first]  # the token just fetched serves the first call: a command runs once per request

    def assertion() -> str:
        token = pending.pop() if pending else read_presented(profile)
        trace.add_secret(token)
        return token

    return assertion


def msal_federated_credential(profile: Profile, trace: Trace) -> tuple[dict[str, Any], str]:
    """msal's `client_credential` for the federated kind, and the label reports show."""
    reader = assertion_reader(profile, trace)
    return {"client_assertion": reader}, f"federated token ({source_label(profile)})"


def presented_claims(
    profile: Profile, *, check_issuer: tuple[HttpSettings, Trace] | None = None
) -> dict[str, Any] | None:
    """The external token's header and claims (no signature: not replayable), for the diagnosis' diff;
    with `check_issuer`, also its issuer checked as Entra checks it (`issuer_check`)."""
    import jwt

    try:
        token = read_presented(profile)
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (SecretSourceError, jwt.PyJWTError):
        return None
    found: dict[str, Any] = {"header": header, "claims": claims}
    if check_issuer is not None and isinstance(claims.get("iss"), str):
        from wizard.federated import from_claims
        from wizard.live.federated_issuer import check_issuer as run_check

        settings, trace = check_issuer
        trace.add_secret(token)
        found["issuer_check"] = run_check(
            from_claims(claims, header), token, settings=settings, trace=trace
        ).to_dict()
    return found
