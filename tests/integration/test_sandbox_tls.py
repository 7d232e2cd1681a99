"""TLS: the persisted CA, extra host names on the server certificate, and trust despite env overrides."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from pathlib import Path

import msal
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from wizard.sandbox import Sandbox
from wizard.sandbox.trust import requests_session, ssl_context


def _server_cert(sb: Sandbox, server_name: str) -> x509.Certificate:
    ctx = ssl_context(sb.ca_file)
    ctx.check_hostname = False  # we read the certificate, then check its names ourselves
    with (
        socket.create_connection(("127.0.0.1", sb.port), timeout=5) as raw,
        ctx.wrap_socket(raw, server_hostname=server_name) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der
    return x509.load_der_x509_certificate(der)


def test_hostnames_are_on_the_certificate_and_verify(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox(hostnames=("login.microsoftonline.com", "graph.microsoft.com"))
    cert = _server_cert(sb, "login.microsoftonline.com")
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName
    )
    assert {"localhost", "login.microsoftonline.com", "graph.microsoft.com"} <= set(names)
    strict = ssl_context(sb.ca_file)  # full verification under the overriding name
    with (
        socket.create_connection(("127.0.0.1", sb.port), timeout=5) as raw,
        strict.wrap_socket(raw, server_hostname="graph.microsoft.com") as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    # The served key is the ECDSA one (cheap handshakes), and a TLS 1.2-only client still connects.
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    legacy = ssl_context(sb.ca_file)
    legacy.maximum_version = ssl.TLSVersion.TLSv1_2
    with (
        socket.create_connection(("127.0.0.1", sb.port), timeout=5) as raw,
        legacy.wrap_socket(raw, server_hostname="login.microsoftonline.com") as tls,
    ):
        assert tls.version() == "TLSv1.2" and "ECDSA" in (tls.cipher() or ("",))[0]


def test_ca_is_persisted_and_reused(tmp_path: Path, make_sandbox: Callable[..., Sandbox]) -> None:
    first = make_sandbox(data_dir=tmp_path)
    pem = Path(first.ca_file).read_bytes()
    second = make_sandbox(data_dir=tmp_path)
    assert Path(second.ca_file).read_bytes() == pem
    assert (tmp_path / "sandbox" / "ca-bundle.pem").stat().st_mode & 0o077 == 0


def test_untrusted_without_the_ca(sandbox: Sandbox) -> None:
    ctx = ssl.create_default_context()
    with (
        socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as raw,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        ctx.wrap_socket(raw, server_hostname="127.0.0.1")


def test_trust_env_false_beats_requests_ca_bundle(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A bundle without the sandbox CA, as REQUESTS_CA_BUNDLE often is on build machines.
    other = tmp_path / "system-bundle.pem"
    other.write_bytes(Path(sandbox.ca_file).read_bytes().replace(b"CERTIFICATE", b"CERTIFICATX"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
    url = f"{sandbox.authority('contoso')}/v2.0/.well-known/openid-configuration"
    naive = requests.Session()
    naive.verify = sandbox.ca_file  # silently overridden by the environment variable
    with pytest.raises((requests.exceptions.SSLError, OSError)):
        naive.get(url, timeout=5)
    naive.close()
    app = sandbox.app("graph-daemon")
    cca = msal.ConfidentialClientApplication(
        app.client_id,
        client_credential=app.secret,
        authority=app.authority,
        http_client=requests_session(sandbox.ca_file),
        instance_discovery=False,
    )
    assert "access_token" in cca.acquire_token_for_client(["https://graph.microsoft.com/.default"])


def test_data_root_honours_daemon_wizard_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_HOME", str(tmp_path))
    with Sandbox() as sb:
        assert Path(sb.ca_file).parent == tmp_path / "sandbox"
