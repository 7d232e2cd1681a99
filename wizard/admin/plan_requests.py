"""The Graph request behind each step of `register plan`: method, path and, for an upsert, its `Prefer`
header, so the plan shows what will be sent before anything is (pure)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.admin.plan import Step
    from wizard.admin.tenant_reads import TenantFacts

UPSERT = "Prefer: create-if-missing"


def _quote(value: str) -> str:
    return value.replace("'", "''")


def _app_path(app: dict[str, Any] | None, unique_name: str) -> str:
    if app and app.get("id"):
        return f"/v1.0/applications/{app['id']}"
    return f"/v1.0/applications(uniqueName='{_quote(unique_name)}')"


def _sp_upsert(app: dict[str, Any] | None, what: str) -> str:
    app_id = str((app or {}).get("appId") or f"<{what}'s appId>")
    return f"PATCH /v1.0/servicePrincipals(appId='{app_id}') + {UPSERT}"


def request_for(
    step: Step,
    *,
    facts: TenantFacts,
    unique_name: str,
    api_app: dict[str, Any] | None,
    api_name: str | None,
    federated_name: str | None = None,
) -> str:
    """The request `step` sends (one per role for consent), or '' for a step the plan only reports."""
    app = _app_path(facts.app, unique_name)
    api = _app_path(api_app, api_name or "")
    resource_sp = str((facts.resource or {}).get("id") or "<the API's service principal id>")
    requests = {
        "create application": f"PATCH /v1.0/applications(uniqueName='{_quote(unique_name)}') + {UPSERT}",
        "create service principal": _sp_upsert(facts.app, "the new app"),
        "add application permission": f"PATCH {app} {{requiredResourceAccess}}",
        "grant admin consent": f"POST /v1.0/servicePrincipals/{resource_sp}/appRoleAssignedTo",
        "add client secret": f"POST {app}/addPassword",
        "upload certificate": f"PATCH {app} {{keyCredentials: the existing ones + the new one}}",
        "create API registration": f"PATCH /v1.0/applications(uniqueName='{_quote(api_name or '')}') + {UPSERT}",
        "set App ID URI": f"PATCH {api} {{identifierUris}}",
        "add app role": f"PATCH {api} {{appRoles}}",
        "create API service principal": _sp_upsert(api_app, "the API"),
        "add federated credential": f"PATCH {app}/federatedIdentityCredentials(name='"
        f"{_quote(federated_name or '')}') + {UPSERT}",
    }
    return requests.get(step.action, "")


def with_requests(
    steps: list[Step],
    *,
    facts: TenantFacts,
    unique_name: str,
    api_app: dict[str, Any] | None = None,
    api_name: str | None = None,
    federated_name: str | None = None,
) -> list[Step]:
    """The steps, each with the request it sends."""
    return [
        replace(
            s,
            request=request_for(
                s,
                facts=facts,
                unique_name=unique_name,
                api_app=api_app,
                api_name=api_name,
                federated_name=federated_name,
            ),
        )
        for s in steps
    ]
