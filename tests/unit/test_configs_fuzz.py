"""Importers fed malformed JSON, .env, .properties, TOML and binary garbage raise only ConfigFileError."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.configs import FORMATS, detect_format, import_config, parse_text
from wizard.configs.textformats import load_properties, properties_line, strip_jsonc
from wizard.errors import ConfigFileError
from wizard.placeholders import PLACEHOLDER_EXAMPLES, find_placeholder

SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

KEYS = st.sampled_from(
    [
        "client_id", "authority", "oidc_authority", "scope", "secret", "endpoint", "thumbprint",
        "private_key_file",
        "AzureAd", "ClientCredentials", "SourceType", "ClientSecret", "MyWebApi", "DownstreamApi", "Scopes",
        "Instance", "TenantId", "ClientId", "Authority", "BaseUrl", "RelativePath", "RequestAppToken",
        "tenant_type", "credential", "api", "certificate", "kind", "required_roles", "format",
    ]
)  # fmt: skip
ENV_KEYS = st.sampled_from(
    [
        "TENANT_ID", "CLIENT_ID", "CLIENT_SECRET", "AAD_ENDPOINT", "GRAPH_ENDPOINT", "AUTHORITY",
        "API_ENDPOINT",
        "SCOPES", "SECRET", "SCOPE", "KEY_PATH", "CERT_PATH", "AZURE_TENANT_ID", "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_AUTHORITY_HOST",
        "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "NODE_TLS_REJECT_UNAUTHORIZED",
    ]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 20),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["https://login.microsoftonline.com/x", "https://a.ciamlogin.com/", "api://x/.default"]),
)
JSONISH = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=25,
)


def _check(text: str) -> None:
    try:
        report = parse_text(text)
    except ConfigFileError:
        return
    assert report.format in FORMATS
    json.dumps(report.to_dict())  # the report is always serialisable


@SETTINGS
@given(st.dictionaries(KEYS, JSONISH, max_size=8))
def test_json_shaped_input(data: dict[str, object]) -> None:
    _check(json.dumps(data))


@SETTINGS
@given(st.dictionaries(KEYS, JSONISH, max_size=6), st.integers(0, 400))
def test_truncated_json(data: dict[str, object], cut: int) -> None:
    _check(json.dumps(data)[:cut])


@SETTINGS
@given(
    st.lists(
        st.tuples(ENV_KEYS, st.text(max_size=50), st.sampled_from(["=", ":", " ", "= ", "=#"])), max_size=8
    )
)
def test_env_and_properties_shaped_input(lines: list[tuple[str, str, str]]) -> None:
    _check("\n".join(f"{k}{sep}{v}" for k, sep, v in lines))


@SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    _check(text)


@SETTINGS
@given(st.dictionaries(KEYS, st.text(max_size=20) | st.integers() | st.booleans(), max_size=8))
def test_toml_shaped_input(data: dict[str, object]) -> None:
    import tomli_w

    text = 'format = "entra-daemon-wizard/profile/1"\n' + tomli_w.dumps(
        {k: v for k, v in data.items() if k != "format"}
    )
    _check(text)


@SETTINGS
@given(st.binary(max_size=200))
def test_binary_files(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bin") / "file"
    path.write_bytes(data)
    detected = detect_format(path)
    assert detected is None or detected in FORMATS
    with contextlib.suppress(ConfigFileError):
        assert import_config(path).format in FORMATS


@SETTINGS
@given(st.text(max_size=60))
def test_properties_writer_reader_round_trip(value: str) -> None:
    assert load_properties(properties_line("KEY", value) + "\n") == {"KEY": value}


@SETTINGS
@given(st.text(max_size=80))
def test_jsonc_stripper_keeps_length_and_lines(text: str) -> None:
    stripped = strip_jsonc(text)
    assert len(stripped) == len(text)
    assert stripped.count("\n") == text.count("\n")


def test_placeholder_examples_are_all_recognised() -> None:
    assert all(find_placeholder(example) for example in PLACEHOLDER_EXAMPLES)


@pytest.mark.parametrize(
    "value",
    [
        "6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d",
        "{6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d}",
        "contoso.onmicrosoft.com",
        "https://login.microsoftonline.com/contoso.onmicrosoft.com",
        "https://graph.microsoft.com/.default",
        "Kx8Q~abc.DEF_ghi-jkl",
        "C:/Program Files/keys/server.pem",
        "A1B2C3D4E5F60718293A4B5C6D7E8F9011223344",
    ],
)
def test_real_values_are_not_placeholders(value: str) -> None:
    assert find_placeholder(value) is None


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError):
        import_config(tmp_path / "nope.json")
