"""The profile input shared by commands that act on one daemon app: saved profile, config file, flags."""

from __future__ import annotations

import argparse
import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from wizard.authority import parse_authority
from wizard.cli.arg_types import existing_file
from wizard.clouds import Cloud, TenantType
from wizard.errors import UsageError, ValidationError
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.scopes import DEFAULT_SUFFIX
from wizard.secret import Secret
from wizard.secret_sources import ENV_CLIENT_SECRET, from_env, from_file, read_secret

ENV_KEY_PASSPHRASE = "DAEMON_WIZARD_KEY_PASSPHRASE"


@dataclass
class ProfileInput:
    """A profile assembled from the command line, with the secret kept apart."""

    profile: Profile
    secret: Secret | None = None
    ca_file: str | None = None
    warnings: list[str] = field(default_factory=list)
    source: str = "flags"


def add_profile_arguments(
    parser: argparse.ArgumentParser, *, with_secret: bool = True, with_passphrase: bool = False
) -> None:
    """The flags of reference/cli.md: --profile, --from, the field flags, and the secret sources."""
    g = parser.add_argument_group("profile input (a saved profile, a config file, and/or flags; flags win)")
    g.add_argument("--profile", metavar="NAME", help="a saved profile")
    g.add_argument("--from", dest="from_file", metavar="FILE", help="a config file of the official samples")
    g.add_argument("--tenant-type", choices=[t.value for t in TenantType], help="workforce or external")
    g.add_argument("--cloud", choices=[c.value for c in Cloud], help="national cloud (workforce)")
    g.add_argument("--tenant", metavar="T", help="tenant ID or domain (External ID: the subdomain)")
    g.add_argument("--authority", metavar="URL", help="authority URL, instead of tenant type/cloud/tenant")
    g.add_argument("--client-id", metavar="C", help="application (client) ID")
    g.add_argument("--object-id", metavar="O", help="application object ID (optional)")
    scope = g.add_mutually_exclusive_group()
    scope.add_argument("--scope", metavar="S", help="the scope, e.g. https://graph.microsoft.com/.default")
    scope.add_argument("--resource", metavar="R", help="the resource (App ID URI); /.default is appended")
    g.add_argument("--api-url", metavar="URL", help="URL the API call goes to")
    g.add_argument(
        "--role", dest="roles", action="append", metavar="ROLE", help="an app role the API requires"
    )
    g.add_argument(
        "--certificate", metavar="PATH", help="public certificate (PEM/DER) for a certificate credential"
    )
    g.add_argument("--key", metavar="PATH", help="private key (PEM) for a certificate credential")
    g.add_argument("--pfx", metavar="PATH", help="PFX/P12 holding key and certificate")
    g.add_argument(
        "--ca-file",
        metavar="PATH",
        type=existing_file,
        help="extra CA to trust (sandbox elsewhere, TLS proxy)",
    )
    if with_secret:
        s = parser.add_argument_group("client secret (never as a flag value)")
        s.add_argument("--secret-stdin", action="store_true", help="read the secret from stdin")
        s.add_argument("--secret-file", metavar="PATH", help="read the secret from a file")
        s.add_argument(
            "--no-prompt",
            action="store_true",
            help=f"never prompt (otherwise ${ENV_CLIENT_SECRET} or a hidden prompt)",
        )
    if with_passphrase:
        parser.add_argument(
            "--passphrase-file",
            metavar="PATH",
            help=f"passphrase of an encrypted private key (or ${ENV_KEY_PASSPHRASE})",
        )


def passphrase_from_args(args: argparse.Namespace) -> Secret | None:
    """The private key's passphrase from --passphrase-file or the environment."""
    if getattr(args, "passphrase_file", None):
        value, _ = from_file(args.passphrase_file, what="passphrase")
        return value
    return from_env(ENV_KEY_PASSPHRASE)


def _from_file(path: str) -> tuple[Profile, Secret | None, list[str]]:
    # The importers live in wizard.configs; loaded by name so the parser stays light.
    configs = importlib.import_module("wizard.configs")
    if not Path(path).expanduser().is_file():
        raise UsageError(f"{path} does not exist or is not a file", hint="Check the path given to --from.")
    profile, secret, report = configs.load_profile(Path(path).expanduser())
    warnings = [str(w) for w in report.warnings]
    warnings += [f"{key} still holds a placeholder ({value})" for key, value in report.placeholders]
    warnings += [f"{key} is missing from {path}" for key in report.missing]
    warnings += [f"{key}: {problem}" for key, problem in report.malformed]
    return profile, secret, warnings


def _api(profile: Profile, args: argparse.Namespace) -> tuple[ApiTarget, Cloud | None]:
    from wizard.api_target import api_target, split_origin

    current = profile.api
    resource = current.resource
    given = args.resource or args.scope
    if given:
        raw = given.strip()
        single = len(raw.split()) == 1
        resource = raw[: -len(DEFAULT_SUFFIX)] if single and raw.endswith(DEFAULT_SUFFIX) else raw
    target, cloud = api_target(endpoint=args.api_url, resource=resource)
    if target.kind is ApiKind.OWN and args.api_url is None and current.kind is ApiKind.OWN:
        target = ApiTarget(
            kind=ApiKind.OWN,
            resource=resource,
            base_url=current.base_url,
            relative_path=current.relative_path,
        )
    if target.kind is ApiKind.OWN and args.api_url is not None:
        base, relative = split_origin(args.api_url)
        # target.resource: the one given, or the one the URL's host implies (Key Vault, ARM, SharePoint, ...)
        target = ApiTarget(kind=ApiKind.OWN, resource=target.resource, base_url=base, relative_path=relative)
    roles = tuple(args.roles or current.required_roles)
    return ApiTarget(target.kind, target.resource, target.base_url, target.relative_path, roles), cloud


def apply_flags(profile: Profile, args: argparse.Namespace) -> Profile:
    """The profile with the field flags applied on top (flags win)."""
    changes: dict[str, object] = {}
    if args.authority:
        try:
            parsed = parse_authority(args.authority)
        except ValidationError:
            # Keep it as given: `validate` reports exactly what is wrong with it.
            changes["authority_override"] = args.authority
        else:
            changes["tenant_type"] = parsed.tenant_type
            changes["tenant"] = parsed.tenant
            if parsed.cloud is not None:
                changes["cloud"] = parsed.cloud
            changes["authority_override"] = args.authority.rstrip("/") if parsed.custom_host else None
    if args.tenant_type:
        changes["tenant_type"] = TenantType(args.tenant_type)
    if args.tenant is not None:
        changes["tenant"] = args.tenant.strip()
    if args.client_id is not None:
        changes["client_id"] = args.client_id.strip()
    if args.object_id is not None:
        changes["object_id"] = args.object_id.strip()
    if args.resource or args.scope or args.api_url or args.roles:
        api, implied_cloud = _api(profile, args)
        changes["api"] = api
        if implied_cloud is not None:
            changes["cloud"] = implied_cloud
    if args.cloud:
        changes["cloud"] = Cloud(args.cloud)
    if args.certificate or args.key or args.pfx:
        changes["credential"] = CredentialKind.CERTIFICATE
        changes["certificate"] = certificate_from_flags(profile.certificate, args)
    if getattr(args, "federated_token_file", None):  # the commands that add_federated_arguments
        changes["credential"] = CredentialKind.FEDERATED
        changes["federated_token_file"] = args.federated_token_file
    if getattr(args, "federated_token_command", None):
        if getattr(args, "federated_token_file", None):
            raise UsageError(
                "Give --federated-token-file or --federated-token-command, not both",
                hint="The command prints the token each time; the file is re-read each time.",
            )
        changes["credential"] = CredentialKind.FEDERATED
        changes["federated_token_command"] = args.federated_token_command
    return profile.with_(**changes) if changes else profile


def add_federated_arguments(group: argparse._ArgumentGroup | argparse.ArgumentParser) -> None:
    """A federated credential's external token: its file or the command that prints it."""
    group.add_argument(
        "--federated-token-file",
        metavar="PATH",
        help="federated credential: the external OIDC token's file, re-read for every request "
        "(default $AZURE_FEDERATED_TOKEN_FILE when the profile's credential is federated)",
    )
    group.add_argument(
        "--federated-token-command",
        metavar="CMD",
        help="federated credential: a command that prints the external token, run for every request "
        "(no shell, scrubbed environment, 30 s timeout)",
    )


def certificate_from_flags(old: CertificateRef, args: argparse.Namespace) -> CertificateRef:
    """Explicit --pfx/--key/--certificate beat the profile's files, by one precedence:

    --pfx replaces the profile's whole credential (its key and certificate files are dropped);
    --key or --certificate replace the profile's PFX, and fill only their own half of a key + certificate
    pair (the other half comes from the profile). Thumbprints are kept only for an unchanged certificate.
    """
    if args.pfx:
        return CertificateRef(key_path=args.key, cert_path=args.certificate, pfx_path=args.pfx)
    same_cert = not args.certificate and not old.pfx_path
    return CertificateRef(
        key_path=args.key or (None if old.pfx_path else old.key_path),
        cert_path=args.certificate or (None if old.pfx_path else old.cert_path),
        thumbprint_sha1=old.thumbprint_sha1 if same_cert else None,
        thumbprint_sha256=old.thumbprint_sha256 if same_cert else None,
    )


def _federated_from_environment(profile: Profile, args: argparse.Namespace) -> bool:
    """$AZURE_FEDERATED_TOKEN_FILE (as azure-identity reads it) picks the federated kind for a live command
    when nothing else names a credential: no certificate, no secret source."""
    if not hasattr(args, "federated_token_file") or profile.credential is not CredentialKind.SECRET:
        return False
    if (
        getattr(args, "secret_stdin", False)
        or getattr(args, "secret_file", None)
        or os.environ.get(ENV_CLIENT_SECRET)
    ):
        return False
    return bool(os.environ.get("AZURE_FEDERATED_TOKEN_FILE", "").strip())


def profile_from_args(args: argparse.Namespace, *, need_secret: bool = True) -> ProfileInput:
    """Saved profile, then config file, then flags; the secret from stdin, file, environment or prompt."""
    profile = Profile()
    secret: Secret | None = None
    warnings: list[str] = []
    source = "flags"
    if args.profile:
        from wizard.profile_store import load_profile

        profile = load_profile(args.profile)
        source = f"profile:{args.profile}"
    if args.from_file:
        profile, secret, warnings = _from_file(args.from_file)
        source = f"file:{args.from_file}"
    profile = apply_flags(profile, args)
    if secret is None and _federated_from_environment(profile, args):
        profile = profile.with_(credential=CredentialKind.FEDERATED)
    if need_secret and profile.credential is CredentialKind.SECRET and hasattr(args, "secret_stdin"):
        given, more = read_secret(
            use_stdin=args.secret_stdin,
            file=args.secret_file,
            interactive=not args.no_prompt and secret is None,
        )
        warnings.extend(more)
        secret = given or secret
    return ProfileInput(
        profile=profile, secret=secret, ca_file=args.ca_file, warnings=warnings, source=source
    )
