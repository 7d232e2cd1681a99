"""Workload identity federation: external tokens, the federated-credential diff, and subject prediction."""

from __future__ import annotations

from wizard.federated.diff import Credential, DiffResult, credentials_from_json, diff
from wizard.federated.external import (
    ALL_FEDERATION_AUDIENCES,
    FEDERATION_AUDIENCES,
    ExternalToken,
    IssuerKind,
    from_claims,
    read_external_token,
)

__all__ = [
    "ALL_FEDERATION_AUDIENCES",
    "FEDERATION_AUDIENCES",
    "Credential",
    "DiffResult",
    "ExternalToken",
    "IssuerKind",
    "credentials_from_json",
    "diff",
    "from_claims",
    "read_external_token",
]
