"""Signed-in people of the sandbox at run time: accounts and passwords, public clients, delegated consent."""

from __future__ import annotations

import hmac
import secrets
import string
import threading
from collections.abc import Callable, Iterable
from typing import Any

from wizard.sandbox.delegated_catalog import (
    DELEGATED_CONSENT_ROLES,
    MEMBER_USER_TEMPLATE,
    ROLE_TEMPLATES,
    WELL_KNOWN_CLIENTS,
    PublicClientSpec,
    graph_scope,
)
from wizard.sandbox.records import Record, field
from wizard.sandbox.scenario import TenantSpec, UserSpec

_ALPHABET = string.ascii_letters + string.digits


def new_password() -> str:
    """A per-run password that meets Entra's complexity rules (upper, lower, digit, symbol)."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(14))
    return f"Sbx!{body}9a"


class Account(Record):
    """A user who can sign in: the directory entry, its password and its directory roles."""

    spec: UserSpec
    tenant_id: str
    password: str

    @property
    def upn(self) -> str:
        return self.spec.user_principal_name

    @property
    def roles(self) -> tuple[str, ...]:
        return self.spec.roles

    @property
    def wids(self) -> list[str]:
        """Role template ids as the `wids` claim lists them (the member-user template last)."""
        return [ROLE_TEMPLATES[r] for r in self.spec.roles] + [MEMBER_USER_TEMPLATE]

    @property
    def can_consent_for_tenant(self) -> bool:
        return any(r in DELEGATED_CONSENT_ROLES for r in self.spec.roles)


class SignInFailed(Exception):
    """The user name or password was wrong; `code` is the AADSTS number Entra gives."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class DelegatedSettings(Record):
    """Knobs tests and scenarios turn: device code timing, and Conditional Access per tenant."""

    device_code_interval: int = 5
    device_code_lifetime: int = 900
    auth_code_lifetime: int = 600
    blocked_device_code: set[str] = field(default_factory=set)  # tenant ids


class DelegatedDirectory:
    """Accounts, public clients and delegated grants of every tenant (thread-safe)."""

    def __init__(self, tenants: Iterable[TenantSpec]) -> None:
        self.lock = threading.RLock()
        self.settings = DelegatedSettings()
        self.accounts: dict[str, Account] = {}  # by upn, lower case
        self.clients: dict[str, dict[str, PublicClientSpec]] = {}  # tenant id -> client id -> spec
        #: (tenant id, client id) -> scopes granted for everyone; (tenant, client, user id) -> for one user.
        self.tenant_grants: dict[tuple[str, str], set[str]] = {}
        self.user_grants: dict[tuple[str, str, str], set[str]] = {}
        #: Public clients registered through Graph since the start: (tenant id or None, client id) -> found.
        self.written: Callable[[str | None, str], tuple[str, PublicClientSpec] | None] = lambda t, c: None
        for tenant in tenants:
            for user in tenant.users:
                self.accounts[user.user_principal_name.lower()] = Account(
                    user, tenant.id, user.password or new_password()
                )
            clients = {c.client_id.lower(): c for c in (*WELL_KNOWN_CLIENTS, *tenant.public_clients)}
            self.clients[tenant.id] = clients
            for client in clients.values():
                self.tenant_grants[(tenant.id, client.client_id.lower())] = set(client.admin_consented)
            if tenant.block_device_code:
                self.settings.blocked_device_code.add(tenant.id)

    # -- lookups -------------------------------------------------------------------------------------
    def users_of(self, tenant_id: str) -> list[Account]:
        return [a for a in self.accounts.values() if a.tenant_id == tenant_id]

    def client(self, tenant_id: str, client_id: str) -> PublicClientSpec | None:
        found = self.clients.get(tenant_id, {}).get(client_id.lower())
        if found is None and (written := self.written(tenant_id, client_id)) is not None:
            return written[1] if written[0] == tenant_id else None
        return found

    def client_anywhere(self, client_id: str) -> tuple[str, PublicClientSpec] | None:
        """For /organizations and /common: the first tenant that knows this client."""
        for tenant_id, clients in self.clients.items():
            if client_id.lower() in clients:
                return tenant_id, clients[client_id.lower()]
        return self.written(None, client_id)

    def sign_in(self, login: str, password: str) -> Account:
        """The account for these credentials, or SignInFailed(50034 unknown user / 50126 bad password)."""
        account = self.accounts.get(login.strip().lower())
        if account is None:
            raise SignInFailed(50034)
        if not hmac.compare_digest(account.password.encode(), password.encode()):
            raise SignInFailed(50126)
        return account

    # -- Conditional Access -----------------------------------------------------------------------------
    def device_code_blocked(self, tenant_id: str) -> bool:
        with self.lock:
            return tenant_id in self.settings.blocked_device_code

    def block_device_code(self, tenant_id: str, blocked: bool = True) -> None:
        """The Conditional Access switch: a policy that blocks the device code flow (AADSTS53003)."""
        with self.lock:
            if blocked:
                self.settings.blocked_device_code.add(tenant_id)
            else:
                self.settings.blocked_device_code.discard(tenant_id)

    # -- consent ------------------------------------------------------------------------------------------
    def granted(self, tenant_id: str, client_id: str, user_id: str) -> set[str]:
        """Graph scopes this user may use through this client (tenant-wide and personal grants)."""
        key = client_id.lower()
        with self.lock:
            return set(self.tenant_grants.get((tenant_id, key), set())) | set(
                self.user_grants.get((tenant_id, key, user_id), set())
            )

    def missing(self, tenant_id: str, client_id: str, account: Account, wanted: Iterable[str]) -> list[str]:
        have = {s.lower() for s in self.granted(tenant_id, client_id, account.spec.id)}
        return [s for s in wanted if s.lower() not in have]

    def needs_admin(self, scopes: Iterable[str]) -> list[str]:
        """The scopes of these that only an administrator may consent to."""
        return [s for s in scopes if (found := graph_scope(s)) is not None and found.admin]

    def grant(
        self, tenant_id: str, client_id: str, account: Account, scopes: Iterable[str], *, for_tenant: bool
    ) -> None:
        """Record consent: for everyone (admin consent) or for this user only."""
        names = {found.value for s in scopes if (found := graph_scope(s)) is not None}
        key = client_id.lower()
        with self.lock:
            if for_tenant:
                self.tenant_grants.setdefault((tenant_id, key), set()).update(names)
            else:
                self.user_grants.setdefault((tenant_id, key, account.spec.id), set()).update(names)

    def revoke(self, tenant_id: str, client_id: str) -> None:
        """Remove every grant of this client (as deleting its oauth2PermissionGrants does)."""
        key = client_id.lower()
        with self.lock:
            self.tenant_grants[(tenant_id, key)] = set()
            for k in [k for k in self.user_grants if k[:2] == (tenant_id, key)]:
                del self.user_grants[k]


def describe_delegated(
    directory: DelegatedDirectory, tenant_id: str, *, show_secrets: bool
) -> dict[str, Any]:
    """The ready line's `users` and `public_clients` of one tenant (passwords masked unless asked)."""
    from wizard.secret import mask

    with directory.lock:
        clients = list(directory.clients.get(tenant_id, {}).values())
        grants = {
            c.client_id: sorted(directory.tenant_grants.get((tenant_id, c.client_id.lower()), ()))
            for c in clients
        }
        blocked = tenant_id in directory.settings.blocked_device_code
    return {
        "users": [
            {
                "user_principal_name": a.upn,
                "password": a.password if show_secrets else mask(a.password),
                "roles": list(a.roles),
                "id": a.spec.id,
                "display_name": a.spec.display_name,
            }
            for a in directory.users_of(tenant_id)
        ],
        "public_clients": [
            {
                "name": c.name,
                "client_id": c.client_id,
                "display_name": c.display_name,
                "publisher": c.publisher or None,
                "redirect_uris": list(c.redirect_uris),
                "allow_public_client_flows": c.allow_public_client_flows,
                "required_scopes": list(c.required_scopes),
                "admin_consented": grants[c.client_id],
            }
            for c in clients
        ],
        "block_device_code": blocked,
    }
