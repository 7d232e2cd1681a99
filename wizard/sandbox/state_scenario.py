"""`sandbox --state PATH` for the scenario's own apps: what writes changed on them (a secret added or removed,
a certificate uploaded or rolled with addKey, consent granted, a federated credential, the app deleted or
purged) is kept as an overlay in the same SQLite file and put back on the next start.

An app is kept once it differs from how this run built it (or was kept before); the scenario's certificate
that the sandbox generates with its key files is kept as a marker only, since each run makes it anew.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sqlite3
from typing import TYPE_CHECKING, Any

from wizard.sandbox import records
from wizard.sandbox.graph_credentials import public_certificate
from wizard.sandbox.graph_directory import DeletedApp
from wizard.sandbox.scenario import FederatedCredentialSpec

if TYPE_CHECKING:
    from wizard.sandbox.graph_directory import WriteDirectory
    from wizard.sandbox.state import AppState, SandboxState, TenantState

SCHEMA = """
CREATE TABLE IF NOT EXISTS scenario_apps (
    tenant_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    status TEXT NOT NULL,
    deleted TEXT,
    body TEXT,
    PRIMARY KEY (tenant_id, client_id)
);
"""
Key = tuple[str, str]


def fics_to_json(app: AppState) -> list[dict[str, Any]]:
    return [
        {"name": f.name, "issuer": f.issuer, "subject": f.subject, "audiences": list(f.audiences)}
        for f in app.spec.federated_credentials
    ]


def fics_from_json(rows: list[dict[str, Any]]) -> tuple[FederatedCredentialSpec, ...]:
    return tuple(
        FederatedCredentialSpec(r["name"], r["issuer"], r["subject"], tuple(r["audiences"])) for r in rows
    )


def _digest(app: AppState) -> str:
    from wizard.sandbox.state_sqlite import app_to_json

    return hashlib.sha256(json.dumps(app_to_json(app), sort_keys=True).encode()).hexdigest()


def _apply(app: AppState, data: dict[str, Any]) -> None:
    """Put the kept run-time state onto the app this run built from the scenario."""
    from wizard.sandbox.state import KeyCredential
    from wizard.sandbox.state_sqlite import app_from_json

    kept = app_from_json(app.tenant_id, data)
    generated = [k for k in app.certificates if k.certificate.key_path]  # made this run, with files
    certificates = []
    for entry in data["certificates"]:
        if entry.get("generated"):
            certificates.extend(generated[:1])
            generated = generated[1:]
            continue
        cert = public_certificate(base64.b64decode(entry["der"]))
        if cert is not None:
            certificates.append(KeyCredential(entry["key_id"], cert, display_name=entry["name"]))
    app.secrets = kept.secrets
    app.certificates = certificates
    app.disabled = kept.disabled
    app.has_service_principal = kept.has_service_principal
    app.assignments = kept.assignments
    app.extra = kept.extra
    app.spec = records.replace(app.spec, federated_credentials=kept.spec.federated_credentials)


class ScenarioOverlay:
    """Which scenario apps are kept, and how each looked when this run started (to see a change)."""

    def __init__(self) -> None:
        self.kept: set[Key] = set()
        self.baseline: dict[Key, str] = {}

    def load(self, conn: sqlite3.Connection, state: SandboxState) -> int:
        rows = conn.execute(
            "SELECT tenant_id, client_id, status, deleted, body FROM scenario_apps"
        ).fetchall()
        for tenant_id, client_id, status, deleted, body in rows:
            tenant = state.tenants.get(tenant_id)
            app = tenant.apps.get(client_id) if tenant is not None else None
            if tenant is None or app is None:
                continue  # the scenario of this run has no such app
            self.kept.add((tenant_id, client_id))
            if status == "purged":
                del tenant.apps[client_id]
                continue
            _apply(app, json.loads(body))
            if status == "deleted":
                del tenant.apps[client_id]
                gone = DeletedApp(app, dt.datetime.fromisoformat(deleted))
                state.writes.deleted[tenant_id][app.spec.object_id.lower()] = gone
        for tenant in state.tenants.values():
            for key, app in tenant.apps.items():
                if key not in state.writes.created:
                    self.baseline[(tenant.spec.id, key)] = _digest(app)
        return len(self.kept)

    def rows(
        self, tenant: TenantState, writes: WriteDirectory
    ) -> list[tuple[str, str, str, str | None, str | None]]:
        """The rows to keep for this tenant's scenario apps (changed now, or kept before)."""
        from wizard.sandbox.state_sqlite import app_to_json

        tid = tenant.spec.id
        binned = {g.app.client_id.lower(): g for g in writes.deleted[tid].values()}
        out: list[tuple[str, str, str, str | None, str | None]] = []
        for spec in tenant.spec.apps:
            key = spec.client_id.lower()
            live = tenant.apps.get(key)
            if live is not None and key not in writes.created:
                if (tid, key) in self.kept or _digest(live) != self.baseline.get((tid, key)):
                    self.kept.add((tid, key))
                    out.append((tid, key, "live", None, json.dumps(app_to_json(live))))
            elif key in binned:
                self.kept.add((tid, key))
                gone = binned[key]
                out.append((tid, key, "deleted", gone.deleted.isoformat(), json.dumps(app_to_json(gone.app))))
            elif live is None:
                self.kept.add((tid, key))
                out.append((tid, key, "purged", None, None))
        return out
