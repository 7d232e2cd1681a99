"""`.env` files of the Node samples: ms-identity-javascript-nodejs-console and the External ID Node daemon."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wizard.clouds import Cloud, TenantType, cloud_for_graph_host
from wizard.configs.common import (
    LOOPBACK_HOSTS,
    Fields,
    ImportReport,
    RenderContext,
    Rendering,
    api_endpoint,
    api_target,
    authority_fields,
)
from wizard.configs.textformats import dotenv_bad_lines, dotenv_value, load_dotenv_text
from wizard.errors import ValidationError
from wizard.profile import ApiKind, CredentialKind, Profile
from wizard.secret import Secret

SECRET_PLACEHOLDER = "Enter_the_Client_Secret_Here"
TLS_COMMENT = (
    "# This variable should only be used in the development environment. \n"
    "# Please remove the variable when moving the app to the production environment.\n"
)


def _line(key: str, value: str) -> str:
    return f"{key}={dotenv_value(value)}\n"


def tenant_path(profile: Profile) -> str:
    """What follows the instance in the authority (`AAD_ENDPOINT` + this = authority)."""
    authority = profile.authority
    instance = profile.instance
    return authority[len(instance) :] if authority.startswith(instance) else profile.tenant_segment


def render_console(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    warnings: list[str] = []
    if profile.api.kind is not ApiKind.GRAPH:
        warnings.append("This sample only calls Microsoft Graph (GET /v1.0/users); your own API is not used.")
    elif profile.api.relative_path not in (None, "users") or profile.api.base_url:
        warnings.append("This sample always calls GET {GRAPH_ENDPOINT}v1.0/users; your API path is not used.")
    value = secret.reveal() if secret else SECRET_PLACEHOLDER
    text = "# Credentials\n"
    text += _line("TENANT_ID", tenant_path(profile))
    text += _line("CLIENT_ID", profile.client_id)
    text += _line("CLIENT_SECRET", value)
    text += "\n# Endpoints (both end with a slash: the sample concatenates them)\n"
    text += _line("AAD_ENDPOINT", profile.instance)
    text += _line("GRAPH_ENDPOINT", profile.graph_resource + "/")
    return Rendering(
        text=text,
        secrets=[value] if secret else [],
        warnings=warnings,
        next_steps=[
            "copy .env to the root of ms-identity-javascript-nodejs-console "
            "(dotenv reads it from the current folder)",
            "run: npm install",
            "run: node . --op getUsers",
        ],
    )


def ciam_authority_value(profile: Profile) -> str:
    """`https://<sub>.ciamlogin.com/` when msal-node's CIAM rewrite gives the right tenant, else the URL."""
    if (
        not profile.authority_override
        and profile.tenant_segment == f"{profile.tenant_subdomain}.onmicrosoft.com"
    ):
        return profile.instance
    return profile.authority + "/"


def render_ciam(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    warnings: list[str] = []
    if profile.tenant_type is not TenantType.EXTERNAL:
        warnings.append("This sample is written for an External ID tenant (authority on ciamlogin.com).")
    if "," in profile.resource:
        raise ValidationError(
            "The API resource holds a comma, which this sample's SCOPES cannot carry", field="scope"
        )
    value = secret.reveal() if secret else SECRET_PLACEHOLDER
    text = "# Read by App/authConfig.js; App/auth.js appends /.default to SCOPES itself.\n"
    text += _line("CLIENT_ID", profile.client_id)
    text += _line("AUTHORITY", ciam_authority_value(profile))
    text += _line("CLIENT_SECRET", value)
    endpoint = api_endpoint(profile)
    text += _line("API_ENDPOINT", endpoint)
    text += _line("SCOPES", profile.resource)
    if (urlsplit(endpoint).hostname or "") in LOOPBACK_HOSTS:
        text += "\n" + TLS_COMMENT + "NODE_TLS_REJECT_UNAUTHORIZED='0'\n"
        warnings.append(
            "NODE_TLS_REJECT_UNAUTHORIZED='0' turns off TLS checks for the local API's development "
            "certificate; "
            "remove it outside development."
        )
    return Rendering(
        text=text,
        secrets=[value] if secret else [],
        warnings=warnings,
        next_steps=[
            "copy .env to App/ of 2-Authorization/3-call-api-node-daemon "
            "(ms-identity-ciam-javascript-tutorial)",
            "run: npm install (in App/)",
            "run: node . --op getToDos",
        ],
    )


def _endpoint(fields: Fields, key: str) -> str | None:
    value = fields.text(key)
    if value is None:
        return None
    if urlsplit(value).scheme != "https":
        fields.malformed.append((key, f"{value!r} is not an https:// URL"))
        return None
    if not value.endswith("/"):
        fields.malformed.append((key, "must end with / (the sample concatenates it with the next part)"))
    return value


def env_fields(text: str) -> Fields:
    """The .env's values, with every line dotenv cannot parse recorded as malformed."""
    fields = Fields(dict(load_dotenv_text(text)))
    fields.malformed.extend((f"line {n}", "not KEY=value (dotenv skips it)") for n in dotenv_bad_lines(text))
    return fields


def parse_console(text: str) -> ImportReport:
    fields = env_fields(text)
    tenant = fields.text("TENANT_ID")
    client_id = fields.guid("CLIENT_ID", fields.text("CLIENT_ID"))
    value = fields.text("CLIENT_SECRET", secret=True)
    aad = _endpoint(fields, "AAD_ENDPOINT")
    graph = _endpoint(fields, "GRAPH_ENDPOINT")
    parts: dict[str, Any] = {"client_id": client_id}
    if aad and tenant:
        try:
            parts.update(authority_fields(aad.rstrip("/") + "/" + tenant))
        except ValueError as exc:
            fields.malformed.append(("AAD_ENDPOINT", str(exc)))
    graph_cloud = cloud_for_graph_host(urlsplit(graph).hostname or "") if graph else None
    if graph and graph_cloud is None:
        fields.malformed.append(("GRAPH_ENDPOINT", f"{graph!r} is not a Microsoft Graph endpoint"))
    if "authority_override" in parts or "cloud" not in parts:
        parts["cloud"] = graph_cloud or Cloud.GLOBAL
    profile = Profile().with_(credential=CredentialKind.SECRET, **parts)
    return fields.report("node-console", profile, Secret(value) if value else None)


def parse_ciam(text: str) -> ImportReport:
    fields = env_fields(text)
    client_id = fields.guid("CLIENT_ID", fields.text("CLIENT_ID"))
    authority = fields.text("AUTHORITY")
    value = fields.text("CLIENT_SECRET", secret=True)
    endpoint = fields.text("API_ENDPOINT")
    scopes = fields.text("SCOPES")
    if scopes is not None and scopes.endswith("/.default"):
        fields.malformed.append(
            ("SCOPES", "must be the bare App ID URI: the sample appends /.default itself")
        )
        scopes = scopes[: -len("/.default")]
    if scopes is not None and "," in scopes:
        fields.malformed.append(("SCOPES", "must hold exactly one App ID URI"))
    if fields.missing:
        fields.warnings.append(
            "App/authConfig.js falls back to placeholder values for every variable not set."
        )
    parts: dict[str, Any] = {"client_id": client_id, "tenant_type": TenantType.EXTERNAL}
    if authority:
        try:
            parts.update(authority_fields(authority, external_hint=True))
        except ValueError as exc:
            fields.malformed.append(("AUTHORITY", str(exc)))
    api, _cloud = api_target(endpoint=endpoint, resource=scopes)
    parts["api"] = api
    profile = Profile().with_(credential=CredentialKind.SECRET, **parts)
    return fields.report("node-ciam-daemon", profile, Secret(value) if value else None)
