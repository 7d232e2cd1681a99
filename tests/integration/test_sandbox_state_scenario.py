"""`sandbox --state PATH` keeps what writes changed on the scenario's own apps, not only what they created:
a secret added to graph-daemon, a federated credential, admin consent granted to unconsented-daemon, and a
scenario app deleted all survive a restart; apps nobody touched are built afresh as before."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import msal
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.graph_write_helpers import bearer
from tests.integration.test_sandbox_graph_keys import key_pem, proof, thumbprint
from tests.integration.test_sandbox_state import admin_of, client_credentials, standalone
from wizard.certs.generate import build_certificate
from wizard.sandbox.scenario import GRAPH_APP_ID
from wizard.sandbox.trust import httpx_client, requests_session
from wizard.tokens.decode import decode_token

USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"
FIC = {
    "issuer": "https://token.actions.githubusercontent.com",
    "subject": "repo:contoso/orders:environment:prod",
    "audiences": ["api://AzureADTokenExchange"],
}


def app_of(contoso: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in contoso["apps"] if a["name"] == name)
    return found


def test_changes_to_scenario_apps_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    with standalone(tmp_path, "--state", str(db)) as info:
        contoso, admin = admin_of(info)
        g = info["graph_base_url"]
        daemon = app_of(contoso, "graph-daemon")
        other = app_of(contoso, "unconsented-daemon")
        with httpx_client(info["ca_file"], timeout=30) as http:
            added = http.post(
                f"{g}/applications/{daemon['object_id']}/addPassword",
                json={"passwordCredential": {"displayName": "rotated"}},
                headers=bearer(admin),
            )
            assert added.status_code == 200, added.text
            fic = http.patch(
                f"{g}/applications/{daemon['object_id']}/federatedIdentityCredentials(name='deploy')",
                json=FIC,
                headers=bearer(admin, Prefer="create-if-missing"),
            )
            assert fic.status_code == 201, fic.text
            graph_sp = http.get(
                f"{g}/servicePrincipals(appId='{GRAPH_APP_ID}')", headers=bearer(admin)
            ).json()
            grant = http.post(
                f"{g}/servicePrincipals/{graph_sp['id']}/appRoleAssignedTo",
                json={
                    "principalId": http.get(
                        f"{g}/servicePrincipals(appId='{other['client_id']}')", headers=bearer(admin)
                    ).json()["id"],
                    "resourceId": graph_sp["id"],
                    "appRoleId": USER_READ_ALL,
                },
                headers=bearer(admin),
            )
            assert grant.status_code == 201, grant.text
            binned = app_of(contoso, "cert-daemon")
            assert (
                http.delete(f"{g}/applications/{binned['object_id']}", headers=bearer(admin)).status_code
                == 204
            )
        untouched_before = (
            app_of(contoso, "graph-daemon")["secret"],
            app_of(contoso, "unconsented-daemon")["secret"],
        )

    with standalone(tmp_path, "--state", str(db)) as info:
        contoso, admin = admin_of(info)
        g = info["graph_base_url"]
        authority = contoso["authority"]
        with httpx_client(info["ca_file"], timeout=30) as http:
            # The secret added through Graph last time still gets a token (and is the one the ready line shows).
            token = client_credentials(http, authority, daemon["client_id"], added.json()["secretText"])
            assert token.status_code == 200, token.text
            assert app_of(contoso, "graph-daemon")["secret"] == added.json()["secretText"]
            # unconsented-daemon keeps its secret of last run, and the consent granted then.
            kept = client_credentials(http, authority, other["client_id"], untouched_before[1])
            assert kept.status_code == 200, kept.text
            assert decode_token(kept.json()["access_token"]).claims.get("roles") == ["User.Read.All"]
            fics = http.get(
                f"{g}/applications/{daemon['object_id']}/federatedIdentityCredentials", headers=bearer(admin)
            ).json()["value"]
            assert [(f["name"], f["subject"]) for f in fics] == [("deploy", FIC["subject"])]
            assert all(a["name"] != "cert-daemon" for a in contoso["apps"])
            deleted = http.get(
                f"{g}/directory/deletedItems/microsoft.graph.application", headers=bearer(admin)
            ).json()["value"]
            assert binned["object_id"] in {d["id"] for d in deleted}


def cert_token(info: dict[str, Any], app: dict[str, Any], key_pem_text: str, sha1: str) -> dict[str, Any]:
    with requests_session(info["ca_file"]) as session:
        cca = msal.ConfidentialClientApplication(
            app["client_id"],
            client_credential={"private_key": key_pem_text, "thumbprint": sha1},
            authority=app["authority"],
            http_client=session,
            instance_discovery=False,
        )
        result: dict[str, Any] = cca.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    return result


def test_certificates_rolled_or_kept_survive_a_restart(tmp_path: Path) -> None:
    """The scenario's own certificate is made anew each run: kept where it was, gone where it was rolled."""
    db = tmp_path / "tenant.db"
    new_key, new_cert = build_certificate(subject="CN=rolled")
    with standalone(tmp_path, "--state", str(db)) as info:
        contoso, admin = admin_of(info)
        g = info["graph_base_url"]
        both, rolled = app_of(contoso, "both-daemon"), app_of(contoso, "cert-daemon")
        with open(rolled["certificate"]["key_pem"], "rb") as f:
            old_key = serialization.load_pem_private_key(f.read(), password=None)
        with open(rolled["certificate"]["cert_pem"], "rb") as f:
            old_cert = x509.load_pem_x509_certificate(f.read())
        assert isinstance(old_key, rsa.RSAPrivateKey)
        with httpx_client(info["ca_file"], timeout=30) as http:
            secret = http.post(
                f"{g}/applications/{both['object_id']}/addPassword", json={}, headers=bearer(admin)
            ).json()["secretText"]
            der = new_cert.public_bytes(serialization.Encoding.DER)
            added = http.post(
                f"{g}/applications/{rolled['object_id']}/addKey",
                json={
                    "keyCredential": {
                        "type": "AsymmetricX509Cert",
                        "usage": "Verify",
                        "key": base64.b64encode(der).decode(),
                    },
                    "passwordCredential": None,
                    "proof": proof(old_key, old_cert, rolled["object_id"]),
                },
                headers=bearer(admin),
            )
            assert added.status_code == 200, added.text
            keys = http.get(f"{g}/applications/{rolled['object_id']}", headers=bearer(admin)).json()
            old_id = next(
                k["keyId"]
                for k in keys["keyCredentials"]
                if str(k["customKeyIdentifier"]).upper() == thumbprint(old_cert)
            )
            removed = http.post(
                f"{g}/applications/{rolled['object_id']}/removeKey",
                json={"keyId": old_id, "proof": proof(new_key, new_cert, rolled["object_id"])},
                headers=bearer(admin),
            )
            assert removed.status_code == 204, removed.text

    with standalone(tmp_path, "--state", str(db)) as info:
        contoso, _ = admin_of(info)
        both, rolled = app_of(contoso, "both-daemon"), app_of(contoso, "cert-daemon")
        assert both["secret"] == secret  # the secret added last run is kept (and shown)
        with open(both["certificate"]["key_pem"]) as f:  # this run's own certificate, still registered
            assert "access_token" in cert_token(info, both, f.read(), both["certificate"]["thumbprint_sha1"])
        assert rolled["certificate"] is None  # rolled away: not made again
        assert "access_token" in cert_token(info, rolled, key_pem(new_key), thumbprint(new_cert))
