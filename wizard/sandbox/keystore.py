"""The sandbox's private folder: one lock, atomic writes, and RSA keys made once and reused.

Generating an RSA key is the expensive part of starting a sandbox (5 keys, 50-100 ms each: two
token-signing keys, the certificate apps; the server certificate's key is ECDSA, made with it in a
millisecond: wizard.sandbox.tls.server_cert). They are made once per user and kept in the
sandbox folder, mode 0700, files 0600, next to the CA key they are no more sensitive than. Every
create-or-reuse happens under an exclusive `flock` of `.lock`, and every file is written whole to a
temporary name and renamed, so concurrent first runs wait for one another and never read half a file
(issue 11: 41 of 50 concurrent first runs of `doctor --sandbox` failed when the CA was written under a
fixed temporary name, key and certificate separately).

What a start makes from those keys (the token-signing keys' certificates, the certificate apps'
certificates and PFX) is kept too, beside the keys (`KeyStore.derived`): a warm start signs nothing.
Keys are read and written through wizard.sandbox.pem_keys, so that a warm start, which only reads them,
does not import cryptography's `serialization` package.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric import rsa

from wizard.errors import CertificateError
from wizard.sandbox.pem_keys import key_pem, load_pem_key, remember, spki_der

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

__all__ = ["KeyStore", "key_pem", "load_key", "locked", "new_key", "private_folder", "write_atomic"]

_PRIVATE_DIR = 0o700
_PRIVATE_FILE = 0o600


def private_folder(folder: Path) -> Path:
    """`folder`, created 0700 if missing; refused when another user owns it or others may write to it."""
    try:
        folder.mkdir(mode=_PRIVATE_DIR, parents=True, exist_ok=True)
        info = folder.stat()
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise CertificateError(
                f"{folder} belongs to another user",
                hint="The sandbox keeps private keys there; pass a folder of your own (--data-dir).",
            )
        if stat.S_IMODE(info.st_mode) != _PRIVATE_DIR:
            os.chmod(folder, _PRIVATE_DIR)
    except OSError as exc:
        raise CertificateError(
            f"Cannot use {folder} for the sandbox's keys", hint=f"{exc.strerror}; pass another data_dir."
        ) from None
    return folder


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder/.lock` (other processes creating keys or the CA wait)."""
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, _PRIVATE_FILE)
    try:
        if sys.platform == "win32":  # pragma: no cover - msvcrt locks one byte (it retries for 10 s)
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, private: bool, durable: bool = True) -> None:
    """Write `data` to a fresh temporary file beside `path`, flush it to disk, and rename it over `path`.

    `durable=False` skips the flush to disk (an fsync, 3-5 ms each) for files that live only as long as
    the run that writes them: still written whole and renamed, so no reader sees half a file.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if not private:  # mkstemp made it 0600
            os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def load_any_key(data: bytes) -> PrivateKeyTypes | None:
    """An unencrypted private key of any kind from PEM (the server certificate's is ECDSA), or None.

    Only for keys this module wrote, as `load_key`: an RSA one is not checked (cryptography allows that for
    keys from a trusted source), and refused under 2048 bits.
    """
    try:
        key = load_pem_key(data, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError):
        return None
    return None if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 2048 else key


def load_key(data: bytes) -> rsa.RSAPrivateKey | None:
    """An unencrypted RSA key from PEM, or None when `data` is not one.

    Only for the keys this module wrote into the private folder: OpenSSL's consistency check of an RSA
    key (primality tests, ~60 ms a key) is skipped for them, as cryptography's documentation allows
    for keys from a trusted source.
    """
    try:
        key = load_pem_key(data, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        return None
    remember(key, data)
    return key


class KeyStore:
    """RSA keys by purpose ("server", "signing-0", "app:contoso/cert-daemon"), made once per folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = private_folder(folder)
        self.keys = private_folder(folder / "keys")

    def key(self, purpose: str) -> rsa.RSAPrivateKey:
        """The key kept for `purpose`, made (under the lock) the first time it is asked for."""
        # Purposes come from scenario names: hashed, so no name can point outside the folder.
        digest = hashlib.sha256(purpose.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        path = self.keys / f"{digest}.pem"
        with locked(self.folder):
            existing = _read(path)
            key = load_key(existing) if existing is not None else None
            if key is None:
                key = new_key()
                write_atomic(path, key_pem(key), private=True)
        return key

    def derived(
        self,
        purpose: str,
        key: rsa.RSAPrivateKey,
        make: Callable[[], bytes],
        *,
        usable: Callable[[bytes], bool],
    ) -> bytes:
        """What `make` builds from `key` (a certificate wrapping it), kept and reused while `usable` says so.

        Named after `purpose` and the key's public half, so a new key never meets an old certificate. Not
        flushed to disk: a lost file is made again, and a rename never leaves half of one.
        """
        public = spki_der(key.public_key())
        digest = hashlib.sha256(purpose.encode("utf-8", "surrogatepass") + b"\0" + public).hexdigest()[:32]
        path = private_folder(self.folder / "derived") / f"{digest}.pem"
        with locked(self.folder):
            data = _read(path)
            if data is not None and usable(data):
                return data
            data = make()
            write_atomic(path, data, private=True, durable=False)
        return data


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
