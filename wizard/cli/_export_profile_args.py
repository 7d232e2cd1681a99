"""Profile input of `export`: --from FILE or flags; secrets never as flag values (for profile_args)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from wizard.clouds import Cloud, TenantType
from wizard.configs.common import api_target, authority_fields, split_origin
from wizard.errors import SecretSourceError, ValidationError
from wizard.guids import normalise_guid
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.scopes import normalise_scope, resource_from_scope
from wizard.secret import Secret

SECRET_ENV = "DAEMON_WIZARD_CLIENT_SECRET"
PASSPHRASE_ENV = "DAEMON_WIZARD_KEY_PASSPHRASE"


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    """The shared profile flags (reference/cli.md), plus where the secret and key passphrase come from."""
    group = parser.add_argument_group("profile")
    group.add_argument("--from", dest="from_file", metavar="FILE", help="read the profile from a config file")
    group.add_argument("--tenant-type", choices=[t.value for t in TenantType])
    group.add_argument("--cloud", choices=[c.value for c in Cloud])
    group.add_argument("--tenant", metavar="T", help="tenant ID or domain")
    group.add_argument(
        "--authority", metavar="URL", help="authority URL (instead of tenant type/cloud/tenant)"
    )
    group.add_argument("--client-id", metavar="C")
    group.add_argument("--object-id", metavar="O", help="the app registration's object ID")
    group.add_argument("--scope", metavar="S", help="<resource>/.default")
    group.add_argument("--resource", metavar="R", help="the API's App ID URI or Graph")
    group.add_argument("--api-url", metavar="URL", help="the URL the daemon calls")
    group.add_argument("--certificate", metavar="PATH", help="certificate file (PEM or DER)")
    group.add_argument("--key", metavar="PATH", help="private key file (PEM)")
    group.add_argument("--pfx", metavar="PATH", help="PFX / PKCS#12 with key and certificate")
    secrets = parser.add_argument_group("secrets (never as a flag value)")
    secrets.add_argument("--secret-stdin", action="store_true", help="read the client secret from stdin")
    secrets.add_argument(
        "--secret-file", metavar="PATH", help=f"read the client secret from a file (or {SECRET_ENV})"
    )
    secrets.add_argument(
        "--passphrase-file", metavar="PATH", help=f"the private key's passphrase (or {PASSPHRASE_ENV})"
    )


def _read_secret_file(path: str, what: str) -> Secret:
    try:
        value = Path(path).expanduser().read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretSourceError(f"The {what} file {path} cannot be read ({type(exc).__name__})") from None
    if not value:
        raise SecretSourceError(f"The {what} file {path} is empty")
    return Secret(value)


def secret_from_args(args: argparse.Namespace) -> Secret | None:
    """The client secret from --secret-stdin, --secret-file or the environment (in that order)."""
    if getattr(args, "secret_stdin", False):
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise SecretSourceError("No secret on standard input")
        return Secret(value)
    if getattr(args, "secret_file", None):
        return _read_secret_file(args.secret_file, "secret")
    env = os.environ.get(SECRET_ENV)
    return Secret(env) if env else None


def passphrase_from_args(args: argparse.Namespace) -> Secret | None:
    if getattr(args, "passphrase_file", None):
        return _read_secret_file(args.passphrase_file, "passphrase")
    env = os.environ.get(PASSPHRASE_ENV)
    return Secret(env) if env else None


def _guid(value: str, field: str) -> str:
    canonical = normalise_guid(value)
    if canonical is None:
        raise ValidationError(
            f"--{field} is not a GUID", field=field, hint="Copy it from the app's Overview page."
        )
    return canonical


def profile_from_args(args: argparse.Namespace) -> tuple[Profile, Secret | None]:
    """Build the profile from --from FILE and/or flags (flags win), and the secret from its source."""
    file_secret: Secret | None = None
    profile = Profile()
    if getattr(args, "from_file", None):
        from wizard.configs import load_profile

        profile, file_secret, _report = load_profile(args.from_file)
    changes: dict[str, Any] = {}
    if args.authority:
        try:
            changes.update(authority_fields(args.authority, external_hint=args.tenant_type == "external"))
        except ValueError as exc:
            raise ValidationError(str(exc), field="authority") from None
    if args.tenant_type:
        changes["tenant_type"] = TenantType(args.tenant_type)
    if args.cloud:
        changes["cloud"] = Cloud(args.cloud)
    if args.tenant:
        changes["tenant"] = args.tenant.strip()
    if args.client_id:
        changes["client_id"] = _guid(args.client_id, "client-id")
    if args.object_id:
        changes["object_id"] = _guid(args.object_id, "object-id")
    api = _api_from_args(args, profile.api)
    if api is not None:
        changes["api"] = api
    if args.pfx or args.key or args.certificate:
        changes["credential"] = CredentialKind.CERTIFICATE
        changes["certificate"] = CertificateRef(
            key_path=args.key, cert_path=args.certificate, pfx_path=args.pfx
        )
    profile = profile.with_(**changes)
    return profile, secret_from_args(args) or file_secret


def _api_from_args(args: argparse.Namespace, current: ApiTarget) -> ApiTarget | None:
    if not (args.scope or args.resource or args.api_url):
        return None
    resource = current.resource
    if args.scope:
        resource = resource_from_scope(normalise_scope(args.scope))
    elif args.resource:
        resource = resource_from_scope(normalise_scope(args.resource))
    endpoint = args.api_url
    target, _cloud = api_target(endpoint=endpoint, resource=resource)
    if target.kind is ApiKind.OWN and endpoint is None and current.kind is ApiKind.OWN:
        target = ApiTarget(
            kind=ApiKind.OWN,
            resource=resource,
            base_url=current.base_url,
            relative_path=current.relative_path,
        )
    if target.kind is ApiKind.OWN and endpoint is not None:
        base, relative = split_origin(endpoint)
        target = ApiTarget(kind=ApiKind.OWN, resource=resource, base_url=base, relative_path=relative)
    return target
