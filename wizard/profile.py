"""The typed profile of one daemon app: tenant, client, credential and target API.

A profile never holds a secret value: secrets arrive at run time as `Secret` objects.

Profiles are immutable NamedTuples rather than frozen dataclasses: every command and the TUI's first frame
import this module, and a frozen dataclass compiles six generated methods from source at import (issue 12:
~15M instructions for the three). `with_` copies with changes; compare profiles only with profiles.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from wizard.clouds import CLOUDS, Cloud, TenantType, ciam_authority
from wizard.urls import split_url

DEFAULT_GRAPH_PATH = "users"


class CredentialKind(str, Enum):
    SECRET = "secret"
    CERTIFICATE = "certificate"
    #: Workload identity federation: an external token (GitHub Actions, Kubernetes...) as the assertion.
    FEDERATED = "federated"
    NONE = "none"


class CertificateRef(NamedTuple):
    """Where a certificate credential lives, and its thumbprints as the portal shows them."""

    key_path: str | None = None
    cert_path: str | None = None
    pfx_path: str | None = None
    thumbprint_sha1: str | None = None
    thumbprint_sha256: str | None = None


class ApiKind(str, Enum):
    GRAPH = "graph"
    OWN = "own"


class ApiTarget(NamedTuple):
    """The web API the daemon calls.

    For Graph, `resource` defaults to the cloud's Graph host and `base_url` to `<resource>/v1.0`.
    For an own API, `resource` is its App ID URI (or appId GUID) and `base_url` where it listens.
    """

    kind: ApiKind = ApiKind.GRAPH
    resource: str | None = None
    base_url: str | None = None
    relative_path: str | None = None
    required_roles: tuple[str, ...] = ()
    #: The call's method and JSON body when it is not a GET (a sandbox app's password reset, ...).
    method: str = "GET"
    body: str | None = None


class Profile(NamedTuple):
    """Everything needed to get a token for a daemon and call its API, except the secret."""

    name: str = "default"
    tenant_type: TenantType = TenantType.WORKFORCE
    cloud: Cloud = Cloud.GLOBAL
    tenant: str = ""
    client_id: str = ""
    object_id: str | None = None
    credential: CredentialKind = CredentialKind.SECRET
    certificate: CertificateRef = CertificateRef()
    api: ApiTarget = ApiTarget()
    #: An explicit authority URL (sandbox, custom domain); overrides tenant type/cloud host.
    authority_override: str | None = None
    #: Where the federated credential's external token is read from (never the token itself); None means
    #: $AZURE_FEDERATED_TOKEN_FILE, as azure-identity reads it.
    federated_token_file: str | None = None
    #: Or a command that prints the external token (run without a shell for every token request).
    federated_token_command: str | None = None
    #: The federated identity credential this daemon's external token must match (for the exports).
    federated_issuer: str | None = None
    federated_subject: str | None = None
    #: When the client secret expires (ISO date, as the portal shows it): for a reminder, never the secret.
    secret_expires: str | None = None

    def with_(self, **changes: object) -> Profile:
        """A copy with some fields changed (profiles are immutable)."""
        return self._replace(**changes)  # type: ignore[arg-type]

    @property
    def instance(self) -> str:
        """`https://host/` (with trailing slash) of the identity provider."""
        if self.authority_override:
            parts = split_url(self.authority_override)
            return f"{parts.scheme}://{parts.netloc}/"
        if self.tenant_type is TenantType.EXTERNAL:
            return ciam_authority(self.tenant_subdomain)
        return CLOUDS[self.cloud].login_url

    @property
    def tenant_subdomain(self) -> str:
        """For External ID: `contoso` from `contoso`, `contoso.onmicrosoft.com` or `contoso.ciamlogin.com`."""
        t = self.tenant.strip().lower()
        for suffix in (".onmicrosoft.com", ".ciamlogin.com"):
            if t.endswith(suffix):
                return t[: -len(suffix)]
        return t

    @property
    def tenant_segment(self) -> str:
        """The tenant as it appears in the authority path."""
        t = self.tenant.strip()
        external_short = "." not in t or t.lower().endswith(".ciamlogin.com")
        if self.tenant_type is TenantType.EXTERNAL and not _is_guid(t) and external_short:
            return f"{self.tenant_subdomain}.onmicrosoft.com"
        return self.tenant.strip()

    @property
    def authority(self) -> str:
        """Authority URL as msal takes it: `https://host/<tenant>` (no trailing slash)."""
        if self.authority_override:
            return self.authority_override.rstrip("/")
        return f"{self.instance}{self.tenant_segment}"

    @property
    def token_endpoint(self) -> str:
        return f"{self.authority}/oauth2/v2.0/token"

    @property
    def graph_resource(self) -> str:
        return CLOUDS[self.cloud].graph_resource

    @property
    def resource(self) -> str:
        """The resource whose token is requested (before `/.default`)."""
        if self.api.resource:
            return self.api.resource
        return self.graph_resource

    @property
    def scope(self) -> str:
        """The one scope a client-credentials request may carry."""
        from wizard.scopes import scope_for_resource

        return scope_for_resource(self.resource)

    @property
    def api_url(self) -> str:
        """The URL the daemon calls: `base_url + "/" + relative_path` as Microsoft.Identity.Web joins them;
        Graph's `/v1.0/users` (what the official samples call) when nothing else is configured."""
        relative = self.api.relative_path
        if self.api.kind is ApiKind.GRAPH and not relative and not self.api.base_url:
            relative = DEFAULT_GRAPH_PATH
        base = self.api_base_url
        return base.rstrip("/") + "/" + relative.lstrip("/") if relative else base

    @property
    def api_base_url(self) -> str:
        if self.api.base_url:
            return self.api.base_url
        if self.api.kind is ApiKind.GRAPH:
            return f"{self.graph_resource}/v1.0"
        return self.resource


def _is_guid(value: str) -> bool:
    from wizard.guids import is_guid

    return is_guid(value)
