"""The sandbox's RSA keys to and from PEM without cryptography's `serialization` package on a warm start.

That package's `__init__` imports the SSH and PKCS#12 formats and, through them, every cipher and key type:
about 29M of a warm `doctor --sandbox` run's 1,410M instructions (issue 12), for a start that only reads
keys it wrote earlier. What the package offers is mostly re-exported from lighter modules, so reading goes
around it; only a key this process has not read (a new one, written once) is serialized through it.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

_PKCS8 = (b"-----BEGIN PRIVATE KEY-----\n", b"-----END PRIVATE KEY-----\n")
# The PEM text of the keys read lately, matched by identity: writing a key read from its file out again
# (each certificate app's key into its run's folder) needs no `private_bytes`, which imports the package
# from cryptography's Rust side. Bounded (cryptography's keys take no weak reference): a start reads ~10.
_READ: deque[tuple[PrivateKeyTypes, bytes]] = deque(maxlen=32)
_READ_LOCK = threading.Lock()


def load_pem_key(data: bytes, *, unsafe_skip_rsa_key_validation: bool = False) -> PrivateKeyTypes:
    """`serialization.load_pem_private_key(data, None, ...)`, without importing the package.

    That public name is cryptography's Rust binding re-exported (`serialization/base.py` says
    `load_pem_private_key = rust_openssl.keys.load_pem_private_key`), so the binding is called directly;
    should a release move it, the public name is the fallback (tests/unit/test_sandbox_pem_keys.py checks
    both give the same key).
    """
    try:
        from cryptography.hazmat.bindings._rust import openssl as rust_openssl

        load = rust_openssl.keys.load_pem_private_key
    except (ImportError, AttributeError):
        from cryptography.hazmat.primitives.serialization import load_pem_private_key as load
    return load(data, None, unsafe_skip_rsa_key_validation=unsafe_skip_rsa_key_validation)


def spki_der(public: PublicKeyTypes) -> bytes:
    """A public key's SubjectPublicKeyInfo (DER), without importing the package.

    `Encoding` and `PublicFormat` are defined in `primitives._serialization` (loaded with the RSA module
    anyway) and re-exported by `serialization`, whose names are the fallback.
    """
    try:
        from cryptography.hazmat.primitives._serialization import Encoding, PublicFormat
    except ImportError:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    return public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def remember(key: rsa.RSAPrivateKey, data: bytes) -> None:
    """Note that `key` was read from `data`, when `data` is nothing but one unencrypted PKCS#8 PEM block
    (what `key_pem` writes), so that `key_pem(key)` gives `data` back."""
    head, tail = _PKCS8
    if data.startswith(head) and data.endswith(tail) and data.count(b"-----BEGIN ") == 1:
        with _READ_LOCK:
            _READ.append((key, data))


def key_pem(key: PrivateKeyTypes) -> bytes:
    """`key` as unencrypted PKCS#8 PEM: the text it was read from (`remember`), else serialized now."""
    with _READ_LOCK:
        known = next((data for read, data in _READ if read is key), None)
    if known is not None:
        return known
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
