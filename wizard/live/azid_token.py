"""The azure-identity boundary (`--via azure-identity`): the same settings, as Azure SDK users hold them."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from wizard.errors import CertificateUnreadable, NetworkError, TokenError, WizardError
from wizard.live.credential import load_certificate, require_secret
from wizard.live.http import HttpSettings, WizardSession
from wizard.live.msal_token import first_line, is_microsoft_host, token_error_from
from wizard.live.netmap import classify
from wizard.live.results import TokenResult, TokenSource
from wizard.live.trace import Trace
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret

_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def _authority_host(profile: Profile) -> tuple[str, str]:
    """azure-identity takes the host (`https://host[:port]`) and the tenant separately."""
    parts = urlsplit(profile.authority)
    tenant = parts.path.strip("/").split("/", 1)[0] or profile.tenant_segment
    return f"{parts.scheme}://{parts.netloc}", tenant


def _error_body(exc: Exception) -> dict[str, Any] | None:
    response = getattr(exc, "response", None)
    text = ""
    if response is not None:
        try:
            text = response.text()
        except Exception:
            text = ""
    for candidate in (text, str(getattr(exc, "message", "") or exc)):
        match = _JSON_OBJECT.search(candidate or "")
        if match:
            try:
                data = json.loads(match.group(0))
            except ValueError:
                continue
            if isinstance(data, dict) and "error" in data:
                return data
    return None


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (`__cause__`, `__context__`, azure-core's `inner_exception`)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        cur = todo.pop(0)
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        for nxt in (cur.__cause__, cur.__context__, getattr(cur, "inner_exception", None)):
            if isinstance(nxt, BaseException):
                todo.append(nxt)


def _network_failure(exc: Exception) -> NetworkError | None:
    """The network failure under an azure-identity error: ours (raised by the session), or azure-core's."""
    for cause in _causes(exc):
        if isinstance(cause, NetworkError):
            return cause
    from azure.core.exceptions import ServiceRequestError, ServiceResponseError

    if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
        return classify(exc, "")
    return None


def map_azure_error(exc: Exception, trace: Trace) -> WizardError:
    """azure-identity's errors as ours: a network failure stays a NetworkError (exit 3, as with msal);
    ClientAuthenticationError (its message holds the AADSTS text) and ValueError become TokenError."""
    network = _network_failure(exc)
    if network is not None:
        return network
    body = _error_body(exc)
    if body is not None:
        return token_error_from(body)
    message = trace.redact(str(getattr(exc, "message", "") or exc))
    if isinstance(exc, ValueError) and "authority" in message.lower():
        return TokenError(
            "azure-identity could not use the authority",
            hint=first_line(message)[:300],
            error="invalid_authority",
            body={"error": "invalid_authority", "error_description": message[:500]},
        )
    aadsts = re.search(r"AADSTS(\d+)", message)
    return TokenError(
        "azure-identity could not get a token",
        hint=first_line(message)[:300] or None,
        aadsts=aadsts.group(1) if aadsts else None,
        body={"error": "client_authentication_error", "error_description": message[:1000]},
    )


def acquire_token_azure_identity(
    profile: Profile,
    *,
    secret: Secret | None,
    settings: HttpSettings,
    trace: Trace | None = None,
) -> TokenResult:
    """ClientSecretCredential or CertificateCredential with an explicit authority and CA."""
    import azure.identity
    from azure.core.exceptions import AzureError
    from azure.core.pipeline.transport import RequestsTransport

    trace = trace or Trace()
    # azure-identity logs a failed get_token as a WARNING; without a handler Python's last-resort
    # handler would print it on stderr next to our own message. Records still reach configured handlers.
    logging.getLogger("azure.identity").addHandler(logging.NullHandler())
    session = WizardSession(settings, trace)
    transport = RequestsTransport(session=session, session_owner=False)
    host, tenant = _authority_host(profile)
    known = is_microsoft_host(profile.authority)
    common: dict[str, Any] = {
        "authority": host,
        "disable_instance_discovery": not known,
        "transport": transport,
        "retry_total": 0,  # our session retries on Retry-After, with a cap
    }
    if settings.ca_file:
        common["connection_verify"] = settings.ca_file
    credential: Any
    if profile.credential is CredentialKind.FEDERATED:
        from wizard.live.federated_token import assertion_reader, source_label, token_file_of

        reader = assertion_reader(profile, trace)  # our clear error for a missing or bad token, and redaction
        if profile.federated_token_command:
            # No file to point WorkloadIdentityCredential at: its base class takes the callable.
            credential = azure.identity.ClientAssertionCredential(tenant, profile.client_id, reader, **common)
            label = f"federated token (azure-identity ClientAssertionCredential, {source_label(profile)})"
        else:
            path = token_file_of(profile)
            credential = azure.identity.WorkloadIdentityCredential(
                tenant_id=tenant, client_id=profile.client_id, token_file_path=path, **common
            )
            label = f"federated token (azure-identity WorkloadIdentityCredential, {path})"
    elif profile.credential is CredentialKind.CERTIFICATE:
        material = load_certificate(profile, passphrase=secret)  # for a certificate: the key's passphrase
        if not material.certificate_pem:
            raise CertificateUnreadable(
                "azure-identity needs the certificate together with its key",
                hint="Pass --certificate PATH as well as --key PATH (or a --pfx).",
            )
        data = (material.private_key_pem.reveal() + material.certificate_pem).encode("ascii")
        credential = azure.identity.CertificateCredential(
            tenant, profile.client_id, certificate_data=data, **common
        )
        label = "certificate (azure-identity)"
    else:
        value = require_secret(profile, secret).reveal()
        trace.add_secret(value)
        credential = azure.identity.ClientSecretCredential(tenant, profile.client_id, value, **common)
        label = "secret"
    trace.note("setup", f"azure-identity {azure.identity.__version__}, authority {host}/{tenant}, {label}")
    before = len([e for e in trace.exchanges if e.step == "token"])
    try:
        with credential:
            access = credential.get_token(profile.scope)
    except WizardError:
        raise
    except (AzureError, ValueError) as exc:
        raise map_azure_error(exc, trace) from None
    finally:
        session.close()
    trace.add_secret(access.token)
    requested = len([e for e in trace.exchanges if e.step == "token"]) > before
    source: TokenSource = "identity_provider" if requested else "cache"
    import time

    return TokenResult(
        access_token=Secret(access.token),
        expires_in=max(0, int(access.expires_on - time.time())),
        source=source,
        token_type="Bearer",
        scope=profile.scope,
        via="azure-identity",
        trace=trace,
        credential=label,
    )
