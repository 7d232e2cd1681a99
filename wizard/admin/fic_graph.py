"""An app's federated identity credentials on Graph: read them, and write the one that makes a match true.

Reads `GET /applications(appId='{appId}')` and `.../federatedIdentityCredentials` with the signed-in admin's
token. The write is the idempotent upsert of the tenant-writes catalogue (W8): `PATCH
/applications/{id}/federatedIdentityCredentials(name='{name}')` with `Prefer: create-if-missing` (201 when
created, 204 when updated), refused here before Graph would when a new credential would be the 21st.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from wizard.admin.tenant_reads import GraphReader
from wizard.errors import ApiError, UsageError
from wizard.federated.diff import Credential, credentials_from_json

MAX_PER_APP = 20


@dataclass(frozen=True)
class AppFics:
    """The app (object id, appId, name) and its federated credentials as Graph holds them."""

    object_id: str
    app_id: str
    display_name: str
    credentials: tuple[Credential, ...]


def _odata(value: str) -> str:
    return quote(value.replace("'", "''"), safe="")


def read_app_fics(reader: GraphReader, app_id: str) -> AppFics:
    """The app by its application (client) ID, and every one of its federated credentials."""
    app = reader.get(f"/applications(appId='{_odata(app_id)}')?$select=id,appId,displayName")
    if app is None:
        raise UsageError(
            f"No application with the application (client) ID {app_id} in this tenant",
            hint="Check --app-id, and that `daemon-wizard login` signed in to the app's tenant.",
        )
    object_id = str(app.get("id") or "")
    items: list[Any] = []
    url: str | None = f"/applications/{object_id}/federatedIdentityCredentials"
    while url:
        body = reader.get(url) or {}
        items.extend(body.get("value") or [])
        link = body.get("@odata.nextLink")
        url = link.split("/v1.0", 1)[1] if isinstance(link, str) and "/v1.0" in link else None
    return AppFics(
        object_id,
        str(app.get("appId") or app_id),
        str(app.get("displayName") or ""),
        tuple(credentials_from_json(items)),
    )


@dataclass(frozen=True)
class Written:
    """What the upsert did: created (201) or updated (204), and the credential as written."""

    created: bool
    credential: Credential

    def to_dict(self) -> dict[str, Any]:
        return {"action": "created" if self.created else "updated", "credential": self.credential.to_dict()}


def upsert_fic(reader: GraphReader, app: AppFics, wanted: Credential) -> Written:
    """Create or update the credential named `wanted.name` (idempotent: the same call twice is one FIC)."""
    exists = any(c.name == wanted.name for c in app.credentials)
    if not exists and len(app.credentials) >= MAX_PER_APP:
        raise UsageError(
            f"The app already has {MAX_PER_APP} federated credentials, Entra's limit",
            hint="Remove one it no longer needs, or use a flexible credential (claimsMatchingExpression).",
        )
    body = {"issuer": wanted.issuer, "subject": wanted.subject, "audiences": list(wanted.audiences)}
    if not exists:
        body["description"] = "written by entra-daemon-wizard (fic diff --fix)"
    path = f"/applications/{app.object_id}/federatedIdentityCredentials(name='{_odata(wanted.name)}')"
    response = reader.client.patch(reader.base + path, json=body, headers={"Prefer": "create-if-missing"})
    if response.status_code not in (200, 201, 204):
        try:
            error = response.json().get("error", {})
        except (ValueError, AttributeError):
            error = {}
        code = str(error.get("code", "")) if isinstance(error, dict) else ""
        message = str(error.get("message", "")) if isinstance(error, dict) else ""
        hint = message[:300] or None
        if response.status_code == 403:
            hint = (message + " " if message else "") + (
                "Writing a federated credential needs Application.ReadWrite.All (`daemon-wizard login --step "
                "apply`) and a role such as Application Administrator, or ownership of the app."
            )
        raise ApiError(
            f"Graph refused to write the federated credential (HTTP {response.status_code}"
            f"{', ' + code if code else ''})",
            hint=hint,
            status=response.status_code,
        )
    return Written(created=response.status_code == 201 or not exists, credential=wanted)
