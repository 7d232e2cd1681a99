""" "Fix it now" requests applied on the sandbox (msgraph-sdk over HTTPS): the user's own certificate uploaded
beside the existing keys (never a generated one), a key+thumbprint profile refused with what is missing, and
the federated credentials the diagnosis reads through Graph with the admin's token, off the sandbox too."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from screens.admin_fix import fix_request
from screens.admin_services import AdminSession, AdminTarget
from screens.flow import known_registration
from screens.services import SandboxSession
from tests.integration.delegated_helpers import private_sandbox
from tests.integration.test_register_apply_sandbox import admin, plan, run
from wizard.certs.generate import generate_certificate
from wizard.certs.load import load_files
from wizard.errors import UsageError
from wizard.live.doctor import DoctorOptions, run_doctor
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.live.trace import Trace
from wizard.profile import CertificateRef, CredentialKind, Profile
from wizard.sandbox import Sandbox, handle_for

GA = "Global Administrator"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "fixnow")


def _thumbprints(sb: Sandbox, client_id: str) -> list[str]:
    keys = handle_for(sb).registration(client_id).get("keyCredentials") or []
    return [str(k.get("customKeyIdentifier", "")).upper() for k in keys]


def _own_certificate(tmp: Path) -> tuple[str, str, str]:
    """The user's own key and certificate (made elsewhere, not registered): key file, cert file, SHA-1."""
    made = generate_certificate(subject="CN=my-own-daemon", out_dir=tmp, name="mine")
    cert, key = made.files["cert_pem"].path, made.files["key"].path
    prints = load_files(cert).thumbprints
    assert prints is not None
    return str(key), str(cert), prints.sha1_hex


def test_certificate_fix_uploads_exactly_the_users_certificate_keeping_the_keys(
    sb: Sandbox, tmp_path: Path
) -> None:
    profile, _ = sandbox_app_profile(sb, "cert-daemon")
    before = _thumbprints(sb, profile.client_id)
    assert before  # the app has a certificate already
    key, cert, sha1 = _own_certificate(tmp_path / "mine")
    # A combined PEM (key then certificate) in the key field, no certificate file: still the user's own.
    combined = tmp_path / "combined.pem"
    combined.write_text(Path(key).read_text() + Path(cert).read_text())
    profile = profile.with_(certificate=CertificateRef(key_path=str(combined), thumbprint_sha1=sha1))
    request = fix_request("certificate-not-registered", profile)
    assert request.certificate == str(combined)
    result = run(sb, tmp_path, admin(sb, GA), request)
    assert result.ok, result.findings
    after = _thumbprints(sb, profile.client_id)
    assert sorted(after) == sorted([*before, sha1])  # that one certificate, the others kept
    assert (result.certificate or {}).get("cert_path") == str(combined)  # nothing generated instead


def test_key_and_thumbprint_without_the_certificate_says_the_file_is_needed(tmp_path: Path) -> None:
    key, _, sha1 = _own_certificate(tmp_path)
    profile = Profile(
        client_id="c0ffee00-0002-4000-a000-00000000c11e",
        credential=CredentialKind.CERTIFICATE,
        certificate=CertificateRef(key_path=key, thumbprint_sha1=sha1),
    )
    with pytest.raises(UsageError) as caught:
        fix_request("certificate-not-registered", profile)
    assert "certificate file is needed" in caught.value.title
    assert "private key and a thumbprint" in caught.value.title
    assert "no certificate was generated" in (caught.value.hint or "")


def test_a_certificate_that_is_not_the_profiles_is_refused(tmp_path: Path) -> None:
    _, cert, _ = _own_certificate(tmp_path)
    profile = Profile(
        client_id="c0ffee00-0002-4000-a000-00000000c11e",
        certificate=CertificateRef(cert_path=cert, thumbprint_sha1="AB" * 20),
    )
    with pytest.raises(UsageError, match="not the one the profile names"):
        fix_request("certificate-not-registered", profile)


def test_secret_fix_adds_a_secret_even_though_one_exists(sb: Sandbox, tmp_path: Path) -> None:
    profile, _ = sandbox_app_profile(sb, "graph-daemon")
    request = fix_request("secret-invalid", profile)
    token = admin(sb, GA)
    step = next(s for s in plan(sb, token, request, Trace()).steps if s.action == "add client secret")
    assert step.status == "todo" and "existing kept" in step.reason


def _session(sb: Sandbox) -> AdminSession:
    return AdminSession(AdminTarget.sandbox(handle_for(sb)), admin(sb, GA))


def test_the_diagnosis_reads_the_federated_credentials_through_graph(sb: Sandbox) -> None:
    """Off the sandbox (no sandbox view at all) the admin's Graph read gives the app's FICs."""
    profile, _ = sandbox_app_profile(sb, "federated-daemon")
    found = known_registration(profile, None, _session(sb), 30.0)
    assert found is not None
    names = [c["name"] for c in found.data["federatedIdentityCredentials"]]
    assert "github-production" in names


def test_without_an_admin_the_sandbox_view_carries_no_federated_credentials(sb: Sandbox) -> None:
    """No back door: the sandbox's own view still tells the rest, not the credentials Graph would."""
    profile, _ = sandbox_app_profile(sb, "federated-daemon")
    found = known_registration(profile, SandboxSession(handle_for(sb)), None, 30.0)
    assert found is not None and found.data.get("appId") == profile.client_id
    assert "federatedIdentityCredentials" not in found.data


def test_a_proxy_url_reaches_the_live_run_and_its_failure_names_that_proxy(sb: Sandbox) -> None:
    """The TUI's proxy setting is the live run's: a proxy that is not there is the network-proxy finding."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    profile, secret = sandbox_app_profile(sb, "graph-daemon")
    report = run_doctor(
        profile,
        secret=secret,
        ca_file=sb.ca_file,
        options=DoctorOptions(timeout=10),
        use_env_proxies=False,
        proxy=f"http://127.0.0.1:{closed}",
    )
    assert report.findings and report.findings[0].code == "network-proxy", report.codes
    assert report.error is not None and f"127.0.0.1:{closed}" in report.error.title
