"""The federated credential of `register apply`, through msgraph-sdk: read the app's credentials, upsert the
one asked for by name (`PATCH .../federatedIdentityCredentials(name='{name}')` with `Prefer:
create-if-missing`), journal it when created, and turn Graph's refusals (the 20-credential limit, an issuer and
subject already used, a name Graph rejects) into findings. `undo` deletes it by id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.admin.journal import Entry
from wizard.admin.plan_federated import STEP, same
from wizard.errors import GraphWriteError
from wizard.federated.diff import Credential

if TYPE_CHECKING:
    from wizard.admin.apply import _Run
    from wizard.admin.graph_writes import AppObject, GraphWriter
    from wizard.diagnosis.model import Finding

DESCRIPTION = "managed by entra-daemon-wizard"
DOC = "https://learn.microsoft.com/graph/api/resources/federatedidentitycredentials-overview"


def _credential(model: Any) -> Credential:
    return Credential(
        name=str(model.name or ""),
        issuer=str(model.issuer or ""),
        subject=str(model.subject or ""),
        audiences=tuple(str(a) for a in model.audiences or []),
        id=str(model.id or ""),
    )


def _path(object_id: str, name: str = "") -> str:
    tail = f"(name='{name}')" if name else ""
    return f"/applications/{object_id}/federatedIdentityCredentials{tail}"


async def list_credentials(writer: GraphWriter, object_id: str) -> list[Credential]:
    """GET /applications/{id}/federatedIdentityCredentials (at most 20: one page)."""
    builder = writer.client.applications.by_application_id(object_id).federated_identity_credentials
    answer = await writer.call("GET", _path(object_id), builder.get())
    return [_credential(m) for m in (getattr(answer, "value", None) or [])]


async def upsert_credential(writer: GraphWriter, object_id: str, wanted: Credential) -> tuple[str, bool]:
    """The upsert by name: (the credential's id, True when Graph created it)."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.models.federated_identity_credential import FederatedIdentityCredential

    body = FederatedIdentityCredential(
        issuer=wanted.issuer,
        subject=wanted.subject,
        audiences=list(wanted.audiences),
        description=DESCRIPTION,
    )
    config: Any = RequestConfiguration()
    config.headers.add("Prefer", "create-if-missing")
    app = writer.client.applications.by_application_id(object_id)
    builder = app.federated_identity_credentials_with_name(wanted.name)
    path = _path(object_id, wanted.name)
    created = await writer.call("PATCH", path, builder.patch(body, config))
    if created is not None:
        return str(created.id or ""), True
    current = await writer.call("GET", path, builder.get())  # 204: updated, read its id back
    return str(getattr(current, "id", "") or ""), False


async def delete_credential(writer: GraphWriter, object_id: str, credential_id: str) -> None:
    """DELETE /applications/{id}/federatedIdentityCredentials/{credential id} (undo)."""
    builder = writer.client.applications.by_application_id(object_id).federated_identity_credentials
    path = f"{_path(object_id)}/{credential_id}"
    await writer.call("DELETE", path, builder.by_federated_identity_credential_id(credential_id).delete())


def refusal_findings(exc: GraphWriteError, *, name: str) -> list[Finding] | None:
    """Graph's refusals particular to federated credentials as findings (the rules of
    wizard.diagnosis.rules_fic_writes); None for any other refusal."""
    from dataclasses import replace

    from wizard.diagnosis.engine import diagnose
    from wizard.diagnosis.rules_fic_writes import CODES

    evidence = {
        "config": {"credential_type": "delegated"},
        "api": {
            "method": exc.method,
            "url": exc.path,
            "status": exc.status,
            "body": {"error": {"code": exc.code, "message": exc.message}},
        },
    }
    found = [f for f in diagnose(evidence).findings if f.code in CODES]
    if not found:
        return None
    said = f"Graph answered HTTP {exc.status} {exc.code}: {exc.message}"
    return [replace(found[0], explanation=f"{said} (credential {name!r}). {found[0].explanation}")]


async def add_federated(run: _Run, app: AppObject) -> None:
    """Upsert the requested credential unless the same one exists; journaled when created."""
    wanted = run.req.federated
    if wanted is None:
        return
    oid = app.object_id
    cred = wanted.credential
    run.say(STEP, wanted.name, "start")
    have = await run.call("read federated credentials", lambda: list_credentials(run.writer, oid), about=oid)
    found = next((c for c in have if c.name == wanted.name), None)
    run.result.federated_credential = {**wanted.to_dict(), "id": found.id if found else ""}
    if found is not None and same(found, cred):
        run.say(STEP, wanted.name, "skipped", "exists with this issuer, subject and audience")
        return
    try:
        fic_id, created = await run.call(STEP, lambda: upsert_credential(run.writer, oid, cred), about=oid)
    except GraphWriteError as exc:
        found_findings = refusal_findings(exc, name=wanted.name)
        if found_findings is None:
            raise
        run.result.findings.extend(found_findings)
        run.say(STEP, wanted.name, "failed", exc.title)
        return
    run.result.federated_credential["id"] = fic_id
    if created:
        run.record(Entry("federated_credential", fic_id, parent=oid, label=wanted.name))
    run.result.changed.append(f"federatedIdentityCredentials {wanted.name}")
    run.say(STEP, wanted.name, "done", "created" if created else "updated")
