"""Entra's token-endpoint error bodies: exact wording, status codes and shape (error, AADSTS, ids)."""

from __future__ import annotations

import datetime as dt
import uuid

from wizard.sandbox.web.responses import JSONResponse

NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}


class EntraError(Exception):
    """An AADSTS error the token endpoint answers with."""

    def __init__(self, status: int, error: str, code: int, message: str) -> None:
        super().__init__(f"AADSTS{code}: {message}")
        self.status = status
        self.error = error
        self.code = code
        self.message = message

    def body(self, *, correlation_id: str | None = None) -> dict[str, object]:
        now = dt.datetime.now(dt.timezone.utc)
        stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
        trace = str(uuid.uuid4())
        corr = correlation_id or str(uuid.uuid4())
        return {
            "error": self.error,
            "error_description": (
                f"AADSTS{self.code}: {self.message}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}"
                f"\r\nTimestamp: {stamp}"
            ),
            "error_codes": [self.code],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": corr,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.code}",
        }

    def response(self, *, correlation_id: str | None = None) -> JSONResponse:
        body = self.body(correlation_id=correlation_id)
        headers = {**NO_STORE, "x-ms-request-id": str(body["trace_id"])}
        if correlation_id:
            headers["client-request-id"] = correlation_id
        return JSONResponse(body, status_code=self.status, headers=headers)


def _e(status: int, error: str, code: int, message: str) -> EntraError:
    return EntraError(status, error, code, message)


# Tenant and endpoint -------------------------------------------------------------------------------
def tenant_not_found(tenant: str) -> EntraError:
    return _e(
        400,
        "invalid_tenant",
        90002,
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing "
        "into the correct cloud. Check with your subscription administrator, this may happen if there are no "
        "active subscriptions for the tenant.",
    )


def invalid_tenant_identifier(tenant: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        900023,
        f"Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain.",
    )


def common_endpoint() -> EntraError:
    return _e(
        400,
        "invalid_request",
        9001023,
        "The grant type is not supported over the /common or /consumers endpoints. Please use the "
        "/organizations or tenant-specific endpoint.",
    )


def invalid_instance() -> EntraError:
    return _e(400, "invalid_instance", 50049, "Unknown or invalid instance.")


# Request shape -------------------------------------------------------------------------------------
def missing_parameter(name: str) -> EntraError:
    return _e(
        400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'."
    )


def unsupported_grant_type(grant: str) -> EntraError:
    return _e(
        400,
        "unsupported_grant_type",
        70003,
        f"The app requested an unsupported grant type '{grant}'.",
    )


def post_only(method: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        900561,
        f"The endpoint only accepts POST, OPTIONS requests. Received a {method} request.",
    )


def resource_parameter() -> EntraError:
    return _e(400, "invalid_request", 901002, "The 'resource' request parameter is not supported.")


def missing_scope() -> EntraError:
    return _e(
        400,
        "invalid_request",
        90014,
        "The required field 'scope' is missing from the credential. Ensure that you have all the necessary "
        "parameters for the login request.",
    )


def scope_not_default(scope: str) -> EntraError:
    return _e(
        400,
        "invalid_scope",
        1002012,
        f"The provided value for scope {scope} is not valid. Client credential flows must have a scope value "
        "with /.default suffixed to the resource identifier (application ID URI).",
    )


def scope_invalid_legacy(scope: str) -> EntraError:
    return _e(
        400,
        "invalid_scope",
        70011,
        "The provided request must include a 'scope' input parameter. The provided value for the input "
        f"parameter 'scope' is not valid. The scope {scope} is not valid.",
    )


def several_resources(scope: str) -> EntraError:
    return _e(
        400,
        "invalid_scope",
        28000,
        "Provided value for the input parameter scope is not valid because it contains more than one "
        f"resource. Scope {scope} is not valid.",
    )


def resource_not_found(resource: str, tenant_name: str) -> EntraError:
    return _e(
        400,
        "invalid_resource",
        500011,
        f"The resource principal named {resource} was not found in the tenant named {tenant_name}. This can "
        "happen if the application has not been installed by the administrator of the tenant or consented "
        "to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
    )


# Client ----------------------------------------------------------------------------------------------
def app_not_found(client_id: str, tenant_id: str) -> EntraError:
    return _e(
        400,
        "unauthorized_client",
        700016,
        f"Application with identifier '{client_id}' was not found in the directory '{tenant_id}'. This can "
        "happen if the application has not been installed by the administrator of the tenant or consented "
        "to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
    )


def missing_service_principal(client_id: str, tenant_id: str) -> EntraError:
    return _e(
        401,
        "invalid_client",
        7000229,
        f"The client application {client_id} is missing service principal in the tenant {tenant_id}. "
        "See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
    )


def app_disabled(client_id: str, display_name: str) -> EntraError:
    return _e(400, "unauthorized_client", 7000112, f"Application '{client_id}'({display_name}) is disabled.")


def not_assigned(client_id: str, display_name: str, resource: str, resource_name: str) -> EntraError:
    return _e(
        400,
        "invalid_grant",
        501051,
        f"Application '{client_id}'({display_name}) is not assigned to a role for the application "
        f"'{resource}'({resource_name}).",
    )


def invalid_client_id(client_id: str) -> EntraError:
    return _e(400, "unauthorized_client", 700038, f"{client_id} is not a valid application identifier.")


# Credentials -----------------------------------------------------------------------------------------
def missing_credential() -> EntraError:
    return _e(
        401,
        "invalid_client",
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    )


def invalid_secret(client_id: str) -> EntraError:
    return _e(
        401,
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
        f"value, not the client secret ID, for a secret added to app '{client_id}'.",
    )


def expired_secret(client_id: str) -> EntraError:
    return _e(
        401,
        "invalid_client",
        7000222,
        f"The provided client secret keys for app '{client_id}' are expired. Visit the Azure portal to "
        "create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate "
        "credentials for added security: https://aka.ms/certCreds.",
    )


_KEYS_HELP = (
    "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id "
    "'{client_id}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to "
    "determine the corresponding service endpoint and "
    "https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query "
    "request URL, such as 'https://graph.microsoft.com/beta/applications/{client_id}']"
)


def key_not_found(client_id: str, thumbprint: str) -> EntraError:
    return _e(
        401,
        "invalid_client",
        700027,
        "The certificate with identifier used to sign the client assertion is not registered on application. "
        f"[Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', "
        + _KEYS_HELP.format(client_id=client_id)
        + ". Alternatively, SNI may be configured on the app. Please ensure that client assertion is being "
        "sent with the x5c claim in the JWT header using MSAL's WithSendX5C() method so that Azure Active "
        "Directory can validate the certificate being used.",
    )


def _key_time(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%m/%d/%Y %H:%M:%S")


def key_expired(client_id: str, thumbprint: str, start: dt.datetime, end: dt.datetime) -> EntraError:
    """A registered certificate (or the x5c one) outside its validity: Entra's 700027 'is expired' variant."""
    return _e(
        401,
        "invalid_client",
        700027,
        "The certificate with identifier used to sign the client assertion is expired on application. "
        f"[Reason - The key used is expired., Thumbprint of key used by client: '{thumbprint}', Found key "
        f"'Start={_key_time(start)}, End={_key_time(end)}', " + _KEYS_HELP.format(client_id=client_id),
    )


def bad_signature(thumbprint: str) -> EntraError:
    return _e(
        401,
        "invalid_client",
        700027,
        "Client assertion contains an invalid signature. [Reason - The provided signature value did not "
        f"match the expected signature value., Thumbprint of key used by client: '{thumbprint}']",
    )


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def assertion_time(now: dt.datetime, nbf: dt.datetime, exp: dt.datetime) -> EntraError:
    return _e(
        401,
        "invalid_client",
        700024,
        f"Client assertion is not within its valid time range. Current time: {_iso(now)}, assertion valid "
        f"from {_iso(nbf)}, expiry time of assertion {_iso(exp)}. Review the documentation at "
        "https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
    )


def assertion_client_mismatch() -> EntraError:
    return _e(
        401,
        "invalid_client",
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter. Review the "
        "documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
    )


def assertion_malformed(reason: str) -> EntraError:
    return _e(401, "invalid_client", 50027, f"JWT token is invalid or malformed. [Reason - {reason}]")


def assertion_type(value: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        50012,
        f"Client assertion type '{value}' is not supported. Use "
        "'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
    )


# Federated credentials (workload identity federation) ------------------------------------------------
_FIC_CHECK = "Please check your federated identity credential Subject, Audience and Issuer against the presented assertion."


def federated_entra_token() -> EntraError:
    return _e(
        401, "invalid_client", 700222, "AAD-issued tokens may not be used for federated identity flows."
    )


def federated_no_credentials(client_id: str) -> EntraError:
    return _e(
        401,
        "invalid_client",
        70025,
        f"The client '{client_id}' has no configured federated identity credentials.",
    )


def federated_issuer_unreachable() -> EntraError:
    return _e(401, "invalid_client", 50166, "Request to External OIDC endpoint failed.")


def federated_not_rs256() -> EntraError:
    return assertion_malformed(
        "Only issuers that provide tokens signed using the RS256 algorithm are supported"
    )


def federated_key_unknown(kid: str, issuer: str) -> EntraError:
    return _e(
        401,
        "invalid_client",
        7000272,
        f"The certificate with identifier '{kid}' used to sign the federated credential could not be found "
        f"in the metadata of identity provider '{issuer}'.",
    )


def federated_issuer_mismatch(issuer: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        700211,
        f"No matching federated identity record found for presented assertion issuer '{issuer}'. {_FIC_CHECK}",
    )


def federated_subject_mismatch(subject: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        700213,
        f"No matching federated identity record found for presented assertion subject '{subject}'. "
        "Check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
    )


def federated_subject_case(subject: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        7002138,
        f"No matching federated identity record found for presented assertion subject '{subject}'. The "
        "subject matches with case-insensitive comparison, but not with case-sensitive comparison.",
    )


def federated_audience_mismatch(audience: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        700212,
        f"No matching federated identity record found for presented assertion audience '{audience}'. "
        + _FIC_CHECK,
    )


def federated_not_replicated(issuer: str, subject: str, audience: str) -> EntraError:
    """A credential written moments ago, not yet known to the token service (the older, generic text)."""
    return _e(
        400,
        "invalid_request",
        70021,
        "No matching federated identity record found for presented assertion. "
        f"Assertion Issuer: '{issuer}'. Assertion Subject: '{subject}'. Assertion Audience: '{audience}'.",
    )


def fic_lag_key(object_id: str, name: str) -> str:
    """The replication-lag key of a federated credential written through Graph (token_lag)."""
    return f"fic:{object_id}/{name}".lower()
