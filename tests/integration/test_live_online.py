"""Against a real Entra tenant (opt in): `pytest -m online` with the DAEMON_WIZARD_ONLINE_* variables.

    DAEMON_WIZARD_ONLINE_TENANT      tenant ID or domain
    DAEMON_WIZARD_ONLINE_CLIENT_ID   the daemon app's client ID
    DAEMON_WIZARD_ONLINE_SECRET      its client secret (or _KEY and _CERT: PEM file paths)
    DAEMON_WIZARD_ONLINE_AUTHORITY   optional: e.g. https://contoso.ciamlogin.com/<tenant> for External ID

The app needs the Application permission User.Read.All on Microsoft Graph, admin-consented.
Proxies come from HTTPS_PROXY/NO_PROXY as usual.
"""

from __future__ import annotations

import os

import pytest

from wizard.live.doctor import DoctorOptions, run_doctor
from wizard.profile import CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

pytestmark = pytest.mark.online


def _profile() -> tuple[Profile, Secret | None]:
    env = os.environ.get
    tenant, client_id = env("DAEMON_WIZARD_ONLINE_TENANT"), env("DAEMON_WIZARD_ONLINE_CLIENT_ID")
    if not tenant or not client_id:
        pytest.skip("DAEMON_WIZARD_ONLINE_TENANT and DAEMON_WIZARD_ONLINE_CLIENT_ID are not set")
    profile = Profile(
        tenant=tenant, client_id=client_id, authority_override=env("DAEMON_WIZARD_ONLINE_AUTHORITY")
    )
    if env("DAEMON_WIZARD_ONLINE_KEY"):
        ref = CertificateRef(
            key_path=env("DAEMON_WIZARD_ONLINE_KEY"), cert_path=env("DAEMON_WIZARD_ONLINE_CERT")
        )
        return profile.with_(credential=CredentialKind.CERTIFICATE, certificate=ref), None
    secret = env("DAEMON_WIZARD_ONLINE_SECRET")
    if not secret:
        pytest.skip("DAEMON_WIZARD_ONLINE_SECRET (or _KEY/_CERT) is not set")
    return profile, Secret(secret)


@pytest.mark.parametrize("via", ["msal", "azure-identity"])
def test_real_tenant_doctor(via: str) -> None:
    profile, secret = _profile()
    report = run_doctor(profile, secret=secret, options=DoctorOptions(via=via, timeout=60))  # type: ignore[arg-type]
    assert report.verdict == "ok", report.to_dict()
    assert report.token is not None
    assert "User.Read.All" in report.token["roles"]
