"""Credentials of an application through Graph: `addPassword` / `removePassword` (the secret shown once,
the tenant's app management policy applied) and `keyCredentials` replaced as a whole by PATCH."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from typing import Any

from wizard.sandbox.graph import Caller
from wizard.sandbox.graph_directory import by_object_id
from wizard.sandbox.graph_policy import DEFAULT_PASSWORD_LIFETIME, check_password
from wizard.sandbox.graph_write_common import (
    bad_request,
    context,
    denied,
    iso,
    json_answer,
    may_manage,
    need_app_write,
    no_content,
    not_found,
    parse_time,
    sandbox_state,
    write_route,
)
from wizard.sandbox.state import AppState, KeyCredential, PasswordCredential, new_secret_value
from wizard.sandbox.tls import AppCertificate, public_app_certificate
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response


def _managed_app(request: Request, caller: Caller) -> AppState:
    need_app_write(caller)
    oid = request.path_params["object_id"]
    app = by_object_id(caller.tenant, oid)
    if app is None or sandbox_state(request).writes.lagging(oid):
        raise not_found(oid)
    if not may_manage(caller, app):
        raise denied()
    return app


@write_route("/applications/{object_id}/addPassword", ["POST"])
def add_password(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    """A new client secret: its value is in this answer and nowhere else, ever."""
    app = _managed_app(request, caller)
    given = body.get("passwordCredential") or {}
    if not isinstance(given, dict):
        raise bad_request("Invalid value specified for property 'passwordCredential'.")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    start = parse_time(given.get("startDateTime"), "startDateTime") or now
    end = parse_time(given.get("endDateTime"), "endDateTime") or start + DEFAULT_PASSWORD_LIFETIME
    if end <= start:
        raise bad_request(
            "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'."
        )
    check_password(sandbox_state(request).writes.settings(caller.tenant.spec.id), start, end)
    cred = PasswordCredential(
        str(uuid.uuid4()), new_secret_value(), str(given.get("displayName") or ""), start, end
    )
    app.secrets.append(cred)
    sandbox_state(request).writes.start_lag(caller.tenant.spec.id, cred.key_id, token=True)
    return json_answer(
        request,
        200,
        {
            "@odata.context": context(request, "microsoft.graph.passwordCredential"),
            "customKeyIdentifier": None,
            "displayName": cred.display_name or None,
            "endDateTime": iso(cred.end),
            "hint": cred.hint,
            "keyId": cred.key_id,
            "secretText": cred.value,
            "startDateTime": iso(cred.start),
        },
    )


@write_route("/applications/{object_id}/removePassword", ["POST"])
def remove_password(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    app = _managed_app(request, caller)
    key_id = str(body.get("keyId") or "").lower()
    kept = [s for s in app.secrets if s.key_id.lower() != key_id]
    if len(kept) == len(app.secrets):
        raise not_found(key_id)
    app.secrets[:] = kept
    return no_content(request)


_BAD_KEY = "Invalid value specified for property 'key' of resource 'KeyCredential'."


def public_certificate(raw: bytes) -> AppCertificate | None:
    """A certificate (DER or PEM) as an uploaded key credential: no private key, no files; None if unreadable."""
    from wizard.certs.load import load_bytes

    try:
        loaded = load_bytes(raw)
    except Exception:  # any unreadable upload is the same answer to the caller
        return None
    if loaded.certificate is None or loaded.thumbprints is None:
        return None
    return public_app_certificate(loaded.certificate)  # only the public part is ever uploaded


def _certificate(entry: dict[str, Any]) -> AppCertificate:
    try:
        raw = base64.b64decode(str(entry.get("key")), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(_BAD_KEY) from None
    cert = public_certificate(raw)
    if cert is None:
        raise bad_request(_BAD_KEY)
    return cert


def replace_keys(app: AppState, entries: Any) -> None:
    """PATCH keyCredentials: the list replaces the collection; an entry naming an existing keyId with
    `key: null` keeps that certificate (as azure-cli re-sends them), one with `key` uploads a certificate."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise bad_request("Invalid value specified for property 'keyCredentials'.")
    existing = {k.key_id.lower(): k for k in app.certificates}
    result: list[KeyCredential] = []
    for entry in entries:
        key_id = str(entry.get("keyId") or "").lower()
        if entry.get("key") in (None, ""):
            kept = existing.get(key_id)
            if kept is None:
                raise bad_request(_BAD_KEY)
            if entry.get("displayName"):
                kept.display_name = str(entry["displayName"])
            result.append(kept)
            continue
        if entry.get("type", "AsymmetricX509Cert") != "AsymmetricX509Cert" or entry.get(
            "usage", "Verify"
        ) not in ("Verify", "Encrypt"):
            raise bad_request("Invalid value specified for property 'type' of resource 'KeyCredential'.")
        cert = _certificate(entry)
        same = next((k for k in result if k.certificate.thumbprint_sha256 == cert.thumbprint_sha256), None)
        if same is not None:
            continue
        old = next(
            (k for k in app.certificates if k.certificate.thumbprint_sha256 == cert.thumbprint_sha256), None
        )
        if old is not None:  # the same certificate again keeps its key id (and the sandbox's key files)
            result.append(old)
            continue
        name = str(entry.get("displayName") or "")
        result.append(KeyCredential(key_id or str(uuid.uuid4()), cert, display_name=name))
    app.certificates[:] = result


ROUTES = [add_password, remove_password]
