"""Hostile servers over real HTTPS on loopback: a token whose issuer is our own key server, and a token
endpoint that echoes the secret back in its error text and correlation id."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import msal
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from wizard.cli.main import main
from wizard.sandbox import Sandbox
from wizard.sandbox.tls import issue_server_cert, load_or_create_ca

TENANT = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
CLIENT = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
#: Not shaped like an Entra secret: only the redactor's knowledge of the value can mask it.
ECHOED = "EchoCanary-0123456789-do-not-print"


class _Server:
    """A tiny HTTPS server whose handler is set per test; records every request path."""

    def __init__(self, folder: Path, handler: Any) -> None:
        ca = load_or_create_ca(folder)
        cert, key = issue_server_cert(ca, ["127.0.0.1"], folder)
        self.ca_file = str(ca.cert_path)
        self.paths: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, body: bytes) -> None:
                owner.paths.append(self.path)
                status, payload = handler(self.command, self.path, body, owner.base_url)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer(b"")

            def do_POST(self) -> None:
                self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.base_url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    started: list[_Server] = []

    def start(handler: Any) -> _Server:
        server = _Server(tmp_path, handler)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def test_a_token_signed_by_our_own_key_on_loopback_is_not_verified(
    serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk["kid"] = "attacker"

    def keys(method: str, path: str, body: bytes, base: str) -> tuple[int, Any]:
        if path.endswith("/.well-known/openid-configuration"):
            return 200, {"issuer": f"{base}/{TENANT}/v2.0", "jwks_uri": f"{base}/keys"}
        return 200, {"keys": [jwk]}

    server = serve(keys)
    claims = {"aud": "api://x", "iss": f"{server.base_url}/{TENANT}/v2.0", "tid": TENANT, "roles": ["All"]}
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "attacker"})
    assert main(["decode", token, "--verify", "--ca-file", server.ca_file, "--json"]) == 0
    signature = json.loads(capsys.readouterr().out)["signature"]
    assert signature["verified"] is False
    assert signature["label"] == "untrusted issuer"
    assert server.paths == [], "the tool fetched what the token pointed at"
    # Named explicitly, the same server is what the user asked to trust: then it is checked.
    argv = ["decode", token, "--verify", "--issuer", claims["iss"], "--ca-file", server.ca_file, "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["signature"]["verified"] is True


def test_the_sandbox_is_verified_only_when_named(
    sandbox: Sandbox, sandbox_session: requests.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    app = sandbox.app("todo-daemon")
    cca = msal.ConfidentialClientApplication(
        app.client_id,
        client_credential=app.secret,
        authority=app.authority,
        http_client=sandbox_session,
        instance_discovery=False,
    )
    tenant = next(t for t in sandbox.state.tenants.values() if t.spec.id == app.tenant_id)
    api = tenant.api_by_name("todo-api")
    assert api is not None
    token = cca.acquire_token_for_client([f"{api.app_id_uri}/.default"])["access_token"]
    sandbox.clear_request_log()
    assert main(["decode", token, "--verify", "--ca-file", sandbox.ca_file, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["signature"]["label"] == "untrusted issuer"
    assert [e.path for e in sandbox.request_log] == []
    issuer = f"{app.authority}/v2.0"
    assert main(["decode", token, "--verify", "--issuer", issuer, "--ca-file", sandbox.ca_file]) == 0
    assert "signature verified" in capsys.readouterr().out


def _echoing_token_endpoint(method: str, path: str, body: bytes, base: str) -> tuple[int, Any]:
    if path.endswith("/.well-known/openid-configuration"):
        return 200, {
            "issuer": f"{base}/{TENANT}/v2.0",
            "token_endpoint": f"{base}/{TENANT}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/{TENANT}/oauth2/v2.0/authorize",
            "jwks_uri": f"{base}/{TENANT}/discovery/v2.0/keys",
        }
    sent = parse_qs(body.decode()).get("client_secret", [""])[0]
    return 401, {
        "error": "invalid_client",
        "error_description": f"AADSTS7000215: Invalid client secret provided: {sent}. Trace ID: x",
        "error_codes": [7000215],
        "correlation_id": sent,
        "trace_id": sent,
    }


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_token_endpoint_echoing_the_secret_never_gets_it_printed(
    serve: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    server = serve(_echoing_token_endpoint)
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", ECHOED)
    argv = [
        "token",
        "--authority",
        f"{server.base_url}/{TENANT}",
        "--client-id",
        CLIENT,
        "--scope",
        "https://graph.microsoft.com/.default",
        "--ca-file",
        server.ca_file,
        "--no-prompt",
        "--no-proxy",
        *(["--json"] if as_json else []),
    ]
    code = main(argv)
    captured = capsys.readouterr()
    assert any("/oauth2/v2.0/token" in p for p in server.paths), server.paths  # it really asked
    assert code == 1, captured.err
    assert "7000215" in captured.out + captured.err
    assert ECHOED not in captured.out + captured.err
