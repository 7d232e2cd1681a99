"""The federated token file: clear errors for bad files, re-read on every assertion, the env fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import SecretSourceError
from wizard.live.federated_token import (
    ENV_FEDERATED_TOKEN_FILE,
    MAX_TOKEN_BYTES,
    assertion_reader,
    read_token_file,
    token_file_of,
)
from wizard.live.trace import Trace
from wizard.profile import CredentialKind, Profile

JWT_A = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnLWE"
JWT_B = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiIn0.c2lnLWI"


def _profile(path: Path | None) -> Profile:
    return Profile(credential=CredentialKind.FEDERATED, federated_token_file=str(path) if path else None)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b"  \n", "is empty"),
        (b"Bearer abc", "does not hold a JWT"),
        (b'{"value": "x.y.z"} .', "does not hold a JWT"),
        (b"\xff\xfe.a.b", "does not hold a JWT"),
        (b"a" * (MAX_TOKEN_BYTES + 1), "too large"),
    ],
)
def test_bad_token_files(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "token"
    path.write_bytes(content)
    with pytest.raises(SecretSourceError) as info:
        read_token_file(str(path))
    assert says in info.value.title


def test_missing_file_and_no_file_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SecretSourceError, match="cannot be read"):
        read_token_file(str(tmp_path / "nope"))
    monkeypatch.delenv(ENV_FEDERATED_TOKEN_FILE, raising=False)
    with pytest.raises(SecretSourceError) as info:
        token_file_of(_profile(None))
    assert "--federated-token-file" in (info.value.hint or "")


def test_environment_fallback_and_profile_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_FEDERATED_TOKEN_FILE, str(tmp_path / "from-env"))
    assert token_file_of(_profile(None)) == str(tmp_path / "from-env")
    assert token_file_of(_profile(tmp_path / "given")) == str(tmp_path / "given")


def test_each_assertion_rereads_the_file_and_is_redacted(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(JWT_A + "\n")
    trace = Trace()
    reader = assertion_reader(_profile(path), trace)
    assert reader() == JWT_A
    path.write_text(JWT_B)
    assert reader() == JWT_B
    assert JWT_A not in trace.redact(f"assertion={JWT_A}&again={JWT_B}")
    assert JWT_B not in trace.redact(JWT_B)
