"""Uploading a certificate to a sandbox app, as the portal's "Upload certificate" does, with real msal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import msal
import pytest

from wizard.certs.generate import generate_certificate
from wizard.errors import CertificateError
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import requests_session

GRAPH = ["https://graph.microsoft.com/.default"]


def _acquire(sb: Sandbox, files: dict[str, Path], *, sha1: bool) -> dict[str, object]:
    app = sb.app("cert-daemon")
    key = files["key"].read_text()
    credential: dict[str, str] = {"private_key": key}
    if sha1:
        credential["thumbprint"] = files["thumbprint"].read_text()
    else:
        credential["public_certificate"] = files["cert_pem"].read_text()
    session = requests_session(sb.ca_file)
    cca = msal.ConfidentialClientApplication(
        app.client_id,
        client_credential=credential,
        authority=app.authority,
        http_client=session,
        instance_discovery=False,
    )
    try:
        result: dict[str, object] = cca.acquire_token_for_client(GRAPH)
    finally:
        session.close()
    return result


@pytest.mark.parametrize("sha1", [True, False], ids=["sha1-x5t", "sha256-x5t#S256"])
def test_new_certificate_is_refused_until_uploaded(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, sha1: bool
) -> None:
    sb = make_sandbox()
    made = generate_certificate(subject="CN=uploaded", out_dir=tmp_path)
    thumb = tmp_path / "thumbprint.txt"
    thumb.write_text(made.thumbprints.sha1_hex)
    files = {
        "key": Path(made.files["key"].path),
        "cert_pem": Path(made.files["cert_pem"].path),
        "thumbprint": thumb,
    }
    before = _acquire(sb, files, sha1=sha1)
    assert before.get("error") == "invalid_client"
    assert 700027 in before["error_codes"]  # type: ignore[operator]
    key_id = sb.state.upload_certificate(
        sb.app("cert-daemon").client_id, Path(made.files["cert_der"].path).read_bytes()
    )
    # Uploading the same certificate again is idempotent, as the portal refuses duplicates.
    assert (
        sb.state.upload_certificate(
            sb.app("cert-daemon").client_id, Path(made.files["cert_pem"].path).read_bytes()
        )
        == key_id
    )
    after = _acquire(sb, files, sha1=sha1)
    assert after.get("token_type") == "Bearer", after
    # The app's own certificate (with its files) is still what app() reports.
    assert sb.app("cert-daemon").cert_key_path


def test_upload_refuses_a_key_without_certificate(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path
) -> None:
    sb = make_sandbox()
    made = generate_certificate(subject="CN=k", out_dir=tmp_path)
    with pytest.raises(CertificateError, match="No certificate"):
        sb.state.upload_certificate(
            sb.app("cert-daemon").client_id, Path(made.files["key"].path).read_bytes()
        )
