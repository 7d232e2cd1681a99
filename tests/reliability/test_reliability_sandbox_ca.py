"""Concurrent first runs of the sandbox share one CA and one set of keys (issue 11: 41 of 50 failed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes

PROCESSES = 16

# Each child does what Sandbox.start() does with the folder (CA, server certificate, a signing key), but
# only after every child is ready: they all arrive at the empty folder at the same moment.
_CHILD = """
import json, sys
from pathlib import Path
from cryptography.hazmat.primitives import hashes
from wizard.sandbox.tls import KeyStore, load_or_create_ca, server_cert
root = Path(sys.argv[1])
print("READY", flush=True)
sys.stdin.readline()
ca = load_or_create_ca(root)
keys = KeyStore(root / "sandbox")
server = server_cert(ca, ["127.0.0.1", "localhost"], keys)
signing = keys.key("signing-0").public_key().public_numbers().n
print(json.dumps({"ca": ca.cert.fingerprint(hashes.SHA256()).hex(), "server": str(server),
                  "signing": str(signing)}), flush=True)
"""


def test_concurrent_first_runs_all_get_the_same_ca_and_keys(tmp_path: Path) -> None:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(tmp_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "READY"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        results = []
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err[-1500:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(10)
    assert len({r["ca"] for r in results}) == 1
    assert len({r["signing"] for r in results}) == 1
    ca = x509.load_pem_x509_certificate((tmp_path / "sandbox" / "ca.pem").read_bytes())
    assert ca.fingerprint(hashes.SHA256()).hex() == results[0]["ca"]
    for server in {r["server"] for r in results}:
        x509.load_pem_x509_certificate(Path(server).read_bytes()).verify_directly_issued_by(ca)
    assert not [p for p in (tmp_path / "sandbox").rglob("*.tmp")]
