"""Certificates for daemon credentials: generate (`generate`), inspect (`inspect`), thumbprints.

Import the submodules directly; this package itself stays light so the CLI parser starts fast.
"""

from __future__ import annotations

ALLOWED_KEY_SIZES = (2048, 3072, 4096)
DEFAULT_DAYS = 365
MAX_DAYS = 3650
