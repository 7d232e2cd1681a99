"""Tell which config format a file is, from its content (never from its name)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from wizard.configs.textformats import strip_jsonc

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, no-redef]

MAX_BYTES = 1_000_000
_KEY_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]", re.MULTILINE)
_CS_FIELD = re.compile(r"\b(Authority|ClientObjectId)\s*=\s*\"")


def read_text(path: Path) -> str | None:
    """The file as text, or None when it is binary, too big or unreadable as UTF-8/Latin-1 text."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # .properties files are ISO-8859-1


def detect_text(text: str) -> str | None:
    """The format name for this content, or None."""
    stripped = text.lstrip("\ufeff \t\r\n")
    from wizard.configs.federated_exports import detect_federated

    if federated := detect_federated(stripped):
        return federated
    if stripped.startswith("{"):
        return _detect_json(stripped)
    if len(_CS_FIELD.findall(text)) >= 2:
        return "dotnet-console"
    toml = _detect_toml(text)
    if toml:
        return toml
    keys = set(_KEY_LINE.findall(text))
    if keys & {"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH"}:
        return "azure-identity"
    if keys & {"AAD_ENDPOINT", "GRAPH_ENDPOINT", "TENANT_ID"}:
        return "node-console"
    if keys & {"KEY_PATH", "CERT_PATH"} and "AUTHORITY" in keys:
        return "java-certificate"
    if "AUTHORITY" in keys and keys & {"SECRET", "SCOPE"}:
        return "java-secret"
    if keys & {"SCOPES", "API_ENDPOINT", "NODE_TLS_REJECT_UNAUTHORIZED", "CLIENT_SECRET"} or (
        "AUTHORITY" in keys and "CLIENT_ID" in keys
    ):
        return "node-ciam-daemon"
    return None


def _detect_json(text: str) -> str | None:
    try:
        data = json.loads(strip_jsonc(text))
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    ad = data.get("AzureAd")
    if isinstance(ad, dict):
        if "DownstreamApi" in data or ("Authority" in ad and "ClientCredentials" in ad):
            return "dotnet-ciam-daemon"
        if "ClientCredentials" in ad or "MyWebApi" in data:
            return "dotnet-daemon"
        return None  # a web API's appsettings, not a daemon's
    if "client_id" in data and ({"thumbprint", "private_key_file"} & data.keys()):
        return "python-certificate"
    if "client_id" in data and ({"secret", "endpoint", "authority", "oidc_authority", "scope"} & data.keys()):
        return "python-secret"
    return None


def _detect_toml(text: str) -> str | None:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None
    if isinstance(data.get("format"), str) and str(data["format"]).startswith("entra-daemon-wizard/profile"):
        return "profile"
    if "client_id" in data and ("tenant_type" in data or "credential" in data):
        return "profile"
    return None


def detect_format(path_or_text: str | os.PathLike[str]) -> str | None:
    """The format of a file (a Path) or of content (a str), from the content only."""
    if isinstance(path_or_text, os.PathLike):
        text = read_text(Path(path_or_text))
        return None if text is None else detect_text(text)
    return detect_text(path_or_text)
