"""The Graph write boundary's pure parts: a keyCredential's customKeyIdentifier as msgraph-sdk hands it over."""

from __future__ import annotations

import base64
import hashlib

from wizard.admin.graph_writes import key_identifier


def test_the_hex_thumbprint_graph_sends_survives_msgraph_sdks_base64_decoding() -> None:
    thumbprint = hashlib.sha1(b"certificate").hexdigest().upper()  # what Graph's JSON holds
    as_sdk_gives_it = base64.b64decode(thumbprint)  # Edm.Binary: kiota base64-decodes the string
    assert len(as_sdk_gives_it) == 30
    assert key_identifier(as_sdk_gives_it) == thumbprint
    assert key_identifier(base64.b64decode(thumbprint.lower())) == thumbprint


def test_a_binary_identifier_is_shown_in_hex_and_none_is_empty() -> None:
    raw = hashlib.sha1(b"x").digest()
    assert key_identifier(raw) == raw.hex().upper()
    assert key_identifier(None) == ""
