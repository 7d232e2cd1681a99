"""Tokens for a signed-in user: Graph access token (scp, wids, upn), ID token, client_info, refresh token."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from typing import Any

from wizard.sandbox.delegated_catalog import GRAPH_DELEGATED, PublicClientSpec
from wizard.sandbox.delegated_sessions import DelegatedSessions, Grant
from wizard.sandbox.scenario import GRAPH_APP_ID, GRAPH_RESOURCE
from wizard.sandbox.signing import SigningKey
from wizard.sandbox.state import TenantState
from wizard.sandbox.tokens import LIFETIME, SKEW, b64url, issuer_v1, issuer_v2, sign
from wizard.sandbox.users import Account

#: Entra adds these to `scp` of every Graph token that asked for an ID token.
_OIDC_IN_SCP = ("profile", "openid", "email")


def _ordered(scopes: set[str]) -> list[str]:
    known = [s.value for s in GRAPH_DELEGATED if s.value in scopes]
    return known + sorted(scopes - set(known))


def pairwise_sub(account: Account, client_id: str) -> str:
    """`sub` differs per app for the same user, as Entra's pairwise subject does."""
    digest = hashlib.sha256(f"{account.spec.id}|{client_id.lower()}".encode()).digest()
    return b64url(digest)[:43]


def access_token(
    *,
    tenant: TenantState,
    client: PublicClientSpec,
    account: Account,
    scopes: set[str],
    key: SigningKey,
    resource: str = GRAPH_RESOURCE,
) -> tuple[str, dict[str, Any]]:
    """A v1.0 Microsoft Graph access token for the user (for the Graph of `resource`'s cloud), signed with
    Graph's nonce header."""
    now = int(time.time())
    spec = account.spec
    claims: dict[str, Any] = {
        "aud": resource,
        "iss": issuer_v1(tenant),
        "iat": now - SKEW,
        "nbf": now - SKEW,
        "exp": now + LIFETIME,
        "acct": 0,
        "acr": "1",
        "aio": b64url(secrets.token_bytes(48)),
        "amr": ["pwd"],
        "app_displayname": client.display_name,
        "appid": client.client_id,
        "appidacr": "0",
        "family_name": spec.surname,
        "given_name": spec.given_name,
        "idtyp": "user",
        "ipaddr": "127.0.0.1",
        "name": spec.display_name,
        "oid": spec.id,
        "rh": f"1.{b64url(secrets.token_bytes(40))}.",
        "scp": " ".join([*_ordered(scopes), *_OIDC_IN_SCP]),
        "sid": str(uuid.uuid4()),
        "sub": pairwise_sub(account, GRAPH_APP_ID),
        "tid": tenant.spec.id,
        "unique_name": account.upn,
        "upn": account.upn,
        "uti": b64url(uuid.uuid4().bytes)[:22],
        "ver": "1.0",
        "wids": account.wids,
        "xms_idrel": "1 8",
        "xms_tcdt": now - 86400 * 400,
    }
    header = {"typ": "JWT", "nonce": b64url(secrets.token_bytes(32)), "alg": "RS256"}
    header.update({"x5t": key.kid, "kid": key.kid})
    return sign(header, claims, key.key), claims


def id_token(
    *,
    tenant: TenantState,
    client: PublicClientSpec,
    account: Account,
    nonce: str | None,
    key: SigningKey,
    base: str,
) -> str:
    """The v2.0 ID token msal reads the account from (its `iss` is the discovery document's issuer)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "aud": client.client_id,
        "iss": issuer_v2(tenant, base),
        "iat": now - SKEW,
        "nbf": now - SKEW,
        "exp": now + LIFETIME,
        "name": account.spec.display_name,
        "oid": account.spec.id,
        "preferred_username": account.upn,
        "rh": f"1.{b64url(secrets.token_bytes(40))}.",
        "sid": str(uuid.uuid4()),
        "sub": pairwise_sub(account, client.client_id),
        "tid": tenant.spec.id,
        "uti": b64url(uuid.uuid4().bytes)[:22],
        "ver": "2.0",
    }
    if nonce:
        claims["nonce"] = nonce
    return sign({"typ": "JWT", "alg": "RS256", "kid": key.kid}, claims, key.key)


def client_info(account: Account) -> str:
    """`client_info`: base64url JSON of the user's object id and home tenant, msal's account key."""
    raw = json.dumps({"uid": account.spec.id, "utid": account.tenant_id}, separators=(",", ":"))
    return b64url(raw.encode())


def token_response(
    *,
    sessions: DelegatedSessions,
    tenant: TenantState,
    client: PublicClientSpec,
    account: Account,
    granted: set[str],
    grant: Grant,
    key: SigningKey,
    base: str,
) -> dict[str, Any]:
    """The token endpoint's answer for a user: access token with every granted scope, plus OIDC parts."""
    token, _ = access_token(
        tenant=tenant, client=client, account=account, scopes=granted, key=key, resource=grant.resource
    )
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": " ".join([*_ordered(granted), *_OIDC_IN_SCP]),
        "expires_in": LIFETIME,
        "ext_expires_in": LIFETIME,
        "access_token": token,
    }
    if "offline_access" in grant.oidc:
        body["refresh_token"] = sessions.new_refresh_token(grant)
    if "openid" in grant.oidc:
        body["id_token"] = id_token(
            tenant=tenant, client=client, account=account, nonce=grant.nonce, key=key, base=base
        )
    body["client_info"] = client_info(account)
    return body
