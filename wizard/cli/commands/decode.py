"""`daemon-wizard decode TOKEN|-`: explained header and claims; signature not verified unless --verify
(against Entra's own issuers for the token's tenant, or the one named with --issuer)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.cli.arg_types import existing_file, seconds
from wizard.cli.output import emit_json, err, out
from wizard.errors import UsageError
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "decode",
        help="explain an access token's claims (signature not verified unless --verify)",
        description="Decode a JWT access token and explain each claim. The token itself is never printed.",
    )
    parser.add_argument("token", metavar="TOKEN|-", help="the access token, or - to read it from stdin")
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    parser.add_argument(
        "--verify", action="store_true", help="check the signature with the issuer's published keys"
    )
    parser.add_argument(
        "--issuer",
        metavar="URL",
        help="trust this issuer's keys (the sandbox, a test IdP); by default only Entra ID's own issuers "
        "for the token's cloud and tenant (tid) are trusted, whatever URL the token names",
    )
    parser.add_argument(
        "--ca-file",
        metavar="PATH",
        type=existing_file,
        help="extra CA bundle to trust when fetching keys",
    )
    parser.add_argument("--timeout", type=seconds, default=10.0, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def _read_token(arg: str) -> str:
    if arg == "-":
        try:
            data = sys.stdin.read()
        except (OSError, ValueError):  # stdin closed or not readable (a detached job, a test's capture)
            raise UsageError(
                "Cannot read the token from stdin", hint="Pass the token as the argument."
            ) from None
        if not data.strip():
            raise UsageError(
                "No token on stdin", hint="Pipe the access token in, e.g. `... | daemon-wizard decode -`."
            )
        return data
    return arg


def _table(rows: list[tuple[str, str, str]]) -> list[str]:
    width = max((len(r[0]) for r in rows), default=4)
    lines = []
    for name, value, meaning in rows:
        lines.append(f"  {name:<{width}}  {value}")
        lines.append(f"  {'':<{width}}  ↳ {meaning}")
    return lines


def run(args: argparse.Namespace) -> int:
    from wizard.tokens.decode import decode_token
    from wizard.tokens.report import build_report

    raw = _read_token(args.token)
    decoded = decode_token(raw)  # TokenFormatError is bad input: main() reports it, JSON and exit code 2
    from wizard.federated.explain import explain_external, is_external

    external = explain_external(decoded.claims, decoded.header) if is_external(decoded.claims) else None
    report = build_report(decoded, external=external is not None)
    data = report.to_dict()
    if external is not None:
        data["external"] = external.to_dict()
    if args.verify:
        from wizard.live.token_keys import verify_token

        verify: bool | str = args.ca_file if args.ca_file else True
        result = verify_token(
            decoded, raw=_clean(raw), verify=verify, timeout=args.timeout, issuer=args.issuer
        )
        data["signature"] = result.to_dict()
    if args.json:
        emit_json(data)
    else:
        if external is not None:
            _print_external(external)
        _print_human(report, data["signature"], external=external is not None)
    return int(ExitCode.OK)


def _print_external(ex: Any) -> None:
    """The external token's own section: what Entra's token exchange will make of it."""
    out(f"External token for workload identity federation: {ex.kind_name}")
    out(f"  issuer      {ex.token.issuer}")
    out(f"  subject     {ex.token.subject}")
    rows = [(name, value, meaning or "-") for name, value, meaning in ex.parts]
    if rows:
        out("\n".join(_table(rows)))
    out(f"  audience    {'ok' if ex.audience_ok else 'WRONG'}: {ex.audience}")
    out(f"  lifetime    {ex.lifetime}")
    for note in ex.notes:
        out(f"  note        {note}")
    out("")


def _clean(raw: str) -> str:
    from wizard.tokens.decode import clean_token_text

    return clean_token_text(raw)


def _print_human(report: Any, signature: Any, *, external: bool = False) -> None:
    summary = report.summary
    label = (
        signature.get("label", "signature not verified") if isinstance(signature, dict) else str(signature)
    )
    if external:  # its own section above says what it is: Entra's access-token summary would mislead
        out(f"Token ({label})")
    else:
        out(f"Access token ({label})")
        out(f"  version     {summary.get('version') or 'unknown'}")
        out(f"  kind        {summary.get('kind')}")
        if summary.get("credential"):
            out(f"  credential  {summary['credential']}")
        aud = summary.get("audience")
        if aud:
            name = summary.get("audience_name")
            out(f"  audience    {aud}" + (f" ({name})" if name else ""))
        if summary.get("expires"):
            out(f"  expires     {summary['expires']}")
    out("")
    out("Header")
    out("\n".join(_table([(c.name, c.value, c.meaning) for c in report.header_lines])))
    out("")
    out("Claims")
    out("\n".join(_table([(c.name, c.value, c.meaning) for c in report.claim_lines])))
    if isinstance(signature, dict) and signature.get("reason"):
        out("")
        out(f"Signature: {signature['reason']}")
    for warning in report.warnings:
        err(f"note: {warning}")
