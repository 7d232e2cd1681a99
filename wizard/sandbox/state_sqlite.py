"""`sandbox --state PATH`: what Graph writes created (app registrations with their secrets, certificates,
federated credentials, service principals and app role assignments, and the recycle bin) kept in SQLite
across restarts, each write one transaction, and what they changed on the scenario's own apps
(wizard.sandbox.state_scenario). The file holds secret values, so it is created 0600, as the tenant's own
data."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from wizard.errors import ConfigFileError
from wizard.sandbox.graph_credentials import public_certificate
from wizard.sandbox.graph_directory import DeletedApp, WriteDirectory
from wizard.sandbox.scenario import AppSpec
from wizard.sandbox.state import AppState, KeyCredential, PasswordCredential, SandboxState, TenantState
from wizard.sandbox.state_scenario import SCHEMA as SCENARIO_SCHEMA
from wizard.sandbox.state_scenario import ScenarioOverlay, fics_from_json, fics_to_json

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS apps (
    tenant_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    deleted TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, client_id)
);
"""


def _t(value: dt.datetime) -> str:
    return value.isoformat()


def app_to_json(app: AppState) -> dict[str, Any]:
    spec = app.spec
    return {
        "spec": {
            "name": spec.name,
            "client_id": spec.client_id,
            "object_id": spec.object_id,
            "sp_object_id": spec.sp_object_id,
            "display_name": spec.display_name,
            "owners": list(spec.owners),
        },
        "secrets": [
            {
                "key_id": s.key_id,
                "value": s.value,
                "name": s.display_name,
                "start": _t(s.start),
                "end": _t(s.end),
            }
            for s in app.secrets
        ],
        "certificates": [
            {
                "key_id": k.key_id,
                "name": k.display_name,
                "der": base64.b64encode(k.certificate.der).decode(),
                # the sandbox made it (with key files) for the scenario: made anew each run, kept as a marker
                "generated": bool(k.certificate.key_path),
            }
            for k in app.certificates
        ],
        "disabled": app.disabled,
        "service_principal": app.has_service_principal,
        "assignments": [[res, role, aid, _t(created)] for res, role, aid, created in app.assignments],
        "extra": app.extra,
        "federated_credentials": fics_to_json(app),
    }


def app_from_json(tenant_id: str, data: dict[str, Any]) -> AppState:
    s = data["spec"]
    spec = AppSpec(
        name=s["name"],
        client_id=s["client_id"],
        object_id=s["object_id"],
        sp_object_id=s["sp_object_id"],
        display_name=s["display_name"],
        credentials=(),
        service_principal=bool(data["service_principal"]),
        owners=tuple(s["owners"]),
        federated_credentials=fics_from_json(data.get("federated_credentials") or []),
    )
    app = AppState(spec=spec, tenant_id=tenant_id, disabled=bool(data["disabled"]))
    app.has_service_principal = bool(data["service_principal"])
    app.secrets = [
        PasswordCredential(
            p["key_id"],
            p["value"],
            p["name"],
            dt.datetime.fromisoformat(p["start"]),
            dt.datetime.fromisoformat(p["end"]),
        )
        for p in data["secrets"]
    ]
    for k in data["certificates"]:
        if k.get("generated"):
            continue  # the scenario's own, made anew each run (wizard.sandbox.state_scenario)
        cert = public_certificate(base64.b64decode(k["der"]))
        if cert is not None:
            app.certificates.append(KeyCredential(k["key_id"], cert, display_name=k["name"]))
    app.assignments = [
        (r, role, aid, dt.datetime.fromisoformat(c)) for r, role, aid, c in data["assignments"]
    ]
    app.extra = dict(data["extra"])
    return app


class SqliteStore:
    """The state database: opened per transaction (the server thread writes, the starting thread reads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.scenario = ScenarioOverlay()

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            conn = sqlite3.connect(self.path, timeout=10)
            conn.executescript(_SCHEMA + SCENARIO_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ConfigFileError(
                f"--state {self.path} is not a sandbox state database ({exc})",
                path=str(self.path),
                hint="Name a new file (it is created) or one an earlier `sandbox --state` wrote.",
            ) from None
        if row is None:
            with conn:
                conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            conn.close()
            raise ConfigFileError(
                f"--state {self.path} was written by another version of the sandbox (schema {row[0]})",
                path=str(self.path),
                hint="Start with a new --state file.",
            )
        return conn

    def load(self, state: SandboxState) -> int:
        """Put the kept apps back into the directory (the scenario's as changed); how many there were."""
        with closing(self._connect()) as conn:
            rows = conn.execute("SELECT tenant_id, client_id, deleted, body FROM apps").fetchall()
            count = self.scenario.load(conn, state)
        for tenant_id, client_id, deleted, body in rows:
            tenant = state.tenants.get(tenant_id)
            if tenant is None:
                continue  # a tenant the scenario of this run does not have
            app = app_from_json(tenant_id, json.loads(body))
            if deleted:
                gone = DeletedApp(app, dt.datetime.fromisoformat(deleted))
                state.writes.deleted[tenant_id][app.spec.object_id.lower()] = gone
            else:
                tenant.apps[client_id] = app
            state.writes.created.add(client_id)
            count += 1
        return count

    def save(self, tenant: TenantState, writes: WriteDirectory) -> None:
        """Replace the tenant's kept apps with what is there now, in one transaction (the scenario's apps
        only once they changed)."""
        tid = tenant.spec.id
        live = [(a, None) for key, a in tenant.apps.items() if key in writes.created]
        binned = [
            (g.app, _t(g.deleted))
            for g in writes.deleted[tid].values()
            if g.app.client_id.lower() in writes.created
        ]
        with closing(self._connect()) as conn, conn:
            conn.execute("DELETE FROM apps WHERE tenant_id = ?", (tid,))
            conn.executemany(
                "INSERT INTO apps VALUES (?, ?, ?, ?)",
                [
                    (tid, a.client_id.lower(), deleted, json.dumps(app_to_json(a)))
                    for a, deleted in live + binned
                ],
            )
            conn.execute("DELETE FROM scenario_apps WHERE tenant_id = ?", (tid,))
            conn.executemany(
                "INSERT INTO scenario_apps VALUES (?, ?, ?, ?, ?)", self.scenario.rows(tenant, writes)
            )
