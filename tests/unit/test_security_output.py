"""The one output exit and the one redactor: secrets by value and by shape, control characters, names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli.main import main
from wizard.cli.output import emit_json, err, out, reveal_line
from wizard.errors import TokenError, UsageError
from wizard.profile_store import check_name
from wizard.redact import mask_config_text, redact_text, terminal_safe
from wizard.secret import Secret
from wizard.validation import check_client_id

CLIENT = "6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d"
TENANT = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
ENTRA_SHAPED = "Xy8Q~AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
PLAIN = "plain-canary-value-0123456789"  # not shaped like anything: only its value is known


def test_every_known_secret_is_masked_at_the_exit(capsys: pytest.CaptureFixture[str]) -> None:
    Secret(PLAIN)  # the secret sources wrap what they read; the redactor learns it from the wrapper
    out(f"the server said: {PLAIN}")
    err(f"error: {PLAIN}")
    emit_json({"nested": [{"description": f"echo {PLAIN}"}], PLAIN: 1})
    captured = capsys.readouterr()
    assert PLAIN not in captured.out + captured.err
    assert "pla…789" in captured.out and "pla…789" in captured.err


def test_secret_shapes_are_masked_even_when_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    jwt_like = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGk6Ly94In0.c2lnbmF0dXJl"
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    err(f"{ENTRA_SHAPED} {jwt_like}\n{pem}")
    text = capsys.readouterr().err
    for leaked in (ENTRA_SHAPED, jwt_like, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"):
        assert leaked not in text


def test_reveal_line_is_the_one_deliberate_exception(capsys: pytest.CaptureFixture[str]) -> None:
    Secret(PLAIN)
    reveal_line(PLAIN)
    assert capsys.readouterr().out == PLAIN + "\n"


def test_control_characters_never_reach_the_terminal_raw(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "name\x1b]0;pwned\x07\x1b[2J\rover\u202egnp.exe\x9b"
    out(hostile)
    err(hostile)
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert not any(ch in stream for ch in "\x1b\x07\r\u202e\x9b")
        assert "\\x1b]0;pwned" in stream
    assert terminal_safe("a\tb\nc") == "a\tb\nc"


def test_an_error_built_from_a_server_text_carries_no_secret() -> None:
    Secret(PLAIN)
    exc = TokenError(
        f"refused: {PLAIN}",
        hint=f"Invalid client secret provided: {PLAIN}",
        correlation_id=PLAIN,
        body={"error_description": PLAIN},
    )
    for value in (exc.title, exc.hint, exc.correlation_id, json.dumps(exc.body), str(exc)):
        assert PLAIN not in (value or "")


def test_a_secret_in_the_client_id_field_is_masked_in_the_problem() -> None:
    (problem,) = check_client_id(ENTRA_SHAPED)
    assert ENTRA_SHAPED not in problem.message
    assert "Xy8…789" in problem.message


def test_swapped_client_id_and_secret_never_print_the_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "appsettings.json"
    settings.write_text(
        json.dumps(
            {
                "AzureAd": {
                    "Instance": "https://login.microsoftonline.com/",
                    "TenantId": TENANT,
                    "ClientId": ENTRA_SHAPED,
                    "ClientSecret": CLIENT,
                    "ClientCredentials": [{"SourceType": "ClientSecret", "ClientSecret": CLIENT}],
                }
            }
        ),
        encoding="utf-8",
    )
    for argv in (["validate", "--from", str(settings)], ["import", str(settings)]):
        main(argv)
        captured = capsys.readouterr()
        assert ENTRA_SHAPED not in captured.out + captured.err, argv


def test_profile_names_are_a_safe_charset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / ".env"
    source.write_text(f"AZURE_TENANT_ID={TENANT}\nAZURE_CLIENT_ID={CLIENT}\n", encoding="utf-8")
    for bad in ("evil\n", "../x", "a/b", ".hidden", "x" * 65, "ok.", "tab\tname", "é"):
        assert main(["import", str(source), "--save", bad]) == 2, repr(bad)
        assert "not a valid profile name" in capsys.readouterr().err
    assert main(["import", str(source), "--save", "good-name_1.0"]) != 2  # 1: the file has no secret
    assert "saved profile" in capsys.readouterr().out
    with pytest.raises(UsageError):
        check_name("evil\n")


def test_config_masking_by_key_name_and_by_shape() -> None:
    text = "\n".join(
        [
            "AZURE_CLIENT_SECRET=Zq0-highentropy_Value.7x",
            '"ClientSecret": "another-long-secret-value-42"',
            'client_secret = "toml-secret-value-99"',
            "password: yaml-Pa55word-value",
            "AZURE_CLIENT_ID=" + CLIENT,
            '"ClientSecret": "Enter_the_Client_Secret_Here"',
            'secret_file = "/etc/daemon/secret.txt"',
            '"credential": "secret"',
        ]
    )
    masked = mask_config_text(text)
    for leaked in (
        "Zq0-highentropy_Value.7x",
        "another-long-secret-value-42",
        "toml-secret-value-99",
        "yaml-Pa55word-value",
    ):
        assert leaked not in masked
    assert CLIENT in masked
    assert "Enter_the_Client_Secret_Here" in masked  # a placeholder is not a secret: the diff says so
    assert "/etc/daemon/secret.txt" in masked
    assert '"credential": "secret"' in masked
    assert redact_text(masked) == masked  # masking is stable: nothing masked twice


def test_control_characters_from_an_input_file_are_escaped_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / ".env"
    source.write_text(
        f"AZURE_TENANT_ID=contoso.onmicrosoft.com\nAZURE_CLIENT_ID={CLIENT}\nAZURE_CLIENT_SECRET=abc\n"
        "AZURE_AUTHORITY_HOST=https://login.microsoftonline.com/\x1b]0;pwned\x07\x1b[2J\n",
        encoding="utf-8",
    )
    for argv in (["import", str(source)], ["validate", "--from", str(source)]):
        main(argv)
        captured = capsys.readouterr()
        assert "\x1b" not in captured.out + captured.err, argv
        assert "\x07" not in captured.out + captured.err, argv
