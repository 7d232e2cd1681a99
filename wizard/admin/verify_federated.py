"""The proof of a federated credential after apply: where the external token comes from (the user's token file
or command; on the sandbox, a token minted by its issuer for the credential's subject), or, when there is no
way to get one here, the command to run where the workload runs. Also the tenant words of the result."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wizard.errors import WizardError
from wizard.live.http import HttpSettings

if TYPE_CHECKING:
    from wizard.admin.apply import ApplyOptions, ApplyResult
    from wizard.admin.registration import RegistrationPlan

#: Hosts of a sandbox started on this machine; only their issuers are asked to mint a token.
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: What the sandbox's issuers serve beside discovery: POST {"sub", "aud", "lifetime"} for a token.
MINT_PATH = "/mint"
MINT_LIFETIME = 600


def describe_tenant(plan: RegistrationPlan, result: ApplyResult, options: ApplyOptions) -> None:
    """The result's tenant type and the authority the daemon configures (ciamlogin.com for External ID)."""
    from wizard.admin.verify import daemon_profile

    if not result.client_id:
        return
    profile = daemon_profile(plan, result, options)
    result.tenant_type = profile.tenant_type.value
    result.authority = profile.with_(authority_override=None).authority


def _is_sandbox_issuer(issuer: str) -> bool:
    parts = urlsplit(issuer)
    return (parts.hostname or "").lower() in _LOOPBACK and "/issuers/" in parts.path


def mint_sandbox_token(issuer: str, *, subject: str, audience: str, ca_file: str | None) -> str:
    """A token of the sandbox issuer for `subject` and `audience` (its mint URL, over HTTPS)."""
    from wizard.live.httpx_transport import httpx_client
    from wizard.live.trace import Trace

    url = issuer.rstrip("/") + MINT_PATH
    # A trace of its own, dropped: the answer is the token.
    with httpx_client(HttpSettings.bounded(30.0, ca_file=ca_file), Trace(), step="federated-mint") as http:
        answer = http.post(url, json={"sub": subject, "aud": audience, "lifetime": MINT_LIFETIME})
    try:
        token = answer.json().get("token") if answer.status_code == 200 else None
    except ValueError:
        token = None
    if not isinstance(token, str):
        raise WizardError(f"The sandbox issuer's mint URL {url} gave no token (HTTP {answer.status_code})")
    return token


def _write_token(path: Path, token: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(token)
    return str(path)


def prove_command(plan: RegistrationPlan, result: ApplyResult) -> str:
    """What to run where the workload runs, to prove the credential with its own external token."""
    return (
        f"daemon-wizard token --tenant {result.tenant_id} --client-id {result.client_id} "
        "--federated-token-file PATH (or --federated-token-command CMD): the token the workload's issuer "
        f"gives for subject {plan.request.federated.subject if plan.request.federated else '?'}"
    )


def federated_source(plan: RegistrationPlan, result: ApplyResult, options: ApplyOptions) -> bool:
    """Whether a token can be presented now: the user's file or command, or one the sandbox mints (written
    0600 beside the journal); else `result.prove_with` says what to run, and False."""
    wanted = plan.request.federated
    if wanted is None:
        return False
    if options.federated_token_file or options.federated_token_command:
        return True
    if _is_sandbox_issuer(wanted.issuer):
        token = mint_sandbox_token(
            wanted.issuer, subject=wanted.subject, audience=wanted.audience, ca_file=options.ca_file
        )
        path = options.journal_path.with_name(options.journal_path.stem + ".federated.jwt")
        result.federated_token_file = _write_token(path, token)
        return True
    result.prove_with = prove_command(plan, result)
    return False


def token_source(options: ApplyOptions, result: ApplyResult) -> dict[str, str | None]:
    """The profile's external-token fields for the proof and doctor."""
    return {
        "federated_token_file": options.federated_token_file or result.federated_token_file,
        "federated_token_command": None if options.federated_token_file else options.federated_token_command,
    }
