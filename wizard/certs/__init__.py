"""Certificates for daemon credentials: generate, inspect, thumbprints."""

from __future__ import annotations

from wizard.certs.generate import ALLOWED_KEY_SIZES, GeneratedCertificate, generate_certificate
from wizard.certs.inspect import CertificateInfo, inspect_certificate, load_credential_material
from wizard.certs.thumbprints import Thumbprints, thumbprints

__all__ = [
    "ALLOWED_KEY_SIZES",
    "CertificateInfo",
    "GeneratedCertificate",
    "Thumbprints",
    "generate_certificate",
    "inspect_certificate",
    "load_credential_material",
    "thumbprints",
]
