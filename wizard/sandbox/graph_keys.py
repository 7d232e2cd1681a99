"""An application rolling its own certificates through Graph: `POST /applications/{id}/addKey` and
`/removeKey` (also by `(appId='…')`), each with a proof of possession of a key it already has.

As Graph documents it: the proof is a JWT signed with the private key of one of the app's currently valid
certificates, `aud` 00000002-0000-0000-c000-000000000000, `iss` the application's object id, `nbf` and `exp`
at most 10 minutes apart. An app needs no permission to roll its own keys (an app-only token of the app
itself); anyone else needs what other application writes need. An app without a valid certificate cannot
use these actions. A proof Graph cannot accept is answered 401 `Authentication_MissingOrMalformed`
"Access Token missing or malformed." (the text users report; its status is the nearest found, not verified).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from typing import Any

from wizard.sandbox import odata
from wizard.sandbox.graph import Caller
from wizard.sandbox.graph_credentials import public_certificate
from wizard.sandbox.graph_directory import by_object_id
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
    sandbox_state,
    write_route,
)
from wizard.sandbox.state import AppState, KeyCredential
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response

PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000"
MAX_PROOF_LIFETIME = 600  # seconds between nbf and exp
SKEW = 300
_ALGORITHMS = ("RS256", "PS256")
_BAD_KEY = "Invalid value specified for property 'key' of resource 'KeyCredential'."


def bad_proof() -> odata.ODataError:
    return odata.ODataError(401, "Authentication_MissingOrMalformed", "Access Token missing or malformed.")


def _target(request: Request, caller: Caller) -> AppState:
    """The application named by the path, when this caller may roll its keys."""
    params = request.path_params
    if "object_id" in params:
        ident = str(params["object_id"])
        app = by_object_id(caller.tenant, ident)
    else:
        ident = f"appId={params['app_id']}"
        app = caller.tenant.apps.get(str(params["app_id"]).lower())
    itself = caller.app_only and caller.app is not None and app is caller.app
    if not itself:  # an app rolling its own keys needs no permission; anyone else the usual ones
        need_app_write(caller)
    if app is None or sandbox_state(request).writes.lagging(app.spec.object_id):
        raise not_found(ident)
    if not itself and not may_manage(caller, app):
        raise denied()
    return app


def _valid_now(key: KeyCredential, now: dt.datetime) -> bool:
    return key.certificate.start <= now <= key.certificate.end


def verify_proof(proof: object, app: AppState, *, now: dt.datetime | None = None) -> KeyCredential:
    """The valid certificate that signed `proof`, or Graph's refusal of the proof."""
    import jwt  # with its first use, as the sandbox's start does without PyJWT

    from wizard.sandbox.assertion import thumbprint_hex  # loaded with its first use (doctor never needs it)

    if not isinstance(proof, str) or not proof:
        raise bad_request("Invalid value specified for property 'proof'.")
    when = now or dt.datetime.now(dt.timezone.utc)
    try:
        header = jwt.get_unverified_header(proof)
    except jwt.PyJWTError:
        raise bad_proof() from None
    alg = header.get("alg")
    if alg not in _ALGORITHMS:
        raise bad_proof()
    named = thumbprint_hex(header.get("x5t")) or str(header.get("kid") or "").upper()
    candidates = [k for k in app.certificates if _valid_now(k, when)]
    if named:
        candidates = [k for k in candidates if k.certificate.thumbprint_sha1.upper() == named]
    for key in candidates:
        try:
            claims: dict[str, Any] = jwt.decode(
                proof,
                key.certificate.cert.public_key(),  # type: ignore[arg-type]
                algorithms=[str(alg)],
                audience=PROOF_AUDIENCE,
                leeway=SKEW,
                options={"require": ["aud", "iss", "nbf", "exp"]},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError:
            raise bad_proof() from None
        if str(claims["iss"]).lower() != app.spec.object_id.lower():
            raise bad_proof()
        if not 0 < float(claims["exp"]) - float(claims["nbf"]) <= MAX_PROOF_LIFETIME:
            raise bad_proof()
        return key
    raise bad_proof()  # no valid certificate of the app signed it (or it has none)


def key_json(key: KeyCredential) -> dict[str, Any]:
    cert = key.certificate
    return {
        "customKeyIdentifier": cert.thumbprint_sha1,
        "displayName": key.display_name or cert.subject,
        "endDateTime": iso(cert.end),
        "key": None,
        "keyId": key.key_id,
        "startDateTime": iso(cert.start),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }


def _new_key(body: dict[str, Any]) -> KeyCredential:
    given = body.get("keyCredential")
    if not isinstance(given, dict):
        raise bad_request("Invalid value specified for property 'keyCredential'.")
    if given.get("type") != "AsymmetricX509Cert" or given.get("usage") != "Verify":
        # X509CertAndPassword (usage Sign) is for SAML signing apps, not a daemon's credential.
        raise bad_request("Invalid value specified for property 'type' of resource 'KeyCredential'.")
    try:
        raw = base64.b64decode(str(given.get("key") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(_BAD_KEY) from None
    cert = public_certificate(raw) if raw else None
    if cert is None:
        raise bad_request(_BAD_KEY)
    return KeyCredential(str(uuid.uuid4()), cert, display_name=str(given.get("displayName") or ""))


def _add_key(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    app = _target(request, caller)
    new = _new_key(body)
    verify_proof(body.get("proof"), app)
    same = next(
        (k for k in app.certificates if k.certificate.thumbprint_sha256 == new.certificate.thumbprint_sha256),
        None,
    )
    if same is None:
        app.certificates.insert(0, new)  # the scenario's own certificate (with its files) stays last
    answer = key_json(same or new)
    return json_answer(
        request, 200, {"@odata.context": context(request, "microsoft.graph.keyCredential"), **answer}
    )


def _remove_key(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    app = _target(request, caller)
    key_id = str(body.get("keyId") or "").lower()
    try:
        uuid.UUID(key_id)
    except ValueError:
        raise bad_request("Invalid value specified for property 'keyId'.") from None
    verify_proof(body.get("proof"), app)
    kept = [k for k in app.certificates if k.key_id.lower() != key_id]
    if len(kept) == len(app.certificates):
        raise not_found(key_id)
    app.certificates[:] = kept
    return no_content(request)


ROUTES = [
    write_route("/applications/{object_id}/addKey", ["POST"])(_add_key),
    write_route("/applications(appId='{app_id}')/addKey", ["POST"])(_add_key),
    write_route("/applications/{object_id}/removeKey", ["POST"])(_remove_key),
    write_route("/applications(appId='{app_id}')/removeKey", ["POST"])(_remove_key),
]
