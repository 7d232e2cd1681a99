"""`--use-az`: reuse a signed-in Azure CLI through azure-identity's AzureCliCredential (no prompt, no cache)."""

from __future__ import annotations

import shutil

from wizard.admin.identity import AdminIdentity, AdminToken
from wizard.errors import TokenError, TokenFormatError, UsageError
from wizard.live.msal_token import first_line
from wizard.secret import Secret
from wizard.tokens.decode import decode_token

GRAPH_RESOURCE = "https://graph.microsoft.com"
GRAPH_DEFAULT = f"{GRAPH_RESOURCE}/.default"


def az_available() -> bool:
    return shutil.which("az") is not None


def az_token(
    *, tenant_id: str | None = None, timeout: int = 30, resource: str = GRAPH_RESOURCE
) -> AdminToken:
    """A Graph token from `az account get-access-token`, as the Azure CLI's signed-in user.

    `resource` is the Graph of the cloud `az` is set to (`az cloud set`): https://graph.microsoft.us, ...
    """
    if not az_available():
        raise UsageError(
            "--use-az needs the Azure CLI, and `az` is not on PATH",
            hint="Install the Azure CLI and run `az login`, or sign in with the browser (the default) or "
            "--device-code.",
        )
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import AzureCliCredential, CredentialUnavailableError

    credential = AzureCliCredential(tenant_id=tenant_id or "", process_timeout=timeout)
    try:
        token = credential.get_token(f"{resource.rstrip('/')}/.default")
    except CredentialUnavailableError as exc:
        raise TokenError(
            "The Azure CLI has no signed-in account to use",
            hint=f"Run `az login` first ({first_line(str(exc))[:200]}).",
        ) from None
    except ClientAuthenticationError as exc:
        message = first_line(str(exc))[:300]
        raise TokenError("The Azure CLI could not get a Microsoft Graph token", hint=message) from None
    try:
        claims = decode_token(token.token).claims
    except TokenFormatError:
        claims = {}
    return AdminToken(Secret(token.token), AdminIdentity.from_claims(claims), "azure_cli")
