"""Scope normalisation for the client credentials grant: exactly one `<resource>/.default`."""

from __future__ import annotations

import re

from wizard.clouds import CLOUDS
from wizard.errors import ValidationError
from wizard.guids import is_guid
from wizard.urls import split_url

DEFAULT_SUFFIX = "/.default"
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
GRAPH_HOSTS = frozenset(c.graph_host for c in CLOUDS.values())
# Resource identifiers whose v1 form ends with "/" and whose audience must keep it.
TRAILING_SLASH_RESOURCES = frozenset(
    {
        "https://database.windows.net/",
        "https://management.core.windows.net/",
        "https://management.core.usgovcloudapi.net/",
        "https://management.core.chinacloudapi.cn/",
        "https://database.usgovcloudapi.net/",
        "https://database.chinacloudapi.cn/",
    }
)
_SPLIT = re.compile(r"[\s,;]+")
_PERMISSION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$")


def split_scopes(text: str) -> list[str]:
    """Split a pasted scope string on spaces, commas or semicolons."""
    return [s for s in _SPLIT.split(text.strip()) if s]


def scope_for_resource(resource: str) -> str:
    """`<resource>/.default`, keeping a v1 resource's trailing slash (`https://database.windows.net//.default`)."""
    return normalise_scope(resource)


def _resource_of(scope: str) -> str:
    """The resource part of a scope (`https://graph.microsoft.com/User.Read` → `https://graph.microsoft.com`)."""
    if scope.endswith(DEFAULT_SUFFIX):
        return scope[: -len(DEFAULT_SUFFIX)]
    if "://" in scope:
        parts = split_url(scope)
        path = parts.path.rstrip("/")
        if "/" in path.lstrip("/"):
            head = path.rsplit("/", 1)[0]
            return f"{parts.scheme}://{parts.netloc}{head}"
        if path and _PERMISSION_NAME.match(path.lstrip("/")) and parts.scheme != "api":
            return f"{parts.scheme}://{parts.netloc}"
        if parts.scheme == "api" and path:
            return f"{parts.scheme}://{parts.netloc}"
        return scope
    if "/" in scope:
        return scope.split("/", 1)[0]
    return scope


def _is_delegated_name(scope: str) -> bool:
    """`User.Read`, `https://graph.microsoft.com/Mail.Send`, `api://x/access_as_user`."""
    if scope.endswith(DEFAULT_SUFFIX) or is_guid(scope):
        return False
    if "://" in scope:
        parts = split_url(scope)
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if not last:
            return False
        if parts.scheme == "api":
            # api://<guid or name>/<scope>: the part after the first path segment is a scope name.
            return bool(parts.path.strip("/"))
        return bool(_PERMISSION_NAME.match(last)) or "_" in last
    if "/" in scope:  # <guid>/access_as_user
        return True
    return bool(_PERMISSION_NAME.match(scope))


def normalise_scope(value: str | list[str] | tuple[str, ...]) -> str:
    """Turn a resource or scope into the single scope the grant accepts, or explain the fix.

    Raises ValidationError (field "scope", code from diagnosis-codes.md) for: nothing given,
    several resources, OIDC scopes, and delegated permission names.
    """
    items = split_scopes(value) if isinstance(value, str) else [s.strip() for s in value if s.strip()]
    if not items:
        raise ValidationError(
            "No scope given",
            field="scope",
            code="scope-missing",
            hint="Use the resource followed by /.default, e.g. https://graph.microsoft.com/.default.",
        )
    oidc = [s for s in items if s.lower() in OIDC_SCOPES]
    if oidc:
        rest = [s for s in items if s.lower() not in OIDC_SCOPES]
        suggestion = (
            normalise_scope(rest) if rest and len(rest) == 1 else "https://graph.microsoft.com/.default"
        )
        raise ValidationError(
            f"OpenID Connect scope {', '.join(oidc)} cannot be used with client credentials",
            field="scope",
            code="scope-oidc",
            hint=f"A daemon has no user to sign in. Remove {', '.join(oidc)} and request only {suggestion}.",
        )
    if len(items) > 1:
        resources = sorted({_canonical_resource(_resource_of(s)) for s in items})
        if len(resources) == 1:
            hint = (
                f"Request only {resources[0]}{DEFAULT_SUFFIX}: "
                "it carries every application permission granted."
            )
        else:
            hint = (
                "Client credentials take exactly one <resource>/.default per request. "
                f"Get one token per resource: {', '.join(r + DEFAULT_SUFFIX for r in resources)}."
            )
        raise ValidationError(
            f"{len(items)} scopes given; client credentials accept exactly one",
            field="scope",
            code="scope-multiple",
            hint=hint,
        )
    scope = items[0]
    if _is_delegated_name(scope):
        resource = _canonical_resource(_resource_of(scope))
        if "://" not in scope and "/" not in scope:
            resource = "https://graph.microsoft.com"
        raise ValidationError(
            f"{scope} is a permission name, not a client-credentials scope",
            field="scope",
            code="scope-not-default",
            hint=(
                f"Request {resource}{DEFAULT_SUFFIX}. Permissions are not requested one by one: add the "
                "Application permission to the app registration and grant admin consent; the token then "
                "carries it in its roles claim."
            ),
        )
    if scope.endswith(DEFAULT_SUFFIX):
        resource = scope[: -len(DEFAULT_SUFFIX)]
        if not resource:
            raise ValidationError(
                "/.default without a resource",
                field="scope",
                code="scope-missing",
                hint="Put the API's App ID URI or appId before /.default.",
            )
        return _canonical_resource(resource, keep_slash=True) + DEFAULT_SUFFIX
    return _canonical_resource(scope) + DEFAULT_SUFFIX


def _canonical_resource(resource: str, *, keep_slash: bool = False) -> str:
    """Drop a stray trailing slash, except where the v1 resource identifier really ends with one."""
    if not resource.endswith("/"):
        return resource
    if resource in TRAILING_SLASH_RESOURCES:
        return resource
    host = split_url(resource).netloc.lower() if "://" in resource else ""
    if host in GRAPH_HOSTS or resource.startswith("api://") or is_guid(resource.rstrip("/")):
        return resource.rstrip("/")
    # Any other https resource given with a trailing slash is taken as a v1 identifier that has one.
    return resource if (keep_slash or resource.startswith("https://")) else resource.rstrip("/")


def resource_from_scope(scope: str) -> str:
    """The resource a `.default` scope names."""
    return scope[: -len(DEFAULT_SUFFIX)] if scope.endswith(DEFAULT_SUFFIX) else _resource_of(scope)
