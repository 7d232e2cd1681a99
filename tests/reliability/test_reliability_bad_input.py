"""Bad input where the existing property tests stop: the CLI entry points (decode, explain, import) and the
sandbox token endpoint under arbitrary input give typed errors and exit codes, never a crash or a 5xx."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.cli.main import main
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=15), children, max_size=4)
    ),
    max_leaves=20,
)
EVIDENCE_KEYS = [
    "config",
    "token_error",
    "client_error",
    "access_token",
    "token_claims",
    "api",
    "app_registration",
    "now",
]


def _main(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@SETTINGS
@given(st.text(max_size=300) | st.builds(lambda a, b, c: f"{a}.{b}.{c}", st.text(), st.text(), st.text()))
def test_decode_cli(text: str) -> None:
    code, shown = (
        _main("decode", "--json", "--", text) if text.startswith("-") else _main("decode", "--json", text)
    )
    assert code in (0, 2)
    assert "Traceback" not in shown


@SETTINGS
@given(st.dictionaries(st.sampled_from(EVIDENCE_KEYS), JSON, max_size=6) | JSON)
def test_explain_cli(evidence: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "evidence.json"
        path.write_text(json.dumps(evidence))
        code, shown = _main("explain", str(path), "--json")
    assert code in (0, 1, 2)
    assert "Traceback" not in shown


@SETTINGS
@given(
    st.binary(max_size=400),
    st.sampled_from(
        ["appsettings.json", ".env", "application.properties", "profile.toml", "parameters.json", "x"]
    ),
)
def test_import_cli(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        code, shown = _main("import", str(path), "--json")
    assert code in (0, 1, 2)
    assert "Traceback" not in shown


FORM_KEYS = [
    "grant_type",
    "client_id",
    "client_secret",
    "scope",
    "client_assertion",
    "client_assertion_type",
    "resource",
]


@SETTINGS
@given(
    form=st.dictionaries(st.sampled_from(FORM_KEYS) | st.text(max_size=10), st.text(max_size=60), max_size=6),
    tenant=st.sampled_from(
        ["contoso.onmicrosoft.com", "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001", "nope", "common"]
    ),
    basic=st.none() | st.tuples(st.text(max_size=20), st.text(max_size=20)),
)
def test_sandbox_token_endpoint_answers_4xx_never_5xx(
    sandbox: Sandbox, form: dict[str, str], tenant: str, basic: tuple[str, str] | None
) -> None:
    with httpx_client(sandbox.ca_file, timeout=10) as http:
        try:
            r = http.post(f"{sandbox.base_url}/{tenant}/oauth2/v2.0/token", data=form, auth=basic)
        except httpx.InvalidURL:  # the client refuses what it cannot encode: nothing was sent
            return
    assert r.status_code < 500, r.text[:300]
    body = r.json()
    assert ("access_token" in body) == (r.status_code == 200)
    if r.status_code >= 400:
        assert body["error"]
        assert body["error_description"].startswith("AADSTS")
