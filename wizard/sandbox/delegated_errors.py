"""Entra's errors for delegated sign-in (authorize, device code, code and refresh-token redemption)."""

from __future__ import annotations

from wizard.sandbox.entra_errors import EntraError


def _e(status: int, error: str, code: int, message: str) -> EntraError:
    return EntraError(status, error, code, message)


def user_not_found(tenant_name: str) -> EntraError:
    return _e(
        400,
        "invalid_grant",
        50034,
        f"The user account {{EUII Hidden}} does not exist in the '{tenant_name}' directory. To sign into "
        "this application, the account must be added to the directory.",
    )


def bad_password() -> EntraError:
    return _e(
        400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password."
    )


def redirect_mismatch(redirect_uri: str, client_id: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        50011,
        f"The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs "
        f"configured for the application '{client_id}'. Make sure the redirect URI sent in the request "
        "matches one added to your application in the Azure portal. Navigate to "
        "https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
    )


def blocked_by_conditional_access() -> EntraError:
    return _e(
        400,
        "invalid_grant",
        53003,
        "Access has been blocked by Conditional Access policies. The access policy does not allow token "
        "issuance.",
    )


def consent_required(client_id: str, display_name: str) -> EntraError:
    return _e(
        400,
        "invalid_grant",
        65001,
        f"The user or administrator has not consented to use the application with ID '{client_id}' named "
        f"'{display_name}'. Send an interactive authorization request for this user and resource.",
    )


def admin_approval_required() -> EntraError:
    return _e(400, "access_denied", 90094, "The grant requires admin permission.")


def consent_declined() -> EntraError:
    return _e(400, "access_denied", 65004, "User declined to consent to access the app.")


def unknown_scope(scope: str, display_name: str) -> EntraError:
    return _e(
        400,
        "invalid_scope",
        650053,
        f"The application '{display_name}' asked for scope '{scope}' that doesn't exist on the resource "
        "'00000003-0000-0000-c000-000000000000'. Contact the app vendor.",
    )


def unsupported_resource(scope: str) -> EntraError:
    return _e(
        400,
        "invalid_scope",
        70011,
        f"The provided request must include a 'scope' input parameter. The provided value for the input "
        f"parameter 'scope' is not valid. The scope {scope} is not valid. The sandbox signs users in to "
        "Microsoft Graph only.",
    )


def several_resources(scope: str) -> EntraError:
    return _e(
        400,
        "invalid_request",
        28000,
        "Provided value for the input parameter scope is not valid because it contains more than one "
        f"resource. Scope {scope} is not valid.",
    )


def unsupported_response_type(value: str) -> EntraError:
    return _e(
        400,
        "unsupported_response_type",
        700054,
        f"response_type '{value}' is not enabled for the application.",
    )


def pkce_method(value: str) -> EntraError:
    return _e(400, "invalid_request", 50148, f"The code_challenge_method '{value}' is not supported.")


def pkce_mismatch() -> EntraError:
    return _e(
        400,
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    )


def code_redeemed() -> EntraError:
    return _e(
        400,
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an "
        "existing refresh token.",
    )


def code_expired() -> EntraError:
    return _e(
        400,
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new "
        "interactive authorization request for this user and resource.",
    )


def code_invalid() -> EntraError:
    return _e(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")


def redirect_differs() -> EntraError:
    # (unverified wording) Entra rejects a redemption whose redirect_uri differs from the authorize one.
    return _e(
        400,
        "invalid_grant",
        500117,
        "The reply uri specified in the request isn't valid for this client; it must be the one sent to the "
        "authorization endpoint.",
    )


def public_client_flows_off() -> EntraError:
    return _e(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    )


def authorization_pending() -> EntraError:
    return _e(
        400,
        "authorization_pending",
        70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    )


def slow_down(interval: int) -> EntraError:
    # RFC 8628 section 3.5; the AADSTS number is the pending one's (unverified).
    return _e(
        400, "slow_down", 70016, f"Polling too fast: wait at least {interval} seconds between requests."
    )


def device_code_expired() -> EntraError:
    return _e(400, "expired_token", 70019, "Verification code expired.")


def bad_device_code() -> EntraError:
    return _e(
        400,
        "bad_verification_code",
        70018,
        "Invalid verification code. Ensure that the code entered is correct.",
    )


def device_code_declined() -> EntraError:
    return _e(400, "authorization_declined", 70000, "The user declined to authorize the request.")


def refresh_invalid() -> EntraError:
    return _e(
        400,
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid. The refresh token is unknown to this tenant.",
    )
