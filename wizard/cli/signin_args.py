"""Sign-in flags shared by `login` and `register`, and one sign-in run that turns failures into findings."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.admin.admin_cloud import AdminCloud, admin_cloud
from wizard.admin.clients import ClientChoice, choose_client, scopes_for
from wizard.admin.identity import AdminToken
from wizard.cli.output import emit_json, err
from wizard.errors import TokenError, UsageError
from wizard.exitcodes import ExitCode

if TYPE_CHECKING:
    from wizard.admin.signin import AdminSignIn

DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
CLOUD_CHOICES = ("global", "usgov", "china")


def add_signin_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("sign-in")
    g.add_argument("--tenant", metavar="T", help="tenant ID or domain (default: organizations)")
    g.add_argument(
        "--authority", metavar="URL", help="authority URL instead of --tenant (a sandbox, a cloud)"
    )
    g.add_argument(
        "--cloud",
        choices=CLOUD_CHOICES,
        help="the national cloud: its login host and Graph (default: from --graph-url or --authority, else "
        "global)",
    )
    g.add_argument(
        "--client-id", metavar="C", help="your own public client (else a Microsoft one, with a notice)"
    )
    how = g.add_mutually_exclusive_group()
    how.add_argument("--device-code", action="store_true", help="sign in with a code on another device")
    how.add_argument("--use-az", action="store_true", help="reuse the Azure CLI's signed-in account")
    g.add_argument(
        "--step",
        action="append",
        choices=["read", "apply", "consent"],
        help="what the sign-in is for (scopes step by step; default read); repeatable",
    )
    g.add_argument("--scope", action="append", metavar="S", help="an extra delegated Graph scope; repeatable")
    g.add_argument("--login-hint", metavar="UPN", help="the account to pre-fill on the sign-in page")
    g.add_argument("--no-browser", action="store_true", help="print the sign-in URL only, open no browser")
    g.add_argument("--ca-file", metavar="PATH", help="extra CA to trust (a sandbox started elsewhere)")
    g.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="time to complete sign-in")


def cloud_of(args: argparse.Namespace) -> AdminCloud:
    """The cloud of this run: --cloud, else the --graph-url host, else the --authority host, else global."""
    return admin_cloud(
        cloud=getattr(args, "cloud", None),
        graph_url=getattr(args, "graph_url", None),
        authority=getattr(args, "authority", None),
    )


def authority_of(args: argparse.Namespace) -> str:
    if args.authority:
        value = str(args.authority).rstrip("/")
        if not value.startswith("https://"):
            raise UsageError(
                "--authority must be an https:// URL", hint="e.g. https://login.microsoftonline.com/<tenant>"
            )
        return value
    tenant = (args.tenant or "organizations").strip()
    if not tenant or "/" in tenant:
        raise UsageError(f"--tenant {tenant!r} is not a tenant ID or domain")
    return f"{cloud_of(args).login_host}/{tenant}"


@dataclass(frozen=True)
class SignInRequest:
    """What a sign-in run asks for, as parsed from the flags."""

    authority: str
    client: ClientChoice
    scopes: tuple[str, ...]
    flow: str  # interactive | device_code | azure_cli
    cloud: AdminCloud = field(default_factory=lambda: admin_cloud(cloud=None, graph_url=None))
    extra: tuple[str, ...] = ()  # --scope, asked for with every step

    def scopes_of(self, steps: list[str]) -> tuple[str, ...]:
        """The scopes of these steps on this run's Graph resource (plus any --scope given)."""
        return scopes_for(steps, list(self.extra), resource=self.cloud.resource)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> SignInRequest:
        flow = "azure_cli" if args.use_az else "device_code" if args.device_code else "interactive"
        cloud = cloud_of(args)
        authority = authority_of(args)
        client = choose_client(args.client_id)
        if not args.client_id and flow != "azure_cli":
            # The public client `login bootstrap` registered, when there is one for this tenant: single-tenant,
            # so it signs in at its own tenant's authority.
            from wizard.admin.client_store import find

            saved = find(authority)
            if saved is not None:
                client, authority = ClientChoice(saved.client_id, own=True), saved.authority
        scopes = scopes_for(args.step, args.scope, resource=cloud.resource)
        return cls(authority, client, scopes, flow, cloud, tuple(args.scope or ()))


def device_code_line(event: dict[str, Any], *, as_json: bool, message: str) -> None:
    """With --json the first stdout line is the device_code event; otherwise the message on stderr."""
    if as_json:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()
    else:
        err(message)


def browser_url_line(url: str) -> None:
    err("Opening your browser to sign in. If none opens (over SSH, in a container), open this URL:")
    err(f"  {url}")


def report_sign_in_failure(exc: TokenError, request: SignInRequest, *, as_json: bool) -> int:
    """The failure as findings (sign-in-blocked, admin-approval-required, ...), most likely first."""
    from wizard.diagnosis.engine import diagnose

    evidence = {
        "token_error": exc.body
        if exc.body
        else (f"AADSTS{exc.aadsts}: {exc.hint}" if exc.aadsts else (exc.hint or exc.title)),
        "config": {
            "authority": request.authority,
            "client_id": request.client.client_id,
            "credential_type": request.flow,
            "scopes": list(request.scopes),
        },
    }
    findings = diagnose(evidence).findings
    if as_json:
        emit_json(
            {
                "ok": False,
                "exit_code": int(ExitCode.FAILURE),
                "error": exc.to_dict(),
                "findings": [f.to_dict() for f in findings],
            }
        )
    err(f"error: {exc.title}")
    if exc.hint:
        err(f"  {exc.hint}")
    if findings:
        first = findings[0]
        err(f"{first.code}: {first.title}")
        err(f"  {first.explanation}")
        err(f"  fix: {first.fix}")
    return int(ExitCode.FAILURE)


def identity_lines(token: AdminToken) -> list[str]:
    ident = token.identity
    return [
        f"signed in: {ident.user or '(unknown user)'}",
        f"tenant:    {ident.tenant_id}",
        f"client:    {ident.client_id}",
        f"roles:     {', '.join(ident.roles) or 'none (no directory role)'}",
        f"scopes:    {' '.join(ident.scopes) or '(none)'}",
    ]


def acquire(args: argparse.Namespace, request: SignInRequest, *, cache: Any = None) -> AdminToken:
    """Sign in as the flags say: Azure CLI, device code, or the browser (URL printed as well)."""
    if request.flow == "azure_cli":
        from wizard.admin.az_cli import az_token

        return az_token(tenant_id=args.tenant, resource=request.cloud.resource)
    signin = open_signin(args, request, cache=cache)
    try:
        return prompt(args, request, signin, request.scopes)
    finally:
        signin.close()


def open_signin(args: argparse.Namespace, request: SignInRequest, *, cache: Any = None) -> AdminSignIn:
    from wizard.admin.signin import AdminSignIn
    from wizard.live.http import HttpSettings

    settings = HttpSettings.bounded(args.timeout, ca_file=args.ca_file)
    return AdminSignIn(authority=request.authority, client=request.client, settings=settings, cache=cache)


def prompt(
    args: argparse.Namespace,
    request: SignInRequest,
    signin: AdminSignIn,
    scopes: tuple[str, ...],
    *,
    login_hint: str | None = None,
) -> AdminToken:
    """The person signs in (device code or browser, as the flags say) for `scopes`."""
    if request.flow == "device_code":
        return signin.device_code(
            scopes, on_code=lambda p: device_code_line(p.to_event(), as_json=args.json, message=p.message)
        )
    return signin.interactive(
        scopes,
        on_url=browser_url_line,
        opener=(lambda url: False) if args.no_browser else None,
        timeout=args.timeout,
        login_hint=args.login_hint or login_hint,
    )
