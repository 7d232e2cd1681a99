"""`daemon-wizard cert new|inspect`: make a key and certificate for a daemon, or read one."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.certs import ALLOWED_KEY_SIZES, DEFAULT_DAYS
from wizard.cli.output import emit_json, err, out
from wizard.exitcodes import ExitCode
from wizard.secret import Secret
from wizard.secret_sources import from_file, from_stream


def register(sub: Any) -> None:
    p = sub.add_parser("cert", help="generate or inspect a certificate credential")
    cert_sub = p.add_subparsers(dest="cert_command", metavar="ACTION", required=True)

    new = cert_sub.add_parser("new", help="RSA key + self-signed certificate in every form the SDKs read")
    new.add_argument("--subject", required=True, help="e.g. CN=my-daemon (a bare name becomes CN=name)")
    new.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    new.add_argument("--name", default="daemon", help="base file name (default: daemon)")
    new.add_argument("--key-size", type=int, default=2048, choices=ALLOWED_KEY_SIZES, help="RSA key size")
    new.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"validity in days (default {DEFAULT_DAYS})"
    )
    _add_passphrase_args(new, "encrypt the private key and PFX with a passphrase")
    new.add_argument("--force", action="store_true", help="replace existing files (backups are kept)")
    new.add_argument("--json", action="store_true", help="machine-readable output")
    new.set_defaults(handler=run_new)

    insp = cert_sub.add_parser("inspect", help="subject, validity, key, thumbprints, key match")
    insp.add_argument("path", help="certificate file: PEM, DER (.cer) or PFX")
    insp.add_argument("--key", metavar="PATH", help="private key to check against the certificate")
    _add_passphrase_args(insp, "passphrase of an encrypted key or PFX")
    insp.add_argument("--json", action="store_true", help="machine-readable output")
    insp.set_defaults(handler=run_inspect)


def _add_passphrase_args(p: argparse.ArgumentParser, what: str) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--passphrase-stdin", action="store_true", help=f"{what} (read from stdin)")
    g.add_argument("--passphrase-file", metavar="PATH", help=f"{what} (read from a file)")


def _passphrase(args: argparse.Namespace) -> Secret | None:
    import sys

    if args.passphrase_stdin:
        return from_stream(sys.stdin, what="passphrase")
    if args.passphrase_file:
        value, warnings = from_file(args.passphrase_file, what="passphrase")
        for w in warnings:
            err(f"warning: {w}")
        return value
    return None


def run_new(args: argparse.Namespace) -> int:
    from wizard.certs.generate import generate_certificate

    result = generate_certificate(
        subject=args.subject,
        out_dir=args.out,
        name=args.name,
        key_size=args.key_size,
        days=args.days,
        passphrase=_passphrase(args),
        force=args.force,
    )
    if args.json:
        emit_json({"ok": True, **result.to_dict()})
        return int(ExitCode.OK)
    out(f"Subject:     {result.subject}")
    out(f"Valid:       {result.not_before:%Y-%m-%d %H:%M} UTC to {result.not_after:%Y-%m-%d %H:%M} UTC")
    out(f"Key:         RSA {result.key_size}")
    out(f"Thumbprint:  {result.thumbprints.sha1_hex} (SHA-1, as the portal shows it)")
    out(f"SHA-256:     {result.thumbprints.sha256_hex}")
    labels = {
        "key": "private key, PKCS#8 PEM",
        "cert_der": "certificate, DER: upload this",
        "cert_pem": "certificate, PEM: or upload this",
        "pfx": "PFX with key (.NET, Key Vault)",
        "combined": "key + certificate PEM (azure-identity)",
    }
    for role, written in result.files.items():
        out(f"  {written.path}  [{written.mode:o}]  {labels[role]}")
    out("Next: App registrations > your app > Certificates & secrets > Certificates > Upload certificate.")
    return int(ExitCode.OK)


def run_inspect(args: argparse.Namespace) -> int:
    from wizard.certs.inspect import inspect_certificate

    info = inspect_certificate(args.path, key_path=args.key, password=_passphrase(args))
    if args.json:
        emit_json({"ok": not info.problems, **info.to_dict()})
        return int(ExitCode.FAILURE if info.problems else ExitCode.OK)
    out(
        f"Subject:      {info.subject}"
        + (" (self-signed)" if info.self_signed else f"\nIssuer:       {info.issuer}")
    )
    out(f"Valid from:   {info.not_before:%Y-%m-%d %H:%M} UTC")
    left = "expired" if info.expired else f"{info.days_left} days left"
    out(f"Valid until:  {info.not_after:%Y-%m-%d %H:%M} UTC ({left})")
    out(f"Key:          {info.key_type}" + (f" {info.key_size}" if info.key_size else ""))
    out(f"SHA-1:        {info.thumbprints.sha1_hex}  (portal thumbprint; x5t {info.thumbprints.x5t})")
    out(f"SHA-256:      {info.thumbprints.sha256_hex}  (x5t#S256 {info.thumbprints.x5t_s256})")
    if info.key_matches is None:
        out("Private key:  not given" if not info.has_private_key else "Private key:  present")
    else:
        out("Private key:  matches the certificate" if info.key_matches else "Private key:  DOES NOT MATCH")
    for problem in info.problems:
        out(f"problem: {problem}")
    return int(ExitCode.FAILURE if info.problems else ExitCode.OK)
